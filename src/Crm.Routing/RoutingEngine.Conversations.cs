using Crm.Routing.Agents;
using Crm.Routing.Waiting;

namespace Crm.Routing;

public sealed partial class RoutingEngine
{
    private void Wait(ConversationWaiting waiting)
    {
        var formerHolder = Forget(waiting.ConversationId, DecisionReasons.WaitingAgain());
        var conversation = TrackedConversation.From(waiting, ++_arrivals, string.IsNullOrWhiteSpace(waiting.Skill) ? null : Skill(waiting.Skill));
        conversation.ResumeRung(waiting.Continued?.RungsClimbed ?? 0, Skill);
        _conversations.Add(conversation.Id, conversation);
        StartEscalationClocks(conversation, waiting.AlertAfter, waiting.Continued);
        Route(conversation);
        if (formerHolder is not null)
        {
            FillFreeSlots(formerHolder);
        }
    }

    private void RestoreAssignment(ConversationAssigned assigned)
    {
        if (!_agents.TryGetValue(assigned.AgentId, out var agent))
        {
            return;
        }

        if (_conversations.TryGetValue(assigned.ConversationId, out var known)
            && known.Status == ConversationStatus.Assigned
            && known.HolderId == agent.Id)
        {
            return;
        }

        var formerHolder = Forget(assigned.ConversationId, DecisionReasons.AssignedElsewhere());
        var conversation = new TrackedConversation
        {
            Id = assigned.ConversationId,
            Channel = assigned.Channel,
            Priority = 0,
            WaitingSince = _now,
            Arrival = ++_arrivals,
            Status = ConversationStatus.Assigned,
        };
        _conversations.Add(conversation.Id, conversation);
        TakeSlot(agent, conversation, countsAsOffer: false);
        if (formerHolder is not null)
        {
            FillFreeSlots(formerHolder);
        }
    }

    private void Close(Guid conversationId)
    {
        if (!_conversations.TryGetValue(conversationId, out var conversation))
        {
            return;
        }

        // The hot path of a busy floor: a slot freed and at once refilled. The agent leaves the free-agent index once for both.
        var held = conversation.HolderId is Guid holderId ? _agents[holderId] : null;
        if (held is not null)
        {
            HoldOutOfIndex(held);
        }

        var holder = Detach(conversation);
        StopEscalationClocks(conversation);
        _conversations.Remove(conversationId);
        if (holder is null)
        {
            if (held is not null)
            {
                EndHoldOutOfIndex(held);
            }

            Emit(DecisionKind.Released, conversationId, null, DecisionReasons.ClosedWhileQueued());
            return;
        }

        Emit(DecisionKind.Released, conversationId, holder.Id, new SlotFreedFacts(conversation.Channel, SlotUse.Of(holder, conversation.Channel)));
        FillFreeSlots(holder);
        EndHoldOutOfIndex(holder);
    }

    /// <summary>Stops tracking a conversation; returns the agent whose slot it freed, so the caller can refill it.</summary>
    private TrackedAgent? Forget(Guid conversationId, string releaseReason)
    {
        if (!_conversations.Remove(conversationId, out var conversation))
        {
            return null;
        }

        var holder = Detach(conversation);
        StopEscalationClocks(conversation);
        if (holder is not null)
        {
            Emit(DecisionKind.Released, conversationId, holder.Id, releaseReason);
        }

        return holder;
    }

    /// <summary>Takes the conversation out of the queue or off its agent, without deciding anything yet.</summary>
    private TrackedAgent? Detach(TrackedConversation conversation)
    {
        TrackedAgent? holder = null;
        switch (conversation.Status)
        {
            case ConversationStatus.Queued:
                _waiting.Remove(conversation.Lane!.Value, conversation.Position);
                if (conversation.AgesAt is { } agesAt)
                {
                    _agingDeadlines.Remove(agesAt, conversation.Id);
                    conversation.AgesAt = null;
                }

                if (conversation.FallbackAt is { } fallbackAt)
                {
                    _skillDeadlines.Remove(fallbackAt, conversation.Id);
                    conversation.FallbackAt = null;
                }

                if (conversation.OverflowAt is { } overflowAt)
                {
                    _overflowDeadlines.Remove(overflowAt, conversation.Id);
                    conversation.OverflowAt = null;
                }

                EndStickyHold(conversation);
                break;
            case ConversationStatus.Offered:
                _offerDeadlines.Remove(conversation.OfferExpiresAt!.Value, conversation.Id);
                holder = _agents[conversation.HolderId!.Value];
                FreeSlot(holder, conversation);
                break;
            case ConversationStatus.Assigned:
                holder = _agents[conversation.HolderId!.Value];
                FreeSlot(holder, conversation);
                break;
            case ConversationStatus.Untracked:
            default:
                break;
        }

        conversation.Status = ConversationStatus.Untracked;
        conversation.Lane = null;
        conversation.OfferExpiresAt = null;
        return holder;
    }

    private void EndStickyHold(TrackedConversation conversation)
    {
        if (conversation.HeldForResponsibleUntil is not DateTimeOffset until)
        {
            return;
        }

        _stickyDeadlines.Remove(until, conversation.Id);
        if (conversation.ResponsibleAgentId is Guid responsibleId && _agents.TryGetValue(responsibleId, out var responsible))
        {
            responsible.StickyHolds.Remove(conversation.Id);
        }

        conversation.HeldForResponsibleUntil = null;
    }

    private void Enqueue(TrackedConversation conversation, LaneKey lane, DecisionReason reason)
    {
        conversation.Status = ConversationStatus.Queued;
        conversation.Lane = lane;
        CatchUpAging(conversation);
        _waiting.Add(lane, conversation.Position);
        ScheduleAging(conversation);
        Emit(DecisionKind.Queued, conversation.Id, null, reason);
    }

    private const int MaxAging = 1000;

    /// <summary>Every full step waited since <see cref="TrackedConversation.WaitingSince"/> is one level; never lowers it.</summary>
    private void CatchUpAging(TrackedConversation conversation)
    {
        if (_options.AgingStep > TimeSpan.Zero && _now > conversation.WaitingSince)
        {
            var steps = (_now - conversation.WaitingSince).Ticks / _options.AgingStep.Ticks;
            conversation.AgedBy = (int)Math.Min(MaxAging, Math.Max(conversation.AgedBy, steps));
        }
    }

    private void ScheduleAging(TrackedConversation conversation)
    {
        if (_options.AgingStep <= TimeSpan.Zero || conversation.AgedBy >= MaxAging)
        {
            return;
        }

        conversation.AgesAt = conversation.WaitingSince + (_options.AgingStep * (conversation.AgedBy + 1));
        _agingDeadlines.Add(conversation.AgesAt.Value, conversation.Id);
    }

    /// <summary>One more aging level: the conversation moves up its lane; no decision, nobody new became eligible.</summary>
    private void Age(TrackedConversation conversation)
    {
        var lane = conversation.Lane!.Value;
        _agingDeadlines.Remove(conversation.AgesAt!.Value, conversation.Id);
        _waiting.Remove(lane, conversation.Position);
        CatchUpAging(conversation);
        _waiting.Add(lane, conversation.Position);
        ScheduleAging(conversation);
    }
}
