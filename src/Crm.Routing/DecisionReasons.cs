using System.Globalization;
using Crm.Routing.Agents;
using Crm.Routing.Waiting;

namespace Crm.Routing;

/// <summary>The human-readable reasons on decisions: what a supervisor reads to learn "why this agent".</summary>
internal static class DecisionReasons
{
    /// <summary>
    /// Reasons are built with <c>string.Create(Inv, $"…")</c>: every decision builds one, and the interpolation handler spares the
    /// boxing and the <see cref="FormattableString"/> that <c>FormattableString.Invariant</c> allocates.
    /// </summary>
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string PresenceWord(AgentPresence presence) => presence switch
    {
        AgentPresence.Online => "online",
        AgentPresence.Away => "away",
        _ => "offline",
    };

    public static string ResponsibleAgent(TrackedAgent agent, string channel) =>
        $"responsible agent online with {channel} capacity {InUse(agent, channel)}";

    public static string TransferTarget(TrackedAgent agent, string channel) =>
        $"explicit transfer to this agent; {channel} capacity {InUse(agent, channel)}";

    public static string LeastLoaded(AgentRank best, bool tiedOnLoad, int free, AgentPool pool, int excluded)
    {
        var idle = Time(new DateTimeOffset(best.IdleSinceUtcTicks, TimeSpan.Zero));
        var tieBreak = tiedOnLoad ? $"tie on load broken by longest idle, since {idle}" : $"idle since {idle}";
        return string.Create(Inv, $"least loaded ({best.Load} active) of {free} online agent(s) with free {pool.Channel} capacity")
            + InTeam(pool.TeamId) + WithSkill(pool) + Excluded(excluded) + "; " + tieBreak;
    }

    public static string RoundRobin(AgentRank picked, int free, AgentPool pool, int excluded) =>
        string.Create(Inv, $"round robin: next in turn of {free} online agent(s) with free {pool.Channel} capacity ({picked.Load} active)")
        + InTeam(pool.TeamId) + WithSkill(pool) + Excluded(excluded);

    public static string NoEligibleAgent(AgentPool pool, int online, int excluded, int waiting)
    {
        var who = online == 0
            ? $"nobody online handles {pool.Channel}{InTeam(pool.TeamId)}{WithSkill(pool)}"
            : string.Create(Inv, $"{online} online agent(s) handle {pool.Channel}{InTeam(pool.TeamId)}{WithSkill(pool)}, all at capacity")
                + (excluded > 0 ? " or excluded" : string.Empty);
        return "no eligible agent: " + who + Excluded(excluded) + string.Create(Inv, $"; queued, {waiting} waiting");
    }

    public static string WaitingForResponsible(TrackedAgent responsible, string channel, DateTimeOffset until, int waiting) =>
        string.Create(Inv, $"responsible agent online but at {channel} capacity {InUse(responsible, channel)}; ")
        + string.Create(Inv, $"waiting for them until {Time(until)}, {waiting} waiting");

    public static string ResponsibleUnavailable(TrackedAgent? responsible, TrackedConversation conversation)
    {
        var why = responsible switch
        {
            null => "is unknown to the router",
            { IsOnline: false } => "is " + PresenceWord(responsible.Presence),
            _ when conversation.ExclusionOf(responsible.Id) is { } exclusion => ExclusionWords(exclusion),
            _ when !responsible.IsInTeam(conversation.TeamId) => "is not in the conversation's team",
            _ when responsible.CapacityOn(conversation.Channel) <= 0 => $"does not handle {conversation.Channel}",
            _ => string.Create(Inv, $"is still at {conversation.Channel} capacity {InUse(responsible, conversation.Channel)} after the wait for them ended"),
        };
        return $"responsible agent {why}; ";
    }

    public static string WaitingForTarget(TrackedAgent? target, Guid targetId, TrackedConversation conversation, int waiting)
    {
        var why = target switch
        {
            null => "is unknown to the router",
            { IsOnline: false } => "is " + PresenceWord(target.Presence),
            _ when conversation.ExclusionOf(target.Id) is { } exclusion => ExclusionWords(exclusion),
            _ when !target.IsInTeam(conversation.TeamId) => "is not in the conversation's team",
            _ when target.CapacityOn(conversation.Channel) <= 0 => $"does not handle {conversation.Channel}",
            _ => string.Create(Inv, $"is at {conversation.Channel} capacity {InUse(target, conversation.Channel)}"),
        };
        return string.Create(Inv, $"explicit transfer to agent {targetId}, who {why}; queued for them only, {waiting} waiting");
    }

