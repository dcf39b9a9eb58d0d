using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Sms;

/// <summary>MMS files copied into the hub, and a provider outage seen by the agent as "retrying" until Twilio takes the message.</summary>
public sealed class SmsMediaAndRetryTests(SmsHub hub) : IClassFixture<SmsHub>
{
    private static readonly string MediaBase = $"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages/MM0001/Media";
    private static readonly string BasicAuth = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{SmsHub.AccountSid}:{SmsHub.AuthToken}"));

    [Fact]
    public async Task MmsMediaIsStoredWithTheMessageAndAMissingFileIsNamedInTheText()
    {
        var photo = RandomNumberGenerator.GetBytes(48_000);
        hub.Twilio.Given(Request.Create().WithPath($"{MediaBase}/ME0001").WithHeader("Authorization", BasicAuth).UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/jpeg").WithBody(photo));
        hub.Twilio.Given(Request.Create().WithPath($"{MediaBase}/ME0002").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(404));
        var sid = $"MM{Guid.NewGuid():N}";
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = sid,
            ["AccountSid"] = SmsHub.AccountSid,
            ["From"] = "+15550004444",
            ["To"] = SmsHub.BusinessNumber,
            ["Body"] = "Here is the broken part",
            ["NumMedia"] = "2",
            ["MediaUrl0"] = hub.Twilio.Url + $"{MediaBase}/ME0001",
            ["MediaContentType0"] = "image/jpeg",
            ["MediaUrl1"] = hub.Twilio.Url + $"{MediaBase}/ME0002",
            ["MediaContentType1"] = "image/png",
        };

        Assert.Equal(HttpStatusCode.OK, (await hub.PostSignedAsync("/webhooks/sms/twilio", form)).StatusCode);
        // Twilio's retry of the same MMS is neither stored twice nor downloaded again.
        Assert.Equal(HttpStatusCode.OK, (await hub.PostSignedAsync("/webhooks/sms/twilio", form)).StatusCode);

        using var admin = hub.Client(await hub.TokenAsync());
        var conversation = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Single(c => c.GetProperty("lastMessagePreview").GetString()!.StartsWith("Here is the broken part", StringComparison.Ordinal));
        var message = Assert.Single((await admin.GetFromJsonAsync<JsonElement>(
            $"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages")).EnumerateArray());
        Assert.Contains("[MMS attachment not received — mms-2.png: HTTP 404", message.GetProperty("body").GetString(), StringComparison.Ordinal);
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal("mms-1.jpg", attachment.GetProperty("fileName").GetString());
        Assert.Equal("image/jpeg", attachment.GetProperty("contentType").GetString());
        Assert.Equal(photo.Length, attachment.GetProperty("size").GetInt64());

        var file = await admin.GetAsync($"/api/v1/attachments/{attachment.GetProperty("id").GetGuid()}?inline=true");
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/jpeg", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal(photo, await file.Content.ReadAsByteArrayAsync());
        Assert.Single(hub.Twilio.LogEntries, l => l.RequestMessage?.Path == $"{MediaBase}/ME0001");

        using var anonymous = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/api/v1/attachments/{attachment.GetProperty("id").GetGuid()}")).StatusCode);
    }

    [Fact]
    public async Task ProviderOutageShowsRetryingThenTheMessageIsSent()
    {
        const string scenario = "twilio-outage";
        var messages = Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost()
            .WithBody(b => b?.Contains("To=%2B15550003333", StringComparison.Ordinal) == true);
        hub.Twilio.Given(messages).InScenario(scenario).WillSetStateTo("recovered")
            .RespondWith(Response.Create().WithStatusCode(503).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":20500,"message":"Internal Server Error","more_info":"https://www.twilio.com/docs/errors/20500","status":503}"""));
        hub.Twilio.Given(messages).InScenario(scenario).WhenStateIs("recovered")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM22222222222222222222222222222222","status":"queued"}"""));
        await using var reply = await AgentRepliesToATextAsync("Patient", "+15550003333", "Anyone there?", "Yes, one moment.");
        var (inbox, replyId) = (reply.Inbox, reply.ReplyId);

        var retrying = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.TryGetProperty("retrying", out var r) && r.GetBoolean());
        Assert.Equal("pending", retrying.Data.GetProperty("deliveryStatus").GetString());
        Assert.Contains("20500", retrying.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, retrying.Data.GetProperty("attempt").GetInt32());

        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");
    }

    [Fact]
    public async Task ARetryingReplyShowsWhyAfterAReload()
    {
        hub.Twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost()
                .WithBody(b => b?.Contains("To=%2B15550002929", StringComparison.Ordinal) == true))
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "600").WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":20429,"message":"Too Many Requests","status":429}"""));
        await using var reply = await AgentRepliesToATextAsync("Reloader", "+15550002929", "reload me", "Hold on.");
        var (inbox, replyId, api) = (reply.Inbox, reply.ReplyId, reply.Api);
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.TryGetProperty("retrying", out var r) && r.GetBoolean());

        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{reply.ConversationId}/messages");
        var pending = thread.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == replyId);
        Assert.Equal("pending", pending.GetProperty("deliveryStatus").GetString());
        Assert.Equal(1, pending.GetProperty("retry").GetProperty("attempt").GetInt32());
        Assert.Contains("20429", pending.GetProperty("retry").GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    /// <summary>An auto-accepting agent with SMS capacity, a customer's text from <paramref name="from"/>, and the agent's reply to it.</summary>
    private async Task<AgentReply> AgentRepliesToATextAsync(string agentName, string from, string text, string replyText)
    {
        var (agentId, token) = await hub.CreateAgentAsync(agentName, autoAccept: true, smsCapacity: 5);
        var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();
        await SmsHub.TextAsync(hub, from, text);
        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("assigneeId").GetGuid() == agentId);
        var api = hub.Client(token);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{assigned.ConversationId}/messages", new { body = replyText });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        return new AgentReply(agent, api, inbox, assigned.ConversationId!.Value, replyId);
    }

    private sealed record AgentReply(HubConnection Agent, HttpClient Api, Inbox<PushedEvent> Inbox, Guid ConversationId, Guid ReplyId) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Api.Dispose();
            await Agent.DisposeAsync();
        }
    }
}
