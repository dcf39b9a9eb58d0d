using Crm.Routing.Classification;

namespace Crm.Routing.Replay;

/// <summary>
/// A conversation as it happened: when it arrived and what the routing rules see, and how long the work took once an agent had
/// it — <paramref name="FirstResponseAfter"/> from taking it to the first reply, <paramref name="HandleTime"/> from taking it to
/// resolving it. The replay gives it to whoever the candidate policy and staffing pick, and keeps those durations.
/// </summary>
public sealed record RecordedConversation(
    Guid Id,
    DateTimeOffset ArrivedAt,
    ConversationFacts Facts,
    TimeSpan HandleTime,
    TimeSpan? FirstResponseAfter = null,
    Guid? ResponsibleAgentId = null);

/// <summary>When an agent is at work; outside every shift they are offline.</summary>
public sealed record Shift(DateTimeOffset From, DateTimeOffset To);

/// <summary>An agent of the candidate staffing: their capacity, teams and skills, and their shifts (none: all day).</summary>
public sealed record StaffedAgent(
    Guid Id,
    string Name,
    IReadOnlyDictionary<string, int> CapacityByChannel,
    IReadOnlyCollection<Guid> TeamIds,
    IReadOnlyDictionary<string, int>? Skills = null,
    CapacityProfile? Profile = null,
    IReadOnlyList<Shift>? Shifts = null);
