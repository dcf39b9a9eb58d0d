namespace Crm.Routing;

public sealed record RoutingOptions
{
    /// <summary>How long an agent has to accept an offer before it goes to the next agent.</summary>
    public TimeSpan OfferTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a conversation waits for its busy (online but full) responsible agent, counted from
    /// <see cref="ConversationWaiting.WaitingSince"/>, before any eligible agent may take it.
    /// </summary>
    public TimeSpan StickyWait { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Aging, so nobody starves behind a stream of higher priorities: every full step a conversation has waited
    /// counts as one more priority level. <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan AgingStep { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// The decline limit: an agent who declines or lets expire this many offers in a row is set away, so conversations stop
    /// bouncing off someone who is not taking them. Accepting an offer, or coming back online, starts the count again. 0 turns it off.
    /// </summary>
    public int OffersNotTakenBeforeAway { get; init; } = 3;

    /// <summary>
    /// How long a conversation that needs a skill waits (from <see cref="ConversationWaiting.WaitingSince"/>) for an agent at the
    /// required proficiency before the closest match may take it: the most proficient agent below it, else any agent of the
    /// channel. <see cref="TimeSpan.Zero"/> turns the fallback off: it waits for a qualified agent however long that takes.
    /// </summary>
    public TimeSpan SkillFallbackAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Away after this long without <see cref="AgentActivity"/> (or an offer answered): an online agent who walked away stops
    /// getting offers, and is online again at their next activity. <see cref="TimeSpan.Zero"/> turns it off.
    /// </summary>
    public TimeSpan AwayAfterIdle { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// A waiting conversation is at risk when less than this share of its SLA period (from waiting to due) is left: it then
    /// goes ahead of everything not at risk in its queue, whatever the priority, and the supervisor is alerted. 0 turns it off.
    /// </summary>
    public double SlaAtRiskShare { get; init; } = 0.2;

    /// <summary>How a free agent is picked when the responsible agent doesn't apply.</summary>
    public AgentSelection Selection { get; init; } = AgentSelection.LeastLoadedLongestIdle;
}

public enum AgentSelection
{
    /// <summary>Lowest load, then the agent idle longest: spreads work evenly over time (the default).</summary>
    LeastLoadedLongestIdle,

    /// <summary>The next free agent after the last one picked, in a fixed order. Kept for comparison and for sites used to it.</summary>
    RoundRobin,
}
