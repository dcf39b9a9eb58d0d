using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Webhooks;

/// <summary>A hub with every provider channel on, for throwing bytes at its webhooks.</summary>
public sealed class AllChannelsHub : HubServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:PublicBaseUrl"] = SmsHub.PublicBaseUrl,
        ["Crm:Channels:Sms:AccountSid"] = SmsHub.AccountSid,
        ["Crm:Channels:Sms:AuthToken"] = SmsHub.AuthToken,
        ["Crm:Channels:Sms:From"] = SmsHub.BusinessNumber,
        ["Crm:Channels:Telegram:BotToken"] = "7000000002:fuzz-token",
        ["Crm:Channels:Telegram:Mode"] = "Webhook",
        ["Crm:Channels:Telegram:WebhookSecret"] = "fuzz-secret",
        ["Crm:Channels:Telegram:ApiBaseUrl"] = "http://127.0.0.1:9",
        ["Crm:Channels:Fax:ApiKey"] = "k",
        ["Crm:Channels:Fax:ApiSecret"] = "s",
        ["Crm:Channels:Fax:CallbackToken"] = "fuzz-fax-token",
        ["Crm:Channels:Fax:From"] = "+15550003333",
        ["Crm:Channels:Fax:ApiBaseUrl"] = "http://127.0.0.1:9",
    };
}

/// <summary>Arbitrary bytes, content types and headers at every webhook: always a 4xx, never a 5xx.</summary>
public sealed class WebhookFuzzTests(AllChannelsHub hub) : IClassFixture<AllChannelsHub>
{
    private static readonly string[] Paths = ["/webhooks/sms/twilio", "/webhooks/sms/twilio/status", "/webhooks/telegram", "/webhooks/fax/phaxio"];

    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "multipart/form-data; boundary=xyz", "multipart/form-data", "application/json",
        "text/plain", "application/octet-stream", "application/x-www-form-urlencoded; charset=utf-16",
    ];

    private static readonly string[] Bodies =
    [
        "", "=", "&&&", "a=%ZZ", "MessageSid=SM1&From=%2B1", "{\"update_id\":1}", "{\"update_id\":1,\"message\":{}}", "--xyz\r\n",
        "--xyz\r\nContent-Disposition: form-data; name=\"fax\"\r\n\r\n{\"id\":1}\r\n--xyz--\r\n", "\0\0\0", "[[[[[[[[[[[[[[",
    ];

    [Fact]
    public async Task RandomRequestsNeverGetAServerError()
    {
        var random = new Random(20261123);
        using var client = hub.Client();
        var failures = new List<string>();
        for (var round = 0; round < 400; round++)
        {
            var path = Paths[random.Next(Paths.Length)];
            byte[] body;
            if (random.Next(3) == 0)
            {
                body = new byte[random.Next(0, 600)];
                random.NextBytes(body);
            }
            else
            {
                body = System.Text.Encoding.UTF8.GetBytes(Bodies[random.Next(Bodies.Length)]);
            }
            using var content = new ByteArrayContent(body);
            content.Headers.TryAddWithoutValidation("Content-Type", ContentTypes[random.Next(ContentTypes.Length)]);
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            switch (random.Next(4))
            {
                case 0:
                    request.Headers.TryAddWithoutValidation("X-Twilio-Signature", Convert.ToBase64String(body.Take(20).ToArray()));
                    break;
                case 1:
                    request.Headers.TryAddWithoutValidation("X-Telegram-Bot-Api-Secret-Token", "fuzz-secret");
                    break;
                case 2:
                    request.Headers.TryAddWithoutValidation("X-Phaxio-Signature", "00");
                    break;
            }
            using var response = await client.SendAsync(request);
            if ((int)response.StatusCode >= 500 || (int)response.StatusCode < 400 && path != "/webhooks/telegram")
            {
                failures.Add($"{path} [{request.Content.Headers.ContentType}] {body.Length} bytes -> {(int)response.StatusCode}");
            }
        }
        Assert.Empty(failures);
    }
}
