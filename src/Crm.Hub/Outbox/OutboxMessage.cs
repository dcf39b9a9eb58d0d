namespace Crm.Hub.Outbox;

internal enum OutboxState
{
    Pending,
    /// <summary>Handed to the channel; a crash here leaves the outcome unknown.</summary>
    Sending,
    Sent,
    Failed,
    /// <summary>Interrupted mid-send on a channel that is not idempotent: never resent automatically.</summary>
    Unknown,
}

/// <summary>A send that was committed together with its message and is carried out by the dispatcher.</summary>
internal sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public required string Channel { get; set; }
    public OutboxState State { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
}
