namespace Crm.Routing.Agents;

internal sealed class TrackedAgent(Guid id)
{
    private readonly Dictionary<string, int> _heldByChannel = new(StringComparer.Ordinal);

    public Guid Id { get; } = id;

    public AgentPresence Presence { get; set; } = AgentPresence.Offline;

    public Dictionary<string, int> CapacityByChannel
    {
        get;
        set => (field, FreePools) = (value, null);
    } = new(StringComparer.Ordinal);

    public HashSet<Guid> TeamIds
    {
        get;
        set => (field, FreePools) = (value, null);
    } = [];

    /// <summary>Skill → proficiency, 1 (basic) to 5 (expert).</summary>
    public Dictionary<SkillKey, int> Skills
    {
        get;
        set => (field, FreePools) = (value, null);
    } = [];

    /// <summary>The free-agent pools the agent sits in, per channel; set by the index, dropped when channels, teams or skills change.</summary>
    public ChannelPools[]? FreePools { get; set; }

    public bool AutoAccept { get; set; }

    /// <summary>
    /// Set while the engine holds the agent out of the free-agent index across several changes (a slot freed and refilled in
    /// one event), so each change does not re-sort the agent in every pool only for the next one to do it again.
    /// </summary>
    public bool HeldOutOfIndex { get; set; }

    /// <summary>Weighted units and cross-channel blocking on top of the per-channel limits; null when the agent has none.</summary>
    public CapacityProfile? Profile { get; set; }

    /// <summary>When the agent last used the console or answered an offer; the idle deadline counts from here.</summary>
    public DateTimeOffset LastActiveAt { get; set; }

    /// <summary>When the idle deadline falls, while one is scheduled.</summary>
    public DateTimeOffset? AwayAt { get; set; }

    /// <summary>Set away by the engine for idling: their next activity brings them back online.</summary>
    public bool AwayForIdling { get; set; }

    /// <summary>Offers declined or let expire since the last one taken (the decline limit counts these).</summary>
    public int OffersNotTakenInARow { get; set; }

    /// <summary>The later of the last offer or assignment to the agent and the moment they came online.</summary>
    public DateTimeOffset IdleSince { get; set; }

    /// <summary>Conversations held on all channels, pending offers included.</summary>
    public int Load { get; private set; }

    public HashSet<Guid> HeldConversations { get; } = [];

    /// <summary>Queued conversations waiting for this agent as their busy responsible agent.</summary>
    public HashSet<Guid> StickyHolds { get; } = [];

    public bool IsOnline => Presence == AgentPresence.Online;

    public AgentRank Rank => new(Load, IdleSince.UtcTicks, Id);

    public IReadOnlyDictionary<string, int> HeldByChannel => _heldByChannel;

    public int CapacityOn(string channel) => CapacityByChannel.GetValueOrDefault(channel);

    public int HeldOn(string channel) => _heldByChannel.GetValueOrDefault(channel);

    /// <summary>
    /// Room for one more conversation on the channel: under its per-channel limit and, with a profile, enough units left
    /// and nothing held on a channel that blocks it.
    /// </summary>
    public bool HasFreeSlot(string channel)
    {
        if (HeldOn(channel) >= CapacityOn(channel))
        {
            return false;
        }

        if (Profile is not { } profile)
        {
            return true;
        }

        var units = 0;
        foreach (var (held, count) in _heldByChannel)
        {
            if (profile.Shuts(held, channel))
            {
                return false;
            }

            units += count * profile.CostOf(held);
        }

        return units + profile.CostOf(channel) <= profile.Units;
    }

    /// <summary>Weighted units in use; 0 without a profile.</summary>
    public int UnitsHeld()
    {
        if (Profile is not { } profile)
        {
            return 0;
        }

        var units = 0;
        foreach (var (held, count) in _heldByChannel)
        {
            units += count * profile.CostOf(held);
        }

        return units;
    }

    public bool IsInTeam(Guid? teamId) => teamId is not Guid team || TeamIds.Contains(team);

    public int ProficiencyIn(SkillKey skill) => Skills.GetValueOrDefault(skill);

    public void Take(Guid conversationId, string channel)
    {
        HeldConversations.Add(conversationId);
        _heldByChannel[channel] = HeldOn(channel) + 1;
        Load++;
    }

    public void Free(Guid conversationId, string channel)
    {
        if (!HeldConversations.Remove(conversationId))
        {
            return;
        }

        var held = HeldOn(channel) - 1;
        if (held > 0)
        {
            _heldByChannel[channel] = held;
        }
        else
        {
            _heldByChannel.Remove(channel);
        }

        Load--;
    }
}
