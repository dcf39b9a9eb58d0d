using System.Net;
using System.Net.Sockets;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>A hub that lets one "shop" origin (another port on this machine) embed the widget.</summary>
public sealed class ShopHub : HubServer
{
    public int ShopPort { get; } = FreePort();

    public string ShopOrigin => $"http://127.0.0.1:{ShopPort}";

    protected override IReadOnlyDictionary<string, string?> Settings =>
        new Dictionary<string, string?> { ["Crm:Channels:WebChat:AllowedOrigins:0"] = ShopOrigin };

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>The widget pasted into a page of another site: it talks to the hub across origins, as a business would use it.</summary>
public sealed class CrossOriginWidgetTests(ShopHub hub) : IClassFixture<ShopHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();
    private WebApplication? _shop;

    public async Task InitializeAsync()
    {
        await _chromium.InitializeAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(hub.ShopOrigin);
        _shop = builder.Build();
        var page = $"""
            <!doctype html><html><head><title>Shop</title></head>
            <body><h1>Another site</h1><script src="{new Uri(hub.BaseAddress, "/widget.js")}" async></script></body></html>
            """;
        _shop.MapGet("/", () => Results.Content(page, "text/html"));
        await _shop.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_shop is not null)
        {
            await _shop.DisposeAsync();
        }
        await _chromium.DisposeAsync();
    }

    [Fact]
    public async Task WidgetOnAnotherOriginReachesTheHub()
    {
        var context = await _chromium.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        var failures = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                failures.Add(message.Text);
            }
        };
        await page.GotoAsync(hub.ShopOrigin + "/");
        await page.GetByTestId("crm-launcher").ClickAsync();
        await page.GetByTestId("crm-prechat-name").FillAsync("Cross Origin Cora");
        await page.GetByTestId("crm-prechat-start").ClickAsync();
        await page.GetByTestId("crm-input").FillAsync("hello from another site");
        await page.GetByTestId("crm-send").ClickAsync();

        var message = page.GetByTestId("crm-message").Filter(new() { HasText = "hello from another site" });
        await Assertions.Expect(message).ToHaveAttributeAsync("data-status", new System.Text.RegularExpressions.Regex("sent|delivered|read"));
        Assert.DoesNotContain(failures, f => f.Contains("CORS", StringComparison.OrdinalIgnoreCase));

        using var admin = hub.Client(await hub.TokenAsync());
        var waiting = await admin.GetStringAsync("/api/v1/conversations?status=waiting");
        Assert.Contains("Cross Origin Cora", waiting);
    }
}