    public static string NextInQueue(SlotUse slots, QueuedConversationFacts conversation)
    {
        var channel = conversation.Channel;
        var whose = conversation.TransferredToAgent ? "; explicit transfer to this agent"
            : conversation.WasHeldForAgent ? "; was waiting for this responsible agent"
            : string.Empty;
        var aged = conversation.AgedBy > 0 ? string.Create(Inv, $" (+{conversation.AgedBy} for waiting)") : string.Empty;
        return string.Create(Inv, $"{channel} slot free ({InUse(slots)}); next eligible in queue: priority {conversation.Priority}{aged}, ")
            + (conversation.SlaDueAt is { } due ? string.Create(Inv, $"SLA due {Time(due)}, ") : string.Empty)
            + string.Create(Inv, $"waiting since {Time(conversation.WaitingSince)}") + whose;
    }

    public static string AutoAccepted(string reason) => reason + "; auto-accepted";

    public static string OfferAccepted() => "offer accepted by the agent";

    public static string OfferDeclined() => "declined by the agent; never offered to them again";

    public static string OfferExpired(TimeSpan timeout, DateTimeOffset expiredAt) =>
        string.Create(Inv, $"not accepted within {timeout.TotalSeconds:0.###}s (expired {Time(expiredAt)}); never offered to this agent again");

    public static string OfferHandedBack(string why) => why + "; unaccepted offer handed back for routing";

    public static string WaitForResponsibleEnded(DateTimeOffset until) =>
        $"waited for the busy responsible agent until {Time(until)}; open to any eligible agent now; ";

    public static string WaitingAgain() => "conversation waiting again (reopened or transferred); released from this agent";

    public static string AssignedElsewhere() => "assignment restored to another agent; released from this agent";

    public static string ClosedWhileQueued() => "conversation closed while waiting; removed from the queue";

    public static string ClosedFreeingSlot(string channel, SlotUse slots) =>
        $"conversation closed; {channel} slot freed ({InUse(slots)})";

    public static string AssignmentDroppedWithAgent() => "agent removed; the router no longer tracks this assignment";

    public static string UnknownConversation() => "the router does not track this conversation (closed, never waiting, or unknown)";

    public static string NoOfferHeld(TrackedConversation conversation, Guid agentId, bool agentKnown)
    {
        var why = conversation.ExclusionOf(agentId) switch
        {
            Exclusion.Declined => "this agent already declined it",
            Exclusion.LetOfferExpire => "the offer to this agent expired",
            _ => conversation.Status switch
            {
                ConversationStatus.Queued => "the conversation is waiting in the queue",
                ConversationStatus.Offered => "the offer is held by another agent",
                ConversationStatus.Assigned when conversation.HolderId == agentId => "it is already assigned to this agent",
                _ => "it is assigned to another agent",
            },
        };
        return (agentKnown ? string.Empty : "unknown agent; ") + "no pending offer for this agent: " + why;
    }

    private static string ExclusionWords(Exclusion exclusion) => exclusion == Exclusion.Declined
        ? "declined this conversation"
        : "let the offer for this conversation expire";

    private static string InUse(TrackedAgent agent, string channel) => InUse(SlotUse.Of(agent, channel));

    private static string InUse(SlotUse slots) =>
        string.Create(Inv, $"{slots.Held}/{slots.Capacity} in use") + slots.ProfileWords;

    /// <summary>For an agent with a capacity profile: units in use, the channel's cost, and what blocks it; empty otherwise.</summary>
    public static string ProfileUse(TrackedAgent agent, string channel)
    {
        if (agent.Profile is not { } profile)
        {
            return string.Empty;
        }

        var blocker = agent.HeldByChannel.Keys.FirstOrDefault(held => profile.Shuts(held, channel));
        return string.Create(Inv, $", {agent.UnitsHeld()}/{profile.Units} units, {profile.CostOf(channel)} per {channel} conversation")
            + (blocker is null ? string.Empty : $", blocked while holding a {blocker} conversation");
    }

