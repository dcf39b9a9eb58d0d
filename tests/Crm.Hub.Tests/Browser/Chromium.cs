using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>Debian's Chromium driven by Playwright; browsers are never downloaded.</summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException($"{ExecutablePath} is missing: install Debian's chromium (.ci/run does).");
        }
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            // The machine has no network: without these Chromium keeps dialing out.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context on the hub with the console open and the admin signed in.</summary>
    public async Task<IPage> SignedInConsoleAsync(Uri hub)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = hub.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/app/");
        await page.Locator("#login-email").FillAsync(Support.HubServer.AdminEmail);
        await page.Locator("#login-password").FillAsync(Support.HubServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("presence")).ToBeVisibleAsync();
        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
    }
}
