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
            if (positions.Count == 1 || position.CompareTo(group.Heads[lane.Level]) < 0)
            {
                group.Heads[lane.Level] = position;
            }
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
        else if (position.Equals(group.Heads[lane.Level]))
        {
            group.Heads[lane.Level] = positions.Min;
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
/// head is kept beside it: an agent compares heads against the best found so far, which touches no tree node at all.
/// </summary>
internal sealed class LaneLevels
{
    public SortedSet<QueuePosition>?[] ByLevel { get; } = new SortedSet<QueuePosition>?[6];

    /// <summary>The first position of each non-empty lane.</summary>
    public QueuePosition[] Heads { get; } = new QueuePosition[6];

    public int Lanes { get; set; }
}
