namespace Crm.Routing;

/// <summary>Something the router must react to. Feed them to <see cref="RoutingEngine.Apply"/> from one loop.</summary>
public abstract record RoutingEvent;

/// <summary>
/// A new agent, or changed capacity, teams, auto-accept, presence or skills of a known one. <paramref name="Skills"/> maps a
/// skill (billing, persian, vip…) to the agent's proficiency in it, 1 (basic) to 5 (expert). With a <paramref name="Profile"/>, the
/// agent also has a budget of weighted units across channels, and some channels may block others while held.
/// </summary>
public sealed record AgentUpserted(
    Guid AgentId,
    AgentPresence Presence,
    IReadOnlyDictionary<string, int> CapacityByChannel,
    IReadOnlyCollection<Guid> TeamIds,
    bool AutoAccept,
    IReadOnlyDictionary<string, int>? Skills = null,
    CapacityProfile? Profile = null) : RoutingEvent;

public sealed record AgentPresenceChanged(Guid AgentId, AgentPresence Presence) : RoutingEvent;

public sealed record AgentRemoved(Guid AgentId) : RoutingEvent;

/// <summary>The agent used their console (typed, clicked): the idle clock starts again, and an agent set away for idling is back.</summary>
public sealed record AgentActivity(Guid AgentId) : RoutingEvent;

/// <summary>
/// A new, reopened or transferred conversation. A conversation the engine already tracks is released
/// from its current state first (transfer = wait again). Only members of <paramref name="TeamId"/> are
/// eligible when it is set; <paramref name="ResponsibleAgentId"/> is the preferred (sticky) owner;
/// <paramref name="TargetAgentId"/> is the only agent who may take it, and it waits for their capacity.
/// Within a priority, the conversation whose <paramref name="SlaDueAt"/> comes first is served first. With a
/// <paramref name="Skill"/>, only agents at <paramref name="MinProficiency"/> or above may take it, until
/// <see cref="RoutingOptions.SkillFallbackAfter"/> has passed since it started waiting in its current queue: then the closest match.
/// The escalation ladder goes on from there: each <paramref name="Overflow"/> step, once the conversation has waited its
/// <see cref="OverflowStep.After"/>, moves it to that step's team, skill and priority; after <paramref name="AlertAfter"/>
/// without an agent the supervisor is alerted (<see cref="DecisionKind.Escalated"/>). When its SLA comes near
/// (<see cref="RoutingOptions.SlaAtRiskShare"/>) it jumps the queue and the supervisor is alerted (<see cref="DecisionKind.SlaAtRisk"/>).
/// </summary>
public sealed record ConversationWaiting(
    Guid ConversationId,
    string Channel,
    int Priority,
    DateTimeOffset WaitingSince,
    Guid? TeamId = null,
    Guid? ResponsibleAgentId = null,
    Guid? TargetAgentId = null,
    DateTimeOffset? SlaDueAt = null,
    string? Skill = null,
    int MinProficiency = 1,
    IReadOnlyList<OverflowStep>? Overflow = null,
    TimeSpan? AlertAfter = null,
    ContinuedWait? Continued = null) : RoutingEvent;

/// <summary>
/// What happened earlier in this same wait (the host replays waits after a restart or a hand-back): how many overflow rungs it
/// already climbed, and whether the supervisor was already alerted (escalation, SLA at risk). Nothing is climbed or alerted twice.
/// </summary>
public sealed record ContinuedWait(int RungsClimbed, bool Escalated, bool SlaRiskAlerted);

/// <summary>
/// A rung of the escalation ladder: after waiting <paramref name="After"/> (counted from <see cref="ConversationWaiting.WaitingSince"/>)
/// without an agent, the conversation moves to the queue named <paramref name="Name"/>, served by <paramref name="TeamId"/> (null:
/// any team) with <paramref name="Skill"/> at <paramref name="MinProficiency"/>, at <paramref name="Priority"/> (null: unchanged).
/// </summary>
public sealed record OverflowStep(TimeSpan After, string Name, Guid? TeamId = null, string? Skill = null, int MinProficiency = 1, int? Priority = null);

/// <summary>Restores an existing assignment at start-up: counts toward the agent's load, no decision.</summary>
public sealed record ConversationAssigned(Guid ConversationId, string Channel, Guid AgentId) : RoutingEvent;

public sealed record OfferAccepted(Guid ConversationId, Guid AgentId) : RoutingEvent;

public sealed record OfferDeclined(Guid ConversationId, Guid AgentId) : RoutingEvent;

/// <summary>Resolved or withdrawn: leaves the queue, or frees the slot of the agent holding it.</summary>
public sealed record ConversationClosed(Guid ConversationId) : RoutingEvent;

/// <summary>Time passed: expires offers and ends sticky waits. Send it at <see cref="RoutingEngine.NextDeadline"/>.</summary>
public sealed record Tick : RoutingEvent;
