using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Telegram;

/// <summary>Telegram end to end through the running hub: signed update in, routed, answered through the Bot API, edits and blocks.</summary>
public sealed class TelegramChannelTests(TelegramHub hub) : IClassFixture<TelegramHub>
{
    private static int _nextUpdate = 1000;

    internal static string Text(long userId, int messageId, string text, string firstName = "Sara") => $$$"""
        {"update_id":{{{Interlocked.Increment(ref _nextUpdate)}}},"message":{"message_id":{{{messageId}}},"date":1763900000,
         "from":{"id":{{{userId}}},"is_bot":false,"first_name":"{{{firstName}}}"},"chat":{"id":{{{userId}}},"type":"private"},
         "text":{{{JsonSerializer.Serialize(text)}}}}}
        """;

    private static async Task<JsonElement> ConversationWithPreviewAsync(HttpClient api, string preview) =>
        await Wait.UntilAsync(async () => (await api.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Where(c => c.GetProperty("lastMessagePreview").GetString() == preview).Select(c => (JsonElement?)c).FirstOrDefault());

    [Fact]
    public async Task UpdateIsRoutedAnsweredThroughTheBotApiAndEditsReachTheConsole()
    {
        hub.Bot.Given(Request.Create().WithPath(TelegramHub.BotPath("sendMessage")).UsingPost()
                .WithBody(new JsonPartialMatcher("""{"chat_id":111000111}""")))
            .RespondWith(TelegramHub.Ok(TelegramHub.SentMessage(111000111, 901, "reply")));
        var (agentId, token) = await hub.CreateAgentAsync("Telegrammer", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["telegram"] = 3 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        agent.On<PushedEvent>("MessageUpdated", inbox.Add);
        await agent.StartAsync();

        var update = Text(111000111, 5, "Hi, where is my order?");
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(update)).StatusCode);
        // Telegram redelivers when it did not see our 200: the same update is stored once.
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(update)).StatusCode);

        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("channel").GetString() == "telegram"
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId
            && e.Data.GetProperty("lastMessagePreview").GetString() == "Hi, where is my order?");
        var conversationId = assigned.ConversationId!.Value;
        Assert.Equal("Sara", assigned.Data.GetProperty("contactName").GetString());

        using var api = hub.Client(token);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "It ships today — امروز ارسال می‌شود" });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");
        var sent = Assert.Single(hub.Bot.LogEntries, l => l.RequestMessage?.Path == TelegramHub.BotPath("sendMessage")
            && l.RequestMessage.Body!.Contains("111000111", StringComparison.Ordinal));
        var body = JsonDocument.Parse(sent.RequestMessage!.Body!).RootElement;
        Assert.Equal(111000111, body.GetProperty("chat_id").GetInt64());
        Assert.Equal("It ships today — امروز ارسال می‌شود", body.GetProperty("text").GetString());

        var edit = """
            {"update_id":1999001,"edited_message":{"message_id":5,"date":1763900000,"edit_date":1763900090,
             "from":{"id":111000111,"is_bot":false,"first_name":"Sara"},"chat":{"id":111000111,"type":"private"},"text":"Hi, where is my order #77?"}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(edit)).StatusCode);
        var edited = await inbox.WaitForAsync(e => e.Type == "MessageUpdated");
        Assert.Equal("Hi, where is my order?", edited.Data.GetProperty("previousBody").GetString());
        Assert.Equal("Hi, where is my order #77?", edited.Data.GetProperty("message").GetProperty("body").GetString());

        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages");
        var inbound = thread.EnumerateArray().Where(m => m.GetProperty("direction").GetString() == "inbound").ToList();
        Assert.Single(inbound);
        Assert.Equal("Hi, where is my order #77?", inbound[0].GetProperty("body").GetString());
        Assert.NotEqual(JsonValueKind.Null, inbound[0].GetProperty("editedAt").ValueKind);
    }

    [Fact]
    public async Task WrongOrMissingSecretIsForbiddenAndNothingIsStored()
    {
        Assert.Equal(HttpStatusCode.Forbidden, (await hub.PostUpdateAsync(Text(222, 1, "forged one"), secret: "not-the-secret")).StatusCode);
        var missing = await hub.PostUpdateAsync(Text(222, 2, "forged two"), secret: null);
        Assert.Equal(HttpStatusCode.Forbidden, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);

        using var admin = hub.Client(await hub.TokenAsync());
        var all = await admin.GetStringAsync("/api/v1/conversations");
        Assert.DoesNotContain("forged", all, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("{\"update_id\":\"seven\"}")]
    [InlineData("[1,2,3]")]
    public async Task MalformedUpdatesAreBadRequests(string body)
    {
        var response = await hub.PostUpdateAsync(body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Telegram update", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PhotoIsDownloadedIntoTheAttachmentStore()
    {
        var photo = System.Security.Cryptography.RandomNumberGenerator.GetBytes(30_000);
        hub.Bot.Given(Request.Create().WithPath(TelegramHub.BotPath("getFile")).UsingPost().WithBody(new JsonPartialMatcher("""{"file_id":"big-photo"}""")))
            .RespondWith(TelegramHub.Ok("""{"file_id":"big-photo","file_unique_id":"u1","file_size":30000,"file_path":"photos/file_7.jpg"}"""));
        hub.Bot.Given(Request.Create().WithPath($"/file/bot{TelegramHub.BotToken}/photos/file_7.jpg").UsingGet())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "image/jpeg").WithBody(photo));

        var update = """
            {"update_id":1999101,"message":{"message_id":9,"date":1763900000,"from":{"id":333000333,"is_bot":false,"first_name":"Reza"},
             "chat":{"id":333000333,"type":"private"},"caption":"Broken on arrival",
             "photo":[{"file_id":"thumb","file_unique_id":"t","width":90,"height":90},{"file_id":"big-photo","file_unique_id":"u1","width":1280,"height":960,"file_size":30000}]}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(update)).StatusCode);

        using var admin = hub.Client(await hub.TokenAsync());
        var conversation = await ConversationWithPreviewAsync(admin, "Broken on arrival");
        var message = Assert.Single((await admin.GetFromJsonAsync<JsonElement>(
            $"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages")).EnumerateArray());
        var attachment = Assert.Single(message.GetProperty("attachments").EnumerateArray());
        Assert.Equal("image/jpeg", attachment.GetProperty("contentType").GetString());
        var file = await admin.GetByteArrayAsync($"/api/v1/attachments/{attachment.GetProperty("id").GetGuid()}");
        Assert.Equal(photo, file);
    }

    [Fact]
    public async Task BlockingTheBotOptsOutAndARefusedSendMarksItToo()
    {
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(Text(444000444, 3, "please stop writing me"))).StatusCode);
        using var admin = hub.Client(await hub.TokenAsync());
        var conversation = await ConversationWithPreviewAsync(admin, "please stop writing me");
        var kicked = """
            {"update_id":1999201,"my_chat_member":{"chat":{"id":444000444,"type":"private"},"from":{"id":444000444,"is_bot":false,"first_name":"N"},"date":1763900000,
             "old_chat_member":{"status":"member","user":{"id":7000000001,"is_bot":true,"first_name":"Shop"}},
             "new_chat_member":{"status":"kicked","until_date":0,"user":{"id":7000000001,"is_bot":true,"first_name":"Shop"}}}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(kicked)).StatusCode);

        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{conversation.GetProperty("contactId").GetGuid()}");
        Assert.True(contact.GetProperty("identities")[0].GetProperty("optedOut").GetBoolean());
        var refused = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages", new { body = "Sorry!" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }

    [Fact]
    public async Task RateLimitedSendIsRetriedAfterRetryAfter()
    {
        const string scenario = "tg-429";
        var send = Request.Create().WithPath(TelegramHub.BotPath("sendMessage")).UsingPost().WithBody(new JsonPartialMatcher("""{"chat_id":555000555}"""));
        hub.Bot.Given(send).InScenario(scenario).WillSetStateTo("cooled")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Content-Type", "application/json")
                .WithBody("""{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 1","parameters":{"retry_after":1}}"""));
        hub.Bot.Given(send).InScenario(scenario).WhenStateIs("cooled")
            .RespondWith(TelegramHub.Ok(TelegramHub.SentMessage(555000555, 902, "ok")));
        var (_, token) = await hub.CreateAgentAsync("Throttled", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["telegram"] = 3 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();

        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(Text(555000555, 1, "busy bot?"))).StatusCode);
        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("lastMessagePreview").GetString() == "busy bot?");
        using var api = hub.Client(token);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{assigned.ConversationId}/messages", new { body = "Not at all." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var retrying = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.TryGetProperty("retrying", out var r) && r.GetBoolean());
        Assert.Contains("429", retrying.Data.GetProperty("error").GetString(), StringComparison.Ordinal);
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");
    }

    [Fact]
    public async Task SharingOwnNumberJoinsTheContactWhoTextsFromIt()
    {
        const string phone = "+15556660001";
        await SmsHub.TextAsync(hub, phone, "texting first");
        var shared = """
            {"update_id":1999301,"message":{"message_id":4,"date":1763900000,"from":{"id":666000666,"is_bot":false,"first_name":"Mina"},
             "chat":{"id":666000666,"type":"private"},"contact":{"phone_number":"15556660001","first_name":"Mina","user_id":666000666}}}
            """;
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(shared)).StatusCode);

        using var admin = hub.Client(await hub.TokenAsync());
        var smsConversation = await ConversationWithPreviewAsync(admin, "texting first");
        var contact = await Wait.UntilAsync(async () =>
        {
            var c = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{smsConversation.GetProperty("contactId").GetGuid()}");
            return c.GetProperty("identities").GetArrayLength() == 2 ? c : (JsonElement?)null;
        });
        var channels = contact.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()).Order().ToList();
        Assert.Equal(["sms", "telegram"], channels);
        Assert.Equal(phone, contact.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task AgentSendsADocumentWithACaptionAndSmsRefusesFiles()
    {
        hub.Bot.Given(Request.Create().WithPath(TelegramHub.BotPath("sendDocument")).UsingPost())
            .RespondWith(TelegramHub.Ok("""{"message_id":903,"date":1763900100,"chat":{"id":777000777,"type":"private"},"document":{"file_id":"d1","file_unique_id":"u"}}"""));
        var (agentId, token) = await hub.CreateAgentAsync("Filer", autoAccept: true, webchatCapacity: 0, smsCapacity: 3,
            extraCapacity: new() { ["telegram"] = 3 });
        await using var agent = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        agent.On<PushedEvent>("ConversationUpdated", inbox.Add);
        agent.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await agent.StartAsync();
        Assert.Equal(HttpStatusCode.OK, (await hub.PostUpdateAsync(Text(777000777, 1, "Can you send the invoice?"))).StatusCode);
        var assigned = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("lastMessagePreview").GetString() == "Can you send the invoice?" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);

        using var api = hub.Client(token);
        var pdf = "%PDF-1.4\n% invoice 42\n"u8.ToArray();
        using var form = new MultipartFormDataContent
        {
            { new StringContent("Here it is — فاکتور"), "body" },
            { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", "invoice-42.pdf" },
        };
        var reply = await api.PostAsync($"/api/v1/conversations/{assigned.ConversationId}/messages/files", form);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var message = await reply.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("invoice-42.pdf", message.GetProperty("attachments")[0].GetProperty("fileName").GetString());
        var replyId = message.GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent");

        var sent = System.Text.Encoding.UTF8.GetString(Assert.Single(hub.Bot.LogEntries, l => l.RequestMessage?.Path == TelegramHub.BotPath("sendDocument")).RequestMessage!.BodyAsBytes!);
        Assert.Contains("777000777", sent, StringComparison.Ordinal);
        Assert.Contains("invoice-42.pdf", sent, StringComparison.Ordinal);
        Assert.Contains("% invoice 42", sent, StringComparison.Ordinal);
        Assert.Contains("Here it is — فاکتور", sent, StringComparison.Ordinal);
        Assert.DoesNotContain(hub.Bot.LogEntries, l => l.RequestMessage?.Path == TelegramHub.BotPath("sendMessage")
            && l.RequestMessage.Body?.Contains("777000777", StringComparison.Ordinal) == true);

        // SMS can't carry the file: refused before anything is stored or sent, with the reason.
        await SmsHub.TextAsync(hub, "+15556660077", "and by text?");
        var smsConversation = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("channel").GetString() == "sms"
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);
        using var smsForm = new MultipartFormDataContent
        {
            { new ByteArrayContent(pdf) { Headers = { ContentType = new("application/pdf") } }, "file", "invoice-42.pdf" },
        };
        var refused = await api.PostAsync($"/api/v1/conversations/{smsConversation.ConversationId}/messages/files", smsForm);
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("cannot be sent on sms", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var empty = new MultipartFormDataContent { { new StringContent("no file"), "body" } };
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync($"/api/v1/conversations/{smsConversation.ConversationId}/messages/files", empty)).StatusCode);
    }
}
