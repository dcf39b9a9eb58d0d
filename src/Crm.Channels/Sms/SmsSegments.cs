namespace Crm.Channels.Sms;

public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

/// <summary>How a text travels as SMS: its encoding, length in that encoding's units, and the number of segments billed.</summary>
public sealed record SmsSegmentCount(SmsEncoding Encoding, int Units, int Segments, int PerSegment);

/// <summary>
/// GSM 03.38: 160 septets in one segment, 153 per segment when concatenated; the extension table (€ [ ] { } ...) costs
/// two. Any other character (Persian, emoji) switches the whole text to UCS-2: 70 units, 67 when concatenated, and a
/// character outside the BMP takes two. The console's counter (ClientApp smsSegments.ts) implements the same rules.
/// </summary>
public static class SmsSegments
{
    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    public static SmsSegmentCount Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var septets = 0;
        foreach (var c in text)
        {
            if (Basic.Contains(c, StringComparison.Ordinal))
            {
                septets++;
            }
            else if (Extension.Contains(c, StringComparison.Ordinal))
            {
                septets += 2;
            }
            else
            {
                // UTF-16 code units are UCS-2 units on the wire: a surrogate pair is two.
                return Segments(SmsEncoding.Ucs2, text.Length, 70, 67);
            }
        }
        return Segments(SmsEncoding.Gsm7, septets, 160, 153);
    }

    private static SmsSegmentCount Segments(SmsEncoding encoding, int units, int single, int multi) =>
        units <= single
            ? new SmsSegmentCount(encoding, units, units == 0 ? 0 : 1, single)
            : new SmsSegmentCount(encoding, units, (units + multi - 1) / multi, multi);
}
