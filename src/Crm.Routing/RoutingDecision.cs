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
/// The engine's hot decisions keep the facts of their <see cref="Reason"/> and put them into words when it is first read.
/// </summary>
public sealed record RoutingDecision
{
    private readonly ReasonFacts? _facts;
    private string? _reason;

    public RoutingDecision(
        DecisionKind kind,
        Guid conversationId,
        Guid? agentId,
        string reason,
        DateTimeOffset at,
        DateTimeOffset? offerExpiresAt = null,
        IReadOnlyList<Candidate>? candidates = null)
        : this(kind, conversationId, agentId, at, offerExpiresAt, candidates) => _reason = reason;

    internal RoutingDecision(
        DecisionKind kind,
        Guid conversationId,
        Guid? agentId,
        DecisionReason reason,
        DateTimeOffset at,
        DateTimeOffset? offerExpiresAt = null,
        IReadOnlyList<Candidate>? candidates = null)
        : this(kind, conversationId, agentId, at, offerExpiresAt, candidates) => (_reason, _facts) = (reason.Words, reason.Facts);

    private RoutingDecision(DecisionKind kind, Guid conversationId, Guid? agentId, DateTimeOffset at, DateTimeOffset? offerExpiresAt, IReadOnlyList<Candidate>? candidates)
    {
        Kind = kind;
        ConversationId = conversationId;
        AgentId = agentId;
        At = at;
        OfferExpiresAt = offerExpiresAt;
        Candidates = candidates;
    }

    public DecisionKind Kind { get; init; }

    public Guid ConversationId { get; init; }

    public Guid? AgentId { get; init; }

    /// <summary>Why, in words; worded from the decision's facts on first read (the same words, whenever it is read).</summary>
    public string Reason
    {
        get => _reason ??= _facts!.Format();
        init => (_reason, _facts) = (value, null);
    }

    public DateTimeOffset At { get; init; }

    public DateTimeOffset? OfferExpiresAt { get; init; }

    public IReadOnlyList<Candidate>? Candidates { get; init; }

    public bool Equals(RoutingDecision? other) =>
        other is not null
        && Kind == other.Kind
        && ConversationId == other.ConversationId
        && AgentId == other.AgentId
        && At == other.At
        && OfferExpiresAt == other.OfferExpiresAt
        && Equals(Candidates, other.Candidates)
        && string.Equals(Reason, other.Reason, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Kind, ConversationId, AgentId, At, OfferExpiresAt, Candidates, Reason);

    public void Deconstruct(
        out DecisionKind kind,
        out Guid conversationId,
        out Guid? agentId,
        out string reason,
        out DateTimeOffset at,
        out DateTimeOffset? offerExpiresAt,
        out IReadOnlyList<Candidate>? candidates) =>
        (kind, conversationId, agentId, reason, at, offerExpiresAt, candidates) = (Kind, ConversationId, AgentId, Reason, At, OfferExpiresAt, Candidates);
}

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
