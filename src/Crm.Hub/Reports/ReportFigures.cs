namespace Crm.Hub.Reports;

/// <summary>
/// The sums and counts behind a report's figures for one group of conversations, computed by the database in one GROUP BY
/// (see <see cref="ReportQuery"/>). Everything is additive, so the total and each group come from the same query shape.
/// </summary>
internal sealed class FactTotals
{
    public int Conversations { get; init; }
    public int Resolved { get; init; }
    public int ResolvedByAgents { get; init; }
    public int FirstResponses { get; init; }
    public long? FirstResponseSeconds { get; init; }
    public long? FirstResponseBusinessSeconds { get; init; }
    public int Assigned { get; init; }
    public long? TimeToAssignSeconds { get; init; }
    public int Handled { get; init; }
    public long? HandleSeconds { get; init; }
    public long? ResolutionSeconds { get; init; }
    public int SameDay { get; init; }
    public int SlaMet { get; init; }
    public int SlaBreached { get; init; }
    public int FcrFirstContact { get; init; }
    public int FcrNotFirstContact { get; init; }
    public int FcrProvisional { get; init; }
    public int ComplaintsResolved { get; init; }
    public long? ComplaintSeconds { get; init; }
    public long? ComplaintBusinessSeconds { get; init; }
    public int Reopened { get; init; }
    public int Transferred { get; init; }
    public int CsatResponses { get; init; }
    public int CsatSatisfied { get; init; }
    public int NpsResponses { get; init; }
    public int NpsPromoters { get; init; }
    public int NpsDetractors { get; init; }
    public int CesResponses { get; init; }
    public long? CesSum { get; init; }

    /// <summary>The totals of several disjoint groups together.</summary>
    public static FactTotals Sum(IEnumerable<FactTotals> parts)
    {
        var list = parts.ToList();
        long? Add(Func<FactTotals, long?> f) => list.Any(p => f(p) is not null) ? list.Sum(p => f(p) ?? 0) : null;
        return new FactTotals
        {
            Conversations = list.Sum(p => p.Conversations),
            Resolved = list.Sum(p => p.Resolved),
            ResolvedByAgents = list.Sum(p => p.ResolvedByAgents),
            FirstResponses = list.Sum(p => p.FirstResponses),
            FirstResponseSeconds = Add(p => p.FirstResponseSeconds),
            FirstResponseBusinessSeconds = Add(p => p.FirstResponseBusinessSeconds),
            Assigned = list.Sum(p => p.Assigned),
            TimeToAssignSeconds = Add(p => p.TimeToAssignSeconds),
            Handled = list.Sum(p => p.Handled),
            HandleSeconds = Add(p => p.HandleSeconds),
            ResolutionSeconds = Add(p => p.ResolutionSeconds),
            SameDay = list.Sum(p => p.SameDay),
            SlaMet = list.Sum(p => p.SlaMet),
            SlaBreached = list.Sum(p => p.SlaBreached),
            FcrFirstContact = list.Sum(p => p.FcrFirstContact),
            FcrNotFirstContact = list.Sum(p => p.FcrNotFirstContact),
            FcrProvisional = list.Sum(p => p.FcrProvisional),
            ComplaintsResolved = list.Sum(p => p.ComplaintsResolved),
            ComplaintSeconds = Add(p => p.ComplaintSeconds),
            ComplaintBusinessSeconds = Add(p => p.ComplaintBusinessSeconds),
            Reopened = list.Sum(p => p.Reopened),
            Transferred = list.Sum(p => p.Transferred),
            CsatResponses = list.Sum(p => p.CsatResponses),
            CsatSatisfied = list.Sum(p => p.CsatSatisfied),
            NpsResponses = list.Sum(p => p.NpsResponses),
            NpsPromoters = list.Sum(p => p.NpsPromoters),
            NpsDetractors = list.Sum(p => p.NpsDetractors),
            CesResponses = list.Sum(p => p.CesResponses),
            CesSum = Add(p => p.CesSum),
        };
    }
}

internal sealed class KeyedTotals<TKey>
{
    public required TKey Key { get; init; }
    public required FactTotals Totals { get; init; }
}

