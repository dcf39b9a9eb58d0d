using System.Globalization;
using System.Linq.Expressions;
using System.Text;
using Crm.Hub.Auth;
using Crm.Hub.Metrics;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reports;

/// <summary>One row of a breakdown: the group's key (an id, a channel or a category; null for none) and its display name.</summary>
public sealed record ReportGroup(string? Key, string? Label, ReportFigures Figures);

/// <summary>One day of the period (local date in the report's time zone) and the figures of the conversations opened that day.</summary>
public sealed record ReportDay(DateOnly Date, ReportFigures Figures);

/// <summary>
/// A period report: the conversations opened between <see cref="From"/> and <see cref="To"/> (local dates in
/// <see cref="TimeZone"/>, both included), measured now (<see cref="GeneratedAt"/>), in total, by <see cref="By"/> and per day.
/// </summary>
public sealed record ReportSummary(DateOnly From, DateOnly To, string By, string TimeZone, int FcrWindowDays, DateTimeOffset GeneratedAt,
    ReportFigures Total, IReadOnlyList<ReportGroup> Groups, IReadOnlyList<ReportDay> Days);

/// <summary>Period reports over the conversation facts: a summary by agent, team, queue, channel or category, and the CSV behind it.</summary>
internal static class ReportsApi
{
    public const int MaxDays = 366;
    public static readonly string[] Breakdowns = ["agent", "team", "queue", "channel", "category"];

    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/reports").WithTags("Reports").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/summary", SummaryAsync)
            .WithSummary("DESIGN §8 figures for the conversations opened from..to (yyyy-MM-dd, board time zone, at most 366 days), by agent|team|queue|channel|category, with a per-day series.");
        group.MapGet("/conversations.csv", CsvAsync)
            .WithSummary("One CSV row per conversation opened from..to with all its timings; the same filters as the summary, streamed.");
        return group;
    }

    /// <summary>The period and the filters every report takes; validated into a query over the facts.</summary>
    internal sealed record ReportFilter(DateOnly From, DateOnly To, Guid? QueueId, Guid? TeamId, Guid? AgentId, string? Channel, string? Category)
    {
        public IQueryable<ConversationFact> Apply(IQueryable<ConversationFact> facts)
        {
            var q = facts.Where(f => f.OpenedDate >= From && f.OpenedDate <= To);
            if (QueueId is { } queue)
            {
                q = q.Where(f => f.QueueId == queue);
            }
            if (TeamId is { } team)
            {
                q = q.Where(f => f.TeamId == team);
            }
            if (AgentId is { } agent)
            {
                q = q.Where(f => f.AgentId == agent);
            }
            if (Channel is { } channel)
            {
                q = q.Where(f => f.Channel == channel);
            }
            if (Category is { } category)
            {
                q = q.Where(f => f.Category == category);
            }
            return q;
        }

        public static (ReportFilter? Filter, Dictionary<string, string[]> Errors) Parse(HttpRequest request)
        {
            var errors = new Dictionary<string, string[]>();
            var q = request.Query;
            var from = Date(q["from"], "from", errors);
            var to = Date(q["to"], "to", errors);
            if (from is { } f && to is { } t)
            {
                if (t < f)
                {
                    errors["to"] = [$"The period ends ({t:yyyy-MM-dd}) before it starts ({f:yyyy-MM-dd})."];
                }
                else if (t.DayNumber - f.DayNumber + 1 > MaxDays)
                {
                    errors["to"] = [$"The period is {t.DayNumber - f.DayNumber + 1} days; a report covers at most {MaxDays}."];
                }
            }
            var queue = Id(q["queueId"], "queueId", errors);
            var team = Id(q["teamId"], "teamId", errors);
            var agent = Id(q["agentId"], "agentId", errors);
            var channel = Text(q["channel"]);
            var category = Text(q["category"]);
            return errors.Count > 0 ? (null, errors) : (new ReportFilter(from!.Value, to!.Value, queue, team, agent, channel, category), errors);
        }

        private static DateOnly? Date(string? text, string field, Dictionary<string, string[]> errors)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                errors[field] = [$"{field} is required: a date as yyyy-MM-dd."];
                return null;
            }
            if (!DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                errors[field] = [$"'{text}' is not a date as yyyy-MM-dd."];
                return null;
            }
            return date;
        }

        private static Guid? Id(string? text, string field, Dictionary<string, string[]> errors)
        {
            if (string.IsNullOrWhiteSpace(text))
            {
                return null;
            }
            if (!Guid.TryParse(text, out var id))
            {
                errors[field] = [$"'{text}' is not an id."];
                return null;
            }
            return id;
        }

        private static string? Text(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().ToLowerInvariant();
    }

    private static async Task<Results<Ok<ReportSummary>, ValidationProblem>> SummaryAsync(HttpRequest request, string? by, HubDbContext db,
        FactsProjector projector, MetricsSettingsSource metrics, TimeProvider time, CancellationToken ct)
    {
        var (filter, errors) = ReportFilter.Parse(request);
        var breakdown = string.IsNullOrWhiteSpace(by) ? "queue" : by.Trim().ToLowerInvariant();
        if (!Breakdowns.Contains(breakdown))
        {
            errors["by"] = [$"'{by}' is not a breakdown; use one of {string.Join(", ", Breakdowns)}."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var settings = metrics.Current;
        return TypedResults.Ok(await projector.ReadCurrentAsync(c => BuildAsync(db, filter!, breakdown, settings, time.GetUtcNow(), c), ct));
    }

    /// <summary>
    /// The report: from the per-day rollup when it holds the period as asked (one filter at most, built with the same FCR window), from
    /// the facts otherwise (two filters or more: the most selective one's index narrows the read). Both give the same figures.
    /// </summary>
    public static async Task<ReportSummary> BuildAsync(HubDbContext db, ReportFilter filter, string breakdown, MetricsSettings settings, DateTimeOffset now,
        CancellationToken ct)
    {
        var stamp = RollupConfiguration.Stamp((long)settings.FcrWindow.TotalSeconds);
        if (RollupKeys.FilterOf(filter) is not null
            && await db.ProjectionCursors.AsNoTracking().AnyAsync(c => c.Name == RollupConfiguration.StateName && c.Seq == stamp, ct))
        {
            return await ReportRollupQuery.BuildAsync(db, filter, breakdown, settings, now, ct);
        }
        return await BuildFromFactsAsync(db, filter, breakdown, settings, now, ct);
    }

    /// <summary>
    /// The report from the facts in two scans of the period: one GROUP BY (group, opening day) whose rows add up to the groups,
    /// the days and the total (every figure but agent-days is additive), and the distinct (opening day, agent, resolution day)
    /// triples, from which the days', the total's and (by agent) the groups' agent-days are counted. Another breakdown's
    /// agent-days take a third scan.
    /// </summary>
    public static async Task<ReportSummary> BuildFromFactsAsync(HubDbContext db, ReportFilter filter, string breakdown, MetricsSettings settings,
        DateTimeOffset now, CancellationToken ct)
    {
        var facts = filter.Apply(db.ConversationFacts.AsNoTracking());
        var window = settings.FcrWindow;
        var cells = breakdown switch
        {
            "agent" => await Cells(facts, f => new { Key = f.AgentId, Day = f.OpenedDate }, k => (Key(k.Key), k.Day), now, window, ct),
            "team" => await Cells(facts, f => new { Key = f.TeamId, Day = f.OpenedDate }, k => (Key(k.Key), k.Day), now, window, ct),
            "queue" => await Cells(facts, f => new { Key = f.QueueId, Day = f.OpenedDate }, k => (Key(k.Key), k.Day), now, window, ct),
            "channel" => await Cells(facts, f => new { Key = f.Channel, Day = f.OpenedDate }, k => (Key(k.Key), k.Day), now, window, ct),
            _ => await Cells(facts, f => new { Key = f.Category, Day = f.OpenedDate }, k => (Key(k.Key), k.Day), now, window, ct),
        };
        var triples = await facts.Where(f => f.ResolvedAt != null && f.AgentId != null)
            .Select(f => new { f.OpenedDate, f.AgentId, f.ResolvedDate }).Distinct().ToListAsync(ct);
        var dayAgents = triples.GroupBy(t => t.OpenedDate).ToDictionary(g => g.Key, g => g.Count());
        var totalAgentDays = triples.Select(t => (t.AgentId, t.ResolvedDate)).Distinct().Count();
        var groupAgentDays = breakdown switch
        {
            "agent" => triples.Select(t => (t.AgentId, t.ResolvedDate)).Distinct().GroupBy(t => RollupKeys.Encode(t.AgentId)).ToDictionary(g => g.Key, g => g.Count()),
            "team" => await GroupAgentDays(facts, f => f.TeamId, ct),
            "queue" => await GroupAgentDays(facts, f => f.QueueId, ct),
            "channel" => await GroupAgentDays(facts, f => f.Channel, ct),
            _ => await GroupAgentDays(facts, f => f.Category, ct),
        };
        var groups = cells.GroupBy(c => c.Key).Select(g => (g.Key, Totals: FactTotals.Sum(g.Select(c => c.Totals))));
        var days = cells.GroupBy(c => c.Day).Select(g => (g.Key, Totals: FactTotals.Sum(g.Select(c => c.Totals)))).ToList();
        return await AssembleAsync(db, filter, breakdown, settings, now,
            ReportFigures.Of(FactTotals.Sum(days.Select(d => d.Totals)), totalAgentDays),
            [.. groups.Select(g => (g.Key, ReportFigures.Of(g.Totals, groupAgentDays.GetValueOrDefault(RollupKeys.Encode(g.Key)))))],
            [.. days.Select(d => new ReportDay(d.Key, ReportFigures.Of(d.Totals, dayAgents.GetValueOrDefault(d.Key))))], ct);
    }

    /// <summary>The summary around its figures: group labels, groups by size then label, days in order.</summary>
    internal static async Task<ReportSummary> AssembleAsync(HubDbContext db, ReportFilter filter, string breakdown, MetricsSettings settings,
        DateTimeOffset now, ReportFigures total, List<(string? Key, ReportFigures Figures)> groups, List<ReportDay> days, CancellationToken ct)
    {
        var labels = await LabelsAsync(db, breakdown, groups.Select(g => g.Key).OfType<string>().ToList(), ct);
        return new ReportSummary(filter.From, filter.To, breakdown, settings.BoardTimeZone.Id, (int)settings.FcrWindow.TotalDays, now,
            total,
            [.. groups.Select(g => new ReportGroup(g.Key, g.Key is null ? null : labels.GetValueOrDefault(g.Key, g.Key), g.Figures))
                .OrderByDescending(g => g.Figures.Conversations).ThenBy(g => g.Label, StringComparer.Ordinal).ThenBy(g => g.Key, StringComparer.Ordinal)],
            [.. days.OrderBy(d => d.Date)]);
    }

    private static async Task<List<(string? Key, DateOnly Day, FactTotals Totals)>> Cells<TKey>(IQueryable<ConversationFact> facts,
        Expression<Func<ConversationFact, TKey>> key, Func<TKey, (string? Key, DateOnly Day)> split, DateTimeOffset now, TimeSpan window, CancellationToken ct)
    {
        var rows = await ReportQuery.Totals(facts, key, now, window).ToListAsync(ct);
        return [.. rows.Select(r =>
        {
            var (k, day) = split(r.Key);
            return (k, day, r.Totals);
        })];
    }

    private static async Task<Dictionary<string, int>> GroupAgentDays<TKey>(IQueryable<ConversationFact> facts, Expression<Func<ConversationFact, TKey>> key,
        CancellationToken ct)
    {
        var rows = await ReportQuery.AgentDays(facts, key).ToListAsync(ct);
        return rows.ToDictionary(r => RollupKeys.Encode(Key(r.Key)), r => r.Count);
    }

    internal static string? Key<TKey>(TKey key) => key switch
    {
        null => null,
        Guid id => id.ToString(),
        _ => key.ToString(),
    };

    private static async Task<Dictionary<string, string>> LabelsAsync(HubDbContext db, string breakdown, List<string> keys, CancellationToken ct)
    {
        var ids = keys.Select(k => Guid.TryParse(k, out var id) ? id : Guid.Empty).Where(id => id != Guid.Empty).ToList();
        var names = breakdown switch
        {
            "agent" => await db.Agents.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => new { a.Id, Name = a.DisplayName }).ToListAsync(ct),
            "team" => await db.Teams.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Name }).ToListAsync(ct),
            "queue" => await db.RoutingQueues.AsNoTracking().Where(q => ids.Contains(q.Id)).Select(q => new { q.Id, q.Name }).ToListAsync(ct),
            _ => [],
        };
        return names.ToDictionary(n => n.Id.ToString(), n => n.Name);
    }

    private static async Task<IResult> CsvAsync(HttpRequest request, HubDbContext db, FactsProjector projector, MetricsSettingsSource metrics,
        TimeProvider time, CancellationToken ct)
    {
        var (filter, errors) = ReportFilter.Parse(request);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        await projector.CatchUpAsync(ct);
        var window = metrics.Current.FcrWindow;
        var now = time.GetUtcNow();
        var rows = filter!.Apply(db.ConversationFacts.AsNoTracking()).OrderBy(f => f.OpenedDate).ThenBy(f => f.OpenedAt).ThenBy(f => f.ConversationId)
            .AsAsyncEnumerable();
        var name = $"conversations-{filter.From:yyyy-MM-dd}-{filter.To:yyyy-MM-dd}.csv";
        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(false), bufferSize: 64 * 1024);
            await writer.WriteAsync(ConversationReportRow.CsvHeader + "\n");
            var n = 0;
            await foreach (var fact in rows.WithCancellation(ct))
            {
                await writer.WriteAsync(FactBuilder.ToReportRow(fact, window, now).ToCsv() + "\n");
                if (++n % 1000 == 0)
                {
                    await writer.FlushAsync(ct);
                }
            }
        }, "text/csv; charset=utf-8", name);
    }
}
