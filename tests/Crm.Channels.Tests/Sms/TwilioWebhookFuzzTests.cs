using System.Text;
using Crm.Channels.Sms;

namespace Crm.Channels.Tests.Sms;

public sealed class TwilioWebhookFuzzTests
{
    private static readonly string[] Keys =
    [
        "MessageSid", "From", "To", "Body", "NumMedia", "MediaUrl0", "MediaContentType0", "MediaUrl1", "MediaUrl9", "MediaUrl10",
        "OptOutType", "MessageStatus", "SmsStatus", "ErrorCode", "ErrorMessage", "", " ", "messagesid", "MediaUrl-1",
    ];

    private static readonly string[] Values =
    [
        "", " ", "SM123", "+14155550123", "whatsapp:", "whatsapp:+1", "WHATSAPP: ", "STOP", "start", "help", "delivered", "sent",
        "https://api.twilio.com/m/1", "http://[::1]/x", "https://", "file:///etc/passwd", "-1", "99999999999999999999", "\0", "\uD800",
        "\u202Estop", "ok", "read",
    ];

    [Fact]
    public void RandomFormsNeverThrow()
    {
        var random = new Random(20260301);
        for (var round = 0; round < 5000; round++)
        {
            var form = new List<KeyValuePair<string, string>>();
            var count = random.Next(0, 12);
            for (var i = 0; i < count; i++)
            {
                form.Add(new(Pick(random, Keys), Pick(random, Values)));
            }

            var inbound = TwilioWebhook.ParseInbound(form, DateTimeOffset.UnixEpoch);
            var status = TwilioWebhook.ParseStatus(form);

            Assert.True(inbound.Value is null != inbound.Error is null, $"round {round}: exactly one of Value and Error");
            Assert.True(status.Value is null != status.Error is null, $"round {round}: exactly one of Value and Error");
        }
    }

    private static string Pick(Random random, string[] pool) => random.Next(4) switch
    {
        0 => RandomText(random),
        _ => pool[random.Next(pool.Length)],
    };

    private static string RandomText(Random random)
    {
        var text = new StringBuilder();
        var length = random.Next(0, 20);
        for (var i = 0; i < length; i++)
        {
            text.Append((char)random.Next(0, 0x3000));
        }
        return text.ToString();
    }
}
