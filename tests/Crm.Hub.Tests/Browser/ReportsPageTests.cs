using Crm.Hub.Tests.Reports;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A supervisor reads June's report in the console, downloads its CSV (the same bytes the API serves), sees an empty period as such, and works the complaints register.</summary>
public sealed class ReportsPageTests(ReportsHub hub) : IClassFixture<ReportsHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task TheReportsPageShowsTheFiguresAndItsCsvMatchesTheApi()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-reports").ClickAsync();
        await page.GetByTestId("report-from").FillAsync("2026-06-01");
        await page.GetByTestId("report-to").FillAsync("2026-06-10");
        await page.GetByTestId("report-by").SelectOptionAsync("queue");
        await page.GetByTestId("report-run").ClickAsync();

        await Assertions.Expect(page.GetByTestId("report-conversations")).ToContainTextAsync("6");
        await Assertions.Expect(page.GetByTestId("report-resolved")).ToContainTextAsync("5");
        await Assertions.Expect(page.GetByTestId("report-fcr")).ToContainTextAsync("40%");
        await Assertions.Expect(page.GetByTestId("report-sla")).ToContainTextAsync("50%");
        await Assertions.Expect(page.GetByTestId("report-same-day")).ToContainTextAsync("60%");
        // 2376 s of first response in business hours: 40 min.
        await Assertions.Expect(page.GetByTestId("report-frt")).ToContainTextAsync("40 min");
        await Assertions.Expect(page.GetByTestId("report-row")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=report-row]").First).ToContainTextAsync("Support");
        await Assertions.Expect(page.Locator("canvas")).ToHaveCountAsync(2);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("report-csv").ClickAsync());
        var downloaded = await File.ReadAllTextAsync((await download.PathAsync())!);
        using var admin = hub.Client(await hub.TokenAsync());
        var served = await admin.GetStringAsync("/api/v1/reports/conversations.csv?from=2026-06-01&to=2026-06-10");
        Assert.Equal(served, downloaded);
        Assert.Equal(7, downloaded.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        await page.GetByTestId("report-from").FillAsync("2025-01-01");
        await page.GetByTestId("report-to").FillAsync("2025-01-31");
        await page.GetByTestId("report-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("report-empty")).ToBeVisibleAsync();

        await page.GetByTestId("report-to").FillAsync("2024-12-01");
        await page.GetByTestId("report-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("report-error")).ToContainTextAsync("before it starts");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheRegisterListsComplaintsAndSuggestionsAndTakesAStatusChange()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        await page.GetByTestId("nav-register").ClickAsync();
        var complaint = page.Locator($"[data-testid=register-row][data-conversation='{hub.Conversations[4]}']");
        await Assertions.Expect(complaint).ToContainTextAsync("Ali");
        await Assertions.Expect(page.Locator($"[data-testid=register-row][data-conversation='{hub.Conversations[5]}']")).ToContainTextAsync("Neda");

        await complaint.GetByTestId("register-row-status").SelectOptionAsync("inProgress");
        await Assertions.Expect(complaint.GetByTestId("register-row-status")).ToHaveValueAsync("inProgress");
        await page.GetByTestId("register-status").SelectOptionAsync("inProgress");
        await Assertions.Expect(page.GetByTestId("register-row")).ToHaveCountAsync(1);
        await page.GetByTestId("register-kind").SelectOptionAsync("suggestion");
        await Assertions.Expect(page.GetByTestId("register-empty")).ToBeVisibleAsync();
    }
}
