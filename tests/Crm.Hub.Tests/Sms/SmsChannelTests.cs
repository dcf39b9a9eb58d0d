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
using WireMock.Server;

namespace Crm.Hub.Tests.Sms;

/// <summary>A hub with SMS on, its Twilio REST API emulated by WireMock.Net.</summary>
public sealed class SmsHub : HubServer
{
    public const string AccountSid = "AC00000000000000000000000000000001";
    public const string AuthToken = "sms-test-auth-token";
    public const string BusinessNumber = "+15550001111";
    public const string PublicBaseUrl = "https://crm.example.test";

    public WireMockServer Twilio { get; } = WireMockServer.Start();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:PublicBaseUrl"] = PublicBaseUrl,
        ["Crm:Channels:Sms:AccountSid"] = AccountSid,
        ["Crm:Channels:Sms:AuthToken"] = AuthToken,
        ["Crm:Channels:Sms:From"] = BusinessNumber,
        ["Crm:Channels:Sms:ApiBaseUrl"] = Twilio.Url,
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Twilio.Stop();
    }

    /// <summary>A customer's text from <paramref name="from"/>, signed and posted to the inbound webhook of <paramref name="hub"/>.</summary>
    public static async Task TextAsync(HubServer hub, string from, string body)
    {
        using var response = await PostSignedAsync(hub, "/webhooks/sms/twilio", new Dictionary<string, string>
        {
            ["MessageSid"] = $"SM{Guid.NewGuid():N}", ["AccountSid"] = AccountSid, ["From"] = from,
            ["To"] = BusinessNumber, ["Body"] = body, ["NumMedia"] = "0",
        });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Signs a webhook exactly as Twilio does: public URL + sorted key/value pairs, HMAC-SHA1 with the auth token.</summary>
    public static string Sign(string path, IReadOnlyDictionary<string, string> form)
    {
        var data = new StringBuilder(PublicBaseUrl + path);
        foreach (var (key, value) in form.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }
#pragma warning disable CA5350 // HMAC-SHA1 is Twilio's signature algorithm; the test must sign as Twilio does.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    public Task<HttpResponseMessage> PostSignedAsync(string path, Dictionary<string, string> form, string? signature = null) =>
        PostSignedAsync(this, path, form, signature);

    /// <summary>Posts a form to <paramref name="hub"/> signed as Twilio signs it, for any hub configured with this fixture's SMS settings.</summary>
    public static async Task<HttpResponseMessage> PostSignedAsync(HubServer hub, string path, Dictionary<string, string> form, string? signature = null)
    {
        using var client = hub.Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature ?? Sign(path, form));
        return await client.SendAsync(request);
    }
}

/// <summary>SMS end to end through the running hub: signed webhook in, routed, answered, sent to Twilio, status back.</summary>
public sealed class SmsChannelTests(SmsHub hub) : IClassFixture<SmsHub>
{
    private static Dictionary<string, string> Inbound(string from, string body, string? sid = null) => new()
    {
        ["MessageSid"] = sid ?? $"SM{Guid.NewGuid():N}",
        ["AccountSid"] = SmsHub.AccountSid,
        ["From"] = from,
        ["To"] = SmsHub.BusinessNumber,
        ["Body"] = body,
        ["NumMedia"] = "0",
        ["NumSegments"] = "1",
    };

