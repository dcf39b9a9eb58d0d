namespace Crm.Routing.Waiting;

/// <summary>
/// Queue order: priority descending, then the earliest SLA breach first (conversations without an SLA after those
/// with one), then waiting since ascending, then arrival order.
/// </summary>
internal readonly record struct QueuePosition(int Priority, long SlaDueUtcTicks, long WaitingSinceUtcTicks, long Arrival, Guid ConversationId)
    : IComparable<QueuePosition>
{
    public int CompareTo(QueuePosition other)
    {
        var byPriority = other.Priority.CompareTo(Priority);
        if (byPriority != 0)
        {
            return byPriority;
        }

        var bySla = SlaDueUtcTicks.CompareTo(other.SlaDueUtcTicks);
        if (bySla != 0)
        {
            return bySla;
        }

        var byWaiting = WaitingSinceUtcTicks.CompareTo(other.WaitingSinceUtcTicks);
        return byWaiting != 0 ? byWaiting : Arrival.CompareTo(other.Arrival);
    }
}
