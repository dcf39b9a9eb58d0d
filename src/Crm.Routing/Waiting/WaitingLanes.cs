namespace Crm.Routing.Waiting;

internal sealed class WaitingLanes
{
    private readonly Dictionary<LaneKey, SortedSet<QueuePosition>> _lanes = [];

    public int Count { get; private set; }

    /// <summary>Lanes of conversations that need a skill, and those of them for one team: agents skip the look-ups when none exist.</summary>
    public int SkilledLaneCount { get; private set; }

    public int TeamSkilledLaneCount { get; private set; }

    public void Add(LaneKey lane, QueuePosition position)
    {
        if (!_lanes.TryGetValue(lane, out var positions))
        {
            positions = [];
            _lanes.Add(lane, positions);
            CountLane(lane, +1);
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
            CountLane(lane, -1);
        }
    }

    private void CountLane(LaneKey lane, int delta)
    {
        if (lane.Skill is null)
        {
            return;
        }

        SkilledLaneCount += delta;
        lane.Skill.LanesPerLevel[lane.Level] += delta;
        if (lane.TeamId is not null)
        {
            TeamSkilledLaneCount += delta;
        }
    }

    /// <summary>The lane in queue order, or null when nobody waits in it.</summary>
    public SortedSet<QueuePosition>? Find(LaneKey lane) => _lanes.GetValueOrDefault(lane);
}
