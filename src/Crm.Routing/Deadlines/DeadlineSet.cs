namespace Crm.Routing.Deadlines;

/// <summary>
/// Deadlines per conversation, earliest first. Removal is lazy: the heap keeps a removed entry until it
/// surfaces at the top or a compaction drops it, and <see cref="_live"/> says which entry is current. Every
/// offer adds and almost every offer removes, so this spares the hot path a tree rebalance and an allocation.
/// </summary>
internal sealed class DeadlineSet
{
    private const int CompactionFloor = 256;
    private readonly Dictionary<Guid, DateTimeOffset> _live = [];
    private readonly PriorityQueue<Guid, DateTimeOffset> _heap = new();

    public Deadline? Earliest
    {
        get
        {
            DropRemovedAtTop();
            return _heap.TryPeek(out var conversationId, out var at) ? new Deadline(at, conversationId) : null;
        }
    }

    public void Add(DateTimeOffset at, Guid conversationId)
    {
        _live[conversationId] = at;
        _heap.Enqueue(conversationId, at);
    }

    public void Remove(DateTimeOffset at, Guid conversationId)
    {
        if (!IsLive(conversationId, at))
        {
            return;
        }

        _live.Remove(conversationId);
        if (_heap.Count > CompactionFloor && _heap.Count > 2 * _live.Count)
        {
            _heap.Clear();
            _heap.EnqueueRange(_live.Select(entry => (entry.Key, entry.Value)));
        }
    }

    /// <summary>
    /// False when nothing can be due by <paramref name="now"/>: the heap's top is at or before the earliest live deadline (removed
    /// entries only linger), so a top after <paramref name="now"/> settles it without looking anything up.
    /// </summary>
    public bool MayBeDueBy(DateTimeOffset now) => _heap.TryPeek(out _, out var at) && at <= now;

    private void DropRemovedAtTop()
    {
        while (_heap.TryPeek(out var conversationId, out var at) && !IsLive(conversationId, at))
        {
            _heap.Dequeue();
        }
    }

    private bool IsLive(Guid conversationId, DateTimeOffset at) =>
        _live.TryGetValue(conversationId, out var current) && current == at;
}
