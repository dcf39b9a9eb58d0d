using System.Linq.Expressions;
using Crm.Hub.Metrics;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reports;

/// <summary>
/// A period report from the rollup, with no filter or one: the all-dimension rows (or, filtered by X = v, the unfiltered rows of
/// X = v) are the days and their sum the total; the breakdown's rows summed by group are the groups (filtered, the pair cells
/// of X = v and the breakdown, stored once for both ways round); the figures that depend on now come from the facts resolved
/// within the FCR window or with a clock not yet due (a few days of conversations, found by index whatever the period, the
/// filter applied), and agent-days from the agent-day spans of the same cells.
/// </summary>
internal static class ReportRollupQuery
{
    /// <summary>More (group, resolution day) spans straddling the whole period than this and the agent-days are counted from the facts.</summary>
    private const int MaxStraddling = 64;

    public static async Task<ReportSummary> BuildAsync(HubDbContext db, ReportsApi.ReportFilter filter, string breakdown, MetricsSettings settings,
        DateTimeOffset now, CancellationToken ct)
    {
        var (from, to) = (filter.From, filter.To);
        var (on, value) = RollupKeys.FilterOf(filter)
            ?? throw new ArgumentException("The rollup holds reports with one filter at most.", nameof(filter));
        var rollups = db.ReportRollups.AsNoTracking().Where(r => r.OpenedDate >= from && r.OpenedDate <= to);
        // The days (and their sum the total) are the unfiltered rows of the filter's value: all conversations, or those of one queue, agent...
        // (FilterKey "" too, so the key's prefix is searched rather than every slice's rows of the dimension.)
        var unfiltered = rollups.Where(r => r.FilterDimension == "" && r.FilterKey == "");
        var dayRows = await unfiltered.Where(r => r.Dimension == on && r.Key == value).ToListAsync(ct);
        var sum = new ReportRollupRow { Dimension = on, Key = value };
        foreach (var row in dayRows)
        {
            sum.Add(row);
        }
        List<ReportRollupRow> groupRows = on == breakdown
            // Broken down by its own filter: one group, the total.
            ? dayRows.Count == 0 ? [] : [sum]
            : on == RollupKeys.All
                ? await Summed(unfiltered.Where(r => r.Dimension == breakdown), r => r.Key).ToListAsync(ct)
                : RollupKeys.StoredAsFilter(on, breakdown)
                    ? await Summed(rollups.Where(r => r.FilterDimension == on && r.FilterKey == value && r.Dimension == breakdown), r => r.Key).ToListAsync(ct)
                    : await Summed(rollups.Where(r => r.Dimension == on && r.Key == value && r.FilterDimension == breakdown), r => r.FilterKey).ToListAsync(ct);

        var live = await LiveAsync(db, filter, settings, now, ct);
        var byDay = live.GroupBy(l => l.OpenedDate).ToDictionary(g => g.Key, g => (P: g.Count(l => l.Provisional), N: g.Count(l => l.NotYetDue)));
        var byGroup = live.GroupBy(l => l.KeyOf(breakdown)).ToDictionary(g => g.Key, g => (P: g.Count(l => l.Provisional), N: g.Count(l => l.NotYetDue)));

        var totalAgentDays = await AgentDaysAsync(db, filter, RollupKeys.All, on, value, ct);
        var groupAgentDays = on == breakdown ? totalAgentDays : await AgentDaysAsync(db, filter, breakdown, on, value, ct);
        if (totalAgentDays is null || groupAgentDays is null)
        {
            return await ReportsApi.BuildFromFactsAsync(db, filter, breakdown, settings, now, ct);
        }

        var total = ReportFigures.Of(sum.ToTotals(live.Count(l => l.Provisional), live.Count(l => l.NotYetDue)),
            (int)totalAgentDays.GetValueOrDefault(value));
        var days = dayRows.Select(r =>
        {
            var (p, n) = byDay.GetValueOrDefault(r.OpenedDate);
            return new ReportDay(r.OpenedDate, ReportFigures.Of(r.ToTotals(p, n), (int)r.AgentDays));
        }).ToList();
        var groups = groupRows.Select(r =>
        {
            var (p, n) = byGroup.GetValueOrDefault(r.Key);
            return (RollupKeys.Decode(r.Key), ReportFigures.Of(r.ToTotals(p, n), (int)groupAgentDays.GetValueOrDefault(r.Key)));
        }).ToList();
        return await ReportsApi.AssembleAsync(db, filter, breakdown, settings, now, total, groups, days, ct);
    }

