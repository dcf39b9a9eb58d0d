using System.Text;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Hub.Tests.Telegram;

/// <summary>A hub with a Telegram bot in webhook mode (and SMS, for cross-channel linking), the Bot API emulated by WireMock.Net.</summary>
public class TelegramHub : HubServer
{
    public const string BotId = "7000000001";
    public const string BotToken = BotId + ":TEST-token_abc";
    public const string Secret = "tg-webhook_secret-1";

    public TelegramHub()
    {
        Bot.Given(Request.Create().WithPath(BotPath("setWebhook")).UsingPost()).RespondWith(Ok("true"));
        Bot.Given(Request.Create().WithPath(BotPath("deleteWebhook")).UsingPost()).RespondWith(Ok("true"));
    }

    public WireMockServer Bot { get; } = WireMockServer.Start();

    protected virtual string Mode => "Webhook";

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:PublicBaseUrl"] = SmsHub.PublicBaseUrl,
        ["Crm:Channels:Telegram:BotToken"] = BotToken,
        ["Crm:Channels:Telegram:Mode"] = Mode,
        ["Crm:Channels:Telegram:WebhookSecret"] = Secret,
        ["Crm:Channels:Telegram:ApiBaseUrl"] = Bot.Url,
        ["Crm:Channels:Telegram:PollTimeoutSeconds"] = "0",
        ["Crm:Channels:Sms:AccountSid"] = SmsHub.AccountSid,
        ["Crm:Channels:Sms:AuthToken"] = SmsHub.AuthToken,
        ["Crm:Channels:Sms:From"] = SmsHub.BusinessNumber,
        ["Crm:Channels:Sms:ApiBaseUrl"] = Bot.Url,
    };

    public static string BotPath(string method) => $"/bot{BotToken}/{method}";

    public static IResponseBuilder Ok(string resultJson) =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody($$"""{"ok":true,"result":{{resultJson}}}""");

    public static string SentMessage(long chatId, int messageId, string text) =>
        $$$"""{"message_id":{{{messageId}}},"date":1763900100,"chat":{"id":{{{chatId}}},"type":"private"},"from":{"id":{{{BotId}}},"is_bot":true,"first_name":"Shop"},"text":{{{System.Text.Json.JsonSerializer.Serialize(text)}}}}""";

    public async Task<HttpResponseMessage> PostUpdateAsync(string json, string? secret = Secret)
    {
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/telegram")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (secret is not null)
        {
            request.Headers.Add("X-Telegram-Bot-Api-Secret-Token", secret);
        }
        return await client.SendAsync(request);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Bot.Stop();
    }
}

/// <summary>The same bot in long-polling mode, as on a laptop without a public URL.</summary>
public sealed class PollingTelegramHub : TelegramHub
{
    public const string Scenario = "polling";

    public PollingTelegramHub()
    {
        // Two updates on the first poll, nothing after: as Telegram answers once the offset confirms them.
        var getUpdates = Request.Create().WithPath(BotPath("getUpdates")).UsingPost();
        Bot.Given(getUpdates).InScenario(Scenario).WillSetStateTo("drained").RespondWith(Ok("""
            [{"update_id":800001,"message":{"message_id":1,"date":1763900000,"from":{"id":900900,"is_bot":false,"first_name":"Laptop"},
              "chat":{"id":900900,"type":"private"},"text":"polled hello"}},
             {"update_id":800002,"message":{"message_id":2,"date":1763900001,"from":{"id":900900,"is_bot":false,"first_name":"Laptop"},
              "chat":{"id":900900,"type":"private"},"text":"polled again"}}]
            """));
        Bot.Given(getUpdates).InScenario(Scenario).WhenStateIs("drained").RespondWith(Ok("[]"));
    }

    protected override string Mode => "Polling";
}
