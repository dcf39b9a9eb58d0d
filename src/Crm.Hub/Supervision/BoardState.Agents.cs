using Crm.Routing;

namespace Crm.Hub.Supervision;

/// <summary>An agent as the board needs to know them: name, capacity per channel (or weighted units), skills and teams.</summary>
internal sealed record BoardAgentInfo(
    Guid Id,
    string Name,
    AgentPresence Presence,
    IReadOnlyDictionary<string, int> CapacityByChannel,
    int? CapacityUnits,
    IReadOnlyDictionary<string, int> Skills,
    IReadOnlyCollection<Guid> Teams)
{
    /// <summary>How many conversations the agent takes at once: their weighted units, else the sum of their channel limits.</summary>
    public int Capacity => CapacityUnits ?? CapacityByChannel.Values.Sum();
}

/// <summary>A routing queue as the board needs it: its channels (empty: all), the skill and team it requires.</summary>
internal sealed record BoardQueueInfo(Guid Id, string Name, IReadOnlyList<string> Channels, string? Skill, int MinProficiency, Guid? TeamId);

internal sealed partial class BoardState
{
    private readonly Dictionary<Guid, BoardAgent> _agents = [];
    private readonly Dictionary<Guid, BoardQueueInfo> _queueInfo = [];

    /// <summary>Replaces the agent directory (active agents); presence and load the board has seen are kept.</summary>
    public void SetAgents(IEnumerable<BoardAgentInfo> agents, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(agents);
        RollOver(now);
        var seen = new HashSet<Guid>();
        foreach (var info in agents)
        {
            seen.Add(info.Id);
            if (_agents.TryGetValue(info.Id, out var known))
            {
                known.Info = info;
            }
            else
            {
                var agent = _agents[info.Id] = new BoardAgent(info, DayStart(now));
                agent.SetPresence(info.Presence, now);
            }
        }
        foreach (var gone in _agents.Where(a => !seen.Contains(a.Key) && a.Value.Conversations.Count == 0).Select(a => a.Key).ToList())
        {
            _agents.Remove(gone);
        }
        Version++;
    }

    /// <summary>Replaces the routing queues (names, channels, skill and team they require).</summary>
    public void SetQueues(IEnumerable<BoardQueueInfo> queues)
    {
        ArgumentNullException.ThrowIfNull(queues);
        _queueInfo.Clear();
        foreach (var q in queues)
        {
            _queueInfo[q.Id] = q;
        }
        Version++;
    }

    /// <summary>An agent's effective presence changed (recorded in the presence history at the same moment).</summary>
    public bool PresenceChanged(Guid agentId, AgentPresence presence, DateTimeOffset at)
    {
        RollOver(at);
        var agent = AgentOf(agentId, at);
        if (agent.Presence == presence && agent.PresenceSince is not null)
        {
            return false;
        }
        agent.SetPresence(presence, at);
        Version++;
        return true;
    }

    private void JoinAgent(Guid agentId, Guid conversationId, DateTimeOffset at) => AgentOf(agentId, at).Join(conversationId, at);

    private void LeaveAgent(Guid agentId, Guid conversationId, DateTimeOffset at)
    {
        if (_agents.TryGetValue(agentId, out var agent))
        {
            agent.Leave(conversationId, at);
        }
    }

    private BoardAgent AgentOf(Guid agentId, DateTimeOffset at)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            // Not in the directory yet (created since it was loaded): shown by id until the next refresh names it.
            var info = new BoardAgentInfo(agentId, agentId.ToString("N")[..8], AgentPresence.Offline,
                new Dictionary<string, int>(), null, new Dictionary<string, int>(), []);
            _agents[agentId] = agent = new BoardAgent(info, DayStart(at));
        }
        return agent;
    }

    /// <summary>Whether an online agent could take a conversation of the queue (team, skill and a channel they have capacity for).</summary>
    private bool HasEligibleAgent(BoardQueueInfo queue, IReadOnlyCollection<string> waitingChannels) =>
        _agents.Values.Any(a => a.Presence == AgentPresence.Online
            && (queue.TeamId is not { } team || a.Info.Teams.Contains(team))
            && (queue.Skill is not { } skill || a.Info.Skills.GetValueOrDefault(skill) >= queue.MinProficiency)
            && waitingChannels.Any(ch => a.Info.CapacityByChannel.GetValueOrDefault(ch) > 0));
}

/// <summary>
/// One agent on the board: presence, the conversations assigned now, and today's signed-in and handling time, accumulated at
/// every change (so occupancy needs no history scan).
/// </summary>
internal sealed class BoardAgent(BoardAgentInfo info, DateTimeOffset dayStart)
{
    private DateTimeOffset _dayStart = dayStart;
    private DateTimeOffset _segmentStart = dayStart;

    public BoardAgentInfo Info { get; set; } = info;
    public AgentPresence Presence { get; private set; } = AgentPresence.Offline;
    public DateTimeOffset? PresenceSince { get; private set; }
    public HashSet<Guid> Conversations { get; } = [];
    public TimeSpan SignedIn { get; private set; }
    public TimeSpan Handling { get; private set; }

    public void SetPresence(AgentPresence presence, DateTimeOffset at)
    {
        Advance(at);
        Presence = presence;
        PresenceSince = at;
    }

    public void Join(Guid conversationId, DateTimeOffset at)
    {
        Advance(at);
        Conversations.Add(conversationId);
    }

    public void Leave(Guid conversationId, DateTimeOffset at)
    {
        Advance(at);
        Conversations.Remove(conversationId);
    }

    /// <summary>A new day: what was accumulated belongs to yesterday; the current presence and load carry over.</summary>
    public void StartDay(DateTimeOffset dayStart)
    {
        if (dayStart <= _dayStart)
        {
            return;
        }
        _dayStart = dayStart;
        _segmentStart = dayStart;
        SignedIn = TimeSpan.Zero;
        Handling = TimeSpan.Zero;
    }

    /// <summary>Adds the time since the last change (clipped to today) to the signed-in and handling totals.</summary>
    public void Advance(DateTimeOffset now)
    {
        var from = _segmentStart > _dayStart ? _segmentStart : _dayStart;
        if (now <= from)
        {
            return;
        }
        if (Presence != AgentPresence.Offline)
        {
            SignedIn += now - from;
            if (Conversations.Count > 0)
            {
                Handling += now - from;
            }
        }
        _segmentStart = now;
    }

    /// <summary>The totals as of <paramref name="now"/> without moving the segment (a snapshot must not change the state).</summary>
    public (TimeSpan SignedIn, TimeSpan Handling) TotalsAt(DateTimeOffset now)
    {
        var from = _segmentStart > _dayStart ? _segmentStart : _dayStart;
        var open = now > from && Presence != AgentPresence.Offline ? now - from : TimeSpan.Zero;
        return (SignedIn + open, Handling + (Conversations.Count > 0 ? open : TimeSpan.Zero));
    }
}
