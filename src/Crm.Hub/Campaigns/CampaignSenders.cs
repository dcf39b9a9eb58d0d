using Crm.Channels;
using Crm.Channels.Sms;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Campaigns;

/// <summary>
/// Which sending account a campaign goes out through, named as the pacer keys it (<c>sms:+15550001111</c>). SMS knows its
/// accounts (the configured number or messaging service); the other channels send through their one configured account.
/// </summary>
internal sealed class CampaignSenders(IOptionsMonitor<SmsOptions> sms, IEnumerable<IChannelSender> senders)
{
    private readonly HashSet<string> _channels = [.. senders.Select(s => s.Channel)];

    /// <summary>Null when the channel cannot send from <paramref name="sender"/> on this hub; otherwise why not.</summary>
    public string? Refusal(string channel, string? sender)
    {
        if (!_channels.Contains(channel))
        {
            return $"The {channel} channel is not available on this hub.";
        }
        if (channel == ChannelNames.Sms)
        {
            var o = sms.CurrentValue;
            if (!o.IsConfigured)
            {
                return "SMS is not configured on this hub (Crm:Channels:Sms).";
            }
            if (sender is not null && sender != o.From && sender != o.MessagingServiceSid)
            {
                return $"\"{sender}\" is not a sending number of this hub; it sends SMS from {o.From ?? o.MessagingServiceSid}.";
            }
        }
        return null;
    }

    public string Key(string channel, string? sender) => channel == ChannelNames.Sms
        ? $"sms:{sender ?? sms.CurrentValue.From ?? sms.CurrentValue.MessagingServiceSid}"
        : $"{channel}:{sender ?? "default"}";
}
