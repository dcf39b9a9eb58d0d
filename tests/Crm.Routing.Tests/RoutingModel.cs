namespace Crm.Routing.Tests;

/// <summary>
/// What a consumer of the decision stream (the Hub) would believe, built only from the events sent and the
/// decisions received; the invariant test compares it with the engine after every event.
/// </summary>
internal sealed class RoutingModel(RoutingHarness h)
{
    private readonly Dictionary<Guid, AgentUpserted> _agents = [];
    private readonly Dictionary<Guid, ModelConversation> _conversations = [];

    public int Offers { get; private set; }

    public int Expiries { get; private set; }

    /// <summary>Agents the decline limit set away.</summary>
    public int AwaySettings { get; private set; }

    public int Overflows { get; private set; }

    public int RiskAlerts { get; private set; }

    public int Escalations { get; private set; }

    public Dictionary<(Guid Agent, string Channel), int> HeldCounts()
    {
        var counts = new Dictionary<(Guid, string), int>();
        foreach (var c in _conversations.Values.Where(c => c.Holder is not null))
        {
            var key = (c.Holder!.Value, c.Channel);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    public (Guid AgentId, string Channel)? AgentWithRoom(Random random)
    {
        var held = HeldCounts();
        var roomy = _agents.Values
            .SelectMany(a => a.CapacityByChannel.Keys.Select(c => (a.AgentId, Channel: c)))
            .Where(x => HasRoom(_agents[x.AgentId], x.Channel, held))
            .ToList();
        if (roomy.Count == 0)
        {
            return null;
        }

        var pick = roomy[random.Next(roomy.Count)];
        return (pick.AgentId, pick.Channel);
    }

    public (Guid Conversation, Guid Agent)? SomeOffer(Random random)
    {
        var offers = _conversations.Values.Where(c => c.Status == DecisionKind.Offered).ToList();
        if (offers.Count == 0)
        {
            return null;
        }

        var offer = offers[random.Next(offers.Count)];
        return (offer.Id, offer.Holder!.Value);
    }

    /// <summary>What the event itself tells the model, before any decision.</summary>
    public void Before(RoutingEvent routingEvent)
    {
        switch (routingEvent)
        {
            case AgentUpserted upserted:
                _agents[upserted.AgentId] = upserted;
                break;
            case AgentPresenceChanged changed when _agents.TryGetValue(changed.AgentId, out var agent):
                _agents[changed.AgentId] = agent with { Presence = changed.Presence };
                break;
            case ConversationWaiting waiting when _conversations.TryGetValue(waiting.ConversationId, out var known) && known.Holder is null:
                _conversations.Remove(waiting.ConversationId);
                break;
            case ConversationAssigned assigned when _agents.ContainsKey(assigned.AgentId)
                && _conversations.TryGetValue(assigned.ConversationId, out var restored) && restored.Holder is null:
                _conversations.Remove(assigned.ConversationId);
                break;
            default:
                break;
        }
    }

    public void Replay(RoutingEvent routingEvent, IReadOnlyList<RoutingDecision> decisions, int step)
    {
        foreach (var d in decisions)
        {
            Assert.False(string.IsNullOrWhiteSpace(d.Reason), $"step {step}: {d.Kind} without a reason");
            Assert.Equal(h.Now, d.At);
            var known = _conversations.GetValueOrDefault(d.ConversationId);
            switch (d.Kind)
            {
                case DecisionKind.Queued:
                    Assert.True(known?.Holder is null, $"step {step}: queued while held by {known?.Holder}");
                    Track(routingEvent, d, known).Status = DecisionKind.Queued;
                    break;
                case DecisionKind.Offered or DecisionKind.Assigned:
                    var isAccept = d.Kind == DecisionKind.Assigned && known?.Status == DecisionKind.Offered && known.Holder == d.AgentId;
                    Assert.True(isAccept || known?.Holder is null, $"step {step}: {d.Kind} to {d.AgentId} while held by {known?.Holder}");
                    var conversation = Track(routingEvent, d, known);
                    if (!isAccept)
                    {
                        AssertMayTake(d.AgentId!.Value, conversation, step, d);
                    }

                    conversation.Holder = d.AgentId;
                    conversation.Status = d.Kind;
                    Offers += isAccept ? 0 : 1;
                    Assert.Equal(d.Kind == DecisionKind.Offered ? h.Now + h.Options.OfferTimeout : null, d.OfferExpiresAt);
                    break;
                case DecisionKind.OfferExpired or DecisionKind.OfferDeclined or DecisionKind.Requeued:
                    Assert.True(known?.Status == DecisionKind.Offered && known.Holder == d.AgentId, $"step {step}: {d.Kind} of an offer {d.AgentId} did not hold");
                    known!.Holder = null;
                    known.Status = DecisionKind.Requeued;
                    if (d.Kind != DecisionKind.Requeued)
                    {
                        known.Excluded.Add(d.AgentId!.Value);
                    }

                    Expiries += d.Kind == DecisionKind.OfferExpired ? 1 : 0;
                    break;
                case DecisionKind.Released:
                    Assert.NotNull(known);
                    Assert.True(known.Holder == d.AgentId, $"step {step}: released by {d.AgentId} but held by {known.Holder}");
                    Assert.True(d.AgentId is not null || known.Status == DecisionKind.Queued, $"step {step}: released from queue but {known.Status}");
                    _conversations.Remove(d.ConversationId);
                    break;
                case DecisionKind.Rejected:
                    Assert.IsNotType<ConversationWaiting>(routingEvent);
                    break;
                case DecisionKind.AgentOnline:
                    Assert.Equal(Guid.Empty, d.ConversationId);
                    Assert.IsType<AgentActivity>(routingEvent);
                    Assert.True(_agents.TryGetValue(d.AgentId!.Value, out var back) && back.Presence == AgentPresence.Away,
                        $"step {step}: {d.AgentId} back online while not away");
                    _agents[d.AgentId.Value] = back with { Presence = AgentPresence.Online };
                    break;
                case DecisionKind.AgentAway:
                    Assert.Equal(Guid.Empty, d.ConversationId);
                    Assert.True(_agents.TryGetValue(d.AgentId!.Value, out var away) && away.Presence == AgentPresence.Online,
                        $"step {step}: {d.AgentId} set away while not online");
                    Assert.True(routingEvent is OfferDeclined or Tick, $"step {step}: set away on {routingEvent}");
                    _agents[d.AgentId.Value] = away with { Presence = AgentPresence.Away };
                    AwaySettings++;
                    break;
                case DecisionKind.Overflowed:
                    // A conversation arriving after its first rung's wait overflows before it is first queued.
                    known = Track(routingEvent, d, known);
                    Assert.True(known.Holder is null, $"step {step}: overflow of a held conversation");
                    var rung = known.Waiting.Overflow![known.StepsTaken];
                    Assert.True(h.Now >= known.WaitingSince + rung.After, $"step {step}: overflowed before its wait of {rung.After}");
                    known.StepsTaken++;
                    known.Team = rung.TeamId;
                    known.Skill = string.IsNullOrWhiteSpace(rung.Skill) ? null : rung.Skill;
                    known.MinProficiency = Math.Clamp(rung.MinProficiency, 1, 5);
                    known.StepSince = h.Now;
                    Overflows++;
                    break;
                case DecisionKind.SlaAtRisk:
                    Assert.True(known is not null && known.Status != DecisionKind.Assigned && !known.RiskAlerted, $"step {step}: SLA alert for {known?.Status}");
                    var due = known!.Waiting.SlaDueAt!.Value;
                    Assert.True(h.Now >= due - ((due - known.WaitingSince) * h.Options.SlaAtRiskShare), $"step {step}: SLA at risk too early");
                    known.RiskAlerted = true;
                    RiskAlerts++;
                    break;
                case DecisionKind.Escalated:
                    Assert.True(known is not null && known.Status != DecisionKind.Assigned && !known.Escalated, $"step {step}: escalation of {known?.Status}");
                    Assert.True(h.Now >= known!.WaitingSince + known.Waiting.AlertAfter!.Value, $"step {step}: escalated before its alert wait");
                    known.Escalated = true;
                    Escalations++;
                    break;
                default:
                    Assert.Fail($"unexpected decision {d.Kind}");
                    break;
            }
        }

        After(routingEvent);
        Assert.All(_conversations.Values, c => Assert.True(c.Status is DecisionKind.Queued or DecisionKind.Offered or DecisionKind.Assigned, $"step {step}: {c.Id} left {c.Status}"));
    }

    public void AssertAgreesWithEngine(int step)
    {
        var engine = h.Engine;
        var held = HeldCounts();
        foreach (var agentId in _agents.Keys)
        {
            var load = engine.GetAgentLoad(agentId);
            Assert.NotNull(load);
            var expected = held.Where(x => x.Key.Agent == agentId).ToDictionary(x => x.Key.Channel, x => x.Value);
            Assert.True(
                expected.Count == load.ActiveByChannel.Count && expected.All(x => load.ActiveByChannel.GetValueOrDefault(x.Key) == x.Value),
                $"step {step}: agent {agentId} engine load differs from the decisions");
            Assert.Equal(expected.Values.Sum(), load.Active);
            Assert.Equal(_agents[agentId].Presence, load.Presence);
        }

        foreach (var c in _conversations.Values)
        {
            Assert.Equal(c.Holder, engine.HolderOf(c.Id));
        }

        var queued = _conversations.Values.Where(c => c.Status == DecisionKind.Queued).Select(c => c.Id).ToHashSet();
        var waiting = engine.WaitingInOrder();
        Assert.Equal(queued.Count, waiting.Count);
        Assert.Equal(queued.Count, engine.WaitingCount);
        Assert.True(queued.SetEquals(waiting), $"step {step}: engine queue differs from the decisions");
        Assert.True(engine.NextDeadline is null || engine.NextDeadline > h.Now, $"step {step}: a deadline is overdue");
        AssertEscalationsOnTime(step);
        Assert.True(
            !_conversations.Values.Any(c => c.Status == DecisionKind.Offered) || engine.NextDeadline is not null,
            $"step {step}: pending offer without deadline");
    }

    /// <summary>The ladder never lags: every rung, SLA alert and escalation that is due has happened.</summary>
    private void AssertEscalationsOnTime(int step)
    {
        foreach (var c in _conversations.Values.Where(c => c.Status != DecisionKind.Assigned))
        {
            var w = c.Waiting;
            if (c.Status == DecisionKind.Queued && c.Target is null && w.Overflow is { } ladder && c.StepsTaken < ladder.Count
                && h.Now >= w.WaitingSince + ladder[c.StepsTaken].After && h.Now >= w.WaitingSince + h.Options.StickyWait)
            {
                Assert.Fail($"step {step}: {c.Id} still queued in rung {c.StepsTaken} after its overflow wait");
            }

            if (w.SlaDueAt is { } due && h.Now >= due - ((due - w.WaitingSince) * h.Options.SlaAtRiskShare))
            {
                Assert.True(c.RiskAlerted, $"step {step}: {c.Id} at risk without an SLA alert");
            }

            if (w.AlertAfter is { } alertAfter && h.Now >= w.WaitingSince + alertAfter)
            {
                Assert.True(c.Escalated, $"step {step}: {c.Id} not escalated after {alertAfter}");
            }
        }
    }

    public void AssertCapacityRespected(Dictionary<(Guid Agent, string Channel), int> heldBefore, int step)
    {
        foreach (var ((agentId, channel), count) in HeldCounts())
        {
            if (count <= heldBefore.GetValueOrDefault((agentId, channel)))
            {
                continue;
            }

            var agent = _agents[agentId];
            var capacity = agent.CapacityByChannel.GetValueOrDefault(channel);
            Assert.True(count <= capacity, $"step {step}: agent {agentId} holds {count} {channel} with capacity {capacity}");
            if (agent.Profile is { } profile)
            {
                var mine = HeldCounts().Where(h => h.Key.Agent == agentId).ToList();
                var units = mine.Sum(h => h.Value * profile.CostOf(h.Key.Channel));
                Assert.True(units <= profile.Units, $"step {step}: agent {agentId} holds {units} units of {profile.Units}");
            }
        }
    }

    /// <summary>Room for one more on the channel: under its limit and, with a profile, enough units and nothing blocking it.</summary>
    private static bool HasRoom(AgentUpserted agent, string channel, Dictionary<(Guid Agent, string Channel), int> held)
    {
        if (held.GetValueOrDefault((agent.AgentId, channel)) >= agent.CapacityByChannel.GetValueOrDefault(channel))
        {
            return false;
        }

        if (agent.Profile is not { Units: > 0 } profile)
        {
            return true;
        }

        var mine = held.Where(h => h.Key.Agent == agent.AgentId && h.Value > 0).ToList();
        return !mine.Any(h => profile.Shuts(h.Key.Channel, channel))
            && mine.Sum(h => h.Value * profile.CostOf(h.Key.Channel)) + profile.CostOf(channel) <= profile.Units;
    }

    /// <summary>Work conservation: a waiting conversation never sits while an agent who may take it has room.</summary>
    public void AssertNoEligibleAgentIdlesWhileConversationWaits(int step)
    {
        var held = HeldCounts();
        foreach (var c in _conversations.Values.Where(c => c.Status == DecisionKind.Queued))
        {
            var reservedFor = c.Target ?? (IsWaitingForResponsible(c, held) ? c.Responsible : null);
            foreach (var agent in _agents.Values)
            {
                var free = agent.Presence == AgentPresence.Online
                    && HasRoom(agent, c.Channel, held)
                    && (c.Team is null || agent.TeamIds.Contains(c.Team.Value))
                    && !c.Excluded.Contains(agent.AgentId)
                    && Qualifies(agent, c)
                    && (reservedFor is null || reservedFor == agent.AgentId);
                Assert.False(free, $"step {step}: {c.Id} waits while agent {agent.AgentId} could take it");
            }
        }
    }

    private bool IsWaitingForResponsible(ModelConversation c, Dictionary<(Guid Agent, string Channel), int> held) =>
        c.Responsible is Guid r
        && _agents.TryGetValue(r, out var responsible)
        && responsible.Presence == AgentPresence.Online
        && responsible.CapacityByChannel.GetValueOrDefault(c.Channel) > 0
        && (c.Team is null || responsible.TeamIds.Contains(c.Team.Value))
        && !c.Excluded.Contains(r)
        && Qualifies(responsible, c)
        && h.Now < c.WaitingSince + h.Options.StickyWait;

    /// <summary>The agent has the skill the conversation needs, or the skill fallback has made anyone of the channel eligible.</summary>
    private bool Qualifies(AgentUpserted agent, ModelConversation c) =>
        c.Skill is null
        || c.Target == agent.AgentId
        || (agent.Skills?.GetValueOrDefault(c.Skill) ?? 0) >= c.MinProficiency
        || (h.Options.SkillFallbackAfter > TimeSpan.Zero && h.Now >= c.StepSince + h.Options.SkillFallbackAfter);

    private void AssertMayTake(Guid agentId, ModelConversation c, int step, RoutingDecision d)
    {
        Assert.True(_agents.TryGetValue(agentId, out var agent), $"step {step}: offered to unknown agent");
        Assert.True(agent.Presence == AgentPresence.Online, $"step {step}: {d} to {agent}");
        Assert.True(c.Team is null || agent.TeamIds.Contains(c.Team.Value), $"step {step}: {agentId} not in team {c.Team}");
        Assert.True(c.Target is null || c.Target == agentId, $"step {step}: {agentId} is not the target {c.Target}");
        Assert.False(c.Excluded.Contains(agentId), $"step {step}: {d} to excluded agent");
        Assert.True(Qualifies(agent, c), $"step {step}: {d} to {agentId} without {c.Skill} at level {c.MinProficiency}");
        Assert.True(HasRoom(agent, c.Channel, HeldCounts()), $"step {step}: {d} to {agentId}, who had no room (slots, units or a blocking channel)");
    }

    private ModelConversation Track(RoutingEvent routingEvent, RoutingDecision d, ModelConversation? known)
    {
        if (known is not null)
        {
            return known;
        }

        Assert.True(routingEvent is ConversationWaiting, $"{d} for a conversation the model does not know, on {routingEvent}");
        var waiting = (ConversationWaiting)routingEvent;
        Assert.Equal(waiting.ConversationId, d.ConversationId);
        var conversation = new ModelConversation(waiting);
        _conversations.Add(conversation.Id, conversation);
        return conversation;
    }

    private void After(RoutingEvent routingEvent)
    {
        switch (routingEvent)
        {
            case ConversationAssigned assigned when _agents.ContainsKey(assigned.AgentId):
                if (!_conversations.TryGetValue(assigned.ConversationId, out var restored))
                {
                    restored = new ModelConversation(new ConversationWaiting(assigned.ConversationId, assigned.Channel, 0, h.Now));
                    _conversations.Add(restored.Id, restored);
                }

                restored.Holder = assigned.AgentId;
                restored.Status = DecisionKind.Assigned;
                break;
            case AgentRemoved removed:
                _agents.Remove(removed.AgentId);
                break;
            default:
                break;
        }
    }

    private sealed class ModelConversation(ConversationWaiting waiting)
    {
        public Guid Id { get; } = waiting.ConversationId;

        public string Channel { get; } = waiting.Channel;

        public ConversationWaiting Waiting { get; } = waiting;

        public Guid? Team { get; set; } = waiting.TeamId;

        public int StepsTaken { get; set; }

        public DateTimeOffset StepSince { get; set; } = waiting.WaitingSince;

        public bool RiskAlerted { get; set; }

        public bool Escalated { get; set; }

        public Guid? Responsible { get; } = waiting.ResponsibleAgentId;

        public Guid? Target { get; } = waiting.TargetAgentId;

        public DateTimeOffset WaitingSince { get; } = waiting.WaitingSince;

        public string? Skill { get; set; } = string.IsNullOrWhiteSpace(waiting.Skill) ? null : waiting.Skill;

        public int MinProficiency { get; set; } = Math.Clamp(waiting.MinProficiency, 1, 5);

        public Guid? Holder { get; set; }

        public DecisionKind Status { get; set; }

        public HashSet<Guid> Excluded { get; } = [];
    }
}
