using Crm.Hub.Tests.Fax;
using Crm.Hub.Tests.Sms;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Browser;

/// <summary>Admin → Channels in real Chromium: state, webhook URLs to paste, secrets never on the page, a test send.</summary>
public sealed class ChannelsAdminPageTests(FaxHub hub) : IClassFixture<FaxHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task AdminSeesChannelStateWebhookUrlsAndSendsATestMessage()
    {
        hub.Phaxio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost()
                .WithBody(b => b?.Contains("To=%2B14155550177", StringComparison.Ordinal) == true))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"sid":"SMadmintest","status":"queued"}"""));
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        await page.GotoAsync("/app/admin");

        var fax = page.GetByTestId("channel-card-fax");
        await Assertions.Expect(fax).ToHaveAttributeAsync("data-configured", "true");
        await Assertions.Expect(fax).ToContainTextAsync("https://crm.example.test/webhooks/fax/phaxio");
        await Assertions.Expect(page.GetByTestId("channel-card-telegram")).ToHaveAttributeAsync("data-configured", "false");
        Assert.DoesNotContain(FaxHub.CallbackToken, await page.ContentAsync(), StringComparison.Ordinal);

        var sms = page.GetByTestId("channel-card-sms");
        await sms.GetByLabel("Send to").FillAsync("+1 415 555 0177");
        await page.GetByTestId("channel-test-sms").ClickAsync();
        await Assertions.Expect(page.GetByTestId("channel-test-result-sms")).ToContainTextAsync("SMadmintest");
    }
}
