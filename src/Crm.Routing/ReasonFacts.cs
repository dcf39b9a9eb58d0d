using Crm.Routing.Agents;
using Crm.Routing.Waiting;

namespace Crm.Routing;

/// <summary>
/// A decision's reason: its words, or the facts the words are made of, put into words only when someone reads
/// <see cref="RoutingDecision.Reason"/>. The hot decisions (a pool pick, a freed slot refilled, an arrival queued, a close)
/// carry facts: most decisions the engine makes (a what-if replay, a benchmark) are never read as text, and building
/// the words was a third of such a decision's time and most of what it allocated.
/// </summary>
internal readonly struct DecisionReason
{
    private readonly string? _words;
    private readonly ReasonFacts? _facts;

    private DecisionReason(string? words, ReasonFacts? facts) => (_words, _facts) = (words, facts);

    public static implicit operator DecisionReason(string words) => new(words, null);

    public static implicit operator DecisionReason(ReasonFacts facts) => new(null, facts);

    public string? Words => _words;

    public ReasonFacts? Facts => _facts;

    /// <summary>The same reason for an offer the agent's auto-accept took at once.</summary>
    public DecisionReason AutoAccepted() => _facts is { } facts
        ? new DecisionReason(null, facts.AutoAccepted())
        : new DecisionReason(DecisionReasons.AutoAccepted(_words!), null);
}

/// <summary>
/// The values a reason needs, copied when the decision is made (agents and conversations change afterwards), and worded
/// by <see cref="DecisionReasons"/> exactly as if it had been built at once. Immutable once the decision is emitted.
/// </summary>
internal abstract class ReasonFacts(string note)
{
    private bool _autoAccepted;

    /// <summary>Marks the offer as taken by auto-accept; only before the decision is emitted.</summary>
    public ReasonFacts AutoAccepted()
    {
        _autoAccepted = true;
        return this;
    }

    public string Format()
    {
        var words = note + Words();
        return _autoAccepted ? DecisionReasons.AutoAccepted(words) : words;
    }

    protected abstract string Words();
}

/// <summary>The least loaded qualified agent of a skill's pool.</summary>
internal sealed class SkillMatchFacts(string note, AgentRank best, bool tiedOnLoad, AgentPool pool, int proficiency, int excluded, string units)
    : ReasonFacts(note)
{
    protected override string Words() => DecisionReasons.SkillMatch(best, tiedOnLoad, pool, proficiency, excluded) + units;
}

/// <summary>The least loaded free agent of a pool without a skill.</summary>
internal sealed class LeastLoadedFacts(string note, AgentRank best, bool tiedOnLoad, int free, AgentPool pool, int excluded, string units)
    : ReasonFacts(note)
{
    protected override string Words() => DecisionReasons.LeastLoaded(best, tiedOnLoad, free, pool, excluded) + units;
}

/// <summary>A freed slot takes the first conversation in queue order the agent may take.</summary>
internal sealed class NextInQueueFacts(SlotUse slots, QueuedConversationFacts conversation) : ReasonFacts(string.Empty)
{
    protected override string Words() => DecisionReasons.NextInQueue(slots, conversation);
}

/// <summary>Nobody may take the arrival now: it is queued.</summary>
internal sealed class NoEligibleAgentFacts(string note, AgentPool pool, int online, int excluded, int waiting) : ReasonFacts(note)
{
    protected override string Words() => DecisionReasons.NoEligibleAgent(pool, online, excluded, waiting);
}

/// <summary>A conversation an agent held was closed, freeing its slot.</summary>
internal sealed class SlotFreedFacts(string channel, SlotUse slots) : ReasonFacts(string.Empty)
{
    protected override string Words() => DecisionReasons.ClosedFreeingSlot(channel, slots);
}

/// <summary>
/// An agent's use of a channel when the decision was made: slots held and the limit, and for an agent with a capacity
/// profile the words on units and blocking (worded at once: profiles are rare, and their state is spread over the agent).
/// </summary>
internal readonly record struct SlotUse(int Held, int Capacity, string ProfileWords)
{
    public static SlotUse Of(TrackedAgent agent, string channel) =>
        new(agent.HeldOn(channel), agent.CapacityOn(channel), DecisionReasons.ProfileUse(agent, channel));
}

/// <summary>What the next-in-queue reason says about the conversation, copied before it leaves the queue.</summary>
internal readonly record struct QueuedConversationFacts(
    string Channel, int Priority, int AgedBy, DateTimeOffset? SlaDueAt, DateTimeOffset WaitingSince, bool TransferredToAgent, bool WasHeldForAgent)
{
    public static QueuedConversationFacts Of(TrackedAgent agent, TrackedConversation conversation) => new(
        conversation.Channel, conversation.Priority, conversation.AgedBy, conversation.SlaDueAt, conversation.WaitingSince,
        conversation.TargetAgentId == agent.Id, conversation.HeldForResponsibleUntil is not null);
}
