namespace Crm.Routing;

public enum DecisionKind
{
    Queued,
    Offered,
    Assigned,
    OfferExpired,
    OfferDeclined,
    Requeued,
    Released,
    Rejected,
    /// <summary>The agent was set away (decline limit, or idle); <see cref="RoutingDecision.ConversationId"/> is empty.</summary>
    AgentAway,
    /// <summary>An agent the engine had set away for idling is active again and online; the conversation id is empty.</summary>
    AgentOnline,
    /// <summary>Waited too long in its queue: moved to the next rung of its escalation ladder (another team, skill or priority).</summary>
    Overflowed,
    /// <summary>Its SLA is close to breaching: it jumps the queue, and the supervisor is alerted.</summary>
    SlaAtRisk,
    /// <summary>Still without an agent after its alert wait, the last rung: the supervisor is alerted.</summary>
    Escalated,
}

/// <summary>
/// What the router decided about one conversation, and why, in words a supervisor can read. An offer picked from a pool also
/// lists the <see cref="Candidates"/> looked at: the one chosen, the runner-up the tie-break passed over, and those a filter excluded.
/// </summary>
public sealed record RoutingDecision(
    DecisionKind Kind,
    Guid ConversationId,
    Guid? AgentId,
    string Reason,
    DateTimeOffset At,
    DateTimeOffset? OfferExpiresAt = null,
    IReadOnlyList<Candidate>? Candidates = null);

public enum CandidateVerdict
{
    Chosen,
    /// <summary>Next in rank after the one chosen: the tie-break (or the lower load) decided between them.</summary>
    RunnerUp,
    Declined,
    LetOfferExpire,
    NotInTeam,
    BelowLevel,
}

/// <summary>An agent the router looked at for a conversation: what it decided about them, and the scores it ranked them by.</summary>
public sealed record Candidate(Guid AgentId, CandidateVerdict Verdict, int Load, DateTimeOffset IdleSince, int? Proficiency = null);
