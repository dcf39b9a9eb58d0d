namespace Crm.Channels;

/// <summary>Delivery state of an outbound message, ordered so that a status only ever moves forward.</summary>
public enum DeliveryStatus
{
    Pending = 0,
    Sent = 1,
    Delivered = 2,
    Read = 3,
    Failed = 4,
}

public static class DeliveryStatusRules
{
    /// <summary>
    /// Providers report out of order; a later-ranked status wins. Failed is terminal except over Read
    /// (a read message was delivered, whatever a late failure callback says).
    /// </summary>
    public static bool CanMoveTo(this DeliveryStatus current, DeliveryStatus next) => current switch
    {
        DeliveryStatus.Read => false,
        DeliveryStatus.Failed => false,
        _ => next > current,
    };
}

/// <summary>A provider's report on an outbound message.</summary>
public sealed record DeliveryReceipt(string Channel, Guid MessageId, DeliveryStatus Status, DateTimeOffset At, string? Error = null);
