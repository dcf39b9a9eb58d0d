using Crm.Routing.Waiting;

namespace Crm.Routing;

public sealed partial class RoutingEngine
{
    /// <summary>Sets when the SLA comes at risk and when the supervisor is alerted, for a conversation that starts waiting.</summary>
    private void StartEscalationClocks(TrackedConversation conversation, TimeSpan? alertAfter, ContinuedWait? continued)
    {
        var share = _options.SlaAtRiskShare;
        if (continued?.SlaRiskAlerted == true)
        {
            // Already at risk, and the supervisor knows: it keeps its place ahead of the queue, without a second alert.
            conversation.AtRisk = share > 0 && conversation.SlaDueAt is not null;
        }
        else if (share > 0 && conversation.SlaDueAt is { } due)
        {
            var period = due - conversation.WaitingSince;
            var riskAt = period > TimeSpan.Zero ? due - (period * Math.Min(share, 1)) : due;
            conversation.RiskAt = riskAt;
            _riskDeadlines.Add(riskAt, conversation.Id);
        }

        if (alertAfter is { } wait && wait > TimeSpan.Zero && continued?.Escalated != true)
        {
            conversation.AlertAt = conversation.WaitingSince + wait;
            _alertDeadlines.Add(conversation.AlertAt.Value, conversation.Id);
        }
    }

    /// <summary>An agent has it, or it is gone: nothing left to escalate.</summary>
    private void StopEscalationClocks(TrackedConversation conversation)
    {
        if (conversation.RiskAt is { } riskAt)
        {
            _riskDeadlines.Remove(riskAt, conversation.Id);
            conversation.RiskAt = null;
        }

        if (conversation.AlertAt is { } alertAt)
        {
            _alertDeadlines.Remove(alertAt, conversation.Id);
            conversation.AlertAt = null;
        }
    }

    /// <summary>Waited its bound in this rung: on to the next one's team, skill and priority, and routed there at once.</summary>
    private void ClimbLadder(TrackedConversation conversation, string note)
    {
        var step = conversation.NextStep!;
        var from = conversation.StepName;
        conversation.StepsTaken++;
        conversation.TeamId = step.TeamId;
        conversation.Skill = string.IsNullOrWhiteSpace(step.Skill) ? null : Skill(step.Skill);
        conversation.MinProficiency = Math.Clamp(step.MinProficiency, 1, 5);
        conversation.SkillRelaxed = false;
        // A rung never lowers the priority a conversation already had.
        conversation.Priority = Math.Max(conversation.Priority, step.Priority ?? conversation.Priority);
        conversation.StepSince = _now;
        Emit(DecisionKind.Overflowed, conversation.Id, null, note + DecisionReasons.Overflowed(from, step, conversation.StepsTaken, conversation.Overflow.Count));
        Route(conversation);
    }

    /// <summary>Less than the at-risk share of its SLA period left: ahead of everything not at risk in its lane, and the supervisor is told.</summary>
    private void MarkAtRisk(TrackedConversation conversation)
    {
        _riskDeadlines.Remove(conversation.RiskAt!.Value, conversation.Id);
        conversation.RiskAt = null;
        if (conversation.Status == ConversationStatus.Queued)
        {
            var lane = conversation.Lane!.Value;
            _waiting.Remove(lane, conversation.Position);
            conversation.AtRisk = true;
            _waiting.Add(lane, conversation.Position);
        }
        else
        {
            conversation.AtRisk = true;
        }

        Emit(DecisionKind.SlaAtRisk, conversation.Id, conversation.HolderId, DecisionReasons.SlaAtRisk(conversation.SlaDueAt!.Value, _now, conversation.Status == ConversationStatus.Offered));
    }

    /// <summary>The last rung: still without an agent after its alert wait.</summary>
    private void AlertSupervisor(TrackedConversation conversation)
    {
        _alertDeadlines.Remove(conversation.AlertAt!.Value, conversation.Id);
        conversation.AlertAt = null;
        Emit(DecisionKind.Escalated, conversation.Id, conversation.HolderId, DecisionReasons.Escalated(_now - conversation.WaitingSince, conversation.StepName, conversation.Status == ConversationStatus.Offered));
    }
}
