using Crm.Routing.Agents;
using Crm.Routing.Waiting;

namespace Crm.Routing;

public sealed partial class RoutingEngine
{
    private void UpsertAgent(AgentUpserted upserted)
    {
        if (_agents.TryGetValue(upserted.AgentId, out var agent))
        {
            Unindex(agent);
        }
        else
        {
            agent = new TrackedAgent(upserted.AgentId);
            _agents.Add(agent.Id, agent);
        }

        var wasOnline = agent.IsOnline;
        agent.Presence = upserted.Presence;
        agent.CapacityByChannel = new Dictionary<string, int>(upserted.CapacityByChannel, StringComparer.Ordinal);
        agent.TeamIds = [.. upserted.TeamIds];
        agent.AutoAccept = upserted.AutoAccept;
        agent.Profile = upserted.Profile is { Units: > 0 } profile ? profile : null;
        agent.Skills = (upserted.Skills ?? new Dictionary<string, int>())
            .Where(s => !string.IsNullOrWhiteSpace(s.Key) && s.Value > 0)
            .ToDictionary(s => Skill(s.Key), s => Math.Min(s.Value, 5));
        if (agent.IsOnline && !wasOnline)
        {
            agent.IdleSince = _now;
            agent.OffersNotTakenInARow = 0;
            agent.LastActiveAt = _now;
            agent.AwayForIdling = false;
        }

        Index(agent);
        ScheduleIdle(agent);
        AfterAgentChanged(agent);
    }

    private void ChangePresence(Guid agentId, AgentPresence presence)
    {
        if (!_agents.TryGetValue(agentId, out var agent) || agent.Presence == presence)
        {
            return;
        }

        Unindex(agent);
        agent.Presence = presence;
        if (agent.IsOnline)
        {
            agent.IdleSince = _now;
            agent.OffersNotTakenInARow = 0;
            agent.LastActiveAt = _now;
            agent.AwayForIdling = false;
        }

        Index(agent);
        ScheduleIdle(agent);
        AfterAgentChanged(agent);
    }

    private void RemoveAgent(Guid agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return;
        }

        Unindex(agent);
        agent.Presence = AgentPresence.Offline;
        ScheduleIdle(agent);
        HandBackOffers(agent, "agent removed");
        ReleaseStickyHolds(agent, "responsible agent removed");

        foreach (var conversation in HeldInQueueOrder(agent))
        {
            Detach(conversation);
            StopEscalationClocks(conversation);
            _conversations.Remove(conversation.Id);
            Emit(DecisionKind.Released, conversation.Id, agent.Id, DecisionReasons.AssignmentDroppedWithAgent());
        }

