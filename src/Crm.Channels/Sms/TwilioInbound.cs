namespace Crm.Channels.Sms;

/// <summary>Twilio's opt-out keyword families (Advanced Opt-Out).</summary>
public enum SmsKeyword
{
    None,
    Stop,
    Start,
    Help,
}

/// <summary>An inbound SMS/MMS: the neutral message, the opt-out keyword it carries and the media Twilio holds for it.</summary>
public sealed record TwilioInbound(InboundMessage Message, SmsKeyword Keyword, IReadOnlyList<TwilioMedia> Media);

/// <summary>An MMS attachment at Twilio, to be downloaded promptly (Basic auth when media auth is on).</summary>
public sealed record TwilioMedia(Uri Url, string ContentType);

/// <summary>A status callback for an outbound message.</summary>
public sealed record TwilioStatus(string MessageSid, DeliveryStatus Status, string? ErrorCode, string? ErrorMessage);
