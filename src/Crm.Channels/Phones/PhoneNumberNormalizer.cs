using System.Text;
using PhoneNumbers;

namespace Crm.Channels.Phones;

/// <summary>Section <c>Crm:Phones</c>.</summary>
public sealed class PhoneOptions
{
    public const string Section = "Crm:Phones";

    /// <summary>ISO 3166 alpha-2 region for numbers written without a country code, e.g. "IR" for 0912 123 4567.</summary>
    public string DefaultRegion { get; set; } = "US";
}

/// <summary>A normalized number (E.164 and its type), or why the input is not one.</summary>
public sealed record PhoneNumberResult(string? E164, string? Type, string? Error)
{
    public bool IsValid => E164 is not null;
}

/// <summary>
/// Phone numbers to E.164 with libphonenumber: Persian and Arabic-Indic digits read as digits, <c>tel:</c> and
/// <c>whatsapp:</c> prefixes dropped, the default region used only for numbers without a country code.
/// Sender ids that are not numbers (short codes, alphanumeric senders) are not E.164: callers keep them as they are.
/// </summary>
public static class PhoneNumberNormalizer
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool IsSupportedRegion(string? region) =>
        region is { Length: 2 } && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    public static PhoneNumberResult Normalize(string? raw, string defaultRegion)
    {
        var text = Clean(raw);
        if (text.Length == 0)
        {
            return new(null, null, "empty");
        }
        try
        {
            var number = Util.Parse(text, defaultRegion.ToUpperInvariant());
            if (!Util.IsValidNumber(number))
            {
                return new(null, null, $"not a valid number for region {Util.GetRegionCodeForNumber(number) ?? defaultRegion}");
            }
            return new(Util.Format(number, PhoneNumberFormat.E164), Util.GetNumberType(number).ToString(), null);
        }
        catch (NumberParseException ex)
        {
            return new(null, null, ex.ErrorType.ToString());
        }
    }

    /// <summary>The address to key an identity by: E.164 when the input is a number, else the input trimmed (a short code, a name).</summary>
    public static string Key(string raw, string defaultRegion) => Normalize(raw, defaultRegion).E164 ?? raw.Trim();

    private static string Clean(string? raw)
    {
        var text = (raw ?? "").Trim();
        foreach (var prefix in new[] { "whatsapp:", "tel:", "fax:" })
        {
            if (text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                text = text[prefix.Length..].Trim();
            }
        }
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            // ۰-۹ (Persian) and ٠-٩ (Arabic-Indic) are digits to a customer typing them.
            builder.Append(char.IsDigit(c) ? (char)('0' + (int)char.GetNumericValue(c)) : c);
        }
        return builder.ToString().Normalize(NormalizationForm.FormKC);
    }
}
