using Crm.Routing.Agents;
using Crm.Routing.Waiting;

namespace Crm.Routing;

public sealed partial class RoutingEngine
{
    /// <summary>
    /// Finds an agent for the conversation: the explicit target only, else the responsible agent (or a wait for
    /// them while they are online but full), else the least loaded eligible agent; queued when nobody fits.
    /// <paramref name="context"/> says why routing happens again, when that is not obvious from the decision before.
    /// </summary>
    private void Route(TrackedConversation conversation, string? context = null)
    {
        if (conversation.TargetAgentId is Guid targetId)
        {
            RouteToTarget(conversation, targetId);
            return;
        }

        var note = context ?? string.Empty;
        if (conversation.ResponsibleAgentId is Guid responsibleId)
        {
            var responsible = _agents.GetValueOrDefault(responsibleId);
            if (responsible is not null && IsEligible(responsible, conversation))
            {
                Offer(responsible, conversation, note + DecisionReasons.ResponsibleAgent(responsible, conversation.Channel));
                return;
            }

            if (responsible is not null && ShouldWaitForResponsible(responsible, conversation))
            {
                WaitForResponsible(conversation, responsible, note);
                return;
            }

            note = context ?? DecisionReasons.ResponsibleUnavailable(responsible, conversation);
        }

        if (TryOfferToLeastLoaded(conversation, note))
        {
            return;
        }

        // A rung that is already due comes first: the next queue's team and skill, rather than the closest match of this one.
        var overflowDue = conversation.NextStep is { } step ? conversation.WaitingSince + step.After : (DateTimeOffset?)null;
        if (overflowDue <= _now)
        {
            ClimbLadder(conversation, note);
            return;
        }

        var fallbackDue = conversation.NeedsSkill ? SkillFallbackDue(conversation) : null;
        if (fallbackDue <= _now)
        {
            FallBack(conversation, note);
            return;
        }

        if (overflowDue is { } due)
        {
            conversation.OverflowAt = due;
            _overflowDeadlines.Add(due, conversation.Id);
        }

        if (fallbackDue is { } fallbackAt)
        {
            // Wait for a qualified agent, but not forever: at the fallback deadline the closest match may take it.
            conversation.FallbackAt = fallbackAt;
            _skillDeadlines.Add(fallbackAt, conversation.Id);
        }

        var pool = PoolFor(conversation);
        Enqueue(
            conversation,
            conversation.NeedsSkill
                ? LaneKey.Skilled(conversation.Channel, conversation.TeamId, conversation.Skill!, conversation.MinProficiency)
                : LaneKey.Open(conversation.Channel, conversation.TeamId),
            new NoEligibleAgentFacts(note, pool, _onlineAgents.CountIn(pool), conversation.ExcludedCount, _waiting.Count + 1));
    }

    /// <summary>The agents who may take the conversation: the channel's (and team's), narrowed to the skill level it needs.</summary>
    private static AgentPool PoolFor(TrackedConversation conversation) => conversation.NeedsSkill
        ? new AgentPool(conversation.Channel, conversation.TeamId, conversation.Skill, conversation.MinProficiency)
        : new AgentPool(conversation.Channel, conversation.TeamId);

    /// <summary>When the closest match may take a conversation that needs a skill; null when the fallback is off.</summary>
    private DateTimeOffset? SkillFallbackDue(TrackedConversation conversation) =>
        _options.SkillFallbackAfter > TimeSpan.Zero ? conversation.StepSince + _options.SkillFallbackAfter : null;

    /// <summary>
    /// The best-ranked free agent of the skill's pool who reaches the level (and is in the team, and did not refuse it):
    /// the pool is ranked by load and idle time, so the first match is the least loaded, longest idle qualified agent.
    /// </summary>
    private bool TryOfferToQualified(TrackedConversation conversation, AgentPool pool, string note)
    {
        if (_freeAgents.InRankOrder(pool) is not { } entries)
        {
            return false;
        }

        PoolEntry? best = null;
        var tiedOnLoad = false;
        var candidates = new CandidateList();
        foreach (var entry in entries)
        {
            if (WhyNotQualified(entry, conversation, pool.Level) is { } verdict)
            {
                candidates.Excluded(entry, verdict, pool.Skill);
                continue;
            }

            if (best is { } chosen)
            {
                tiedOnLoad = entry.Load == chosen.Load;
                candidates.Add(entry, CandidateVerdict.RunnerUp, pool.Skill);
                break;
            }

            best = entry;
            candidates.Add(entry, CandidateVerdict.Chosen, pool.Skill);
            if (_options.Selection == AgentSelection.RoundRobin)
            {
                break;
            }
        }

        if (best is not { } picked)
        {
            return false;
        }

        var agent = _agents[picked.AgentId];
        var reason = new SkillMatchFacts(note, picked.Rank, tiedOnLoad, pool, picked.Proficiency, conversation.ExcludedCount,
            DecisionReasons.Units(agent, conversation.Channel));
        Offer(agent, conversation, reason, candidates.Items);
        return true;
    }

