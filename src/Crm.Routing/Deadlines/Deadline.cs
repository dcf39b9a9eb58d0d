namespace Crm.Routing.Deadlines;

internal readonly record struct Deadline(DateTimeOffset At, Guid ConversationId) : IComparable<Deadline>
{
    public int CompareTo(Deadline other)
    {
        var byTime = At.CompareTo(other.At);
        return byTime != 0 ? byTime : ConversationId.CompareTo(other.ConversationId);
    }
}
