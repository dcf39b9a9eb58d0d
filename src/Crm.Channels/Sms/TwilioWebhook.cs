namespace Crm.Channels.Sms;

/// <summary>Twilio's form webhooks as pure functions of the posted form; they never throw on what a client sends.</summary>
public static class TwilioWebhook
{
    // Twilio allows 10 media per message; the cap only bounds a forged form.
    private const int MaxMedia = 10;

    private static readonly Dictionary<string, SmsKeyword> Keywords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["STOP"] = SmsKeyword.Stop,
        ["STOPALL"] = SmsKeyword.Stop,
        ["UNSUBSCRIBE"] = SmsKeyword.Stop,
        ["CANCEL"] = SmsKeyword.Stop,
        ["END"] = SmsKeyword.Stop,
        ["QUIT"] = SmsKeyword.Stop,
        ["REVOKE"] = SmsKeyword.Stop,
        ["OPTOUT"] = SmsKeyword.Stop,
        ["START"] = SmsKeyword.Start,
        ["YES"] = SmsKeyword.Start,
        ["UNSTOP"] = SmsKeyword.Start,
        ["HELP"] = SmsKeyword.Help,
        ["INFO"] = SmsKeyword.Help,
    };

    private static readonly Dictionary<string, DeliveryStatus> Statuses = new(StringComparer.OrdinalIgnoreCase)
    {
        ["accepted"] = DeliveryStatus.Pending,
        ["scheduled"] = DeliveryStatus.Pending,
        ["queued"] = DeliveryStatus.Pending,
        ["sending"] = DeliveryStatus.Pending,
        ["sent"] = DeliveryStatus.Sent,
        ["delivered"] = DeliveryStatus.Delivered,
        // Some segments of a long message reached the handset: the customer has the message, if not all of it.
        ["partially_delivered"] = DeliveryStatus.Delivered,
        ["read"] = DeliveryStatus.Read,
        ["undelivered"] = DeliveryStatus.Failed,
        ["failed"] = DeliveryStatus.Failed,
        ["canceled"] = DeliveryStatus.Failed,
    };

    /// <summary>
    /// An inbound message webhook. The message comes from <c>sms</c> account <c>To</c> (our number), address <c>From</c>,
    /// both without a <c>whatsapp:</c> prefix; its provider id is <c>MessageSid</c>.
    /// </summary>
    public static WebhookParse<TwilioInbound> ParseInbound(IEnumerable<KeyValuePair<string, string>> form, DateTimeOffset receivedAt)
    {
        ArgumentNullException.ThrowIfNull(form);
        var fields = FirstValues(form);

        var messageSid = Field(fields, "MessageSid");
        if (messageSid is null)
        {
            return WebhookParse.Fail<TwilioInbound>("MessageSid is missing; not a Twilio inbound message webhook.");
        }
        var from = Address(Field(fields, "From"));
        if (from is null)
        {
            return WebhookParse.Fail<TwilioInbound>("From (the sender's number) is missing.");
        }
        var to = Address(Field(fields, "To"));
        if (to is null)
        {
            return WebhookParse.Fail<TwilioInbound>("To (our number the message was sent to) is missing.");
        }

        var media = new List<TwilioMedia>();
        for (var i = 0; i < MaxMedia && fields.TryGetValue($"MediaUrl{i}", out var mediaUrl); i++)
        {
            if (!Uri.TryCreate(mediaUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            {
                return WebhookParse.Fail<TwilioInbound>($"MediaUrl{i} is not an absolute http(s) URL.");
            }
            media.Add(new TwilioMedia(url, Field(fields, $"MediaContentType{i}") ?? "application/octet-stream"));
        }

        var body = fields.GetValueOrDefault("Body") ?? "";
        var keyword = KeywordOf(Field(fields, "OptOutType")) ?? KeywordOf(body.Trim()) ?? SmsKeyword.None;
        var message = new InboundMessage(new ChannelAddress(ChannelNames.Sms, to, from), messageSid, body, receivedAt);
        return WebhookParse.Ok(new TwilioInbound(message, keyword, media));
    }

    /// <summary>A status callback: <c>MessageSid</c>, <c>MessageStatus</c> (or legacy <c>SmsStatus</c>), <c>ErrorCode</c>, <c>ErrorMessage</c>.</summary>
    public static WebhookParse<TwilioStatus> ParseStatus(IEnumerable<KeyValuePair<string, string>> form)
    {
        ArgumentNullException.ThrowIfNull(form);
        var fields = FirstValues(form);

        var messageSid = Field(fields, "MessageSid");
        if (messageSid is null)
        {
            return WebhookParse.Fail<TwilioStatus>("MessageSid is missing; not a Twilio status callback.");
        }
        var status = Field(fields, "MessageStatus") ?? Field(fields, "SmsStatus");
        if (status is null)
        {
            return WebhookParse.Fail<TwilioStatus>("MessageStatus is missing.");
        }
        if (!Statuses.TryGetValue(status, out var mapped))
        {
            return WebhookParse.Fail<TwilioStatus>($"MessageStatus '{status}' is not an outbound message status.");
        }
        return WebhookParse.Ok(new TwilioStatus(messageSid, mapped, Field(fields, "ErrorCode"), Field(fields, "ErrorMessage")));
    }

    private static Dictionary<string, string> FirstValues(IEnumerable<KeyValuePair<string, string>> form)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in form)
        {
            if (key is not null)
            {
                fields.TryAdd(key, value ?? "");
            }
        }
        return fields;
    }

    /// <summary>The trimmed value, or null when absent or blank.</summary>
    private static string? Field(Dictionary<string, string> fields, string key) =>
        fields.TryGetValue(key, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

    private static string? Address(string? value)
    {
        const string WhatsApp = "whatsapp:";
        if (value is not null && value.StartsWith(WhatsApp, StringComparison.OrdinalIgnoreCase))
        {
            value = value[WhatsApp.Length..].Trim();
        }
        return string.IsNullOrEmpty(value) ? null : value;
    }

    private static SmsKeyword? KeywordOf(string? word) =>
        word is not null && Keywords.TryGetValue(word, out var keyword) ? keyword : null;
}