    /// <summary>The rows summed per group (<paramref name="group"/>: the key, or the filter key of a pair read the other way round).</summary>
    private static IQueryable<ReportRollupRow> Summed(IQueryable<ReportRollupRow> rows, Expression<Func<ReportRollupRow, string>> group) =>
        rows.GroupBy(group).Select(g => new ReportRollupRow
    {
        Dimension = "",
        Key = g.Key,
        Conversations = g.Sum(r => r.Conversations),
        Resolved = g.Sum(r => r.Resolved),
        ResolvedByAgents = g.Sum(r => r.ResolvedByAgents),
        FirstResponses = g.Sum(r => r.FirstResponses),
        FirstResponseSeconds = g.Sum(r => r.FirstResponseSeconds),
        FirstResponseBusinessSeconds = g.Sum(r => r.FirstResponseBusinessSeconds),
        Assigned = g.Sum(r => r.Assigned),
        TimeToAssignSeconds = g.Sum(r => r.TimeToAssignSeconds),
        Handled = g.Sum(r => r.Handled),
        HandleSeconds = g.Sum(r => r.HandleSeconds),
        ResolutionSeconds = g.Sum(r => r.ResolutionSeconds),
        SameDay = g.Sum(r => r.SameDay),
        SlaMet = g.Sum(r => r.SlaMet),
        SlaBreached = g.Sum(r => r.SlaBreached),
        SlaRunning = g.Sum(r => r.SlaRunning),
        FcrNotFirstContact = g.Sum(r => r.FcrNotFirstContact),
        FcrClean = g.Sum(r => r.FcrClean),
        ComplaintsResolved = g.Sum(r => r.ComplaintsResolved),
        ComplaintSeconds = g.Sum(r => r.ComplaintSeconds),
        ComplaintBusinessSeconds = g.Sum(r => r.ComplaintBusinessSeconds),
        Reopened = g.Sum(r => r.Reopened),
        Transferred = g.Sum(r => r.Transferred),
        CsatResponses = g.Sum(r => r.CsatResponses),
        CsatSatisfied = g.Sum(r => r.CsatSatisfied),
        NpsResponses = g.Sum(r => r.NpsResponses),
        NpsPromoters = g.Sum(r => r.NpsPromoters),
        NpsDetractors = g.Sum(r => r.NpsDetractors),
        CesResponses = g.Sum(r => r.CesResponses),
        CesSum = g.Sum(r => r.CesSum),
    });

    private sealed record Live(Guid ConversationId, Guid? QueueId, Guid? TeamId, Guid? AgentId, string Channel, string? Category, DateOnly OpenedDate, bool Provisional,
        bool NotYetDue)
    {
        public string KeyOf(string dimension) => dimension switch
        {
            RollupKeys.All => "",
            "agent" => RollupKeys.Encode(AgentId),
            "team" => RollupKeys.Encode(TeamId),
            "queue" => RollupKeys.Encode(QueueId),
            "channel" => RollupKeys.Encode(Channel),
            _ => RollupKeys.Encode(Category),
        };
    }

