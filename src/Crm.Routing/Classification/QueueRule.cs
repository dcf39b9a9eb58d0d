using System.Globalization;

namespace Crm.Routing.Classification;

/// <summary>
/// One queue of the routing policy: which new conversations it takes (every non-empty condition must hold: channel, inbox,
/// language, a contact tag, a category, a keyword in the first message), and what they get — priority, first-response SLA,
/// the team and skill that serve them, and the escalation ladder (overflow to another queue after a wait, a supervisor alert).
/// </summary>
public sealed record QueueRule
{
    public required Guid Id { get; init; }

    public required string Name { get; init; }

    public int Priority { get; init; }

    public TimeSpan? FirstResponseSla { get; init; }

    public IReadOnlySet<string> Channels { get; init; } = Empty;

    public IReadOnlySet<string> Inboxes { get; init; } = Empty;

    public IReadOnlySet<string> Languages { get; init; } = Empty;

    public IReadOnlySet<string> ContactTags { get; init; } = Empty;

    public IReadOnlySet<string> Categories { get; init; } = Empty;

    public IReadOnlyList<string> Keywords { get; init; } = [];

    public Guid? TeamId { get; init; }

    public string? Skill { get; init; }

    public int MinProficiency { get; init; } = 1;

    /// <summary>Where conversations go when nobody here took them within <see cref="OverflowAfter"/>.</summary>
    public Guid? OverflowQueueId { get; init; }

    public TimeSpan? OverflowAfter { get; init; }

    /// <summary>Alert the supervisor when a conversation has waited this long without an agent.</summary>
    public TimeSpan? AlertAfter { get; init; }

    private static readonly IReadOnlySet<string> Empty = new HashSet<string>();

    /// <summary>Null when the conversation matches; otherwise the first condition it fails, in words.</summary>
    public string? Mismatch(ConversationFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);
        if (Channels.Count > 0 && !Channels.Contains(facts.Channel))
        {
            return $"channel {facts.Channel} is not one of {List(Channels)}";
        }

        if (Inboxes.Count > 0 && (facts.Inbox is null || !Inboxes.Contains(facts.Inbox)))
        {
            return $"inbox {facts.Inbox ?? "(none)"} is not one of {List(Inboxes)}";
        }

        if (Languages.Count > 0 && (facts.Language is null || !Languages.Contains(facts.Language)))
        {
            return $"language {facts.Language ?? "(unknown)"} is not one of {List(Languages)}";
        }

        if (ContactTags.Count > 0 && !(facts.ContactTags ?? []).Any(ContactTags.Contains))
        {
            return $"the contact has none of the tags {List(ContactTags)}";
        }

        if (Categories.Count > 0 && (facts.Category is null || !Categories.Contains(facts.Category)))
        {
            return $"category {facts.Category ?? "(none)"} is not one of {List(Categories)}";
        }

        if (Keywords.Count > 0 && !Keywords.Any(k => facts.FirstMessage.Contains(k, StringComparison.OrdinalIgnoreCase)))
        {
            return $"the first message has none of the keywords {List(Keywords)}";
        }

        return null;
    }

    /// <summary>What a conversation in this queue gets, in one line.</summary>
    public string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"queue {Name}, priority {Priority}")
        + (FirstResponseSla is { } sla ? string.Create(CultureInfo.InvariantCulture, $", first response within {sla.TotalSeconds:0} s") : "")
        + (Skill is { } skill ? string.Create(CultureInfo.InvariantCulture, $", needs {skill} at level {MinProficiency}+") : "");

    private static string List(IEnumerable<string> values) => "[" + string.Join(", ", values.Order(StringComparer.Ordinal)) + "]";
}