/// <summary>An average in seconds over <see cref="Count"/> conversations; null when there are none.</summary>
public sealed record DurationFigure(int Count, decimal? AverageSeconds);

public sealed record FcrFigure(int FirstContact, int NotFirstContact, int Provisional, decimal? Rate, decimal? ProvisionalRate);

public sealed record SlaFigure(int Met, int Breached, int Pending, decimal? Compliance);

public sealed record ComplaintFigure(int Resolved, decimal? AverageSeconds, decimal? AverageBusinessSeconds);

public sealed record SurveyFigure(int Responses, decimal? Score);

/// <summary>
/// DESIGN §8 over a set of conversations (those opened in the period, in one group): FRT, time to assign, AHT, resolution time,
/// FCR (final where the window has closed, provisional otherwise: <see cref="FcrFigure.Rate"/> counts decided ones only),
/// SLA compliance (met over decided: met both targets vs breached either, a running clock past its due time being breached),
/// same-day resolution (of resolved), complaint-to-resolution, contacts per agent per day (resolutions over agent-days
/// with a resolution), CSAT (% of 4–5), NPS (% 9–10 minus % 0–6), CES (mean). Percentages and averages are rounded to 2 places.
/// </summary>
public sealed record ReportFigures(
    int Conversations,
    int Resolved,
    int Reopened,
    int Transferred,
    DurationFigure FirstResponse,
    DurationFigure FirstResponseBusiness,
    DurationFigure TimeToAssign,
    DurationFigure HandleTime,
    DurationFigure ResolutionTime,
    FcrFigure Fcr,
    SlaFigure Sla,
    int SameDayResolved,
    decimal? SameDayRate,
    ComplaintFigure ComplaintToResolution,
    decimal? ContactsPerAgentPerDay,
    SurveyFigure Csat,
    SurveyFigure Nps,
    SurveyFigure Ces)
{
    internal static ReportFigures Of(FactTotals t, int agentDays) => new(
        t.Conversations, t.Resolved, t.Reopened, t.Transferred,
        new DurationFigure(t.FirstResponses, Average(t.FirstResponseSeconds, t.FirstResponses)),
        new DurationFigure(t.FirstResponses, Average(t.FirstResponseBusinessSeconds, t.FirstResponses)),
        new DurationFigure(t.Assigned, Average(t.TimeToAssignSeconds, t.Assigned)),
        new DurationFigure(t.Handled, Average(t.HandleSeconds, t.Handled)),
        new DurationFigure(t.Resolved, Average(t.ResolutionSeconds, t.Resolved)),
        new FcrFigure(t.FcrFirstContact, t.FcrNotFirstContact, t.FcrProvisional,
            Percent(t.FcrFirstContact, t.FcrFirstContact + t.FcrNotFirstContact),
            Percent(t.FcrFirstContact + t.FcrProvisional, t.FcrFirstContact + t.FcrNotFirstContact + t.FcrProvisional)),
        new SlaFigure(t.SlaMet, t.SlaBreached, t.Conversations - t.SlaMet - t.SlaBreached, Percent(t.SlaMet, t.SlaMet + t.SlaBreached)),
        t.SameDay, Percent(t.SameDay, t.Resolved),
        new ComplaintFigure(t.ComplaintsResolved, Average(t.ComplaintSeconds, t.ComplaintsResolved), Average(t.ComplaintBusinessSeconds, t.ComplaintsResolved)),
        agentDays == 0 ? null : Math.Round((decimal)t.ResolvedByAgents / agentDays, 2),
        new SurveyFigure(t.CsatResponses, Percent(t.CsatSatisfied, t.CsatResponses)),
        new SurveyFigure(t.NpsResponses, t.NpsResponses == 0 ? null : Math.Round((t.NpsPromoters - t.NpsDetractors) * 100m / t.NpsResponses, 2)),
        new SurveyFigure(t.CesResponses, Average(t.CesSum, t.CesResponses)));

    private static decimal? Average(long? sum, int count) => count == 0 ? null : Math.Round((sum ?? 0) / (decimal)count, 2);

    private static decimal? Percent(int part, int whole) => whole == 0 ? null : Math.Round(part * 100m / whole, 2);
}
