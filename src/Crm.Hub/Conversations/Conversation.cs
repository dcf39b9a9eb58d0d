using Crm.Hub.Contacts;

namespace Crm.Hub.Conversations;

internal enum ConversationStatus
{
    /// <summary>Exists but is not in routing (reserved for channels that open conversations without a customer message).</summary>
    Open,
    /// <summary>In the routing queue, possibly with a pending offer.</summary>
    Waiting,
    Assigned,
    Resolved,
}

internal sealed class Conversation
{
    public Guid Id { get; set; }

    /// <summary>Human reference shown as #Number.</summary>
    public long Number { get; set; }

    public Guid ContactId { get; set; }
    public Contact? Contact { get; set; }
    public required string Channel { get; set; }
    public ConversationStatus Status { get; set; }
    public string? Category { get; set; }
    public int Priority { get; set; }
    public Guid? AssigneeId { get; set; }
    public Guid? ResponsibleAgentId { get; set; }
    public Guid? TeamId { get; set; }

    /// <summary>Set by a transfer to a named agent: only that agent is offered it, until they take or refuse it.</summary>
    public Guid? TargetAgentId { get; set; }
    public Guid? OfferedToAgentId { get; set; }
    public DateTimeOffset? OfferExpiresAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset WaitingSince { get; set; }
    public DateTimeOffset LastMessageAt { get; set; }
    public string? LastMessagePreview { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }

    /// <summary>The routing queue the conversation was classified into when it opened.</summary>
    public Guid? QueueId { get; set; }

    /// <summary>The routing policy version that classified it.</summary>
    public int? PolicyVersion { get; set; }

    /// <summary>
    /// How far the current wait has escalated — overflow rungs climbed, supervisor alerted, SLA-at-risk alert sent — for the wait
    /// that began at <see cref="EscalationFor"/> (its <see cref="WaitingSince"/>), so a restart continues it instead of repeating it.
    /// </summary>
    public DateTimeOffset? EscalationFor { get; set; }

    public int OverflowRungs { get; set; }

    public bool Escalated { get; set; }

    public bool SlaRiskAlerted { get; set; }

    /// <summary>Records an escalation decision of the current wait, forgetting those of an earlier wait.</summary>
    public void NoteEscalation(Crm.Routing.DecisionKind kind)
    {
        if (EscalationFor != WaitingSince)
        {
            (EscalationFor, OverflowRungs, Escalated, SlaRiskAlerted) = (WaitingSince, 0, false, false);
        }
        switch (kind)
        {
            case Crm.Routing.DecisionKind.Overflowed:
                OverflowRungs++;
                break;
            case Crm.Routing.DecisionKind.Escalated:
                Escalated = true;
                break;
            case Crm.Routing.DecisionKind.SlaAtRisk:
                SlaRiskAlerted = true;
                break;
            default:
                break;
        }
    }

    /// <summary>The skill its queue requires of the agent, and the minimum proficiency (1-5).</summary>
    public string? RequiredSkill { get; set; }

    public int MinProficiency { get; set; } = 1;

    /// <summary>When the first response is due under the queue's SLA.</summary>
    public DateTimeOffset? SlaDueAt { get; set; }

    /// <summary>The SLA deadline routing orders by: none once the customer has had a first response.</summary>
    public DateTimeOffset? PendingSlaDueAt => FirstResponseAt is null ? SlaDueAt : null;

    public bool IsOpen => Status != ConversationStatus.Resolved;

    /// <summary>The campaign this conversation carries a message of, or that the customer answered by opening it.</summary>
    public Guid? CampaignId { get; set; }
}
