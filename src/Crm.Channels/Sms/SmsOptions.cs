namespace Crm.Channels.Sms;

/// <summary>Options of the SMS channel, section <c>Crm:Channels:Sms</c>. Unconfigured means the hub has no SMS.</summary>
public sealed class SmsOptions
{
    public const string Section = "Crm:Channels:Sms";

    public string Provider { get; set; } = "Twilio";

    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>The E.164 sender number; inbound messages carry it as their <see cref="ChannelAddress.AccountId"/>.</summary>
    public string? From { get; set; }

    /// <summary>A Twilio Messaging Service (<c>MG…</c>) to send through when <see cref="From"/> is not set.</summary>
    public string? MessagingServiceSid { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.twilio.com";

    public bool IsConfigured =>
        !string.IsNullOrWhiteSpace(AccountSid) && !string.IsNullOrWhiteSpace(AuthToken)
        && (!string.IsNullOrWhiteSpace(From) || !string.IsNullOrWhiteSpace(MessagingServiceSid));
}
