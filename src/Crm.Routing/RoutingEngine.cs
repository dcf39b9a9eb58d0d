using Crm.Routing.Agents;
using Crm.Routing.Deadlines;
using Crm.Routing.Waiting;

namespace Crm.Routing;

/// <summary>
/// Decides which agent gets which waiting conversation (DESIGN.md §6). A deterministic state machine:
/// events in, decisions out, time from <see cref="TimeProvider"/>. Single-threaded by contract: feed it
/// from one loop. Unknown agent or conversation ids are ignored, never thrown on.
/// </summary>
public sealed partial class RoutingEngine
{
    private readonly RoutingOptions _options;
    private readonly TimeProvider _time;
    private readonly Dictionary<Guid, TrackedAgent> _agents = [];
    private readonly Dictionary<Guid, TrackedConversation> _conversations = [];
    private readonly FreeAgentIndex _freeAgents = new();
    private readonly OnlineAgentCounts _onlineAgents = new();
    private readonly WaitingLanes _waiting = new();
    private readonly DeadlineSet _offerDeadlines = new();
    private readonly DeadlineSet _stickyDeadlines = new();
    private readonly DeadlineSet _agingDeadlines = new();
    private readonly DeadlineSet _skillDeadlines = new();
    private readonly DeadlineSet _overflowDeadlines = new();
    private readonly DeadlineSet _riskDeadlines = new();
    private readonly DeadlineSet _alertDeadlines = new();

    /// <summary>Idle deadlines of online agents, keyed by agent id.</summary>
    private readonly DeadlineSet _idleDeadlines = new();
    private readonly Dictionary<AgentPool, Guid?> _roundRobinCursor = [];
    private readonly Dictionary<string, SkillKey> _skills = new(StringComparer.Ordinal);
    private List<RoutingDecision> _decisions = [];
    private DateTimeOffset _now;
    private long _arrivals;

    public RoutingEngine(RoutingOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _options = options;
        _time = timeProvider;
    }

    /// <summary>The earliest moment something is due (an offer expiring, a wait ending, an escalation); send a <see cref="Tick"/> then.</summary>
    public DateTimeOffset? NextDeadline
    {
        get
        {
            DateTimeOffset? earliest = null;
            foreach (var at in new[]
            {
                _offerDeadlines.Earliest?.At, _stickyDeadlines.Earliest?.At, _agingDeadlines.Earliest?.At, _skillDeadlines.Earliest?.At,
                _idleDeadlines.Earliest?.At, _overflowDeadlines.Earliest?.At, _riskDeadlines.Earliest?.At, _alertDeadlines.Earliest?.At,
            })
            {
                if (at is { } due && (earliest is null || due < earliest))
                {
                    earliest = due;
                }
            }
            return earliest;
        }
    }

    public int WaitingCount => _waiting.Count;

    /// <summary>
    /// Applies one event and returns the decisions it caused, in order. Offers and waits that are due
    /// are settled first, whatever the event, so a late accept meets an expired offer.
    /// </summary>
    public IReadOnlyList<RoutingDecision> Apply(RoutingEvent routingEvent)
    {
        ArgumentNullException.ThrowIfNull(routingEvent);
        _now = _time.GetUtcNow();
        _decisions = [];
        SettleDueDeadlines();

        switch (routingEvent)
        {
            case AgentUpserted upserted:
                UpsertAgent(upserted);
                break;
            case AgentPresenceChanged changed:
                ChangePresence(changed.AgentId, changed.Presence);
                break;
            case AgentRemoved removed:
                RemoveAgent(removed.AgentId);
                break;
            case AgentActivity activity:
                Active(activity.AgentId);
                break;
            case ConversationWaiting waiting:
                Wait(waiting);
                break;
            case ConversationAssigned assigned:
                RestoreAssignment(assigned);
                break;
            case OfferAccepted accepted:
                Accept(accepted.ConversationId, accepted.AgentId);
                break;
            case OfferDeclined declined:
                Decline(declined.ConversationId, declined.AgentId);
                break;
            case ConversationClosed closed:
                Close(closed.ConversationId);
                break;
            case Tick:
                break;
            default:
                break;
        }

        // The event may have started clocks that are already due (an SLA already at risk on arrival): settle them now.
        SettleDueDeadlines();
        return _decisions;
    }

    /// <summary>Queued conversations in queue order, for display. O(n log n).</summary>
    public IReadOnlyList<Guid> WaitingInOrder() =>
        [.. _conversations.Values
            .Where(c => c.Status == ConversationStatus.Queued)
            .Select(c => c.Position)
            .Order()
            .Select(p => p.ConversationId)];

    public AgentLoad? GetAgentLoad(Guid agentId) =>
        _agents.TryGetValue(agentId, out var agent)
            ? new AgentLoad(agent.Id, agent.Presence, agent.Load, new Dictionary<string, int>(agent.HeldByChannel, StringComparer.Ordinal))
            : null;

    /// <summary>The agent holding the conversation (offered or assigned), for tests and diagnostics.</summary>
    internal Guid? HolderOf(Guid conversationId) => _conversations.GetValueOrDefault(conversationId)?.HolderId;

    /// <summary>The one key for a skill name, made on first sight.</summary>
    private SkillKey Skill(string name)
    {
        if (!_skills.TryGetValue(name, out var key))
        {
            key = new SkillKey(_skills.Count + 1, name);
            _skills.Add(name, key);
        }
        return key;
    }

    private void Emit(DecisionKind kind, Guid conversationId, Guid? agentId, DecisionReason reason, DateTimeOffset? offerExpiresAt = null,
        IReadOnlyList<Candidate>? candidates = null) =>
        _decisions.Add(new RoutingDecision(kind, conversationId, agentId, reason, _now, offerExpiresAt, candidates));
}
