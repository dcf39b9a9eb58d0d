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

        var positions = group.ByLevel[lane.Level];
        if (positions is null)
        {
            positions = [];
            group.ByLevel[lane.Level] = positions;
            group.Lanes++;
            CountLane(lane, +1);
        }

        if (positions.Add(position))
        {
            Count++;
        }
    }

    public void Remove(LaneKey lane, QueuePosition position)
    {
        var key = lane with { Level = 0 };
        if (!_groups.TryGetValue(key, out var group) || group.ByLevel[lane.Level] is not { } positions || !positions.Remove(position))
        {
            return;
        }

        Count--;
        if (positions.Count == 0)
        {
            group.ByLevel[lane.Level] = null;
            CountLane(lane, -1);
            if (--group.Lanes == 0)
            {
                _groups.Remove(key);
            }
        }
    }

    /// <summary>The lane in queue order, or null when nobody waits in it.</summary>
    public SortedSet<QueuePosition>? Find(LaneKey lane) =>
        _groups.TryGetValue(lane with { Level = 0 }, out var group) ? group.ByLevel[lane.Level] : null;

    /// <summary>All levels of a skill's lanes for a channel (and team); null when nobody waits in any of them.</summary>
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

/// <summary>The lanes of one (channel, team, skill) by level 1–5 (index 0 for lanes without a skill); null where nobody waits.</summary>
internal sealed class LaneLevels
{
    public SortedSet<QueuePosition>?[] ByLevel { get; } = new SortedSet<QueuePosition>?[6];

    public int Lanes { get; set; }
}