    /// <summary>For an agent with a capacity profile: the units in use before this conversation; empty otherwise.</summary>
    public static string Units(TrackedAgent agent, string channel) => agent.Profile is { } profile
        ? string.Create(Inv, $"; {agent.UnitsHeld()}/{profile.Units} units in use before this, {profile.CostOf(channel)} per {channel} conversation")
        : string.Empty;

    private static string InTeam(Guid? teamId) => teamId is Guid team ? string.Create(Inv, $" in team {team}") : string.Empty;

    private static string WithSkill(AgentPool pool) => pool.Skill is { } skill ? string.Create(Inv, $" with {skill} at level {pool.Level}+") : string.Empty;

    public static string ClosestMatch(AgentRank best, AgentPool pool, int wanted, TimeSpan waited) =>
        string.Create(Inv, $"closest match: nobody with {pool.Skill} at level {wanted}+ took it within {Span(waited)}; ")
        + string.Create(Inv, $"the most proficient free agent has level {pool.Level} ({best.Load} active)");

    public static string SkillMatch(AgentRank best, bool tiedOnLoad, AgentPool pool, int proficiency, int excluded)
    {
        var idle = Time(new DateTimeOffset(best.IdleSinceUtcTicks, TimeSpan.Zero));
        var tieBreak = tiedOnLoad ? $"tie on load broken by longest idle, since {idle}" : $"idle since {idle}";
        return string.Create(Inv, $"least loaded ({best.Load} active) of the free {pool.Channel} agents")
            + InTeam(pool.TeamId) + WithSkill(pool) + string.Create(Inv, $" (this agent: level {proficiency})") + Excluded(excluded) + "; " + tieBreak;
    }

    public static string SkillFallback(SkillKey skill, int wanted, TimeSpan waited) =>
        string.Create(Inv, $"skill fallback: nobody with {skill} at level {wanted}+ within {Span(waited)}, nor anyone with less of it; any agent may take it now; ");

    private static string Span(TimeSpan span) => span.TotalMinutes >= 1 && span.Seconds == 0
        ? string.Create(Inv, $"{span.TotalMinutes:0} min")
        : string.Create(Inv, $"{span.TotalSeconds:0}s");

    private static string Excluded(int excluded) =>
        excluded > 0 ? string.Create(Inv, $" ({excluded} excluded after declining or letting the offer expire)") : string.Empty;

    private static string Time(DateTimeOffset at)
    {
        var utc = at.UtcDateTime;
        return string.Create(Inv, $"{utc.Hour:D2}:{utc.Minute:D2}:{utc.Second:D2}Z");
    }


    public static string Overflowed(string? from, OverflowStep step, int rung, int rungs)
    {
        var who = (step.TeamId is Guid team ? string.Create(Inv, $"team {team}") : "any team")
            + (string.IsNullOrWhiteSpace(step.Skill) ? string.Empty : string.Create(Inv, $" with {step.Skill} at level {step.MinProficiency}+"))
            + (step.Priority is int priority ? string.Create(Inv, $", priority {priority}") : string.Empty);
        return string.Create(Inv, $"overflow: no agent within {Span(step.After)} in {from ?? "its first queue"}; moved to {step.Name} ({who}), rung {rung} of {rungs}");
    }

    public static string SlaAtRisk(DateTimeOffset due, DateTimeOffset now, bool offered) =>
        string.Create(Inv, $"SLA at risk: first response due {Time(due)}, {Span(due > now ? due - now : TimeSpan.Zero)} left")
        + (offered ? "; offered, not yet accepted" : "; moved ahead of everything not at risk in its queue")
        + "; supervisor alerted";

    public static string Escalated(TimeSpan waited, string? rung, bool offered) =>
        string.Create(Inv, $"escalated: no agent has taken it after {Span(waited)}")
        + (rung is null ? string.Empty : string.Create(Inv, $" (now in {rung})"))
        + (offered ? "; an offer is pending" : string.Empty)
        + "; supervisor alerted";

    public static string AwayAfterIdle(TimeSpan idle) =>
        string.Create(Inv, $"set away: no activity in the console for {Span(idle)}; online again at the agent's next activity");

    public static string BackFromIdle() => "online again: the agent is active in the console";

    public static string SetAwayAfterOffersNotTaken(int count) =>
        string.Create(Inv, $"set away: {count} offers in a row were declined or not answered; routing resumes when the agent is online again");
}
