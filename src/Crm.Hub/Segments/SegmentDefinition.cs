using System.Text.Json;
using System.Text.Json.Serialization;

namespace Crm.Hub.Segments;

/// <summary>
/// A node of a segment's condition tree. A group has <see cref="Match"/> ("all" = AND, "any" = OR) and
/// <see cref="Conditions"/>; a condition has <see cref="Field"/>, <see cref="Operator"/> and what the operator needs
/// (<see cref="Value"/>, <see cref="Key"/>, <see cref="Days"/> or <see cref="Date"/>). The root is a group.
/// </summary>
/// <example>{"match":"all","conditions":[{"field":"tag","operator":"has","value":"vip"},
/// {"match":"any","conditions":[{"field":"channel","operator":"available","value":"sms"},{"field":"consent","operator":"granted","value":"email"}]}]}</example>
public sealed record SegmentDefinition(string? Match = null, IReadOnlyList<SegmentDefinition>? Conditions = null, string? Field = null,
    string? Operator = null, string? Value = null, string? Key = null, int? Days = null, DateTimeOffset? Date = null)
{
    [JsonIgnore]
    public bool IsGroup => Conditions is not null || Match is not null;

    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public static SegmentDefinition FromJson(string json) =>
        JsonSerializer.Deserialize<SegmentDefinition>(json, Options) ?? throw new InvalidOperationException("A stored segment has no definition.");
}

/// <summary>The field names and operators of <see cref="SegmentDefinition"/>: what the editor offers and validation accepts.</summary>
internal static class SegmentFields
{
    public const string Tag = "tag";
    public const string Attribute = "attribute";
    public const string Channel = "channel";
    public const string Consent = "consent";
    public const string LastContact = "lastContact";
    public const string Complained = "complained";
    public const string Created = "created";
    public const string Locale = "locale";

    /// <summary>The contacts a CSV import created or merged rows into; the value is the import's id.</summary>
    public const string Import = "import";

    public const string All = "all";
    public const string Any = "any";

    /// <summary>Groups may nest this deep below the root ("all of: …, any of: (…, all of: (…))").</summary>
    public const int MaxNesting = 2;

    public const int MaxConditions = 50;
    public const int MaxDays = 3650;

    /// <summary>Each field's operators. A new condition (satisfaction score) is one entry here and one case in <see cref="SegmentQuery"/>.</summary>
    public static IReadOnlyDictionary<string, string[]> Operators { get; } = new Dictionary<string, string[]>
    {
        [Tag] = ["has", "lacks"],
        [Attribute] = ["equals", "contains", "exists"],
        [Channel] = ["available"],
        [Consent] = ["granted"],
        [LastContact] = ["before", "after", "within", "notWithin"],
        [Complained] = ["within"],
        [Created] = ["before", "after", "within"],
        [Locale] = ["is"],
        [Import] = ["is"],
    };
}
