namespace Crm.Hub.Metrics;

/// <summary>How long a first response and a resolution may take, in the queue's business hours.</summary>
internal sealed record SlaTarget(TimeSpan FirstResponse, TimeSpan Resolution);

/// <summary>A target for conversations of one priority and/or channel; a null field matches any.</summary>
internal sealed record SlaRule(int? Priority, string? Channel, SlaTarget Target);

/// <summary>
/// SLA targets by priority and channel. The most specific rule wins: priority and channel, then priority alone, then channel
/// alone, then <see cref="Default"/>.
/// </summary>
internal sealed record SlaPolicy(SlaTarget Default, IReadOnlyList<SlaRule> Rules)
{
    public SlaTarget TargetFor(int priority, string channel) =>
        (Rules.FirstOrDefault(r => r.Priority == priority && r.Channel == channel)
            ?? Rules.FirstOrDefault(r => r.Priority == priority && r.Channel is null)
            ?? Rules.FirstOrDefault(r => r.Priority is null && r.Channel == channel))?.Target
        ?? Default;
}

/// <summary>Whether a clock met its target, missed it, or is still running within it.</summary>
internal enum SlaOutcome
{
    Pending,
    Met,
    Breached,
}

/// <summary>
/// One conversation against its SLA target, both clocks in the queue's business hours:
/// <list type="bullet">
/// <item>first response: from the first customer message to the first agent reply (the FRT clock); a conversation resolved
/// without any reply stops the clock at its resolution;</item>
/// <item>resolution: from opening to the latest resolution (reopened time included: the customer was not helped yet).</item>
/// </list>
/// A running clock is breached once more business time than the target has passed by <c>now</c>, pending before.
/// The conversation complies when both are met; it is decided when both are met or either is breached.
/// </summary>
internal sealed record SlaEvaluation(SlaOutcome FirstResponse, SlaOutcome Resolution, DateTimeOffset FirstResponseDue, DateTimeOffset ResolutionDue)
{
    public bool Compliant => FirstResponse == SlaOutcome.Met && Resolution == SlaOutcome.Met;

    public bool Decided => Compliant || FirstResponse == SlaOutcome.Breached || Resolution == SlaOutcome.Breached;

    public static SlaEvaluation? Of(ConversationTimings timings, SlaTarget target, BusinessCalendar calendar, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(timings);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(calendar);
        if (timings.OpenedAt is not { } opened)
        {
            return null;
        }
        var (responseStart, responseStop) = ResponseClock(timings.Episodes[0], opened);
        return new SlaEvaluation(
            Outcome(calendar, responseStart, responseStop, target.FirstResponse, now),
            Outcome(calendar, opened, timings.ResolvedAt, target.Resolution, now),
            calendar.AddBusinessTime(responseStart, target.FirstResponse),
            calendar.AddBusinessTime(opened, target.Resolution));
    }

    /// <summary>Whether a resolution at <paramref name="resolvedAt"/> met both targets: the figure a day's resolution counts for.</summary>
    public static bool AtResolution(ContactEpisode first, DateTimeOffset opened, DateTimeOffset resolvedAt, SlaTarget target, BusinessCalendar calendar)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(calendar);
        var (responseStart, responseStop) = ResponseClock(first, opened);
        return calendar.BusinessDuration(responseStart, responseStop ?? resolvedAt) <= target.FirstResponse
            && calendar.BusinessDuration(opened, resolvedAt) <= target.Resolution;
    }

    /// <summary>The first-response clock: the first customer message (else the opening) to the first agent reply, else the first resolution.</summary>
    private static (DateTimeOffset Start, DateTimeOffset? Stop) ResponseClock(ContactEpisode first, DateTimeOffset opened) =>
        (first.CustomerWroteAt ?? opened, first.CustomerWroteAt is not null && first.FirstResponseAt is { } replied ? replied : first.ResolvedAt);

    /// <summary>Met when the business time used is within the target, breached once it is over (stopped or not), pending before.</summary>
    private static SlaOutcome Outcome(BusinessCalendar calendar, DateTimeOffset start, DateTimeOffset? stop, TimeSpan target, DateTimeOffset now) =>
        calendar.BusinessDuration(start, stop ?? now) > target ? SlaOutcome.Breached
        : stop is not null ? SlaOutcome.Met
        : SlaOutcome.Pending;
}
