namespace Crm.Routing.Waiting;

internal sealed class WaitingLanes
{
    private readonly Dictionary<LaneKey, SortedSet<QueuePosition>> _lanes = [];

    public int Count { get; private set; }

    public void Add(LaneKey lane, QueuePosition position)
    {
        if (!_lanes.TryGetValue(lane, out var positions))
        {
            positions = [];
            _lanes.Add(lane, positions);
        }

        if (positions.Add(position))
        {
            Count++;
        }
    }

    public void Remove(LaneKey lane, QueuePosition position)
    {
        if (!_lanes.TryGetValue(lane, out var positions) || !positions.Remove(position))
        {
            return;
        }

        Count--;
        if (positions.Count == 0)
        {
            _lanes.Remove(lane);
        }
    }

    /// <summary>The lane in queue order, or null when nobody waits in it.</summary>
    public SortedSet<QueuePosition>? Find(LaneKey lane) => _lanes.GetValueOrDefault(lane);
}
