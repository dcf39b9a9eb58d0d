using Crm.Hub.Tests.Browser;
using Crm.Hub.Tests.Sms;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Channels;

/// <summary>The Channels settings form in real Chromium: the 400's failures land on the fields they name; a good save turns the card on.</summary>
public sealed class ChannelsAdminFormTests(UnconfiguredHub hub) : IClassFixture<UnconfiguredHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task AdminFixesTheNamedFieldAndTheCardTurnsOn()
    {
        var page = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        await page.GotoAsync("/app/admin");
        // Email: "Test connection" tries the values as typed and names the step that failed.
        var email = page.GetByTestId("channel-card-email");
        await email.GetByLabel("Support address").FillAsync("support@example.test");
        await email.GetByLabel("IMAP server").FillAsync("127.0.0.1");
        await email.GetByLabel("IMAP port").FillAsync("1");
        await email.GetByLabel("IMAP security (Auto, Tls, StartTls, None)").FillAsync("None");
        await email.GetByTestId("email-connection-test").ClickAsync();
        var report = email.GetByTestId("connection-report");
        await Assertions.Expect(report).ToHaveAttributeAsync("data-ok", "false", new() { Timeout = 20_000 });
        await Assertions.Expect(report.GetByTestId("connection-step-imap-dns")).ToHaveClassAsync("step-ok");
        await Assertions.Expect(report.GetByTestId("connection-step-imap-connect")).ToHaveClassAsync("step-failed");
        await Assertions.Expect(report.GetByTestId("connection-step-imap-connect")).ToContainTextAsync("Connection");
        await Assertions.Expect(report.GetByTestId("connection-step-smtp-settings")).ToContainTextAsync("No SMTP server");

        var sms = page.GetByTestId("channel-card-sms");
        await Assertions.Expect(sms).ToHaveAttributeAsync("data-configured", "false");
        await sms.GetByLabel("Account SID").FillAsync(SmsHub.AccountSid);
        await sms.GetByLabel("Account SID").PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("channel-field-error-sms-AuthToken")).ToContainTextAsync("required");
        await Assertions.Expect(sms.GetByLabel("Auth token")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(sms.GetByLabel("Auth token")).ToBeFocusedAsync();

        await sms.GetByLabel("Auth token").FillAsync("typed-into-a-password-box");
        await sms.GetByLabel("Business number (E.164)").FillAsync(SmsHub.BusinessNumber);
        await sms.GetByLabel("API base URL").FillAsync(hub.Twilio.Url!);
        await page.GetByTestId("channel-save-sms").ClickAsync();
        await Assertions.Expect(page.GetByTestId("channel-card-sms")).ToHaveAttributeAsync("data-configured", "true");
        Assert.DoesNotContain("typed-into-a-password-box", await page.ContentAsync(), StringComparison.Ordinal);
    }
}
