using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels.Fax;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Fax;

/// <summary>Fax end to end: a signed inbound fax with its PDF, routed, answered as a rendered PDF, and the provider's status back.</summary>
public sealed class FaxChannelTests(FaxHub hub) : IClassFixture<FaxHub>
{
    private static readonly byte[] InboundPdf = FaxDocumentRenderer.Render(
        new FaxCover("Customer Co", "+15551110000", FaxHub.FaxNumber, DateTimeOffset.UnixEpoch, null), "Please send the invoice again.");

    [Fact]
    public async Task InboundFaxIsRoutedAnsweredAsAPdfAndDeliveryReachesTheConsole()
    {
        hub.Phaxio.Given(Request.Create().WithPath("/v2.1/faxes").UsingPost())
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

        var send = Assert.Single(hub.Phaxio.LogEntries, l => l.RequestMessage?.Path == "/v2.1/faxes");
        var body = System.Text.Encoding.Latin1.GetString(send.RequestMessage!.BodyAsBytes!);
        Assert.Contains("+15551110000", body, StringComparison.Ordinal);
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
}
