using Crm.Channels.Fax;
using Crm.Hub.Tests.Fax;
using Crm.Hub.Tests.Sms;
using Microsoft.Playwright;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Browser;

/// <summary>An SMS and a fax from the same customer in the console: one conversation, the fax previewed by pdf.js, the SMS counter.</summary>
public sealed class SmsAndFaxConsoleTests(FaxHub hub) : IClassFixture<FaxHub>, IAsyncLifetime
{
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    [Fact]
    public async Task SmsAndFaxShowInOneConversationWithThePdfPreviewAndSegmentCounter()
    {
        hub.Phaxio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM99999999999999999999999999999999","status":"queued"}"""));
        var console = await _chromium.SignedInConsoleAsync(hub.BaseAddress);
        var errors = new List<string>();
        console.PageError += (_, e) => errors.Add(e);

        const string phone = "+15557770001";
        await SmsHub.TextAsync(hub, phone, "Faxing you the signed form now");
        var offer = console.GetByTestId("offer");
        await Assertions.Expect(offer).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await offer.GetByTestId("offer-accept").ClickAsync();
        await console.GetByTestId("mine-item").Filter(new() { HasText = "Faxing you the signed form" }).First.ClickAsync();

        var form = FaxDocumentRenderer.Render(new FaxCover("Customer", phone, FaxHub.FaxNumber, DateTimeOffset.UnixEpoch, null),
            string.Join("\n", Enumerable.Range(1, 70).Select(i => $"Clause {i}: the customer agrees to the terms.")));
        var pages = PdfPages.Count(form)!.Value;
        Assert.True(pages >= 3);
        (await hub.PostCallbackAsync(FaxHub.Received("4449001", phone, pages), form)).EnsureSuccessStatusCode();

        // The fax joined the same conversation and renders in the browser.
        var preview = console.GetByTestId("pdf-preview");
        await Assertions.Expect(preview).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(preview).ToHaveAttributeAsync("data-rendered", "1", new() { Timeout = 15_000 });
        await Assertions.Expect(preview.GetByTestId("pdf-page-count")).ToContainTextAsync($"{pages} pages");
        var canvas = await preview.GetByTestId("pdf-canvas").BoundingBoxAsync();
        Assert.True(canvas is { Width: > 100, Height: > 100 }, "the first page is drawn");
        await Assertions.Expect(console.GetByTestId("message-body").Filter(new() { HasText = "Faxing you the signed form now" })).ToBeVisibleAsync();
        // The contact card picks up the fax number the customer just used.
        await Assertions.Expect(console.Locator("[data-testid=identity][data-channel=fax]")).ToBeVisibleAsync();

        // Replying by SMS in Persian: the counter switches to Unicode and counts 70-character parts.
        await console.GetByTestId("reply-channel").SelectOptionAsync("sms");
        var composer = console.GetByTestId("composer");
        await composer.FillAsync("فرم امضاشده رسید، ممنون!");
        var counter = console.GetByTestId("segment-counter");
        await Assertions.Expect(counter).ToHaveAttributeAsync("data-encoding", "ucs2");
        await Assertions.Expect(counter).ToHaveAttributeAsync("data-segments", "1");
        await composer.FillAsync(new string('س', 71));
        await Assertions.Expect(counter).ToHaveAttributeAsync("data-segments", "2");
        await composer.FillAsync("Form received, thank you!");
        await Assertions.Expect(counter).ToHaveAttributeAsync("data-encoding", "gsm7");
        await console.GetByTestId("send").ClickAsync();

        var reply = console.GetByTestId("message").Filter(new() { HasText = "Form received, thank you!" });
        await Assertions.Expect(reply.GetByTestId("message-status")).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = 15_000 });
        Assert.Contains(hub.Phaxio.LogEntries, l => l.RequestMessage?.Path?.EndsWith("/Messages.json", StringComparison.Ordinal) == true
            && l.RequestMessage.Body?.Contains("Form+received", StringComparison.Ordinal) == true);

        // A PDF attached in the composer goes out by fax after the typed cover text.
        hub.Phaxio.Given(Request.Create().WithPath("/v2.1/faxes").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":true,"message":"Fax queued for sending","data":{"id":7770001}}"""));
        await console.GetByTestId("reply-channel").SelectOptionAsync("fax");
        await console.GetByTestId("attach-input").SetInputFilesAsync(new FilePayload
        {
            Name = "countersigned.pdf", MimeType = "application/pdf", Buffer = form,
        });
        await Assertions.Expect(console.GetByTestId("attached-files")).ToContainTextAsync("countersigned.pdf");
        await composer.FillAsync("Countersigned copy attached.");
        await console.GetByTestId("send").ClickAsync();
        var faxed = console.GetByTestId("message").Filter(new() { HasText = "Countersigned copy attached." });
        await Assertions.Expect(faxed.GetByTestId("message-status")).ToHaveAttributeAsync("data-status", "sent", new() { Timeout = 15_000 });
        await Assertions.Expect(faxed.GetByTestId("attachment")).ToHaveCountAsync(2);
        var faxRequest = System.Text.Encoding.Latin1.GetString(Assert.Single(hub.Phaxio.LogEntries, l => l.RequestMessage?.Path == "/v2.1/faxes").RequestMessage!.BodyAsBytes!);
        Assert.Contains("filename=countersigned.pdf", faxRequest, StringComparison.Ordinal);
        Assert.Equal(2, faxRequest.Split("name=file", StringSplitOptions.None).Length - 1);
        Assert.Empty(errors);

        await console.ScreenshotAsync(new() { Path = Path.Combine(AppContext.BaseDirectory, "sms-fax-console.png"), FullPage = true });
    }
}
