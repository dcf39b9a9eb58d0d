using Crm.Hub.Tests.Email;
using Microsoft.Playwright;
using MimeKit;
using MimeKit.Utils;

namespace Crm.Hub.Tests.Browser;

/// <summary>An HTML email in the console: shown as sent in a sandboxed frame, remote images only on request, plain text with quotes folded.</summary>
public sealed class EmailConsoleTests(EmailHub hub) : IClassFixture<EmailHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task HtmlEmailShowsInASandboxedFrameWithRemoteImagesHeldBackAndTheReplyGoesOutByEmail()
    {
        var console = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        console.PageError += (_, e) => errors.Add(e);
        var customer = await hub.NewCustomerAsync("mina");

        var mail = new MimeMessage { Subject = "سفارش ۱۰۴۲ — damaged", MessageId = MimeUtils.GenerateMessageId("elsewhere.test") };
        mail.From.Add(new MailboxAddress("Mina", customer));
        mail.To.Add(MailboxAddress.Parse(EmailHub.Support));
        mail.Body = new BodyBuilder
        {
            TextBody = "The box was crushed.\n\nOn Mon, 2 Nov 2026 at 09:00, Shop <shop@example.test> wrote:\n> Your order shipped",
            HtmlBody = """<h1 style="color:#b00">The box was crushed</h1><p>See <a href="https://photos.example.net/1">the photos</a>.</p><img src="https://tracker.example.net/p.gif" alt="pixel"><script>window.parent.document.title='pwned'</script>""",
        }.ToMessageBody();
        await hub.Mail.DeliverAsync(mail);

        var offer = console.GetByTestId("offer");
        await Assertions.Expect(offer).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await offer.GetByTestId("offer-accept").ClickAsync();
        await console.GetByTestId("mine-item").Filter(new() { HasText = "damaged" }).First.ClickAsync();

        var message = console.GetByTestId("message").Filter(new() { Has = console.GetByTestId("email-frame") });
        await Assertions.Expect(message.GetByTestId("email-subject")).ToHaveTextAsync("سفارش ۱۰۴۲ — damaged");
        var frame = console.FrameLocator("[data-testid=email-frame]");
        await Assertions.Expect(frame.Locator("h1")).ToHaveTextAsync("The box was crushed");
        await Assertions.Expect(frame.Locator("a")).ToHaveAttributeAsync("target", "_blank");
        // Remote images wait for the agent; nothing from the mail ran in the console.
        await Assertions.Expect(frame.Locator("img[alt=pixel]")).Not.ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("."));
        await Assertions.Expect(message.GetByTestId("email-remote")).ToBeVisibleAsync();
        await message.GetByTestId("email-load-images").ClickAsync();
        await Assertions.Expect(frame.Locator("img[alt=pixel]")).ToHaveAttributeAsync("src", "https://tracker.example.net/p.gif");
        Assert.NotEqual("pwned", await console.TitleAsync());

        // Plain text: the customer's words, the quoted mail folded away until asked for.
        await message.GetByTestId("email-view-toggle").ClickAsync();
        var text = message.GetByTestId("message-body");
        await Assertions.Expect(text).ToHaveTextAsync("The box was crushed.");
        await message.GetByTestId("email-quoted-toggle").ClickAsync();
        await Assertions.Expect(text).ToContainTextAsync("> Your order shipped");

        await console.GetByTestId("composer").FillAsync("A new box is on its way.");
        await console.GetByTestId("send").ClickAsync();
        var reply = console.GetByTestId("message").Filter(new() { HasText = "A new box is on its way." });
        await Assertions.Expect(reply.GetByTestId("message-status")).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = 20_000 });
        var received = await hub.Mail.WaitForMessageAsync(customer, m => m.InReplyTo == mail.MessageId, TimeSpan.FromSeconds(20));
        Assert.Equal("Re: سفارش ۱۰۴۲ — damaged", received.Subject);
        Assert.Empty(errors);
    }
}
