using System.Globalization;
using System.Text;
using Crm.Channels;

namespace Crm.Hub.Contacts;

/// <summary>What one CSV column becomes. <see cref="Key"/> names the attribute; <see cref="Channel"/> is the channel a consent column is for.</summary>
public sealed record ImportColumn(int Column, string Field, string? Key = null, string? Channel = null);

/// <summary>The user's confirmed mapping: whether the first row is a header, and each column's field (unlisted columns are ignored).</summary>
public sealed record ImportMapping(bool HasHeader, IReadOnlyList<ImportColumn> Columns);

/// <summary>The fields an import column can fill, how a header suggests one, and the mapping's checks.</summary>
internal static class ImportFields
{
    public const string Name = "name";
    public const string FirstName = "firstName";
    public const string LastName = "lastName";
    public const string Phone = "phone";
    public const string Email = "email";
    public const string Tags = "tags";
    public const string Locale = "locale";
    public const string TimeZone = "timeZone";
    public const string Consent = "consent";
    public const string Attribute = "attribute";
    public const string Ignore = "ignore";

    public static IReadOnlyList<string> All { get; } = [Name, FirstName, LastName, Phone, Email, Tags, Locale, TimeZone, Consent, Attribute, Ignore];

    /// <summary>Fields one column at most may fill (tags, consent and attributes may come from several).</summary>
    private static readonly string[] Single = [Name, FirstName, LastName, Phone, Email, Locale, TimeZone];

    private static readonly (string Field, string[] Headers)[] Known =
    [
        (Name, ["name", "fullname", "full name", "displayname", "display name", "contact", "نام کامل", "نام و نام خانوادگی"]),
        (FirstName, ["firstname", "first name", "first", "given name", "givenname", "نام"]),
        (LastName, ["lastname", "last name", "last", "surname", "family name", "familyname", "نام خانوادگی"]),
        (Phone, ["phone", "phone number", "phonenumber", "mobile", "mobile number", "cell", "tel", "telephone", "sms", "msisdn", "موبایل", "تلفن", "شماره", "شماره تلفن", "شماره موبایل"]),
        (Email, ["email", "e-mail", "email address", "mail", "ایمیل", "پست الکترونیک"]),
        (Tags, ["tags", "tag", "labels", "label", "برچسب", "برچسب‌ها"]),
        (Locale, ["locale", "language", "lang", "زبان"]),
        (TimeZone, ["timezone", "time zone", "tz", "منطقه زمانی"]),
    ];

