using Crm.Hub.Tests.Campaigns;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>
/// A marketer creates an SMS campaign from the console — a refused draft first (no audience, a template that does not
/// parse), then a good one — launches it and watches the progress bar reach 100 % from live pushes, with the counters,
/// the funnel and the recipients CSV; every recipient got exactly one message at the emulated Twilio.
/// </summary>
public sealed class CampaignsPageTests(CampaignsHub hub) : IClassFixture<CampaignsHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task MarketerLaunchesACampaignAndWatchesItReachOneHundredPercent()
    {
        var tag = $"p{Guid.NewGuid():N}"[..12];
        var numbers = await hub.SeedAsync(tag, 12);
        using (var api = hub.Client(await hub.TokenAsync()))
        {
            await CampaignsHub.SegmentAsync(api, tag);
        }
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-campaigns").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaigns-empty")).ToBeVisibleAsync();

        await page.GetByTestId("campaign-add").ClickAsync();
        await page.GetByTestId("campaign-name").FillAsync("Winter check-ups");
        await page.GetByTestId("campaign-body-en").FillAsync("Hi {{ contact.first_name }}\n{{ if }}");
        await page.GetByTestId("campaign-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("cmp-segment-error")).ToContainTextAsync("segment");
        await Assertions.Expect(page.GetByTestId("cmp-body-en-error")).ToContainTextAsync("line 2");

        await page.GetByTestId("campaign-segment").SelectOptionAsync(new SelectOptionValue { Label = $"segment {tag}" });
        await page.GetByTestId("campaign-body-en").FillAsync("Hi {{ contact.first_name }}, flu shots are in. Reply STOP to opt out.");
        await page.GetByTestId("campaign-pace").FillAsync("20");
        await page.GetByTestId("campaign-check").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-audience")).ToHaveTextAsync("12 contacts in the audience now.");
        await page.GetByTestId("campaign-save").ClickAsync();

        await Assertions.Expect(page.GetByTestId("campaign-detail-state")).ToHaveTextAsync("Draft");
        await page.GetByTestId("campaign-launch").ClickAsync();
        await Assertions.Expect(page.GetByTestId("campaign-progress")).ToHaveAttributeAsync("data-percent", "100", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("campaign-detail-state")).ToHaveTextAsync("Completed", new() { Timeout = 30_000 });
        await Assertions.Expect(page.GetByTestId("count-sent")).ToHaveTextAsync("12");
        await Assertions.Expect(page.GetByTestId("campaign-progress-text")).ToContainTextAsync("12 of 12 sent");
        await Assertions.Expect(page.Locator("[data-testid=campaign-row][data-name='Winter check-ups'] [data-testid=campaign-row-progress]"))
            .ToHaveAttributeAsync("data-percent", "100");

        var csv = await page.APIRequest.GetAsync(await page.GetByTestId("campaign-csv").GetAttributeAsync("href") ?? "");
        var text = await csv.TextAsync();
        Assert.All(numbers, n => Assert.Contains(n, text, StringComparison.Ordinal));
        var sends = hub.Sends().Where(s => numbers.Contains(s["To"])).Select(s => s["To"]).ToList();
        Assert.Equal(numbers.Order(), sends.Order());
        Assert.Empty(errors);
    }
}
