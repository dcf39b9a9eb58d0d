using Crm.Hub.Tests.Support;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>The demo page's widget and the agent console side by side in real Chromium.</summary>
public sealed class ConsoleAndWidgetTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();
    private readonly List<string> _dialogs = [];

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    private async Task<IPage> OpenAsync(string path)
    {
        var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = hub.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.Dialog += (_, dialog) =>
        {
            _dialogs.Add(dialog.Message);
            _ = dialog.DismissAsync();
        };
        await page.GotoAsync(path);
        return page;
    }

    private async Task<IPage> SignedInConsoleAsync()
    {
        var console = await OpenAsync("/app/");
        await console.Locator("#login-email").FillAsync(HubServer.AdminEmail);
        await console.Locator("#login-password").FillAsync(HubServer.AdminPassword);
        await console.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(console.GetByTestId("presence")).ToBeVisibleAsync();
        return console;
    }

    [Fact]
    public async Task VisitorAndAgentChatRoundTripShowsHostileTextAsText()
    {
        var console = await SignedInConsoleAsync();

        var site = await OpenAsync("/demo");
        await site.GetByTestId("crm-launcher").ClickAsync();
        var name = site.GetByTestId("crm-prechat-name");
        await name.FillAsync("Browser Bahar");
        await site.GetByTestId("crm-prechat-start").ClickAsync();
        const string hostile = "<img src=x onerror=alert(1)>";
        await site.GetByTestId("crm-input").FillAsync(hostile);
        await site.GetByTestId("crm-send").ClickAsync();
        await Assertions.Expect(site.GetByTestId("crm-message").Filter(new() { HasText = hostile })).ToBeVisibleAsync();

        // The admin is online with webchat capacity, so the conversation is offered to them.
        var offer = console.GetByTestId("offer");
        await Assertions.Expect(offer).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await offer.GetByTestId("offer-accept").ClickAsync();
        await console.GetByTestId("mine-item").Filter(new() { HasText = "Browser Bahar" }).First.ClickAsync();

        var body = console.GetByTestId("message-body").Filter(new() { HasText = hostile });
        await Assertions.Expect(body).ToHaveTextAsync(hostile);
        Assert.Equal(0, await console.Locator("[data-testid=message-body] img").CountAsync());

        await console.GetByTestId("composer").FillAsync("سلام! How can I help?");
        await console.GetByTestId("send").ClickAsync();

        var reply = site.GetByTestId("crm-message").Filter(new() { HasText = "How can I help?" });
        await Assertions.Expect(reply).ToBeVisibleAsync();
        await Assertions.Expect(reply).ToHaveAttributeAsync("data-direction", "outbound");
        Assert.Empty(_dialogs);

        // "Why this agent" shows whom the router looked at; the agent files the conversation as a complaint.
        await console.GetByTestId("why-agent").Locator("summary").ClickAsync();
        var chosen = console.GetByTestId("decision-candidate").And(console.Locator("[data-verdict=chosen]"));
        await Assertions.Expect(chosen.First).ToContainTextAsync("Administrator");
        await console.GetByTestId("category").SelectOptionAsync("complaint");
        await Assertions.Expect(console.GetByTestId("category")).ToHaveValueAsync("complaint");

        // Reopening the widget page keeps the conversation.
        await site.ReloadAsync();
        await site.GetByTestId("crm-launcher").ClickAsync();
        await Assertions.Expect(site.GetByTestId("crm-message").Filter(new() { HasText = "How can I help?" })).ToBeVisibleAsync();
        await Assertions.Expect(site.GetByTestId("crm-message").Filter(new() { HasText = hostile })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task LanguageToggleSwitchesTheConsoleToPersianRightToLeft()
    {
        var console = await SignedInConsoleAsync();
        await Assertions.Expect(console.Locator("html")).ToHaveAttributeAsync("dir", "ltr");
        await console.GetByTestId("lang-toggle").ClickAsync();
        await Assertions.Expect(console.Locator("html")).ToHaveAttributeAsync("dir", "rtl");
        await Assertions.Expect(console.Locator("html")).ToHaveAttributeAsync("lang", "fa");
    }

    [Fact]
    public async Task AdminCreatesATeamAndAnAgentFromTheConsole()
    {
        var console = await SignedInConsoleAsync();
        await console.GetByTestId("nav-admin").ClickAsync();
        await console.GetByTestId("team-name").FillAsync("Returns desk");
        await console.GetByTestId("team-create").ClickAsync();
        await Assertions.Expect(console.GetByTestId("team-row").Filter(new() { HasText = "Returns desk" })).ToBeVisibleAsync();

        await console.GetByTestId("agent-email").FillAsync("too-short@test.local");
        await console.GetByTestId("agent-name").FillAsync("Shirin");
        await console.GetByTestId("agent-password").FillAsync("short");
        await console.GetByTestId("agent-create").ClickAsync();
        await Assertions.Expect(console.GetByTestId("agent-password-error")).ToContainTextAsync("10");

        await console.GetByTestId("agent-password").FillAsync("Long-enough-password");
        await console.GetByTestId("agent-teams").SelectOptionAsync(new SelectOptionValue { Label = "Returns desk" });
        await console.GetByTestId("agent-create").ClickAsync();
        await Assertions.Expect(console.GetByTestId("agent-row").Filter(new() { HasText = "Shirin" })).ToBeVisibleAsync();

        using var api = hub.Client(await hub.TokenAsync("too-short@test.local", "Long-enough-password"));
        var me = await api.GetStringAsync("/api/v1/auth/me");
        Assert.Contains("Shirin", me);
    }
}
