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

/// <summary>What the router decided about one conversation, and why, in words a supervisor can read.</summary>
public sealed record RoutingDecision(
    DecisionKind Kind,
    Guid ConversationId,
    Guid? AgentId,
    string Reason,
    DateTimeOffset At,
    DateTimeOffset? OfferExpiresAt = null);