    /// <summary>
    /// Why an agent of a skill's pool may not take it (the first filter they fail), or null when they may. The level comes from
    /// the pool entry; the agent itself is looked at only for a conversation kept to a team.
    /// </summary>
    private CandidateVerdict? WhyNotQualified(PoolEntry entry, TrackedConversation conversation, int level) => conversation.ExclusionOf(entry.AgentId) switch
    {
        Exclusion.Declined => CandidateVerdict.Declined,
        Exclusion.LetOfferExpire => CandidateVerdict.LetOfferExpire,
        _ when conversation.TeamId is Guid team && !_agents[entry.AgentId].IsInTeam(team) => CandidateVerdict.NotInTeam,
        _ when entry.Proficiency < level => CandidateVerdict.BelowLevel,
        _ => null,
    };

    private static readonly RankedSet<PoolEntry> NoAgents = new();

    private static bool Qualified(TrackedAgent agent, TrackedConversation conversation, int level) =>
        agent.ProficiencyIn(conversation.Skill!) >= level && agent.IsInTeam(conversation.TeamId) && !conversation.Excludes(agent.Id);

    /// <summary>
    /// Nobody qualified took it in time: the most proficient free agent below the level wanted (the least loaded among
    /// equals), else — the skill no longer required — any agent of the channel, else the channel's open lane.
    /// </summary>
    private void FallBack(TrackedConversation conversation, string note)
    {
        var wanted = conversation.MinProficiency;
        var skill = conversation.Skill!;
        var waited = _options.SkillFallbackAfter;
        conversation.SkillRelaxed = true;
        var pool = new AgentPool(conversation.Channel, conversation.TeamId, skill, 1);
        TrackedAgent? closest = null;
        foreach (var rank in _freeAgents.InRankOrder(pool) ?? NoAgents)
        {
            var agent = _agents[rank.AgentId];
            var level = agent.ProficiencyIn(skill);
            if (level < wanted && (closest is null || level > closest.ProficiencyIn(skill)) && Qualified(agent, conversation, 1))
            {
                closest = agent;
            }
        }

        if (closest is not null)
        {
            Offer(closest, conversation, note + DecisionReasons.ClosestMatch(closest.Rank, pool with { Level = closest.ProficiencyIn(skill) }, wanted, waited) + DecisionReasons.Units(closest, conversation.Channel));
            return;
        }

        Route(conversation, note + DecisionReasons.SkillFallback(skill, wanted, waited));
    }

    private void RouteToTarget(TrackedConversation conversation, Guid targetId)
    {
        var target = _agents.GetValueOrDefault(targetId);
        if (target is not null && IsEligible(target, conversation))
        {
            Offer(target, conversation, DecisionReasons.TransferTarget(target, conversation.Channel));
            return;
        }

        Enqueue(
            conversation,
            LaneKey.Reserved(conversation.Channel, targetId),
            DecisionReasons.WaitingForTarget(target, targetId, conversation, _waiting.Count + 1));
    }

    private bool TryOfferToLeastLoaded(TrackedConversation conversation, string note)
    {
        var pool = PoolFor(conversation);
        if (pool.Skill is not null)
        {
            return TryOfferToQualified(conversation, pool, note);
        }

        if (_options.Selection == AgentSelection.RoundRobin)
        {
            if (!_freeAgents.TryPickRoundRobin(pool, conversation.ExcludedAgents, _roundRobinCursor.GetValueOrDefault(pool), out var next))
            {
                return false;
            }

            _roundRobinCursor[pool] = next.AgentId;
            var inTurn = _agents[next.AgentId];
            Offer(inTurn, conversation, note + DecisionReasons.RoundRobin(next, _freeAgents.CountIn(pool), pool, conversation.ExcludedCount) + DecisionReasons.Units(inTurn, conversation.Channel));
            return true;
        }

        if (_freeAgents.InRankOrder(pool) is not { } entries)
        {
            return false;
        }

        // The pool is ranked (load, then longest idle): the first agent not excluded is the choice, the next one the runner-up.
        PoolEntry? best = null;
        var tiedOnLoad = false;
        var candidates = new CandidateList();
        foreach (var entry in entries)
        {
            if (conversation.ExclusionOf(entry.AgentId) is { } exclusion)
            {
                candidates.Excluded(entry, exclusion == Exclusion.Declined ? CandidateVerdict.Declined : CandidateVerdict.LetOfferExpire, null);
                continue;
            }

            if (best is { } chosen)
            {
                tiedOnLoad = entry.Load == chosen.Load;
                candidates.Add(entry, CandidateVerdict.RunnerUp, null);
                break;
            }

            best = entry;
            candidates.Add(entry, CandidateVerdict.Chosen, null);
        }

        if (best is not { } picked)
        {
            return false;
        }

        var agent = _agents[picked.AgentId];
        var reason = new LeastLoadedFacts(note, picked.Rank, tiedOnLoad, _freeAgents.CountIn(pool), pool, conversation.ExcludedCount,
            DecisionReasons.Units(agent, conversation.Channel));
        Offer(agent, conversation, reason, candidates.Items);
        return true;
    }

