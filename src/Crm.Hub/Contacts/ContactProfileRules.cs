namespace Crm.Hub.Contacts;

/// <summary>What a tag, an attribute, a time zone and a locale may be — one rule for the API, the import and segments.</summary>
internal static class ContactProfileRules
{
    public const int MaxTagLength = 64;
    public const int MaxAttributeKeyLength = 64;
    public const int MaxAttributeValueLength = 1000;
    public const int MaxTags = 100;
    public const int MaxAttributes = 100;

    public static IReadOnlyList<string> Locales { get; } = ["en", "fa"];

    /// <summary>Tags compare case-insensitively, so they are stored trimmed and lower-case ("VIP " is "vip").</summary>
    public static string NormalizeTag(string tag) => tag.Trim().ToLowerInvariant();

    /// <summary>Null when <paramref name="tag"/> (normalized) is a good tag, else why not: letters of any script, digits, '-', '_', '.', inner spaces.</summary>
    public static string? TagError(string tag)
    {
        if (tag.Length == 0)
        {
            return "A tag cannot be empty.";
        }
        if (tag.Length > MaxTagLength)
        {
            return $"A tag is at most {MaxTagLength} characters.";
        }
        return tag.All(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' or ' ')
            ? null
            : $"Tag \"{tag}\" may hold only letters, digits, spaces, '-', '_' and '.'.";
    }

    /// <summary>Attribute keys are names templates use ({{ contact.plan }}): a lower-case ASCII letter, then letters, digits or '_'.</summary>
    public static string NormalizeKey(string key) => key.Trim().ToLowerInvariant();

    public static string? AttributeKeyError(string key) =>
        key.Length is 0 or > MaxAttributeKeyLength || !char.IsAsciiLetterLower(key[0]) || !key.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_')
            ? $"Attribute key \"{key}\" must start with a letter a-z and hold only a-z, 0-9 and '_' (at most {MaxAttributeKeyLength})."
            : null;

    public static string? AttributeValueError(string key, string value) =>
        value.Length > MaxAttributeValueLength ? $"Attribute \"{key}\" is longer than {MaxAttributeValueLength} characters." : null;

    /// <summary>The IANA id as the system knows it, or null when it knows no such zone.</summary>
    public static string? TimeZoneId(string? zone) =>
        zone is { Length: > 0 and <= 64 } && TimeZoneInfo.TryFindSystemTimeZoneById(zone.Trim(), out var found)
            ? (found.HasIanaId ? found.Id : TimeZoneInfo.TryConvertWindowsIdToIanaId(found.Id, out var iana) ? iana : found.Id)
            : null;

    public static string? Locale(string? locale) =>
        locale?.Trim().ToLowerInvariant() is { } l && Locales.Contains(l) ? l : null;
}
