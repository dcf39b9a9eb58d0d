using Crm.Channels.Sms;

namespace Crm.Hub.Campaigns;

/// <summary>What one rendered SMS costs to send: its segments (GSM-7 or UCS-2) at <c>Crm:Campaigns:SmsPricePerSegment</c>.</summary>
public sealed record SmsCostEstimate(string Encoding, int Units, int Segments, decimal Cost, string Currency)
{
    internal static SmsCostEstimate For(string text, CampaignOptions options)
    {
        var count = SmsSegments.Count(text);
        return new SmsCostEstimate(count.Encoding == SmsEncoding.Gsm7 ? "gsm7" : "ucs2", count.Units, count.Segments,
            count.Segments * options.SmsPricePerSegment, options.Currency);
    }
}