    private void WaitForResponsible(TrackedConversation conversation, TrackedAgent responsible, string note)
    {
        var until = conversation.WaitingSince + _options.StickyWait;
        conversation.HeldForResponsibleUntil = until;
        _stickyDeadlines.Add(until, conversation.Id);
        responsible.StickyHolds.Add(conversation.Id);
        Enqueue(
            conversation,
            LaneKey.Reserved(conversation.Channel, responsible.Id),
            note + DecisionReasons.WaitingForResponsible(responsible, conversation.Channel, until, _waiting.Count + 1));
    }

    /// <summary>Hands the agent the highest-ordered waiting conversations it may take, until it is full.</summary>
    private void FillFreeSlots(TrackedAgent agent)
    {
        if (!agent.IsOnline)
        {
            return;
        }

        if (agent.Profile is not null)
        {
            FillSharedUnits(agent);
            return;
        }

        foreach (var channel in agent.CapacityByChannel.Keys)
        {
            while (agent.HasFreeSlot(channel) && TryFindNextWaiting(agent, channel, out var conversation))
            {
                var reason = new NextInQueueFacts(SlotUse.Of(agent, conversation.Channel), QueuedConversationFacts.Of(agent, conversation));
                Detach(conversation);
                Offer(agent, conversation, reason);
            }
        }
    }

    /// <summary>
    /// Channels share the agent's units, so each free unit goes to the first conversation in queue order across all the
    /// channels the agent still has room on, not to whichever channel is looked at first.
    /// </summary>
    private void FillSharedUnits(TrackedAgent agent)
    {
        while (true)
        {
            TrackedConversation? next = null;
            foreach (var channel in agent.CapacityByChannel.Keys)
            {
                if (agent.HasFreeSlot(channel)
                    && TryFindNextWaiting(agent, channel, out var candidate)
                    && (next is null || candidate.Position.CompareTo(next.Position) < 0))
                {
                    next = candidate;
                }
            }

            if (next is null)
            {
                return;
            }

            var reason = new NextInQueueFacts(SlotUse.Of(agent, next.Channel), QueuedConversationFacts.Of(agent, next));
            Detach(next);
            Offer(agent, next, reason);
        }
    }

    /// <summary>
    /// Looks only at the lanes this agent may serve: the channel's open lane, its teams' lanes and its own
    /// reserved lane. Conversations reserved for other agents live elsewhere and cost nothing here.
    /// </summary>
    private bool TryFindNextWaiting(TrackedAgent agent, string channel, out TrackedConversation conversation)
    {
        // Nearly always the first of all the lane heads is one this agent may take: find it by comparing heads alone, and look
        // at conversations (each a cache miss) only to confirm it, or when it is not and the lanes must be searched properly.
        if (BestHead(agent, channel) is { } head && IsEligible(agent, conversation = _conversations[head.ConversationId]))
        {
            return true;
        }

        QueuePosition? best = null;
        best = FirstEligibleIn(LaneKey.Open(channel, null), agent, best) ?? best;
        foreach (var team in agent.TeamIds)
        {
            best = FirstEligibleIn(LaneKey.Open(channel, team), agent, best) ?? best;
        }

        best = FirstEligibleIn(LaneKey.Reserved(channel, agent.Id), agent, best) ?? best;
        // Lanes of conversations that need a skill: only the agent's skills, and only when such lanes exist at all.
        if (_waiting.SkilledLaneCount > 0)
        {
            foreach (var (skill, proficiency) in agent.Skills)
            {
                best = FirstEligibleInLevels(LaneKey.Skilled(channel, null, skill, 0), proficiency, agent, best) ?? best;
                if (_waiting.TeamSkilledLaneCount > 0)
                {
                    foreach (var team in agent.TeamIds)
                    {
                        best = FirstEligibleInLevels(LaneKey.Skilled(channel, team, skill, 0), proficiency, agent, best) ?? best;
                    }
                }
            }
        }

        conversation = best is { } found ? _conversations[found.ConversationId] : null!;
        return best is not null;
    }

