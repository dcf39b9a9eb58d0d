namespace Crm.Hub.Conversations;

/// <summary>
/// One entry of the append-only event list. <see cref="Seq"/> orders everything pushed to consoles;
/// a reconnecting console asks for the events after the last seq it saw.
/// </summary>
internal sealed class ConversationEvent
{
    public long Seq { get; set; }
    public Guid? ConversationId { get; set; }

    /// <summary>What happened in the domain (received, assigned, resolved...), for metrics and history.</summary>
    public required string Kind { get; set; }

    /// <summary>The console client method the event is pushed as (ConversationUpdated, MessageAdded...).</summary>
    public required string ClientMethod { get; set; }

    public Guid? AgentId { get; set; }

    /// <summary>JSON payload pushed to clients.</summary>
    public required string Data { get; set; }

    public DateTimeOffset At { get; set; }
}

internal static class EventKinds
{
    public const string Received = "received";
    public const string Sent = "sent";
    public const string NoteAdded = "note";
    public const string Opened = "opened";
    public const string Queued = "queued";
    public const string Offered = "offered";
    public const string OfferWithdrawn = "offer-withdrawn";
    public const string Assigned = "assigned";
    public const string Transferred = "transferred";
    public const string Resolved = "resolved";
    public const string Reopened = "reopened";
    public const string DeliveryChanged = "delivery";
    public const string Edited = "edited";
    public const string RoutingDecision = "routing";
    public const string SupervisorAlert = "alert";
    public const string Categorized = "categorized";
    public const string ReminderDue = "reminder";
}
