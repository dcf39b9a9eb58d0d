namespace Crm.Hub.Routing;

/// <summary>
/// A routing queue: which new conversations it takes (channels, inboxes, language, contact tags, categories, keywords in the
/// first message), the priority they get, the first-response SLA, who serves them and where they overflow. Queues are tried in
/// <see cref="Order"/>; the first that matches takes the conversation. Edited by supervisors; each save bumps <see cref="Version"/>
/// and records a new <see cref="RoutingPolicyVersion"/>.
/// </summary>
internal sealed class RoutingQueue
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public int Order { get; set; }
    public int Priority { get; set; }
    public int? FirstResponseSlaSeconds { get; set; }

    /// <summary>The skill agents need for this queue's conversations (null: anyone of the channel), and the minimum level.</summary>
    public string? Skill { get; set; }

    public int MinProficiency { get; set; } = 1;

    /// <summary>Comma-separated channel keys; empty means every channel.</summary>
    public string Channels { get; set; } = "";

    /// <summary>Comma-separated words or phrases; empty means every message. Matched case-insensitively.</summary>
    public string Keywords { get; set; } = "";

    /// <summary>Comma-separated inboxes (the number texted, the mailbox written to); empty means any.</summary>
    public string Inboxes { get; set; } = "";

    /// <summary>Comma-separated languages of the first message (en, fa); empty means any.</summary>
    public string Languages { get; set; } = "";

    /// <summary>Comma-separated contact tags (vip…), any of which the contact must have; empty means any contact.</summary>
    public string ContactTags { get; set; } = "";

    /// <summary>Comma-separated categories (complaint…); empty means any.</summary>
    public string Categories { get; set; } = "";

    /// <summary>The team that serves the queue; null: any agent of the channel.</summary>
    public Guid? TeamId { get; set; }

    /// <summary>The escalation ladder: the queue its conversations overflow to after waiting <see cref="OverflowAfterSeconds"/>.</summary>
    public Guid? OverflowQueueId { get; set; }

    public int? OverflowAfterSeconds { get; set; }

    /// <summary>The supervisor is alerted when a conversation has waited this long without an agent.</summary>
    public int? AlertAfterSeconds { get; set; }

    /// <summary>The survey its resolved conversations get: none, csat, nps or ces; null for the configured default (Crm:Surveys:DefaultKind).</summary>
    public string? Survey { get; set; }

    /// <summary>The resolution target, in business seconds of the queue's calendar; null: the Crm:Metrics default.</summary>
    public int? ResolutionSlaSeconds { get; set; }

    /// <summary>The queue's business hours as JSON (<see cref="QueueCalendar"/>); null: open around the clock.</summary>
    public string? BusinessHours { get; set; }

    /// <summary>The category conversations this queue takes are filed under when they have none yet (a rule-set category).</summary>
    public string? SetsCategory { get; set; }

    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
