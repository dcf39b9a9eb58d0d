using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Telegram;

/// <summary>
/// Telegram's sending limits in its exact wire format (PROTOCOLS §2): a 403 "bot was blocked by the user" opts the chat
/// out, and a 429's <c>retry_after</c> holds every chat of the bot, not only the one that drew it.
/// </summary>
public sealed class TelegramLimitsTests(TelegramHub hub) : IClassFixture<TelegramHub>
{
    private static readonly string TooMany = """{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 4","parameters":{"retry_after":4}}""";
    private static readonly string Blocked = """{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}""";

    private static IRequestBuilder SendTo(long chatId) =>
        Request.Create().WithPath(TelegramHub.BotPath("sendMessage")).UsingPost().WithBody(new JsonPartialMatcher($$"""{"chat_id":{{chatId}}}"""));

    private static IResponseBuilder Error(int status, string body) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(body);

    /// <summary>The customer writes first; returns the conversation the agent got.</summary>
    private async Task<Guid> ConversationAsync(Inbox<PushedEvent> inbox, long chatId, string text)
    {
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(TelegramChannelTests.Text(chatId, 1, text))).StatusCode);
        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("lastMessagePreview").GetString() == text);
        return assigned.ConversationId!.Value;
    }

    private static async Task<Guid> ReplyAsync(HttpClient api, Guid conversationId, string body)
    {
        using var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        return (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task A403BlockedByTheUserFailsTheMessageAndOptsTheChatOut()
    {
        hub.Bot.Given(SendTo(666000666)).RespondWith(Error(403, Blocked));
        var (_, token) = await hub.CreateAgentAsync("Blocked", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["telegram"] = 3 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();
        var conversationId = await ConversationAsync(inbox, 666000666, "hello then goodbye");
        using var api = hub.Client(token);

        var replyId = await ReplyAsync(api, conversationId, "Thanks for writing!");

        var failed = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "failed");
        Assert.Contains("bot was blocked by the user", failed.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        // Tried once: a block is not worth retrying.
        Assert.Single(hub.Bot.FindLogEntries(SendTo(666000666)));
        var conversation = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        var contact = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{conversation.GetProperty("contactId").GetGuid()}");
        var identity = Assert.Single(contact.GetProperty("identities").EnumerateArray(), i => i.GetProperty("address").GetString() == "666000666");
        Assert.True(identity.GetProperty("optedOut").GetBoolean());
        using var refused = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Still there?" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Single(hub.Bot.FindLogEntries(SendTo(666000666)));
    }

    [Fact]
    public async Task A429RetryAfterHoldsEveryChatOfTheBotAndThenBothAreSent()
    {
        const string scenario = "tg-429-all";
        hub.Bot.Given(SendTo(777000777)).InScenario(scenario).WillSetStateTo("cooled").RespondWith(Error(429, TooMany));
        hub.Bot.Given(SendTo(777000777)).InScenario(scenario).WhenStateIs("cooled").RespondWith(TelegramHub.Ok(TelegramHub.SentMessage(777000777, 903, "a")));
        hub.Bot.Given(SendTo(777000778)).RespondWith(TelegramHub.Ok(TelegramHub.SentMessage(777000778, 904, "b")));
        var (_, token) = await hub.CreateAgentAsync("Throttled Twice", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["telegram"] = 3 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();
        var first = await ConversationAsync(inbox, 777000777, "first chat");
        var second = await ConversationAsync(inbox, 777000778, "second chat");
        using var api = hub.Client(token);

        var firstReply = await ReplyAsync(api, first, "One moment.");
        var throttled = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == firstReply
            && e.Data.TryGetProperty("retrying", out var r) && r.GetBoolean());
        Assert.Contains("429", throttled.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        var secondReply = await ReplyAsync(api, second, "Coming right up.");

        // The other chat waits out the bot's pause without asking Telegram (which would answer 429 again)...
        var held = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == secondReply
            && e.Data.TryGetProperty("retrying", out var r) && r.GetBoolean());
        Assert.Contains("retry_after", held.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        // ...and both go out once it is over.
        foreach (var id in new[] { firstReply, secondReply })
        {
            await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == id
                && e.Data.GetProperty("deliveryStatus").GetString() == "sent", TimeSpan.FromSeconds(30));
        }
        var tooMany = Assert.Single(hub.Bot.FindLogEntries(SendTo(777000777)), l => l.ResponseMessage?.StatusCode is 429);
        var secondSends = hub.Bot.FindLogEntries(SendTo(777000778));
        Assert.Single(secondSends);
        Assert.True(secondSends[0].RequestMessage!.DateTime >= tooMany.RequestMessage!.DateTime.AddSeconds(3.5),
            $"the second chat was sent at {secondSends[0].RequestMessage!.DateTime:O}, inside the pause that began at {tooMany.RequestMessage!.DateTime:O}");
    }
}
