using Crm.Hub.Metrics;

namespace Crm.Hub.Reports;

/// <summary>
/// A conversation's <see cref="ConversationFact"/> from its history, by the same definitions as the board and the CSV
/// (<see cref="ConversationTimings"/>, <see cref="SlaEvaluation"/>): pure, so a row can be checked against a replay.
/// </summary>
internal static class FactBuilder
{
    /// <summary>The row of <paramref name="history"/>; null when it has not opened yet (no opening, no customer message).</summary>
    public static ConversationFact? Build(ConversationHistory history, MetricsSettings settings, DateTimeOffset now, long lastSeq,
        (string Kind, int Score)? survey = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(settings);
        var t = ConversationTimings.Of(history);
        if (t.OpenedAt is not { } opened)
        {
            return null;
        }
        var h = history.Header;
        var calendar = settings.CalendarOf(h.QueueId);
        var sla = SlaEvaluation.Of(t, settings.TargetOf(h), calendar, now)!;
        var first = t.Episodes[0];
        var resolved = t.ResolvedAt;
        var lastAssigned = history.Timeline.LastOrDefault(e => e.Kind == TimelineKind.Assigned)?.AgentId;
        return new ConversationFact
        {
            ConversationId = h.ConversationId,
            ContactId = h.ContactId,
            Channel = h.Channel,
            QueueId = h.QueueId,
            TeamId = h.TeamId,
            AgentId = (resolved is null ? null : t.Episodes[^1].ResolvedBy) ?? lastAssigned,
            Category = h.Category,
            Priority = h.Priority,
            OpenedAt = opened,
            OpenedDate = settings.BoardDate(opened),
            FirstResponseAt = t.FirstResponseAt,
            AssignedAt = first.AcceptedAt,
            ResolvedAt = resolved,
            ResolvedDate = resolved is { } r ? settings.BoardDate(r) : null,
            FirstResponseSeconds = Seconds(t.FirstResponseTime),
            FirstResponseBusinessSeconds = first is { CustomerWroteAt: { } wrote } && t.FirstResponseAt is { } replied
                ? Seconds(calendar.BusinessDuration(wrote, replied)) : null,
            TimeToAssignSeconds = Seconds(t.TimeToAssign),
            HandleSeconds = Seconds(t.HandleTime),
            ResolutionSeconds = Seconds(t.ResolutionTime),
            ResolutionBusinessSeconds = resolved is { } end ? Seconds(calendar.BusinessDuration(opened, end)) : null,
            Episodes = t.Episodes.Count,
            ReopenCount = t.Episodes.Count - 1,
            TransferCount = history.Timeline.Count(e => e.Kind == TimelineKind.Transferred),
            SameDay = resolved is { } done ? calendar.LocalDate(opened) == calendar.LocalDate(done) : null,
            SlaFirstResponse = sla.FirstResponse,
            SlaResolution = sla.Resolution,
            // UTC: SQLite stores an instant with its offset, and the report compares these with a UTC now.
            FirstResponseDueAt = sla.FirstResponseDue.ToUniversalTime(),
            ResolutionDueAt = sla.ResolutionDue.ToUniversalTime(),
            SurveyKind = survey?.Kind,
            SurveyScore = survey?.Score,
            LastSeq = lastSeq,
        };
    }

    /// <summary>
    /// Sets <see cref="ConversationFact.ContactReturnSeconds"/> on every row of one contact: the gap from each resolution to the
    /// next conversation the contact opened after it (any channel), null when there is none.
    /// </summary>
    public static void LinkContactReturns(IReadOnlyList<ConversationFact> contactFacts)
    {
        ArgumentNullException.ThrowIfNull(contactFacts);
        foreach (var fact in contactFacts)
        {
            DateTimeOffset? next = null;
            if (fact.ResolvedAt is { } resolved)
            {
                foreach (var other in contactFacts)
                {
                    if (other.ConversationId != fact.ConversationId && other.OpenedAt > resolved && (next is null || other.OpenedAt < next))
                    {
                        next = other.OpenedAt;
                    }
                }
            }
            fact.ContactReturnSeconds = next is { } n ? (long)(n - fact.ResolvedAt!.Value).TotalSeconds : null;
        }
    }

    /// <summary>A row as the CSV export's <see cref="ConversationReportRow"/>, FCR judged with <paramref name="window"/> at <paramref name="now"/>.</summary>
    public static ConversationReportRow ToReportRow(ConversationFact f, TimeSpan window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(f);
        var fcr = FcrOf(f, window, now);
        return new ConversationReportRow(f.ConversationId, f.ContactId, f.Channel, f.QueueId, f.TeamId, f.Priority, f.Category,
            f.OpenedAt, f.FirstResponseAt, Span(f.FirstResponseSeconds), Span(f.FirstResponseBusinessSeconds), Span(f.TimeToAssignSeconds),
            Span(f.HandleSeconds), f.ResolvedAt, f.ResolvedAt is null ? null : f.AgentId, Span(f.ResolutionSeconds), Span(f.ResolutionBusinessSeconds),
            f.Episodes, f.TransferCount > 0, f.SameDay, Effective(f.SlaFirstResponse, f.FirstResponseDueAt, now),
            Effective(f.SlaResolution, f.ResolutionDueAt, now), fcr.Status, fcr.Until);
    }

    /// <summary>FCR of a row, exactly as <see cref="FcrEvaluator"/> judges the history it came from.</summary>
    public static FcrOutcome FcrOf(ConversationFact f, TimeSpan window, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(f);
        if (f.ResolvedAt is not { } resolved)
        {
            return new FcrOutcome(FcrStatus.NotResolved);
        }
        if (f.ReopenCount > 0 || f.TransferCount > 0 || f.ContactReturnSeconds <= (long)window.TotalSeconds)
        {
            return new FcrOutcome(FcrStatus.NotFirstContact);
        }
        return now <= resolved + window ? new FcrOutcome(FcrStatus.Provisional, resolved + window) : new FcrOutcome(FcrStatus.FirstContact);
    }

    /// <summary>A clock stored as running is breached once its due time has passed.</summary>
    public static SlaOutcome? Effective(SlaOutcome? stored, DateTimeOffset? due, DateTimeOffset now) =>
        stored == SlaOutcome.Pending && due < now ? SlaOutcome.Breached : stored;

    private static long? Seconds(TimeSpan? d) => d is { } v ? (long)v.TotalSeconds : null;

    private static TimeSpan? Span(long? seconds) => seconds is { } s ? TimeSpan.FromSeconds(s) : null;
}
