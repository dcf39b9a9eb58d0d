using System.Text;

namespace Crm.Channels.Sms;

public enum SmsEncoding
{
    Gsm7,
    Ucs2,
}

/// <summary>
/// How a text travels as SMS: its encoding, its length in that encoding's units (septets, or UTF-16 code units),
/// the number of segments billed, and the per-segment limit that applies (160 / 153, or 70 / 67).
/// </summary>
public sealed record SmsSegmentCount(SmsEncoding Encoding, int Units, int Segments, int PerSegment);

/// <summary>
/// GSM 03.38: 160 septets in one segment, 153 per segment when concatenated; the extension table (€ [ ] { } ...) costs
/// two. Any other character (Persian, emoji, a curly quote, a lower-case ç) switches the whole text to UCS-2: 70 units,
/// 67 when concatenated, and a character outside the BMP takes two. A two-unit character is never split between
/// segments; it starts the next one. The console's counter (ClientApp src/console/smsSegments.ts) implements the same
/// rules, and both are checked against the same vectors (smsSegments.vectors.json).
/// </summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Multi = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Multi = 67;

    private const string Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Extension = "^{}\\[~]|€\f";

    public static SmsSegmentCount Count(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var gsm = new List<int>(text.Length);
        foreach (var c in text)
        {
            if (Basic.Contains(c, StringComparison.Ordinal))
            {
                gsm.Add(1);
            }
            else if (Extension.Contains(c, StringComparison.Ordinal))
            {
                gsm.Add(2);
            }
            else
            {
                // UTF-16 code units are UCS-2 units on the wire: a surrogate pair is two (a lone surrogate, one).
                var ucs2 = new List<int>(text.Length);
                for (var i = 0; i < text.Length; i += ucs2[^1])
                {
                    ucs2.Add(Rune.TryGetRuneAt(text, i, out var rune) ? rune.Utf16SequenceLength : 1);
                }
                return Split(SmsEncoding.Ucs2, ucs2, Ucs2Single, Ucs2Multi);
            }
        }
        return Split(SmsEncoding.Gsm7, gsm, Gsm7Single, Gsm7Multi);
    }

    /// <summary><paramref name="costs"/> are the characters' sizes in units; a multi-part message packs them without splitting one.</summary>
    private static SmsSegmentCount Split(SmsEncoding encoding, List<int> costs, int single, int multi)
    {
        var units = costs.Sum();
        if (units <= single)
        {
            return new SmsSegmentCount(encoding, units, units == 0 ? 0 : 1, single);
        }
        var segments = 1;
        var used = 0;
        foreach (var cost in costs)
        {
            if (used + cost > multi)
            {
                segments++;
                used = 0;
            }
            used += cost;
        }
        return new SmsSegmentCount(encoding, units, segments, multi);
    }
}
