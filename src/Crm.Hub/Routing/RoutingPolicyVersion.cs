namespace Crm.Hub.Routing;

/// <summary>
/// One saved state of the routing policy: every queue as it was after a supervisor's change, numbered. Conversations record the
/// version that classified them, so "why this agent" can name it, and a supervisor can look back or restore an earlier one.
/// </summary>
internal sealed class RoutingPolicyVersion
{
    public int Version { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public Guid? SavedById { get; set; }
    public required string SavedBy { get; set; }

    /// <summary>What changed, in words: "queue Billing updated".</summary>
    public required string Change { get; set; }

    /// <summary>The queues, as JSON (<see cref="QueueView"/>[]).</summary>
    public required string Queues { get; set; }
}
