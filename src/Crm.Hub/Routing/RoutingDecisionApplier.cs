using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.WebChat;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Routing;

public sealed record DecisionView(string Kind, Guid? AgentId, string? AgentName, string Reason, DateTimeOffset At, DateTimeOffset? OfferExpiresAt,
    int? PolicyVersion = null, string? Queue = null, IReadOnlyList<CandidateView>? Candidates = null);

/// <summary>An agent the router looked at for the decision, what it decided about them, and the scores it ranked by.</summary>
public sealed record CandidateView(Guid AgentId, string? AgentName, string Verdict, int Load, DateTimeOffset IdleSince, int? Proficiency);

/// <summary>What a supervisor is told: which conversation, why (SLA at risk, escalated), the engine's words, and when.</summary>
public sealed record SupervisorAlertView(Guid ConversationId, long Number, string Kind, string Reason, DateTimeOffset At, string? Queue);

/// <summary>Turns routing decisions into conversation state and events, in one commit per batch.</summary>
internal sealed class RoutingDecisionApplier(
    HubDbContext db, StaffBroadcaster broadcaster, VisitorNotifier visitors, RoutingLoop routing, QueueClassifier queues, TimeProvider time)
{
    public const string DecisionMethod = StaffEvents.RoutingDecision;

    public async Task ApplyAsync(IReadOnlyList<RoutingDecision> decisions, CancellationToken ct)
    {
        var persisted = decisions.Where(d => d.Kind is not (DecisionKind.Rejected or DecisionKind.AgentAway or DecisionKind.AgentOnline)).ToList();
        var presenceChanges = decisions.Where(d => d.Kind is DecisionKind.AgentAway or DecisionKind.AgentOnline && d.AgentId is not null).ToList();
        if (persisted.Count == 0 && presenceChanges.Count == 0)
        {
            return;
        }
        var ids = persisted.Select(d => d.ConversationId).Distinct().ToList();
        var conversations = await db.Conversations.Include(c => c.Contact).Where(c => ids.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        var names = await db.Agents.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        var events = new List<ConversationEvent>();
        var assigned = new List<Guid>();
        var touched = new HashSet<Guid>();
        var untargeted = new List<Conversation>();
        var now = time.GetUtcNow();

        foreach (var d in persisted)
        {
            if (!conversations.TryGetValue(d.ConversationId, out var c))
            {
                continue;
            }
            // Actions commit before routing hears of them: a decision taken meanwhile on a conversation that was
            // resolved must not bring it back. The ConversationClosed queued behind this batch frees the engine side.
            if (c.Status == ConversationStatus.Resolved && d.Kind is DecisionKind.Offered or DecisionKind.Assigned or DecisionKind.Queued)
            {
                continue;
            }
            // Alerts change nothing about the conversation itself; only decisions that move it refresh its view.
            if (d.Kind is not (DecisionKind.Released or DecisionKind.SlaAtRisk or DecisionKind.Escalated))
            {
                touched.Add(c.Id);
            }
            var agentName = d.AgentId is { } id ? names.GetValueOrDefault(id) : null;
            var queue = queues.Policy.Find(c.QueueId)?.Name;
            events.Add(db.Append(EventKinds.RoutingDecision, DecisionMethod, c.Id, d.AgentId,
                new DecisionView(Wire(d.Kind), d.AgentId, agentName, d.Reason, d.At, d.OfferExpiresAt, c.PolicyVersion, queue,
                    d.Candidates?.Select(x => new CandidateView(x.AgentId, names.GetValueOrDefault(x.AgentId), Wire(x.Verdict), x.Load, x.IdleSince, x.Proficiency)).ToList()),
                d.At));
            if (d.Kind is DecisionKind.Overflowed or DecisionKind.SlaAtRisk or DecisionKind.Escalated)
            {
                c.NoteEscalation(d.Kind);
            }
            if (d.Kind is DecisionKind.SlaAtRisk or DecisionKind.Escalated)
            {
                events.Add(db.Append(EventKinds.SupervisorAlert, StaffEvents.SupervisorAlert, c.Id, d.AgentId,
                    new SupervisorAlertView(c.Id, c.Number, Wire(d.Kind), d.Reason, d.At, queue), d.At));
            }

            switch (d.Kind)
            {
                case DecisionKind.Offered:
                    c.Status = ConversationStatus.Waiting;
                    c.AssigneeId = null;
                    c.OfferedToAgentId = d.AgentId;
                    c.OfferExpiresAt = d.OfferExpiresAt;
                    events.Add(db.Append(EventKinds.Offered, StaffEvents.OfferReceived, c.Id, d.AgentId, new
                    {
                        conversationId = c.Id,
                        agentId = d.AgentId,
                        expiresAt = d.OfferExpiresAt,
                        conversation = View(c, names),
                    }, d.At));
                    break;
                case DecisionKind.Assigned when d.AgentId is { } agentId:
                    c.Status = ConversationStatus.Assigned;
                    c.AssigneeId = agentId;
                    c.AssignedAt = d.At;
                    c.ResponsibleAgentId = agentId;
                    c.TargetAgentId = null;
                    c.OfferedToAgentId = null;
                    c.OfferExpiresAt = null;
                    c.Contact!.ResponsibleAgentId = agentId;
                    assigned.Add(c.Id);
                    break;
                case DecisionKind.OfferExpired or DecisionKind.OfferDeclined or DecisionKind.Requeued:
                    if (c.OfferedToAgentId == d.AgentId)
                    {
                        c.OfferedToAgentId = null;
                        c.OfferExpiresAt = null;
                    }
                    if (d.Kind != DecisionKind.Requeued && c.TargetAgentId is { } target && target == d.AgentId)
                    {
                        // The named agent refused or missed it: it goes to the queue like any other conversation.
                        c.TargetAgentId = null;
                        untargeted.Add(c);
                    }
                    events.Add(db.Append(EventKinds.OfferWithdrawn, StaffEvents.OfferWithdrawn, c.Id, d.AgentId,
                        new { conversationId = c.Id, agentId = d.AgentId, reason = d.Reason, kind = Wire(d.Kind) }, d.At));
                    break;
                case DecisionKind.Queued:
                    c.Status = ConversationStatus.Waiting;
                    c.AssigneeId = null;
                    c.OfferedToAgentId = null;
                    c.OfferExpiresAt = null;
                    break;
            }
        }

        // One refreshed view per touched conversation, after all its decisions.
        foreach (var c in conversations.Values.Where(c => touched.Contains(c.Id)))
        {
            var kind = assigned.Contains(c.Id) ? EventKinds.Assigned : EventKinds.Queued;
            events.Add(db.Append(kind, StaffEvents.ConversationUpdated, c.Id, c.AssigneeId, View(c, names), now));
        }

        // The engine set these agents away (decline limit, idling) or back online: that is their chosen presence now.
        foreach (var d in presenceChanges)
        {
            var presence = d.Kind == DecisionKind.AgentOnline ? AgentPresence.Online : AgentPresence.Away;
            await db.Agents.Where(a => a.Id == d.AgentId).ExecuteUpdateAsync(u => u.SetProperty(a => a.Presence, a => presence), ct);
        }
        await db.SaveChangesAsync(ct);
        broadcaster.Publish(events);
        foreach (var d in presenceChanges)
        {
            broadcaster.PublishTransient(StaffEvents.PresenceChanged, null,
                new { agentId = d.AgentId, presence = d.Kind == DecisionKind.AgentOnline ? "online" : "away", reason = d.Reason });
        }
        foreach (var c in untargeted)
        {
            routing.Post(queues.Waiting(c, c.WaitingSince));
        }
        // The visitor's ticks are not the routing loop's business: a stalled widget must not hold routing up.
        foreach (var conversationId in assigned)
        {
            visitors.InboundDeliveredInBackground(conversationId);
        }
    }

    private static ConversationView View(Conversation c, Dictionary<Guid, string> names) =>
        ConversationViews.From(c, c.Contact?.DisplayName, c.AssigneeId is { } a ? names.GetValueOrDefault(a) : null);

    private static string Wire(CandidateVerdict verdict) => verdict switch
    {
        CandidateVerdict.RunnerUp => "runnerUp",
        CandidateVerdict.LetOfferExpire => "letOfferExpire",
        CandidateVerdict.NotInTeam => "notInTeam",
        CandidateVerdict.BelowLevel => "belowLevel",
        _ => verdict.ToString().ToLowerInvariant(),
    };

    public static string Wire(DecisionKind kind) => kind switch
    {
        DecisionKind.OfferExpired => "offerExpired",
        DecisionKind.OfferDeclined => "offerDeclined",
        DecisionKind.SlaAtRisk => "slaAtRisk",
        _ => kind.ToString().ToLowerInvariant(),
    };
}