    /// <summary>
    /// The facts of the period whose figures depend on now: FCR provisional (clean and resolved within the window) and a running
    /// clock not yet due. They are found by index on the resolution and due times (not on the period, which may be a year),
    /// and judged by the database exactly as <see cref="ReportQuery.Totals"/> judges them.
    /// </summary>
    private static async Task<List<Live>> LiveAsync(HubDbContext db, ReportsApi.ReportFilter filter, MetricsSettings settings, DateTimeOffset now,
        CancellationToken ct)
    {
        var window = (long)settings.FcrWindow.TotalSeconds;
        var cutoff = now - settings.FcrWindow;
        var facts = db.ConversationFacts.AsNoTracking();
        var found = new Dictionary<Guid, Live>();
        // One range per query: each is a search of its own index, where SQLite would rather scan the table for the three ORed.
        foreach (var candidates in new[]
        {
            facts.Where(f => f.ResolvedAt >= cutoff), facts.Where(f => f.FirstResponseDueAt >= now), facts.Where(f => f.ResolutionDueAt >= now),
        })
        {
            var rows = await candidates.Select(f => new Live(f.ConversationId, f.QueueId, f.TeamId, f.AgentId, f.Channel, f.Category, f.OpenedDate,
                    f.ResolvedAt != null && f.ReopenCount == 0 && f.TransferCount == 0
                        && (f.ContactReturnSeconds == null || f.ContactReturnSeconds > window) && f.ResolvedAt >= cutoff,
                    !(f.SlaFirstResponse == SlaOutcome.Breached || f.SlaResolution == SlaOutcome.Breached)
                        && ((f.SlaFirstResponse == SlaOutcome.Pending && f.FirstResponseDueAt != null) || (f.SlaResolution == SlaOutcome.Pending && f.ResolutionDueAt != null))
                        && !((f.SlaFirstResponse == SlaOutcome.Pending && f.FirstResponseDueAt < now) || (f.SlaResolution == SlaOutcome.Pending && f.ResolutionDueAt < now))))
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                found[row.ConversationId] = row;
            }
        }
        return [.. found.Values.Where(r => r.OpenedDate >= filter.From && r.OpenedDate <= filter.To && (r.Provisional || r.NotYetDue)
            && (filter.AgentId is null || r.AgentId == filter.AgentId) && (filter.TeamId is null || r.TeamId == filter.TeamId)
            && (filter.QueueId is null || r.QueueId == filter.QueueId) && (filter.Channel is null || r.Channel == filter.Channel)
            && (filter.Category is null || r.Category == filter.Category))];
    }

    /// <summary>
    /// Per group of <paramref name="dimension"/> among the conversations with <paramref name="on"/>'s value <paramref name="value"/>
    /// (all of them for the all dimension), the distinct (agent, resolution day) pairs with a conversation opened in the period:
    /// a span whose first or last opening day is in the period counts, one wholly outside does not, and one opened both before and
    /// after the period is settled from its facts. Null when too many spans straddle the period (the caller reads the facts).
    /// </summary>
    private static async Task<Dictionary<string, long>?> AgentDaysAsync(HubDbContext db, ReportsApi.ReportFilter filter, string dimension,
        string on, string value, CancellationToken ct)
    {
        var (from, to) = (filter.From, filter.To);
        var all = db.ReportAgentDays.AsNoTracking();
        // The filter's own spans are the unfiltered ones of its value; a pair cell is read under its filter key or its key.
        var single = dimension == RollupKeys.All ? on : dimension;
        var unfiltered = all.Where(r => r.FilterDimension == "" && r.FilterKey == "" && r.Dimension == single);
        var slice = dimension == RollupKeys.All || on == RollupKeys.All
            ? (on == RollupKeys.All ? unfiltered : unfiltered.Where(r => r.Key == value))
                .Select(r => new SpanRow { Group = r.Key, ResolvedDate = r.ResolvedDate, FirstOpened = r.FirstOpened, LastOpened = r.LastOpened, Agents = r.Agents })
            : RollupKeys.StoredAsFilter(on, dimension)
                ? all.Where(r => r.FilterDimension == on && r.FilterKey == value && r.Dimension == dimension)
                    .Select(r => new SpanRow { Group = r.Key, ResolvedDate = r.ResolvedDate, FirstOpened = r.FirstOpened, LastOpened = r.LastOpened, Agents = r.Agents })
                : all.Where(r => r.Dimension == on && r.Key == value && r.FilterDimension == dimension)
                    .Select(r => new SpanRow { Group = r.FilterKey, ResolvedDate = r.ResolvedDate, FirstOpened = r.FirstOpened, LastOpened = r.LastOpened, Agents = r.Agents });
        var spans = slice.Where(r => r.LastOpened >= from && r.FirstOpened <= to);
        var counts = await spans.Where(r => r.FirstOpened >= from || r.LastOpened <= to).GroupBy(r => r.Group)
            .Select(g => new { g.Key, Agents = g.Sum(r => r.Agents) }).ToDictionaryAsync(g => g.Key, g => g.Agents, ct);
        var straddling = await spans.Where(r => r.FirstOpened < from && r.LastOpened > to).Select(r => new { r.Group, r.ResolvedDate }).Distinct()
            .Take(MaxStraddling + 1).ToListAsync(ct);
        if (straddling.Count > MaxStraddling)
        {
            return null;
        }
        foreach (var s in straddling)
        {
            var day = (DateOnly?)s.ResolvedDate;
            var facts = InGroup(InGroup(db.ConversationFacts.AsNoTracking(), on, value), single, s.Group)
                .Where(f => f.ResolvedAt != null && f.AgentId != null && f.ResolvedDate == day);
            var agents = await facts.GroupBy(f => f.AgentId).Select(g => new
            {
                First = g.Min(f => f.OpenedDate),
                Last = g.Max(f => f.OpenedDate),
                InPeriod = g.Max(f => f.OpenedDate >= from && f.OpenedDate <= to ? 1 : 0),
            }).ToListAsync(ct);
            counts[s.Group] = counts.GetValueOrDefault(s.Group) + agents.Count(a => a.First < from && a.Last > to && a.InPeriod == 1);
        }
        return counts;
    }

    /// <summary>An agent-day span under the group it counts for.</summary>
    private sealed class SpanRow
    {
        public required string Group { get; init; }
        public DateOnly ResolvedDate { get; init; }
        public DateOnly FirstOpened { get; init; }
        public DateOnly LastOpened { get; init; }
        public long Agents { get; init; }
    }

    private static IQueryable<ConversationFact> InGroup(IQueryable<ConversationFact> facts, string dimension, string key)
    {
        var value = RollupKeys.Decode(key);
        Guid? id = value is not null && Guid.TryParse(value, out var g) ? g : null;
        return dimension switch
        {
            RollupKeys.All => facts,
            "agent" => facts.Where(f => f.AgentId == id),
            "team" => facts.Where(f => f.TeamId == id),
            "queue" => facts.Where(f => f.QueueId == id),
            "channel" => facts.Where(f => f.Channel == value),
            _ => facts.Where(f => f.Category == value),
        };
    }
}
