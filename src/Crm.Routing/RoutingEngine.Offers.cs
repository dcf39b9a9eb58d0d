using Crm.Routing.Agents;
using Crm.Routing.Waiting;

namespace Crm.Routing;

public sealed partial class RoutingEngine
{
    private void Offer(TrackedAgent agent, TrackedConversation conversation, DecisionReason reason, IReadOnlyList<Candidate>? candidates = null)
    {
        TakeSlot(agent, conversation, countsAsOffer: true);
        if (agent.AutoAccept)
        {
            agent.OffersNotTakenInARow = 0;
            conversation.Status = ConversationStatus.Assigned;
            StopEscalationClocks(conversation);
            Emit(DecisionKind.Assigned, conversation.Id, agent.Id, reason.AutoAccepted(), candidates: candidates);
            return;
        }

        var expiresAt = _now + _options.OfferTimeout;
        conversation.Status = ConversationStatus.Offered;
        conversation.OfferExpiresAt = expiresAt;
        _offerDeadlines.Add(expiresAt, conversation.Id);
        Emit(DecisionKind.Offered, conversation.Id, agent.Id, reason, expiresAt, candidates);
    }

    private void Accept(Guid conversationId, Guid agentId)
    {
        if (!TryGetOfferHeldBy(conversationId, agentId, out var conversation))
        {
            return;
        }

        _offerDeadlines.Remove(conversation.OfferExpiresAt!.Value, conversation.Id);
        conversation.OfferExpiresAt = null;
        conversation.Status = ConversationStatus.Assigned;
        StopEscalationClocks(conversation);
        _agents[agentId].OffersNotTakenInARow = 0;
        Active(agentId);
        Emit(DecisionKind.Assigned, conversationId, agentId, DecisionReasons.OfferAccepted());
    }

    private void Decline(Guid conversationId, Guid agentId)
    {
        if (!TryGetOfferHeldBy(conversationId, agentId, out var conversation))
        {
            return;
        }

        var agent = Detach(conversation)!;
        conversation.Exclude(agentId, Exclusion.Declined);
        Emit(DecisionKind.OfferDeclined, conversationId, agentId, DecisionReasons.OfferDeclined());
        // Declining is an answer: the agent is at the console.
        agent.LastActiveAt = _now;
        var away = CountOfferNotTaken(agent);
        ScheduleIdle(agent);
        Route(conversation);
        if (!away)
        {
            FillFreeSlots(agent);
        }
    }

    /// <summary>The decline limit: true when this was one offer too many and the agent is now away.</summary>
    private bool CountOfferNotTaken(TrackedAgent agent)
    {
        agent.OffersNotTakenInARow++;
        var limit = _options.OffersNotTakenBeforeAway;
        if (limit <= 0 || agent.OffersNotTakenInARow < limit || !agent.IsOnline)
        {
            return false;
        }
        Emit(DecisionKind.AgentAway, Guid.Empty, agent.Id, DecisionReasons.SetAwayAfterOffersNotTaken(agent.OffersNotTakenInARow));
        ChangePresence(agent.Id, AgentPresence.Away);
        return true;
    }

    /// <summary>Finds the pending offer; otherwise emits <see cref="DecisionKind.Rejected"/> saying why not.</summary>
    private bool TryGetOfferHeldBy(Guid conversationId, Guid agentId, out TrackedConversation conversation)
    {
        if (!_conversations.TryGetValue(conversationId, out conversation!))
        {
            Emit(DecisionKind.Rejected, conversationId, agentId, DecisionReasons.UnknownConversation());
            return false;
        }

        if (conversation.Status == ConversationStatus.Offered && conversation.HolderId == agentId)
        {
            return true;
        }

        Emit(DecisionKind.Rejected, conversationId, agentId, DecisionReasons.NoOfferHeld(conversation, agentId, _agents.ContainsKey(agentId)));
        return false;
    }

    /// <summary>Expires offers and ends waits for responsible agents whose time has come, earliest first.</summary>
    private void SettleDueDeadlines()
    {
        // Every event settles twice (before and after): on a busy floor nothing is due almost every time, so ask cheaply first.
        if (!(_offerDeadlines.MayBeDueBy(_now) || _stickyDeadlines.MayBeDueBy(_now) || _idleDeadlines.MayBeDueBy(_now)
            || _skillDeadlines.MayBeDueBy(_now) || _overflowDeadlines.MayBeDueBy(_now) || _riskDeadlines.MayBeDueBy(_now)
            || _alertDeadlines.MayBeDueBy(_now) || _agingDeadlines.MayBeDueBy(_now)))
        {
            return;
        }

        while (true)
        {
            var offer = _offerDeadlines.Earliest;
            var sticky = _stickyDeadlines.Earliest;
            var offerIsDue = offer is { } o && o.At <= _now;
            var stickyIsDue = sticky is { } s && s.At <= _now;
            if (offerIsDue && (!stickyIsDue || offer!.Value.At <= sticky!.Value.At))
            {
                ExpireOffer(_conversations[offer!.Value.ConversationId]);
            }
            else if (stickyIsDue)
            {
                EndWaitForResponsible(_conversations[sticky!.Value.ConversationId]);
            }
            else if (_idleDeadlines.Earliest is { } idle && idle.At <= _now)
            {
                _idleDeadlines.Remove(idle.At, idle.ConversationId);
                SetAwayForIdling(_agents[idle.ConversationId]);
            }
            else if (_skillDeadlines.Earliest is { } fallback && fallback.At <= _now)
            {
                var conversation = _conversations[fallback.ConversationId];
                Detach(conversation);
                FallBack(conversation, string.Empty);
            }
            else if (_overflowDeadlines.Earliest is { } overflow && overflow.At <= _now)
            {
                var conversation = _conversations[overflow.ConversationId];
                Detach(conversation);
                ClimbLadder(conversation, string.Empty);
            }
            else if (_riskDeadlines.Earliest is { } risk && risk.At <= _now)
            {
                MarkAtRisk(_conversations[risk.ConversationId]);
            }
            else if (_alertDeadlines.Earliest is { } alert && alert.At <= _now)
            {
                AlertSupervisor(_conversations[alert.ConversationId]);
            }
            else if (_agingDeadlines.Earliest is { } aging && aging.At <= _now)
            {
                Age(_conversations[aging.ConversationId]);
            }
            else
            {
                return;
            }
        }
    }

    private void ExpireOffer(TrackedConversation conversation)
    {
        var expiredAt = conversation.OfferExpiresAt!.Value;
        var agent = Detach(conversation)!;
        conversation.Exclude(agent.Id, Exclusion.LetOfferExpire);
        Emit(DecisionKind.OfferExpired, conversation.Id, agent.Id, DecisionReasons.OfferExpired(_options.OfferTimeout, expiredAt));
        var away = CountOfferNotTaken(agent);
        Route(conversation);
        if (!away)
        {
            FillFreeSlots(agent);
        }
    }

    private void EndWaitForResponsible(TrackedConversation conversation)
    {
        var until = conversation.HeldForResponsibleUntil!.Value;
        Detach(conversation);
        Route(conversation, DecisionReasons.WaitForResponsibleEnded(until));
    }
}
