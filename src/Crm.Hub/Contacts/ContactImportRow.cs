using System.Net.Mail;
using Crm.Channels.Phones;

namespace Crm.Hub.Contacts;

/// <summary>A data row read through the mapping and checked: the values to import, or every reason it cannot be.</summary>
internal sealed record ImportRow(int Row, string? Name, string? Phone, string? RawPhone, string? Email, List<string> Tags,
    Dictionary<string, string> Attributes, string? Locale, string? TimeZone, Dictionary<string, bool> Consent)
{
    private static readonly char[] TagSeparators = [',', ';', '|', '،', '؛'];

    /// <summary>The row as the mapping reads it; <paramref name="errors"/> gets a message per bad value (a row with any is not imported).</summary>
    public static ImportRow Read(CsvRow row, ImportMapping mapping, IReadOnlyList<string> headers, string region, List<string> errors)
    {
        string Cell(ImportColumn c) => c.Column < row.Fields.Length ? row.Fields[c.Column].Trim() : "";
        string? Single(string field) => mapping.Columns.FirstOrDefault(c => c.Field == field) is { } c && Cell(c) is { Length: > 0 } v ? v : null;

        var name = Single(ImportFields.Name) ?? string.Join(' ', new[] { Single(ImportFields.FirstName), Single(ImportFields.LastName) }.OfType<string>());
        if (name.Length > 200)
        {
            errors.Add("name: longer than 200 characters");
        }

        string? phone = null;
        var rawPhone = Single(ImportFields.Phone);
        if (rawPhone is not null)
        {
            // Persian and Arabic-Indic digits, spaces and national formats are read by the shared normalizer (Crm:Phones:DefaultRegion).
            var parsed = PhoneNumberNormalizer.Normalize(rawPhone, region);
            phone = parsed.E164;
            if (phone is null)
            {
                errors.Add($"phone: {parsed.Detail}");
            }
        }

        string? email = null;
        if (Single(ImportFields.Email) is { } rawEmail)
        {
            email = ParseEmail(rawEmail);
            if (email is null)
            {
                errors.Add($"email: \"{rawEmail}\" is not an email address");
            }
        }
        if (rawPhone is null && Single(ImportFields.Email) is null)
        {
            errors.Add("no phone number or email: nothing to reach or match the contact by");
        }

        var tags = new List<string>();
        foreach (var column in mapping.Columns.Where(c => c.Field == ImportFields.Tags))
        {
            foreach (var tag in Cell(column).Split(TagSeparators).Select(ContactProfileRules.NormalizeTag).Where(t => t.Length > 0))
            {
                if (ContactProfileRules.TagError(tag) is { } tagError)
                {
                    errors.Add($"tags: {tagError}");
                }
                else if (!tags.Contains(tag))
                {
                    tags.Add(tag);
                }
            }
        }

        var attributes = new Dictionary<string, string>();
        foreach (var column in mapping.Columns.Where(c => c.Field == ImportFields.Attribute))
        {
            var key = ContactProfileRules.NormalizeKey(column.Key ?? "");
            if (Cell(column) is { Length: > 0 } value)
            {
                if (ContactProfileRules.AttributeValueError(key, value) is { } valueError)
                {
                    errors.Add(valueError);
                }
                attributes[key] = value;
            }
        }

        string? locale = null;
        if (Single(ImportFields.Locale) is { } rawLocale)
        {
            locale = ContactProfileRules.Locale(rawLocale.Split('-', '_')[0]);
            if (locale is null)
            {
                errors.Add($"locale: \"{rawLocale}\" is not one of {string.Join(", ", ContactProfileRules.Locales)}");
            }
        }

        string? zone = null;
        if (Single(ImportFields.TimeZone) is { } rawZone)
        {
            zone = ContactProfileRules.TimeZoneId(rawZone);
            if (zone is null)
            {
                errors.Add($"time zone: \"{rawZone}\" is not an IANA time zone (e.g. Asia/Tehran)");
            }
        }

        var consent = new Dictionary<string, bool>();
        foreach (var column in mapping.Columns.Where(c => c.Field == ImportFields.Consent))
        {
            if (Cell(column) is { Length: > 0 } value)
            {
                if (ImportFields.ParseConsent(value) is { } granted)
                {
                    consent[column.Channel!] = granted;
                }
                else
                {
                    errors.Add($"{ImportFields.Describe(column.Column, headers)}: \"{value}\" is not yes or no");
                }
            }
        }
        return new ImportRow(row.Row, name.Length == 0 ? null : name, phone, rawPhone, email, tags, attributes, locale, zone, consent);
    }

    /// <summary>The address in lower case when <paramref name="raw"/> is a bare address with a dotted domain, else null.</summary>
    public static string? ParseEmail(string raw)
    {
        var text = raw.Trim();
        return text.Length <= 320 && MailAddress.TryCreate(text, out var address) && address.DisplayName.Length == 0
            && string.Equals(address.Address, text, StringComparison.OrdinalIgnoreCase) && address.Host.Contains('.', StringComparison.Ordinal)
            ? text.ToLowerInvariant()
            : null;
    }
}
