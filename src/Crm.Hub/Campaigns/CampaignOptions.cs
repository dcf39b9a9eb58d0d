using System.ComponentModel.DataAnnotations;
using Crm.Channels;

namespace Crm.Hub.Campaigns;

/// <summary>Section <c>Crm:Campaigns</c>.</summary>
internal sealed class CampaignOptions
{
    public const string Section = "Crm:Campaigns";

    /// <summary>What one SMS segment costs, for the estimate beside a template preview (the provider's invoice is the truth).</summary>
    [Range(0, 1000, ErrorMessage = "Crm:Campaigns:SmsPricePerSegment must be between 0 and 1000.")]
    public decimal SmsPricePerSegment { get; set; } = 0.0079m;

    /// <summary>ISO 4217 code the price is in.</summary>
    [RegularExpression("^[A-Z]{3}$", ErrorMessage = "Crm:Campaigns:Currency must be a three-letter ISO 4217 code such as USD.")]
    public string Currency { get; set; } = "USD";

    /// <summary>The fastest pace (messages/s per sender) a campaign may ask of SMS: a short code's 100/s (a US long code manages ~1).</summary>
    [Range(0.001, 100_000, ErrorMessage = "Crm:Campaigns:MaxPaceSms must be between 0.001 and 100000.")]
    public double MaxPaceSms { get; set; } = 100;

    /// <summary>Telegram's broadcast ceiling across chats (PROTOCOLS §2: about 30 messages/s per bot).</summary>
    [Range(0.001, 100_000, ErrorMessage = "Crm:Campaigns:MaxPaceTelegram must be between 0.001 and 100000.")]
    public double MaxPaceTelegram { get; set; } = 30;

    /// <summary>What one SMTP account is trusted with before receiving servers start deferring.</summary>
    [Range(0.001, 100_000, ErrorMessage = "Crm:Campaigns:MaxPaceEmail must be between 0.001 and 100000.")]
    public double MaxPaceEmail { get; set; } = 20;

    /// <summary>A fax line sends one document at a time, for about a minute per page.</summary>
    [Range(0.001, 100_000, ErrorMessage = "Crm:Campaigns:MaxPaceFax must be between 0.001 and 100000.")]
    public double MaxPaceFax { get; set; } = 0.05;

    /// <summary>The time zone of recipients (and of cron schedules) when neither the contact nor the campaign names one.</summary>
    public string DefaultTimeZone { get; set; } = "UTC";

    public double? MaxPace(string channel) => channel switch
    {
        ChannelNames.Sms => MaxPaceSms,
        ChannelNames.Telegram => MaxPaceTelegram,
        ChannelNames.Email => MaxPaceEmail,
        ChannelNames.Fax => MaxPaceFax,
        _ => null,
    };
}
