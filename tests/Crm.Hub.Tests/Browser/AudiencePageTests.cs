using System.Text;
using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>
/// An admin builds a segment with a live count, imports a CSV through the preview and mapping, watches the progress bar
/// reach 100 % with the report and its error download, sees the segment count the imported contacts, and takes the file's
/// contacts to a new campaign as its audience.
/// </summary>
public sealed class AudiencePageTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task AnImportReachesOneHundredPercentAndTheSegmentCountsItsContacts()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-audience").ClickAsync();
        await Assertions.Expect(page.GetByTestId("segments-empty")).ToBeVisibleAsync();

        // The editor counts as it is edited; an empty tag is shown as wrong at its row.
        await page.GetByTestId("segment-add").ClickAsync();
        await Assertions.Expect(page.GetByTestId("segment-row-error")).ToContainTextAsync("tag cannot be empty");
        await page.GetByTestId("segment-value").FillAsync("vip");
        await Assertions.Expect(page.GetByTestId("segment-count")).ToHaveTextAsync("No contacts match");
        await page.GetByTestId("segment-name").FillAsync("VIPs");
        await page.GetByTestId("segment-save").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=segment-row-saved][data-name=VIPs]")).ToBeVisibleAsync();

        var csv = "Name,Mobile,Email,Tags,Plan\n"
            + "Sara Ahmadi,+1 415 555 0101,sara@example.test,vip,gold\n"
            + "Reza Karimi,+1 415 555 0102,reza@example.test,\"vip,newsletter\",silver\n"
            + "Not A Number,12,nobody@example.test,vip,\n";
        await page.GetByTestId("import-file").SetInputFilesAsync(new FilePayload { Name = "contacts.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Assertions.Expect(page.GetByTestId("import-preview")).ToContainTextAsync("Reza Karimi");
        var fields = page.GetByTestId("import-field");
        await Assertions.Expect(fields.Nth(1)).ToHaveValueAsync("phone");
        await Assertions.Expect(fields.Nth(4)).ToHaveValueAsync("attribute");
        await Assertions.Expect(page.GetByTestId("import-key")).ToHaveValueAsync("plan");
        await page.GetByTestId("import-start").ClickAsync();

        await Assertions.Expect(page.GetByTestId("import-progress")).ToHaveAttributeAsync("data-percent", "100");
        await Assertions.Expect(page.GetByTestId("import-counts")).ToContainTextAsync("3 of 3 rows (100%)");
        await Assertions.Expect(page.GetByTestId("import-created")).ToHaveTextAsync("2 contacts created");
        await Assertions.Expect(page.GetByTestId("import-skipped")).ToHaveTextAsync("1 row skipped");
        var report = page.GetByTestId("import-error-report");
        await Assertions.Expect(report).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("/api/v1/contact-imports/.+/errors.csv$"));
        var download = await page.APIRequest.GetAsync(await report.GetAttributeAsync("href") ?? "");
        Assert.Contains("Not A Number", await download.TextAsync(), StringComparison.Ordinal);

        var saved = page.Locator("[data-testid=segment-row-saved][data-name=VIPs]");
        await saved.GetByTestId("segment-edit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("segment-count")).ToHaveTextAsync("2 contacts match");
        await page.GetByTestId("segment-add-group").ClickAsync();
        await page.GetByTestId("segment-match").Nth(1).SelectOptionAsync("all");
        await page.GetByTestId("segment-value").Nth(1).FillAsync("newsletter");
        await Assertions.Expect(page.GetByTestId("segment-count")).ToHaveTextAsync("1 contact matches");

        // The file's contacts as a campaign's audience: a segment named after the file and date, chosen in a new campaign form.
        await page.GetByTestId("import-use-audience").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/app/campaigns$"));
        await Assertions.Expect(page.GetByTestId("campaign-form")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("campaign-segment").Locator("option:checked"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^contacts\.csv \(\d{4}-\d{2}-\d{2}\)$"));
        var segmentId = await page.GetByTestId("campaign-segment").InputValueAsync();
        var members = await page.APIRequest.GetAsync($"/api/v1/segments/{segmentId}/contacts");
        Assert.Contains("\"total\":2", await members.TextAsync(), StringComparison.Ordinal);

        // And the other way round: the audience picker's "Upload a CSV…" leads to the import.
        await page.GetByTestId("campaign-segment").SelectOptionAsync("upload-csv");
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/app/audience$"));
        await Assertions.Expect(page.GetByTestId("import-file")).ToBeAttachedAsync();

        // The saved segment opens in the editor as an "imported from" condition naming the file, and counts its two contacts.
        var fromFile = page.Locator("[data-testid=segment-row-saved][data-name^='contacts.csv (']");
        await fromFile.GetByTestId("segment-edit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("segment-field")).ToHaveValueAsync("import");
        await Assertions.Expect(page.GetByTestId("segment-value").Locator("option:checked")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^contacts\\.csv — "));
        await Assertions.Expect(page.GetByTestId("segment-count")).ToHaveTextAsync("2 contacts match");
        Assert.Empty(errors);
    }
}
