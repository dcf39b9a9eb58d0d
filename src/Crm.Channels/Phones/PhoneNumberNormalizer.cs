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

/// <summary>Why an input is not a phone number.</summary>
public enum PhoneNumberError
{
    /// <summary>Nothing but spaces or a prefix.</summary>
    Empty,

    /// <summary>Letters or too few digits to be a number (an alphanumeric sender id, a name).</summary>
    NotANumber,

    /// <summary>After '+' (or an international prefix) comes no country code.</summary>
    InvalidCountryCode,

    /// <summary>Too few digits for any number (e.g. a short code).</summary>
    TooShort,

    /// <summary>More digits than any number has.</summary>
    TooLong,

    /// <summary>Parses, but the country's numbering plan has no such number.</summary>
    NotValid,
}

/// <summary>
/// A normalized number — E.164, its type (mobile, fixed line...) and an extension E.164 cannot carry — or why the
/// input is not one (<see cref="Error"/>, with <see cref="Detail"/> for people).
/// </summary>
public sealed record PhoneNumberResult(string? E164, PhoneNumberType? Type, string? Extension, PhoneNumberError? Error, string? Detail)
{
    public bool IsValid => E164 is not null;
}

/// <summary>
/// Phone numbers to E.164 with libphonenumber (PROTOCOLS §8): Persian and Arabic-Indic digits read as digits,
/// <c>tel:</c>, <c>fax:</c> and Twilio's <c>whatsapp:</c> prefixes dropped, the default region used only for numbers
/// without a country code, and a number of digits alone that is no number of that region read as international
/// ("989121234567" is +98 912 123 4567). Sender ids that are not numbers (short codes, alphanumeric senders) are not
/// E.164: <see cref="Key"/> keeps them as they are.
/// </summary>
public static class PhoneNumberNormalizer
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    public static bool IsSupportedRegion(string? region) =>
        region is { Length: 2 } && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    /// <param name="raw">What the provider or a person wrote.</param>
    /// <param name="defaultRegion">ISO alpha-2 region for national numbers (<see cref="PhoneOptions.DefaultRegion"/>).</param>
    /// <param name="assumeInternational">
    /// The source always writes international numbers, only sometimes without the '+' (a Telegram contact card):
    /// digits alone are tried as international first.
    /// </param>
    public static PhoneNumberResult Normalize(string? raw, string defaultRegion, bool assumeInternational = false)
    {
        var text = Clean(raw);
        if (text.Length == 0)
        {
            return Failed(PhoneNumberError.Empty, "There is no number.");
        }
        var digitsOnly = DigitsOnly(text);
        if (assumeInternational && digitsOnly is not null && Parse("+" + digitsOnly, defaultRegion) is { IsValid: true } international)
        {
            return international;
        }
        var result = Parse(text, defaultRegion);
        // "Where sensible": digits alone that are no number of the region, but are a whole international number
        // once a '+' is put in front (a gateway that drops the '+'). A leading 0 is a national or trunk prefix, never a country code.
        if (!result.IsValid && !assumeInternational && digitsOnly is { Length: >= 8 and <= 15 } && digitsOnly[0] != '0'
            && Parse("+" + digitsOnly, defaultRegion) is { IsValid: true } withPlus)
        {
            return withPlus;
        }
        return result;
    }

    /// <summary>The address to key an identity by: E.164 when the input is a number, else the input trimmed (a short code, a name).</summary>
    public static string Key(string raw, string defaultRegion) => Normalize(raw, defaultRegion).E164 ?? raw.Trim();

    /// <summary>
    /// The key for a number its source always writes internationally (a Telegram contact card): E.164 when libphonenumber
    /// knows the number, else '+' and the digits when they have the shape of one (its metadata lags newly opened ranges,
    /// and SMS ingest keys such a sender the same way), else null — a short code or a name is never a proof.
    /// </summary>
    public static string? InternationalKey(string raw, string defaultRegion)
    {
        if (Normalize(raw, defaultRegion, assumeInternational: true).E164 is { } e164)
        {
            return e164;
        }
        var text = Clean(raw);
        var digits = DigitsOnly(text.StartsWith('+') ? text[1..] : text);
        return digits is { Length: >= 7 and <= 15 } && digits[0] != '0' ? "+" + digits : null;
    }

    private static PhoneNumberResult Parse(string text, string defaultRegion)
    {
        var region = defaultRegion.ToUpperInvariant();
        try
        {
            var number = Util.Parse(text, region);
            if (!Util.IsValidNumber(number))
            {
                return Util.IsPossibleNumberWithReason(number) switch
                {
                    PhoneNumberUtil.ValidationResult.TOO_SHORT => Failed(PhoneNumberError.TooShort, $"{text} is too short for a phone number."),
                    PhoneNumberUtil.ValidationResult.TOO_LONG => Failed(PhoneNumberError.TooLong, $"{text} is too long for a phone number."),
                    PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => Failed(PhoneNumberError.InvalidCountryCode, $"{text} has no valid country code."),
                    _ => Failed(PhoneNumberError.NotValid, $"{text} is not a valid number in {Util.GetRegionCodeForNumber(number) ?? region}."),
                };
            }
            return new(Util.Format(number, PhoneNumberFormat.E164), Util.GetNumberType(number),
                number.HasExtension && number.Extension.Length > 0 ? number.Extension : null, null, null);
        }
        catch (NumberParseException ex)
        {
            return ex.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => Failed(PhoneNumberError.InvalidCountryCode, $"{text} has no valid country code."),
                ErrorType.TOO_SHORT_AFTER_IDD or ErrorType.TOO_SHORT_NSN => Failed(PhoneNumberError.TooShort, $"{text} is too short for a phone number."),
                ErrorType.TOO_LONG => Failed(PhoneNumberError.TooLong, $"{text} is too long for a phone number."),
                _ => Failed(PhoneNumberError.NotANumber, $"{text} is not a phone number."),
            };
        }
    }

    private static PhoneNumberResult Failed(PhoneNumberError error, string detail) => new(null, null, null, error, detail);

    /// <summary>The digits when the text is digits and separators only (no '+', no letters, no extension), else null.</summary>
    private static string? DigitsOnly(string text)
    {
        var digits = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                digits.Append(c);
            }
            else if (c is not (' ' or '-' or '.' or '(' or ')'))
            {
                return null;
            }
        }
        return digits.Length > 0 ? digits.ToString() : null;
    }

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
