using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A supervisor watches the live board while a customer writes in through the widget.</summary>
public sealed class SupervisorBoardPageTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task TheBoardShowsANewWaitingConversationWithinASecondAndListsItBehindTheCount()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GetByTestId("nav-board").ClickAsync();
        await Assertions.Expect(page.GetByTestId("board-page")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tile-opened-value")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("board-alerts")).ToContainTextAsync("No alerts");

        // The real inbound path: a widget visitor writes; the call returns once the message is committed.
        var conversationId = await hub.VisitorWritesAsync("Where is my parcel?");

        var webchat = page.Locator("[data-testid=board-channel-row][data-key=webchat]");
        await Assertions.Expect(webchat.GetByTestId("board-waiting")).ToHaveTextAsync("1", new() { Timeout = 1000 });
        await Assertions.Expect(page.GetByTestId("tile-opened-value")).ToHaveTextAsync("1");
        await Assertions.Expect(page.Locator("[data-testid=board-health-row][data-key=webchat]")).Not.ToContainTextAsync("never");

        await webchat.GetByTestId("board-waiting").ClickAsync();
        var item = page.Locator($"[data-testid=drill-item][data-id='{conversationId}']");
        await Assertions.Expect(item).ToBeVisibleAsync();
        await Assertions.Expect(item).ToContainTextAsync("Visitor");
        await item.GetByTestId("drill-why").ClickAsync();
        await Assertions.Expect(item.GetByTestId("why-agent")).ToBeVisibleAsync();

        // Persian mirrors the board.
        await page.GetByTestId("lang-toggle").ClickAsync();
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Assertions.Expect(page.GetByTestId("board-queues")).ToContainTextAsync("صف‌ها");
        Assert.Empty(errors);
    }
}