    [Fact]
    public async Task SignedSmsIsRoutedAnsweredSentToTwilioAndStatusReachesTheConsole()
    {
        hub.Twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM11111111111111111111111111111111","status":"queued","direction":"outbound-api","num_segments":"1","error_code":null,"error_message":null}"""));
        var (agentId, token) = await hub.CreateAgentAsync("Texter", autoAccept: true, smsCapacity: 5);
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();

        var webhook = await hub.PostSignedAsync("/webhooks/sms/twilio", Inbound("+15557654321", "Is my order ready?"));
        Assert.Equal(HttpStatusCode.OK, webhook.StatusCode);
        Assert.Contains("<Response/>", await webhook.Content.ReadAsStringAsync());

        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("channel").GetString() == "sms"
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);
        var conversationId = assigned.ConversationId!.Value;

        using var api = hub.Client(token);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Yes, ready for pickup." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");

        var sent = Assert.Single(hub.Twilio.LogEntries, l => l.RequestMessage?.Path?.EndsWith("/Messages.json", StringComparison.Ordinal) == true
            && l.RequestMessage.Body?.Contains("ready+for+pickup", StringComparison.Ordinal) == true);
        var form = sent.RequestMessage!.Body!;
        Assert.Contains("To=%2B15557654321", form);
        Assert.Contains("From=%2B15550001111", form);
        Assert.Contains("StatusCallback=https%3A%2F%2Fcrm.example.test%2Fwebhooks%2Fsms%2Ftwilio%2Fstatus", form);
        Assert.StartsWith("Basic ", sent.RequestMessage.Headers!["Authorization"][0]);

        var delivered = new Dictionary<string, string>
        {
            ["MessageSid"] = "SM11111111111111111111111111111111", ["MessageStatus"] = "delivered", ["AccountSid"] = SmsHub.AccountSid,
        };
        Assert.Equal(HttpStatusCode.OK, (await hub.PostSignedAsync("/webhooks/sms/twilio/status", delivered)).StatusCode);
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "delivered");

        // A late "sent" callback does not move the status back.
        delivered["MessageStatus"] = "sent";
        (await hub.PostSignedAsync("/webhooks/sms/twilio/status", delivered)).EnsureSuccessStatusCode();
        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages");
        Assert.Equal("delivered", thread.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == replyId).GetProperty("deliveryStatus").GetString());
    }

    [Fact]
    public async Task WrongSignatureIsForbiddenAndNothingIsStored()
    {
        var form = Inbound("+15550009999", "forged");
        var response = await hub.PostSignedAsync("/webhooks/sms/twilio", form, signature: "bm90LWEtc2lnbmF0dXJl");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        using var admin = hub.Client(await hub.TokenAsync());
        var all = await admin.GetStringAsync("/api/v1/conversations");
        Assert.DoesNotContain("forged", all);
    }

    [Fact]
    public async Task TwilioRetryOfTheSameMessageIsStoredOnce()
    {
        var form = Inbound("+15550008888", "only once", sid: $"SM{Guid.NewGuid():N}");
        (await hub.PostSignedAsync("/webhooks/sms/twilio", form)).EnsureSuccessStatusCode();
        (await hub.PostSignedAsync("/webhooks/sms/twilio", form)).EnsureSuccessStatusCode();

        using var admin = hub.Client(await hub.TokenAsync());
        var conversations = await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations");
        var conversation = conversations.EnumerateArray().Single(c => c.GetProperty("lastMessagePreview").GetString() == "only once");
        var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages");
        Assert.Single(thread.EnumerateArray());
    }

    [Fact]
    public async Task StopOptsOutUntilStart()
    {
        const string customer = "+15550007777";
        (await hub.PostSignedAsync("/webhooks/sms/twilio", Inbound(customer, "STOP"))).EnsureSuccessStatusCode();
        using var admin = hub.Client(await hub.TokenAsync());
        var conversation = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Single(c => c.GetProperty("lastMessagePreview").GetString() == "STOP");
        var id = conversation.GetProperty("id").GetGuid();
        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{conversation.GetProperty("contactId").GetGuid()}");
        Assert.True(contact.GetProperty("identities")[0].GetProperty("optedOut").GetBoolean());

        var refused = await admin.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { body = "Are you sure?" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        (await hub.PostSignedAsync("/webhooks/sms/twilio", Inbound(customer, "start"))).EnsureSuccessStatusCode();
        contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{conversation.GetProperty("contactId").GetGuid()}");
        Assert.False(contact.GetProperty("identities")[0].GetProperty("optedOut").GetBoolean());
    }

    [Fact]
    public async Task MalformedOrIncompleteWebhooksAreBadRequests()
    {
        var noSid = Inbound("+15550006666", "no sid");
        noSid.Remove("MessageSid");
        var response = await hub.PostSignedAsync("/webhooks/sms/twilio", noSid);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("MessageSid", await response.Content.ReadAsStringAsync());

        using var client = hub.Client();
        using var json = new StringContent("{}", Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync("/webhooks/sms/twilio", json)).StatusCode);
    }
}