        _agents.Remove(agentId);
    }

    /// <summary>The agent used the console: the idle clock starts again, and an agent set away for idling is online again.</summary>
    private void Active(Guid agentId)
    {
        if (!_agents.TryGetValue(agentId, out var agent))
        {
            return;
        }

        agent.LastActiveAt = _now;
        if (agent.AwayForIdling && agent.Presence == AgentPresence.Away)
        {
            Emit(DecisionKind.AgentOnline, Guid.Empty, agent.Id, DecisionReasons.BackFromIdle());
            ChangePresence(agent.Id, AgentPresence.Online);
            return;
        }

        ScheduleIdle(agent);
    }

    /// <summary>(Re)sets the agent's idle deadline: only online agents have one, and only when idle-away is on.</summary>
    private void ScheduleIdle(TrackedAgent agent)
    {
        if (agent.AwayAt is { } scheduled)
        {
            _idleDeadlines.Remove(scheduled, agent.Id);
            agent.AwayAt = null;
        }

        if (_options.AwayAfterIdle > TimeSpan.Zero && agent.IsOnline)
        {
            agent.AwayAt = agent.LastActiveAt + _options.AwayAfterIdle;
            _idleDeadlines.Add(agent.AwayAt.Value, agent.Id);
        }
    }

    /// <summary>Nothing from the agent for <see cref="RoutingOptions.AwayAfterIdle"/>: away, offers handed back, until they are active again.</summary>
    private void SetAwayForIdling(TrackedAgent agent)
    {
        agent.AwayAt = null;
        if (!agent.IsOnline)
        {
            return;
        }

        Emit(DecisionKind.AgentAway, Guid.Empty, agent.Id, DecisionReasons.AwayAfterIdle(_options.AwayAfterIdle));
        ChangePresence(agent.Id, AgentPresence.Away);
        agent.AwayForIdling = true;
    }

    private void AfterAgentChanged(TrackedAgent agent)
    {
        if (!agent.IsOnline)
        {
            var why = DecisionReasons.PresenceWord(agent.Presence);
            HandBackOffers(agent, $"agent went {why}");
            ReleaseStickyHolds(agent, $"responsible agent went {why}");
            return;
        }

        ReleaseStickyHoldsNoLongerValid(agent);
        FillFreeSlots(agent);
    }

    /// <summary>Unaccepted offers go back to routing; accepted conversations stay with the agent.</summary>
    private void HandBackOffers(TrackedAgent agent, string why)
    {
        foreach (var conversation in HeldInQueueOrder(agent))
        {
            if (conversation.Status != ConversationStatus.Offered)
            {
                continue;
            }

            Detach(conversation);
            Emit(DecisionKind.Requeued, conversation.Id, agent.Id, DecisionReasons.OfferHandedBack(why));
            Route(conversation);
        }
    }

    private void ReleaseStickyHolds(TrackedAgent agent, string why)
    {
        foreach (var conversation in StickyHoldsInQueueOrder(agent))
        {
            Detach(conversation);
            Route(conversation, $"{why}; ");
        }
    }

    private void ReleaseStickyHoldsNoLongerValid(TrackedAgent agent)
    {
        foreach (var conversation in StickyHoldsInQueueOrder(agent))
        {
            if (!ShouldWaitForResponsible(agent, conversation))
            {
                Detach(conversation);
                Route(conversation);
            }
        }
    }

    private List<TrackedConversation> HeldInQueueOrder(TrackedAgent agent) => InQueueOrder(agent.HeldConversations);

    private List<TrackedConversation> StickyHoldsInQueueOrder(TrackedAgent agent) => InQueueOrder(agent.StickyHolds);

    private List<TrackedConversation> InQueueOrder(HashSet<Guid> conversationIds)
    {
        var conversations = new List<TrackedConversation>(conversationIds.Count);
        foreach (var id in conversationIds)
        {
            conversations.Add(_conversations[id]);
        }

        conversations.Sort((a, b) => a.Position.CompareTo(b.Position));
        return conversations;
    }

    private void Index(TrackedAgent agent)
    {
        _freeAgents.Add(agent);
        _onlineAgents.Add(agent);
    }

    private void Unindex(TrackedAgent agent)
    {
        _freeAgents.Remove(agent);
        _onlineAgents.Remove(agent);
    }

    /// <summary>The agent's rank is its key in the free-agent index, so it leaves the index while it changes.</summary>
    private void TakeSlot(TrackedAgent agent, TrackedConversation conversation, bool countsAsOffer)
    {
        LeaveIndex(agent);
        agent.Take(conversation.Id, conversation.Channel);
        if (countsAsOffer)
        {
            agent.IdleSince = _now;
        }

        ReturnToIndex(agent);
        conversation.HolderId = agent.Id;
    }

    private void FreeSlot(TrackedAgent agent, TrackedConversation conversation)
    {
        LeaveIndex(agent);
        agent.Free(conversation.Id, conversation.Channel);
        // Idle is counted from the agent's last change of work, taking or finishing: an agent who just finished a
        // long conversation has not been waiting for work, so agents free for longer go first (fair idle time).
        agent.IdleSince = _now;
        ReturnToIndex(agent);
        conversation.HolderId = null;
    }

    private void LeaveIndex(TrackedAgent agent)
    {
        if (!agent.HeldOutOfIndex)
        {
            _freeAgents.Remove(agent);
        }
    }

    private void ReturnToIndex(TrackedAgent agent)
    {
        if (!agent.HeldOutOfIndex)
        {
            _freeAgents.Add(agent);
        }
    }

    /// <summary>Takes the agent out of the free-agent index until <see cref="EndHoldOutOfIndex"/>; load changes meanwhile cost nothing there.</summary>
    private void HoldOutOfIndex(TrackedAgent agent)
    {
        _freeAgents.Remove(agent);
        agent.HeldOutOfIndex = true;
    }

    private void EndHoldOutOfIndex(TrackedAgent agent)
    {
        agent.HeldOutOfIndex = false;
        _freeAgents.Add(agent);
    }
}
