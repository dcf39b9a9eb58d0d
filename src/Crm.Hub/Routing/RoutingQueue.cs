namespace Crm.Hub.Routing;

/// <summary>
/// A routing queue: which new conversations it takes (channels, keywords in the first message), the priority they
/// get and the first-response SLA. Queues are tried in <see cref="Order"/>; the first that matches takes the
/// conversation. Edited by supervisors; each save bumps <see cref="Version"/>.
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

    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
