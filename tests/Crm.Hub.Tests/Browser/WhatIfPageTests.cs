using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A supervisor replays today's conversations with a staffing plan of their own and reads waits and occupancy.</summary>
public sealed class WhatIfPageTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task SupervisorReplaysTodayWithAPlanOfTheirOwn()
    {
        await hub.VisitorWritesAsync("replay me one");
        await hub.VisitorWritesAsync("replay me two");
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-routing").ClickAsync();
        var panel = page.GetByTestId("whatif");

        // A bad time zone is refused at its field.
        await panel.GetByLabel("Time zone").FillAsync("Mars/Olympus");
        await page.GetByTestId("whatif-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("whatif-zone-error")).ToContainTextAsync("'Mars/Olympus' is not a time zone");

        await panel.GetByLabel("Time zone").FillAsync("UTC");
        await page.GetByTestId("whatif-staff").SelectOptionAsync("custom");
        await page.GetByTestId("whatif-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("whatif-answered")).ToContainTextAsync("/");
        var answered = await page.GetByTestId("whatif-answered").Locator(".figure-value").InnerTextAsync();
        Assert.Matches(@"^(\d+) / \1$", answered);
        await Assertions.Expect(page.GetByTestId("whatif-occupancy")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("whatif-occupancy")).ToContainTextAsync("Agent 1");

        await page.GetByTestId("whatif-add-agent").ClickAsync();
        await page.GetByTestId("whatif-run").ClickAsync();
        await Assertions.Expect(page.GetByTestId("whatif-occupancy")).ToHaveCountAsync(2);
        Assert.Empty(errors);
    }
}
