namespace Crm.Routing.Waiting;

internal sealed class WaitingLanes
{
    /// <summary>
    /// Lanes grouped by everything but the skill level: an agent with a free slot looks at every level it reaches of a skill, and
    /// finds them all with one look-up instead of one per level.
    /// </summary>
    private readonly Dictionary<LaneKey, LaneLevels> _groups = [];

    public int Count { get; private set; }

    /// <summary>Lanes of conversations that need a skill, and those of them for one team: agents skip the look-ups when none exist.</summary>
    public int SkilledLaneCount { get; private set; }

    public int TeamSkilledLaneCount { get; private set; }

    public void Add(LaneKey lane, QueuePosition position)
    {
        var key = lane with { Level = 0 };
        if (!_groups.TryGetValue(key, out var group))
        {
            group = new LaneLevels();
            _groups.Add(key, group);
        }

        var positions = group.Lane(lane.Level);
        if (positions is null)
        {
            positions = new();
            group.Open(lane.Level, positions);
            CountLane(lane, +1);
        }

        if (positions.Add(position))
        {
            Count++;
            if (positions.Count == 1 || position.CompareTo(group.Head(lane.Level)) < 0)
            {
                group.SetHead(lane.Level, position);
            }
        }
    }

    public void Remove(LaneKey lane, QueuePosition position)
    {
        var key = lane with { Level = 0 };
        if (!_groups.TryGetValue(key, out var group) || group.Lane(lane.Level) is not { } positions || !positions.Remove(position))
        {
            return;
        }

        Count--;
        if (positions.Count == 0)
        {
            group.Close(lane.Level);
            CountLane(lane, -1);
            if (group.Lanes == 0)
            {
                _groups.Remove(key);
            }
        }
        else if (position.Equals(group.Head(lane.Level)))
        {
            group.SetHead(lane.Level, positions.Min);
        }
    }

    /// <summary>The lanes of a channel (and team, and skill) by level; null when nobody waits in any of them.</summary>
    public LaneLevels? FindLevels(LaneKey levelZero) => _groups.GetValueOrDefault(levelZero);

    private void CountLane(LaneKey lane, int delta)
    {
        if (lane.Skill is null)
        {
            return;
        }

        SkilledLaneCount += delta;
        if (lane.TeamId is not null)
        {
            TeamSkilledLaneCount += delta;
        }
    }
}

/// <summary>
/// The lanes of one (channel, team, skill) by level 1–5 (index 0 for lanes without a skill); null where nobody waits. Each lane's
/// head is kept inline beside it: an agent compares heads against the best found so far without touching a tree node or another
/// object, which matters because a freed slot looks at every level of every skill the agent has.
/// </summary>
internal sealed class LaneLevels
{
    private LaneArray _lanes;
    private HeadArray _heads;

    /// <summary>Bit n set: level n has a lane.</summary>
    public int Present { get; private set; }

    public int Lanes { get; private set; }

    public RankedSet<QueuePosition>? Lane(int level) => _lanes[level];

    public QueuePosition Head(int level) => _heads[level];

    public bool Has(int level) => (Present & (1 << level)) != 0;

    public void Open(int level, RankedSet<QueuePosition> lane)
    {
        _lanes[level] = lane;
        Present |= 1 << level;
        Lanes++;
    }

    public void Close(int level)
    {
        _lanes[level] = null;
        Present &= ~(1 << level);
        Lanes--;
    }

    public void SetHead(int level, QueuePosition head) => _heads[level] = head;

    [System.Runtime.CompilerServices.InlineArray(6)]
    private struct LaneArray
    {
        private RankedSet<QueuePosition>? _element;
    }

    [System.Runtime.CompilerServices.InlineArray(6)]
    private struct HeadArray
    {
        private QueuePosition _element;
    }
}