    /// <summary>A field for each column from its header: known names first, a header mentioning consent, else an attribute keyed by the header.</summary>
    public static List<ImportColumn> Suggest(IReadOnlyList<string> headers, bool hasHeader, IReadOnlyList<string[]> sample)
    {
        var columns = new List<ImportColumn>();
        var taken = new HashSet<string>();
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i].Trim();
            var lower = header.ToLowerInvariant().Replace('_', ' ').Replace('-', ' ');
            var field = hasHeader ? Known.FirstOrDefault(k => k.Headers.Contains(lower) || k.Headers.Contains(lower.Replace(" ", "", StringComparison.Ordinal))).Field : null;
            if (!hasHeader)
            {
                field = GuessFromValues(sample.Select(r => i < r.Length ? r[i] : "").Where(v => v.Length > 0).Take(5).ToList());
            }
            if (field is not null && Single.Contains(field) && !taken.Add(field))
            {
                field = null;
            }
            if (field is not null)
            {
                columns.Add(new ImportColumn(i, field));
            }
            else if (hasHeader && (lower.Contains("consent", StringComparison.Ordinal) || lower.Contains("opt in", StringComparison.Ordinal)
                || lower.Contains("optin", StringComparison.Ordinal) || lower.Contains("رضایت", StringComparison.Ordinal)))
            {
                columns.Add(new ImportColumn(i, Consent, Channel: ChannelNames.All.FirstOrDefault(c => lower.Contains(c, StringComparison.Ordinal)) ?? ChannelNames.Sms));
            }
            else if (hasHeader && AttributeKey(header) is { } key)
            {
                columns.Add(new ImportColumn(i, Attribute, Key: key));
            }
            else
            {
                columns.Add(new ImportColumn(i, Ignore));
            }
        }
        return columns;
    }

    private static string? GuessFromValues(List<string> values) =>
        values.Count == 0 ? null
        : values.All(v => v.Contains('@', StringComparison.Ordinal)) ? Email
        : values.All(v => v.Count(char.IsDigit) >= 7 && v.All(c => char.IsDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.')) ? Phone
        : null;

    /// <summary>A header as an attribute key: "Loyalty Tier" is loyalty_tier; null when nothing of it is a-z or 0-9.</summary>
    public static string? AttributeKey(string header)
    {
        var key = new StringBuilder();
        foreach (var c in header.Trim().ToLowerInvariant())
        {
            if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
            {
                key.Append(c);
            }
            else if (key.Length > 0 && key[^1] != '_')
            {
                key.Append('_');
            }
        }
        var text = key.ToString().Trim('_');
        if (text.Length > 0 && !char.IsAsciiLetterLower(text[0]))
        {
            text = "c_" + text;
        }
        text = text.Length > ContactProfileRules.MaxAttributeKeyLength ? text[..ContactProfileRules.MaxAttributeKeyLength] : text;
        return text.Length == 0 ? null : text;
    }

    /// <summary>The mapping's errors, keyed by the path of the bad entry ("columns[2].key"); empty when it is good for a file of <paramref name="columnCount"/> columns.</summary>
    public static Dictionary<string, string[]> Validate(ImportMapping? mapping, int columnCount)
    {
        var errors = new Dictionary<string, string[]>();
        if (mapping?.Columns is not { } columns)
        {
            errors["columns"] = ["Map the file's columns: columns is a list of {column, field}."];
            return errors;
        }
        var seen = new HashSet<int>();
        for (var i = 0; i < columns.Count; i++)
        {
            var c = columns[i];
            var path = $"columns[{i}]";
            if (c is null)
            {
                errors[path] = ["A column mapping cannot be null."];
                continue;
            }
            if (c.Column < 0 || c.Column >= columnCount)
            {
                errors[path + ".column"] = [$"The file has columns 0 to {columnCount - 1}; there is no column {c.Column}."];
            }
            else if (!seen.Add(c.Column))
            {
                errors[path + ".column"] = [$"Column {c.Column} is mapped twice."];
            }
            if (!All.Contains(c.Field))
            {
                errors[path + ".field"] = [$"\"{c.Field}\" is not a field; fields are {string.Join(", ", All)}."];
            }
            else if (c.Field == Attribute && ContactProfileRules.AttributeKeyError(ContactProfileRules.NormalizeKey(c.Key ?? "")) is { } keyError)
            {
                errors[path + ".key"] = [keyError];
            }
            else if (c.Field == Consent && (c.Channel is null || !ChannelNames.IsKnown(c.Channel)))
            {
                errors[path + ".channel"] = [$"A consent column needs its channel: one of {string.Join(", ", ChannelNames.All)}."];
            }
        }
        foreach (var field in Single)
        {
            if (columns.Count(c => c?.Field == field) > 1)
            {
                errors[field] = [$"Only one column can be the {field}."];
            }
        }
        foreach (var key in columns.Where(c => c?.Field == Attribute).GroupBy(c => ContactProfileRules.NormalizeKey(c.Key ?? "")).Where(g => g.Count() > 1))
        {
            errors["attribute." + key.Key] = [$"Two columns fill the attribute {key.Key}."];
        }
        if (!columns.Any(c => c?.Field is Phone or Email))
        {
            errors["columns"] = ["Map a phone or an email column: contacts are matched and reached by them."];
        }
        return errors;
    }

    /// <summary>Yes / no in the words a spreadsheet uses, in English and Persian; null when the cell says neither.</summary>
    public static bool? ParseConsent(string value) => value.Trim().ToLowerInvariant() switch
    {
        "yes" or "y" or "true" or "1" or "granted" or "opt-in" or "optin" or "subscribed" or "بله" or "آری" or "۱" => true,
        "no" or "n" or "false" or "0" or "denied" or "withdrawn" or "opt-out" or "optout" or "unsubscribed" or "خیر" or "نه" or "۰" => false,
        _ => null,
    };

    public static string Describe(int column, IReadOnlyList<string> headers) =>
        column < headers.Count && headers[column].Length > 0 ? headers[column] : string.Create(CultureInfo.InvariantCulture, $"column {column + 1}");
}
