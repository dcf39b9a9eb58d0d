using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels.Fax;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Fax;

/// <summary>Fax end to end: a signed inbound fax with its PDF, routed, answered as a rendered PDF, and the provider's status back.</summary>
public sealed class FaxChannelTests(FaxHub hub) : IClassFixture<FaxHub>
{
    private const long FaxWebhooksCap = 40 * 1024 * 1024;

    private static readonly byte[] InboundPdf = FaxDocumentRenderer.Render(
        new FaxCover("Customer Co", "+15551110000", FaxHub.FaxNumber, DateTimeOffset.UnixEpoch, null), "Please send the invoice again.");

    [Fact]
    public async Task InboundFaxIsRoutedAnsweredAsAPdfAndDeliveryReachesTheConsole()
    {
        hub.Phaxio.Given(FaxHub.SendTo("+15551110000"))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":true,"message":"Fax queued for sending","data":{"id":5550001}}"""));
        var (agentId, token) = await hub.CreateAgentAsync("Faxer", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["fax"] = 2 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        agent.On<PushedEvent>("MessageUpdated", inbox.Add);
        await agent.StartAsync();

        var callback = FaxHub.Received("4440001", "+15551110000", 2);
        Assert.Equal(HttpStatusCode.OK, (await hub.PostCallbackAsync(callback, InboundPdf)).StatusCode);
        // Phaxio retries callbacks it thinks failed: the same fax is stored once.
        Assert.Equal(HttpStatusCode.OK, (await hub.PostCallbackAsync(callback, InboundPdf)).StatusCode);

        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("channel").GetString() == "fax"
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);
        using var api = hub.Client(token);
        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{assigned.ConversationId}/messages");
        var fax = Assert.Single(thread.EnumerateArray());
        Assert.Equal("Fax, 2 pages", fax.GetProperty("body").GetString());
        var pdf = Assert.Single(fax.GetProperty("attachments").EnumerateArray());
        Assert.Equal(2, pdf.GetProperty("pages").GetInt32());
        Assert.Equal("application/pdf", pdf.GetProperty("contentType").GetString());
        Assert.Equal(InboundPdf, await api.GetByteArrayAsync($"/api/v1/attachments/{pdf.GetProperty("id").GetGuid()}?inline=true"));

        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{assigned.ConversationId}/messages", new { body = "فاکتور دوباره ارسال شد. The invoice is attached." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");
        var rendered = await inbox.WaitForAsync(e => e.Type == "MessageUpdated" && e.Data.GetProperty("message").GetProperty("id").GetGuid() == replyId);
        Assert.Equal(2, rendered.Data.GetProperty("message").GetProperty("attachments")[0].GetProperty("pages").GetInt32());

        var body = Assert.Single(hub.SendsTo("+15551110000"));
        Assert.Contains("name=file; filename=", body, StringComparison.Ordinal);
        Assert.Contains("Content-Type: application/pdf", body, StringComparison.Ordinal);
        Assert.Contains("%PDF-", body, StringComparison.Ordinal);
        Assert.Contains("https://crm.example.test/webhooks/fax/phaxio", body, StringComparison.Ordinal);
        Assert.Contains(replyId.ToString(), body, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await hub.PostCallbackAsync(FaxHub.Sent("5550001", "success"))).StatusCode);
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "delivered");
        // A late "inprogress" callback does not move it back.
        Assert.Equal(HttpStatusCode.OK, (await hub.PostCallbackAsync(FaxHub.Sent("5550001", "inprogress"))).StatusCode);
        var after = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{assigned.ConversationId}/messages");
        Assert.Equal("delivered", after.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == replyId).GetProperty("deliveryStatus").GetString());
    }

    [Fact]
    public async Task ForgedSignatureIsForbiddenAndNothingIsStored()
    {
        var response = await hub.PostCallbackAsync(FaxHub.Received("4440002", "+15551119999", 1), InboundPdf, signature: "0000000000000000000000000000000000000000");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var admin = hub.Client(await hub.TokenAsync());
        var contacts = await admin.GetStringAsync("/api/v1/conversations");
        Assert.DoesNotContain("4440002", contacts, StringComparison.Ordinal);
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Count(c => c.GetProperty("channel").GetString() == "fax" && c.GetProperty("lastMessagePreview").GetString() == "Fax, 1 page"));
    }

    [Fact]
    public async Task ProviderOutageShowsRetryingThenTheFaxIsSent()
    {
        const string caller = "+15551114444";
        const string scenario = "phaxio-outage";
        hub.Phaxio.Given(FaxHub.SendTo(caller)).InScenario(scenario).WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(500).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":false,"message":"Internal server error"}"""));
        hub.Phaxio.Given(FaxHub.SendTo(caller)).InScenario(scenario).WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":true,"message":"Fax queued for sending","data":{"id":5550002}}"""));
        // A longer fax than the other tests send, so its conversation is told apart by its preview.
        var pdf = FaxDocumentRenderer.Render(new FaxCover("Customer Co", caller, FaxHub.FaxNumber, DateTimeOffset.UnixEpoch, null),
            string.Join("\n", Enumerable.Range(1, 90).Select(i => $"Item {i}: please quote the price for this part.")));
        var preview = $"Fax, {PdfPages.Count(pdf)} pages";
        Assert.NotEqual("Fax, 2 pages", preview);

        var (agentId, token) = await hub.CreateAgentAsync("Retrier", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["fax"] = 5 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await hub.PostCallbackAsync(FaxHub.Received("4440010", caller, 4), pdf)).StatusCode);
        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("assigneeId").GetGuid() == agentId && e.Data.GetProperty("lastMessagePreview").GetString() == preview);

        using var api = hub.Client(token);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{assigned.ConversationId}/messages", new { body = "The quote follows." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var retrying = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.TryGetProperty("retrying", out var r) && r.GetBoolean());
        Assert.Equal("pending", retrying.Data.GetProperty("deliveryStatus").GetString());
        Assert.Contains("HTTP 500: Internal server error", retrying.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");

        // Both attempts faxed the same rendered PDF, and the reply carries it once.
        var sends = hub.SendsTo(caller);
        Assert.Equal(2, sends.Count);
        Assert.Equal(Pdf(sends[0]), Pdf(sends[1]));
        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{assigned.ConversationId}/messages");
        var sent = thread.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == replyId);
        Assert.Single(sent.GetProperty("attachments").EnumerateArray());
        Assert.Equal("sent", sent.GetProperty("deliveryStatus").GetString());
    }

    [Fact]
    public async Task MalformedCallbacksAreBadRequests()
    {
        var noFax = new Dictionary<string, string> { ["direction"] = "received" };
        var response = await hub.PostCallbackAsync(noFax);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'fax' field", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var client = hub.Client();
        using var json = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(FaxHub.CallbackPath, json)).StatusCode);
    }

    [Fact]
    public async Task CallbacksPastTheBodyCapAreRefusedUnread()
    {
        // Kestrel's own default (30 MB) is lower than a fax callback may be; the endpoint's cap is 40 MB.
        var bigButAllowed = new byte[32 * 1024 * 1024];
        var response = await hub.PostCallbackAsync(FaxHub.Received("4440020", "+15551116666", 1), bigButAllowed, signature: "0000");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        // Past the cap: refused on its Content-Length before a byte of the body is read ("Expect: 100-continue" lets the
        // client hear that instead of a reset connection while it is still writing).
        using var client = hub.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, FaxHub.CallbackPath)
        {
            Content = new ByteArrayContent(new byte[FaxWebhooksCap + 1]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("multipart/form-data") { Parameters = { new("boundary", "xyz") } };
        request.Headers.ExpectContinue = true;
        var tooBig = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooBig.StatusCode);
        Assert.Contains("read up to 40 MB", await tooBig.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FaxFromANumberThatTextsJoinsTheSameContact()
    {
        const string phone = "+15551237777";
        await SmsHub.TextAsync(hub, phone, "I will fax the form");
        Assert.Equal(HttpStatusCode.OK, (await hub.PostCallbackAsync(FaxHub.Received("4440003", phone, 2), InboundPdf)).StatusCode);

        using var admin = hub.Client(await hub.TokenAsync());
        var conversation = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Single(c => c.GetProperty("lastMessagePreview").GetString() == "Fax, 2 pages");
        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{conversation.GetProperty("contactId").GetGuid()}");
        Assert.Equal(["fax", "sms"], contact.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()!).Order().ToArray());
        // One conversation stream per customer: the fax joined the open SMS conversation.
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages");
        Assert.Equal(["sms", "fax"], thread.EnumerateArray().Select(m => m.GetProperty("channel").GetString()!).ToArray());
    }

    /// <summary>The PDF file part of a multipart send (Latin-1 text, one character per byte).</summary>
    private static string Pdf(string multipart)
    {
        var start = multipart.IndexOf("%PDF-", StringComparison.Ordinal);
        Assert.True(start >= 0, "the send has a PDF file part");
        var end = multipart.IndexOf("%%EOF", start, StringComparison.Ordinal);
        Assert.True(end > start, "the PDF file part is complete");
        return multipart[start..end];
    }
}