    /// <summary>The first of the heads of every lane the agent looks at, whoever may take it.</summary>
    private QueuePosition? BestHead(TrackedAgent agent, string channel)
    {
        QueuePosition? best = null;
        best = Earlier(_waiting.FindLevels(LaneKey.Open(channel, null)), 0, 0, best);
        foreach (var team in agent.TeamIds)
        {
            best = Earlier(_waiting.FindLevels(LaneKey.Open(channel, team)), 0, 0, best);
        }

        best = Earlier(_waiting.FindLevels(LaneKey.Reserved(channel, agent.Id)), 0, 0, best);
        if (_waiting.SkilledLaneCount > 0)
        {
            foreach (var (skill, proficiency) in agent.Skills)
            {
                best = Earlier(_waiting.FindLevels(LaneKey.Skilled(channel, null, skill, 0)), 1, proficiency, best);
                if (_waiting.TeamSkilledLaneCount > 0)
                {
                    foreach (var team in agent.TeamIds)
                    {
                        best = Earlier(_waiting.FindLevels(LaneKey.Skilled(channel, team, skill, 0)), 1, proficiency, best);
                    }
                }
            }
        }

        return best;
    }

    private static QueuePosition? Earlier(LaneLevels? levels, int from, int to, QueuePosition? best)
    {
        if (levels is null)
        {
            return best;
        }

        for (var level = from; level <= to; level++)
        {
            if (levels.Has(level) && (best is not { } rival || levels.Head(level).CompareTo(rival) < 0))
            {
                best = levels.Head(level);
            }
        }

        return best;
    }

    /// <summary>The first conversation the agent may take in a skill's lanes of the levels it reaches (one look-up for all of them).</summary>
    private QueuePosition? FirstEligibleInLevels(LaneKey levelZero, int proficiency, TrackedAgent agent, QueuePosition? toBeat)
    {
        if (_waiting.FindLevels(levelZero) is not { } levels)
        {
            return null;
        }

        QueuePosition? found = null;
        for (var level = 1; level <= proficiency; level++)
        {
            if (levels.Has(level))
            {
                found = FirstEligibleIn(levels, level, agent, found ?? toBeat) ?? found;
            }
        }

        return found;
    }

    /// <summary>The first conversation in the lane the agent may take, if it comes before <paramref name="toBeat"/>.</summary>
    private QueuePosition? FirstEligibleIn(LaneKey lane, TrackedAgent agent, QueuePosition? toBeat) =>
        _waiting.FindLevels(lane with { Level = 0 }) is { } levels && levels.Has(lane.Level)
            ? FirstEligibleIn(levels, lane.Level, agent, toBeat)
            : null;

    private QueuePosition? FirstEligibleIn(LaneLevels levels, int level, TrackedAgent agent, QueuePosition? toBeat)
    {
        // The head is nearly always the answer; only conversations this agent declined (or may not take) are skipped.
        var head = levels.Head(level);
        if (toBeat is { } rival && head.CompareTo(rival) >= 0)
        {
            return null;
        }

        if (IsEligible(agent, _conversations[head.ConversationId]))
        {
            return head;
        }

        foreach (var position in levels.Lane(level)!)
        {
            if (toBeat is { } other && position.CompareTo(other) >= 0)
            {
                return null;
            }

            if (IsEligible(agent, _conversations[position.ConversationId]))
            {
                return position;
            }
        }

        return null;
    }

    private static bool IsEligible(TrackedAgent agent, TrackedConversation conversation) =>
        agent.IsOnline
        && agent.HasFreeSlot(conversation.Channel)
        && agent.IsInTeam(conversation.TeamId)
        && !conversation.Excludes(agent.Id)
        && (conversation.TargetAgentId is null || conversation.TargetAgentId == agent.Id)
        && HasSkillFor(agent, conversation);

    /// <summary>An explicit transfer names the person, whatever their skills; otherwise the level the conversation needs.</summary>
    private static bool HasSkillFor(TrackedAgent agent, TrackedConversation conversation) =>
        !conversation.NeedsSkill || conversation.TargetAgentId == agent.Id || agent.ProficiencyIn(conversation.Skill!) >= conversation.MinProficiency;

    /// <summary>Online but full, could take it otherwise, and the bounded wait for them has not run out.</summary>
    private bool ShouldWaitForResponsible(TrackedAgent responsible, TrackedConversation conversation) =>
        responsible.IsOnline
        && responsible.CapacityOn(conversation.Channel) > 0
        && !responsible.HasFreeSlot(conversation.Channel)
        && responsible.IsInTeam(conversation.TeamId)
        && !conversation.Excludes(responsible.Id)
        && HasSkillFor(responsible, conversation)
        && _now < conversation.WaitingSince + _options.StickyWait;
}
