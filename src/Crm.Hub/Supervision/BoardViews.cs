namespace Crm.Hub.Supervision;

/// <summary>
/// Everything the supervisor board shows at one moment. Durations are in seconds; a figure nothing was measured for is null.
/// <c>Version</c> grows with every change the board applied, so a client can tell a newer snapshot from an older one.
/// </summary>
public sealed record BoardSnapshot(
    long Version,
    DateTimeOffset At,
    DateOnly Day,
    BoardHeadline Headline,
    IReadOnlyList<BoardScopeRow> Queues,
    IReadOnlyList<BoardScopeRow> Channels,
    IReadOnlyList<BoardAgentRow> Agents,
    IReadOnlyList<ChannelHealthRow> Health,
    IReadOnlyList<BoardAlert> Alerts);

/// <summary>
/// Today's headline figures (DESIGN §8). FCR is provisional while any of today's resolutions is inside its window.
/// Survey figures stay null until a survey answer arrives.
/// </summary>
public sealed record BoardHeadline(
    int Opened,
    int Resolved,
    decimal? FcrRate,
    int FcrProvisional,
    double? FrtMean,
    double? FrtP50,
    double? FrtP95,
    double? AhtMean,
    decimal? SlaCompliance,
    double? ComplaintToResolutionMean,
    decimal? SameDayRate,
    decimal? Csat,
    decimal? Nps,
    decimal? Ces,
    IReadOnlyList<BoardHour> Trend);

/// <summary>One hour of today, for the sparklines: opened, resolved, first responses and their mean (seconds).</summary>
public sealed record BoardHour(int Hour, int Opened, int Resolved, int FirstResponses, double? FrtMean);

/// <summary>
/// One queue or channel right now: waiting conversations and since when the oldest waits, open ones, SLA at risk and breached,
/// time-to-assign p50/p95 today (seconds), and — for a queue with conversations waiting — whether any agent online could take them.
/// </summary>
public sealed record BoardScopeRow(
    string Key,
    string Name,
    int Waiting,
    DateTimeOffset? LongestWaitingSince,
    double? LongestWait,
    int Open,
    int AtRisk,
    int Breached,
    double? TimeToAssignP50,
    double? TimeToAssignP95,
    int ResolvedToday,
    bool NoEligibleAgent);

/// <summary>An agent right now: presence (and since when), load against capacity, current conversations, occupancy today (percent).</summary>
public sealed record BoardAgentRow(
    Guid Id,
    string Name,
    string Presence,
    DateTimeOffset? PresenceSince,
    int Load,
    int Capacity,
    IReadOnlyList<Guid> Conversations,
    decimal? Occupancy,
    double SignedInToday,
    double HandlingToday);

/// <summary>A channel's health: when a customer last wrote in, provider errors in the last hour, the mailbox lag when known.</summary>
public sealed record ChannelHealthRow(string Channel, DateTimeOffset? LastInboundAt, int ErrorsLastHour, string? LastError, double? ImapLag, string? State);

/// <summary>A supervisor alert (SLA at risk, escalated) as routing raised it.</summary>
public sealed record BoardAlert(long Seq, Guid ConversationId, long Number, string Kind, string Reason, DateTimeOffset At, string? Queue);

/// <summary>
/// What changed since the previous push: the headline when it changed, the queue/channel/agent/health rows that changed (whole
/// rows, keyed), the keys that disappeared, and alerts that are new. Applied over the snapshot received on connect.
/// </summary>
public sealed record BoardDelta(
    long Version,
    DateTimeOffset At,
    DateOnly Day,
    BoardHeadline? Headline,
    IReadOnlyList<BoardScopeRow> Queues,
    IReadOnlyList<BoardScopeRow> Channels,
    IReadOnlyList<BoardAgentRow> Agents,
    IReadOnlyList<ChannelHealthRow> Health,
    IReadOnlyList<BoardAlert> Alerts,
    IReadOnlyList<string> RemovedQueues,
    IReadOnlyList<Guid> RemovedAgents);

/// <summary>A conversation behind a board figure; <c>Value</c> is the figure's own measure for it (seconds waited, FRT...).</summary>
public sealed record BoardConversation(
    Guid Id,
    long Number,
    string Channel,
    Guid? QueueId,
    string? Queue,
    string Status,
    Guid? AssigneeId,
    string? ContactName,
    DateTimeOffset OpenedAt,
    DateTimeOffset? WaitingSince,
    DateTimeOffset? FirstResponseDue,
    double? Value);

/// <summary>The supervisor board's client methods (<c>/hubs/supervisor</c>).</summary>
public interface ISupervisorClient
{
    /// <summary>The whole board, sent once when the connection opens.</summary>
    Task BoardSnapshot(BoardSnapshot snapshot);

    /// <summary>What changed, coalesced: at most about four a second, within a second of a change.</summary>
    Task BoardDelta(BoardDelta delta);
}
