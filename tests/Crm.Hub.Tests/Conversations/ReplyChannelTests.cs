using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Conversations;

/// <summary>
/// An agent answering a web chat by SMS: the contact (a web chat visitor merged with the contact of a number that texted)
/// offers both channels, the reply goes to the phone through Twilio, and channels the contact can't be reached on are refused.
/// </summary>
public sealed class ReplyChannelTests(SmsHub hub) : IClassFixture<SmsHub>
{
    /// <summary>A web chat visitor's conversation whose contact also has an SMS identity (ingested, then merged in).</summary>
    private async Task<(Guid ConversationId, Guid ContactId)> VisitorWithAPhoneAsync(string phone, bool optedOut = false)
    {
        var visitorToken = await hub.NewVisitorAsync("Reply Rana");
        await using (var visitor = hub.VisitorConnection(visitorToken))
        {
            await visitor.StartAsync();
            await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "text me the tracking link please" });
        }
        using var widget = hub.Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        var conversationId = session.GetProperty("conversationId").GetGuid();

        using var admin = hub.Client(await hub.TokenAsync());
        var chatContact = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}")).GetProperty("contactId").GetGuid();

        var ingest = hub.Services.GetRequiredService<IngestPipeline>();
        var sms = await ingest.IngestAsync(new InboundMessage(new ChannelAddress(ChannelNames.Sms, "default", phone), $"SM{Guid.NewGuid():N}",
            "it's me from the chat", DateTimeOffset.UnixEpoch), CancellationToken.None);
        if (optedOut)
        {
            (await hub.PostSignedAsync("/webhooks/sms/twilio", new Dictionary<string, string>
            {
                ["MessageSid"] = $"SM{Guid.NewGuid():N}", ["AccountSid"] = SmsHub.AccountSid, ["From"] = phone,
                ["To"] = SmsHub.BusinessNumber, ["Body"] = "STOP", ["NumMedia"] = "0",
            })).EnsureSuccessStatusCode();
        }
        (await admin.PostAsJsonAsync($"/api/v1/contacts/{chatContact}/merge", new { otherContactId = sms.ContactId })).EnsureSuccessStatusCode();
        return (conversationId, chatContact);
    }

    [Fact]
    public async Task ReplyOnAChosenChannelGoesToThatChannelsAddress()
    {
        const string phone = "+15557310001";
        hub.Twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost()
                .WithBody(b => b?.Contains("To=%2B15557310001", StringComparison.Ordinal) == true))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM73100000000000000000000000000001","status":"queued"}"""));
        var (conversationId, _) = await VisitorWithAPhoneAsync(phone);
        using var admin = hub.Client(await hub.TokenAsync());

        // Both channels are offered; the default is the one the customer wrote on in this conversation.
        var options = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/reply-options");
        Assert.Equal("webchat", options.GetProperty("default").GetString());
        var channels = options.GetProperty("channels").EnumerateArray().ToList();
        Assert.Equal(["webchat", "sms"], channels.Select(c => c.GetProperty("channel").GetString()!).ToArray());
        Assert.Equal(phone, channels[1].GetProperty("address").GetString());
        Assert.All(channels, c => Assert.False(c.GetProperty("optedOut").GetBoolean()));

        var response = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages",
            new { body = "Here is your tracking link: https://t.example/42", channel = "sms" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var reply = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sms", reply.GetProperty("channel").GetString());
        var replyId = reply.GetProperty("id").GetGuid();

        // Twilio is asked to text the customer's phone, and the reply is marked sent.
        await Wait.UntilAsync(async () =>
        {
            var thread = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages");
            return thread.EnumerateArray().Single(m => m.GetProperty("id").GetGuid() == replyId).GetProperty("deliveryStatus").GetString() == "sent"
                ? true : (bool?)null;
        });
        var sent = Assert.Single(hub.Twilio.LogEntries, l => l.RequestMessage?.Body?.Contains("tracking+link", StringComparison.Ordinal) == true);
        Assert.Contains("To=%2B15557310001", sent.RequestMessage!.Body, StringComparison.Ordinal);

        // Without a choice the reply goes back on web chat, where the customer last wrote.
        var back = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Anything else?" });
        Assert.Equal(HttpStatusCode.Created, back.StatusCode);
        Assert.Equal("webchat", (await back.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("channel").GetString());
        Assert.DoesNotContain(hub.Twilio.LogEntries, l => l.RequestMessage?.Body?.Contains("Anything+else", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task UnknownAbsentAndOptedOutChannelsAreRefusedWithTheReason()
    {
        var (conversationId, _) = await VisitorWithAPhoneAsync("+15557310002", optedOut: true);
        using var admin = hub.Client(await hub.TokenAsync());
        var url = $"/api/v1/conversations/{conversationId}/messages";

        var unknown = await admin.PostAsJsonAsync(url, new { body = "hello", channel = "pigeon" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.Contains("'pigeon' is not a channel", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var absent = await admin.PostAsJsonAsync(url, new { body = "hello", channel = "fax" });
        Assert.Equal(HttpStatusCode.Conflict, absent.StatusCode);
        Assert.Contains("no fax address", await absent.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var options = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/reply-options");
        Assert.True(options.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "sms")
            .GetProperty("optedOut").GetBoolean());
        var optedOut = await admin.PostAsJsonAsync(url, new { body = "hello", channel = "sms" });
        Assert.Equal(HttpStatusCode.Conflict, optedOut.StatusCode);
        Assert.Contains("opted out", await optedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Nothing refused was stored.
        var thread = await admin.GetFromJsonAsync<JsonElement>(url);
        Assert.DoesNotContain(thread.EnumerateArray(), m => m.GetProperty("direction").GetString() == "outbound");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/conversations/{Guid.NewGuid()}/reply-options")).StatusCode);
    }
}
