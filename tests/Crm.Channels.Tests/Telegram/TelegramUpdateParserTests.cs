using System.Text;
using Crm.Channels.Telegram;

namespace Crm.Channels.Tests.Telegram;

/// <summary>Updates as the Bot API sends them (snake_case JSON), read into what the hub does with them.</summary>
public sealed class TelegramUpdateParserTests
{
    private const string BotId = "7000000001";

    internal static string TextUpdate(int updateId, long userId, int messageId, string text) => $$$"""
        {"update_id":{{{updateId}}},"message":{"message_id":{{{messageId}}},"date":1763900000,
         "from":{"id":{{{userId}}},"is_bot":false,"first_name":"Sara","last_name":"Karimi","username":"sarak","language_code":"fa"},
         "chat":{"id":{{{userId}}},"type":"private","first_name":"Sara"},"text":{{{System.Text.Json.JsonSerializer.Serialize(text)}}}}}
        """;

    private static TelegramUpdate Parse(string json)
    {
        var parsed = TelegramUpdateParser.Parse(Encoding.UTF8.GetBytes(json), BotId);
        Assert.Null(parsed.Error);
        return parsed.Value!;
    }

    [Fact]
    public void PrivateTextMessageBecomesAnInboundMessageFromTheUser()
    {
        var received = Assert.IsType<TelegramMessageReceived>(Parse(TextUpdate(10, 123456789, 42, "سلام، سفارشم کجاست؟")));
        Assert.Equal(10, received.UpdateId);
        Assert.Equal(new ChannelAddress("telegram", BotId, "123456789"), received.Message.From);
        Assert.Equal("123456789:42", received.Message.ProviderMessageId);
        Assert.Equal("سلام، سفارشم کجاست؟", received.Message.Body);
        Assert.Equal("Sara Karimi", received.Message.SenderName);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763900000), received.Message.ReceivedAt);
        Assert.Equal(123456789, received.ChatId);
        Assert.Empty(received.Files);
        Assert.Null(received.VerifiedPhone);
    }

    [Fact]
    public void PhotoTakesTheLargestSizeAndTheCaptionIsTheBody()
    {
        var received = Assert.IsType<TelegramMessageReceived>(Parse("""
            {"update_id":11,"message":{"message_id":43,"date":1763900000,"from":{"id":5,"is_bot":false,"first_name":"A"},
             "chat":{"id":5,"type":"private"},"caption":"the dent",
             "photo":[{"file_id":"small","file_unique_id":"s","width":90,"height":90,"file_size":1000},
                      {"file_id":"large","file_unique_id":"l","width":1280,"height":960,"file_size":90000}]}}
            """));
        Assert.Equal("the dent", received.Message.Body);
        var file = Assert.Single(received.Files);
        Assert.Equal("large", file.FileId);
        Assert.Equal("image/jpeg", file.ContentType);
    }

    [Fact]
    public void DocumentKeepsItsNameAndType()
    {
        var received = Assert.IsType<TelegramMessageReceived>(Parse("""
            {"update_id":12,"message":{"message_id":44,"date":1763900000,"from":{"id":5,"is_bot":false,"first_name":"A"},
             "chat":{"id":5,"type":"private"},
             "document":{"file_id":"doc1","file_unique_id":"d","file_name":"فاکتور.pdf","mime_type":"application/pdf","file_size":2048}}}
            """));
        Assert.Equal("", received.Message.Body);
        Assert.Equal(new TelegramFile("doc1", "فاکتور.pdf", "application/pdf", 2048), Assert.Single(received.Files));
    }

    [Fact]
    public void SharingOwnContactVerifiesThePhoneNumber()
    {
        var received = Assert.IsType<TelegramMessageReceived>(Parse("""
            {"update_id":13,"message":{"message_id":45,"date":1763900000,"from":{"id":77,"is_bot":false,"first_name":"A"},
             "chat":{"id":77,"type":"private"},"contact":{"phone_number":"989121234567","first_name":"A","user_id":77}}}
            """));
        Assert.Equal("+989121234567", received.VerifiedPhone);
    }

    [Fact]
    public void SharingSomeoneElsesContactVerifiesNothing()
    {
        var received = Assert.IsType<TelegramMessageReceived>(Parse("""
            {"update_id":14,"message":{"message_id":46,"date":1763900000,"from":{"id":77,"is_bot":false,"first_name":"A"},
             "chat":{"id":77,"type":"private"},"contact":{"phone_number":"+15551234567","first_name":"Bob","user_id":78}}}
            """));
        Assert.Null(received.VerifiedPhone);
        Assert.Contains("+15551234567", received.Message.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void EditedMessageNamesTheOriginal()
    {
        var edited = Assert.IsType<TelegramMessageEdited>(Parse("""
            {"update_id":15,"edited_message":{"message_id":42,"date":1763900000,"edit_date":1763900060,
             "from":{"id":5,"is_bot":false,"first_name":"A"},"chat":{"id":5,"type":"private"},"text":"fixed typo"}}
            """));
        Assert.Equal("5:42", edited.ProviderMessageId);
        Assert.Equal("fixed typo", edited.Body);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1763900060), edited.EditedAt);
    }

    [Theory]
    [InlineData("kicked", true)]
    [InlineData("member", false)]
    public void BlockingAndRestartingTheBotChangesOptOut(string status, bool blocked)
    {
        var until = status == "kicked" ? ",\"until_date\":0" : "";
        var change = Assert.IsType<TelegramBlockChanged>(Parse($$$"""
            {"update_id":16,"my_chat_member":{"chat":{"id":5,"type":"private"},"from":{"id":5,"is_bot":false,"first_name":"A"},"date":1763900000,
             "old_chat_member":{"status":"member","user":{"id":7000000001,"is_bot":true,"first_name":"Bot"}},
             "new_chat_member":{"status":"{{{status}}}","user":{"id":7000000001,"is_bot":true,"first_name":"Bot"}{{{until}}}
            """ + "}}}"));
        Assert.Equal(blocked, change.Blocked);
        Assert.Equal("5", change.User.Address);
    }

    [Fact]
    public void GroupMessagesAndBotsAreIgnored()
    {
        Assert.IsType<TelegramIgnored>(Parse("""
            {"update_id":17,"message":{"message_id":1,"date":1763900000,"from":{"id":5,"is_bot":false,"first_name":"A"},
             "chat":{"id":-100123,"type":"supergroup","title":"fans"},"text":"hi all"}}
            """));
        Assert.IsType<TelegramIgnored>(Parse("""
            {"update_id":18,"message":{"message_id":1,"date":1763900000,"from":{"id":6,"is_bot":true,"first_name":"B"},
             "chat":{"id":6,"type":"private"},"text":"beep"}}
            """));
    }

    [Theory]
    [InlineData("")]
    [InlineData("null")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("{\"update_id\":\"x\"}")]
    [InlineData("{\"update_id\":1,\"message\":{\"message_id\":\"nope\"}}")]
    public void NonUpdatesAreErrorsNotExceptions(string json)
    {
        var parsed = TelegramUpdateParser.Parse(Encoding.UTF8.GetBytes(json), BotId);
        Assert.NotNull(parsed.Error);
        Assert.Null(parsed.Value);
    }

    [Fact]
    public void RandomBytesAndMutatedUpdatesNeverThrow()
    {
        var random = new Random(20261123);
        var seed = Encoding.UTF8.GetBytes(TextUpdate(10, 123456789, 42, "hello"));
        for (var round = 0; round < 3000; round++)
        {
            byte[] input;
            if (round % 2 == 0)
            {
                input = new byte[random.Next(0, 200)];
                random.NextBytes(input);
            }
            else
            {
                input = (byte[])seed.Clone();
                for (var flips = random.Next(1, 6); flips > 0; flips--)
                {
                    input[random.Next(input.Length)] = (byte)random.Next(32, 127);
                }
            }
            var parsed = TelegramUpdateParser.Parse(input, BotId);
            Assert.True(parsed.Value is null != parsed.Error is null, $"round {round}: exactly one of Value and Error");
        }
    }

    [Theory]
    [InlineData("123456:ABC-def_1", true)]
    [InlineData("12345678901234567:ABC", false)]
    [InlineData("abc:def", false)]
    [InlineData("123456", false)]
    public void BotTokenShape(string token, bool valid) => Assert.Equal(valid, TelegramOptions.IsValidToken(token));

    [Theory]
    [InlineData("https://crm.example.com", "s3cret", TelegramMode.Webhook)]
    [InlineData("http://crm.example.com", "s3cret", TelegramMode.Polling)]
    [InlineData("https://localhost:5001", "s3cret", TelegramMode.Polling)]
    [InlineData("https://127.0.0.1", "s3cret", TelegramMode.Polling)]
    [InlineData("https://crm.example.com", null, TelegramMode.Polling)]
    public void AutoModeUsesWebhooksOnlyWhereTelegramCanReachUs(string publicUrl, string? secret, TelegramMode expected) =>
        Assert.Equal(expected, new TelegramOptions { BotToken = "1:a", WebhookSecret = secret }.EffectiveMode(publicUrl));
}
