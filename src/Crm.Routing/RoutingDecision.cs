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
}

/// <summary>What the router decided about one conversation, and why, in words a supervisor can read.</summary>
public sealed record RoutingDecision(
    DecisionKind Kind,
    Guid ConversationId,
    Guid? AgentId,
    string Reason,
    DateTimeOffset At,
    DateTimeOffset? OfferExpiresAt = null);
