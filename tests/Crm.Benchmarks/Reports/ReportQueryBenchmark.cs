using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crm.Hub.Metrics;
using Crm.Hub.Reports;
using Crm.Hub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Crm.Benchmarks.Reports;

/// <summary>
/// <c>reports [--conversations 1000000] [--runs 20] [--facts-runs 1] [--db FILE]</c> (--db: seed FILE once, reuse it later; --timings-only: reuse its rollup, skip the check and the upkeep): seeds
/// a year (2025) of conversation facts into a fresh SQLite file migrated as the hub migrates it (one prepared insert per row, one
/// transaction per 50,000 rows), builds the report rollup from them as the projector does on a database that predates it (timed),
/// checks that the year's rollup summary equals the facts' (by queue and by agent, timing the facts path), times the rollup's
/// upkeep per changed fact, then times the hub's own report (<see cref="ReportsApi.BuildAsync"/>) for a month and for the year,
/// by queue and by agent, against a baseline in the same run: <c>SELECT COUNT(*)</c> over the same rows (the same date-range
/// filter), then reports with one filter (a channel, a category, a queue, an agent; each first checked equal to the facts path,
/// which is timed once) and one with two (queue and channel: the facts path), each against its own <c>COUNT(*)</c>. Median and
/// p99 (nearest rank) of <c>--runs</c> runs after two warm-ups.
/// </summary>
internal static class ReportQueryBenchmark
{
    private static readonly DateOnly First = new(2025, 1, 1);

    public static async Task<int> RunAsync(string[] args)
    {
        var count = Arg(args, "--conversations", 1_000_000);
        var runs = Arg(args, "--runs", 20);
        var keep = ArgText(args, "--db");
        var folder = keep is null ? Path.Combine(Path.GetTempPath(), "crm-report-bench-" + Guid.NewGuid().ToString("N")) : Path.GetDirectoryName(Path.GetFullPath(keep))!;
        Directory.CreateDirectory(folder);
        var file = keep is null ? Path.Combine(folder, "crm.db") : Path.GetFullPath(keep);
        var reuse = keep is not null && File.Exists(file);
        var connection = $"Data Source={file}";
        try
        {
            var options = new DbContextOptionsBuilder<HubDbContext>().UseSqlite(connection).Options;
            await using (var db = new HubDbContext(options))
            {
                await db.Database.MigrateAsync();
            }
            if (!reuse)
            {
                var seed = Stopwatch.StartNew();
                await SeedAsync(options, count);
                Console.WriteLine($"Seeded {count:N0} conversation facts in {seed.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite (WAL)");
            }
            var settings = new MetricsSettings(TimeZoneInfo.Utc, BusinessCalendar.AroundTheClock(TimeZoneInfo.Utc),
                new SlaPolicy(new SlaTarget(TimeSpan.FromHours(1), TimeSpan.FromHours(24)), []), TimeSpan.FromDays(7));
            var now = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
            var window = (long)settings.FcrWindow.TotalSeconds;
            var timingsOnly = args.Contains("--timings-only");
            var rebuild = Stopwatch.StartNew();
            await using (var db = new HubDbContext(options))
            {
                var stamp = RollupConfiguration.Stamp(window);
                var built = !timingsOnly || !await db.ProjectionCursors.AnyAsync(c => c.Name == RollupConfiguration.StateName && c.Seq == stamp);
                if (built)
                {
                    await RollupMaintainer.RebuildAsync(db, window, CancellationToken.None);
                }
                Console.WriteLine($"Rollup {(built ? "built from the facts" : "reused")} in {rebuild.Elapsed.TotalSeconds:F1} s: {await db.ReportRollups.CountAsync():N0} day rows "
                    + $"({await db.ReportRollups.CountAsync(r => r.FilterDimension == ""):N0} unfiltered), "
                    + $"{await db.ReportAgentDays.CountAsync():N0} agent-day spans ({await db.ReportAgentDays.CountAsync(r => r.FilterDimension == ""):N0} unfiltered)");
            }
            await using (var db = new HubDbContext(options))
            {
                var firstFact = db.ConversationFacts.AsNoTracking().OrderBy(f => f.ConversationId);
                _queue = (await firstFact.Select(f => f.QueueId).FirstAsync())!.Value;
                _agent = (await firstFact.Select(f => f.AgentId).FirstAsync())!.Value;
            }
            var year = new ReportsApi.ReportFilter(First, new DateOnly(2025, 12, 31), null, null, null, null, null);
            var factsRuns = Arg(args, "--facts-runs", 1);
            foreach (var by in timingsOnly ? [] : new[] { "queue", "agent" })
            {
                // Exactness at scale, and the facts path (filtered reports, or before the rollup is built) for comparison.
                await using var db = new HubDbContext(options);
                var clock = Stopwatch.StartNew();
                ReportSummary? facts = null;
                var samples = new List<double>();
                for (var i = 0; i < factsRuns; i++)
                {
                    clock.Restart();
                    facts = await ReportsApi.BuildFromFactsAsync(db, year, by, settings, now, CancellationToken.None);
                    samples.Add(clock.Elapsed.TotalMilliseconds);
                }
                var rollup = await ReportsApi.BuildAsync(db, year, by, settings, now, CancellationToken.None);
                if (JsonSerializer.Serialize(facts) != JsonSerializer.Serialize(rollup))
                {
                    throw new InvalidOperationException($"The rollup's year by {by} differs from the facts'.");
                }
                samples.Sort();
                Console.WriteLine($"Year by {by}: the rollup's summary equals the facts'; the facts path took {samples[samples.Count / 2]:F0} ms (median of {factsRuns})");
            }
            foreach (var (label, filter, by) in timingsOnly ? [] : Filtered())
            {
                // The filtered reports: from the facts before the pair cells (timed), from the rollup now; the same figures.
                await using var db = new HubDbContext(options);
                var clock = Stopwatch.StartNew();
                var facts = await ReportsApi.BuildFromFactsAsync(db, filter, by, settings, now, CancellationToken.None);
                var took = clock.Elapsed.TotalMilliseconds;
                var rollup = await ReportsApi.BuildAsync(db, filter, by, settings, now, CancellationToken.None);
                if (JsonSerializer.Serialize(facts) != JsonSerializer.Serialize(rollup))
                {
                    throw new InvalidOperationException($"The rollup's {label} differs from the facts'.");
                }
                Console.WriteLine($"{label}: the rollup's summary equals the facts'; the facts path took {took:F0} ms");
            }
            if (!timingsOnly)
            {
                await MaintenanceAsync(options, window);
            }
            Console.WriteLine($"| query | rows in period | p50 ms | p99 ms |");
            Console.WriteLine("|---|---|---|---|");
            foreach (var (label, from, to) in new[] { ("month (June 2025)", new DateOnly(2025, 6, 1), new DateOnly(2025, 6, 30)), ("year (2025)", First, new DateOnly(2025, 12, 31)) })
            {
                var filter = new ReportsApi.ReportFilter(from, to, null, null, null, null, null);
                int rows = 0;
                var baseline = await TimeAsync(options, runs, async db => rows = await filter.Apply(db.ConversationFacts.AsNoTracking()).CountAsync());
                Console.WriteLine($"| baseline `SELECT COUNT(*)` over the {label} | {rows:N0} | {baseline.P50:F1} | {baseline.P99:F1} |");
                foreach (var by in new[] { "queue", "agent" })
                {
                    ReportSummary? last = null;
                    var t = await TimeAsync(options, runs, async db => last = await ReportsApi.BuildAsync(db, filter, by, settings, now, CancellationToken.None));
                    if (last!.Total.Conversations != rows)
                    {
                        throw new InvalidOperationException($"The report counted {last.Total.Conversations} conversations, COUNT(*) {rows}.");
                    }
                    Console.WriteLine($"| summary by {by}, {label} ({last.Groups.Count} groups, {last.Days.Count} days) | {rows:N0} | {t.P50:F1} | {t.P99:F1} |");
                }
            }
            Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
            foreach (var (label, filter, by) in Filtered().Append(("year by agent, queue and channel filters (two: the facts)",
                new ReportsApi.ReportFilter(First, new DateOnly(2025, 12, 31), _queue, null, null, "sms", null), "agent")))
            {
                int rows = 0;
                var baseline = await TimeAsync(options, runs, async db => rows = await filter.Apply(db.ConversationFacts.AsNoTracking()).CountAsync());
                Console.WriteLine($"| baseline `SELECT COUNT(*)`, {label} | {rows:N0} | {baseline.P50:F1} | {baseline.P99:F1} |");
                ReportSummary? last = null;
                var t = await TimeAsync(options, runs, async db => last = await ReportsApi.BuildAsync(db, filter, by, settings, now, CancellationToken.None));
                if (last!.Total.Conversations != rows)
                {
                    throw new InvalidOperationException($"The report counted {last.Total.Conversations} conversations, COUNT(*) {rows}.");
                }
                Console.WriteLine($"| summary {label} ({last.Groups.Count} groups, {last.Days.Count} days) | {rows:N0} | {t.P50:F1} | {t.P99:F1} |");
            }
            Console.WriteLine($"load average: {File.ReadAllText("/proc/loadavg").Trim()}");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                if (keep is null)
                {
                    Directory.Delete(folder, recursive: true);
                }
            }
            catch (IOException)
            {
            }
        }
    }

    private static Guid _queue;
    private static Guid _agent;

    /// <summary>Reports with one filter (served from the rollup's pair cells, or for a filter's own breakdown its unfiltered rows).</summary>
    private static IEnumerable<(string Label, ReportsApi.ReportFilter Filter, string By)> Filtered()
    {
        var year = new ReportsApi.ReportFilter(First, new DateOnly(2025, 12, 31), null, null, null, null, null);
        var june = year with { From = new DateOnly(2025, 6, 1), To = new DateOnly(2025, 6, 30) };
        return
        [
            ("year by queue, channel sms", year with { Channel = "sms" }, "queue"),
            ("year by agent, category complaint", year with { Category = "complaint" }, "agent"),
            ("year by channel, one queue", year with { QueueId = _queue }, "channel"),
            ("year by agent, one queue", year with { QueueId = _queue }, "agent"),
            ("year by category, one agent", year with { AgentId = _agent }, "category"),
            ("month (June) by queue, one agent", june with { AgentId = _agent }, "queue"),
        ];
    }

    /// <summary>
    /// The projector's rollup upkeep on the full table: batches of 500 facts rewritten as a replay after a new event would (resolved
    /// again later by another agent), each batch's deltas prepared (reading the facts of the touched agent-days) and applied in a
    /// transaction with the facts, as <see cref="FactsProjector"/> does. Reported per changed fact, on top of writing the fact.
    /// </summary>
    private static async Task MaintenanceAsync(DbContextOptions<HubDbContext> options, long window)
    {
        var random = new Random(11);
        var upkeep = new List<double>();
        var write = new List<double>();
        for (var batch = 0; batch < 5; batch++)
        {
            await using var db = new HubDbContext(options);
            var day = First.AddDays(random.Next(0, 360));
            var facts = await db.ConversationFacts.Where(f => f.OpenedDate == day).Take(500).ToListAsync();
            var agents = await db.ConversationFacts.Where(f => f.OpenedDate == day).Select(f => f.AgentId).Distinct().ToListAsync();
            foreach (var f in facts)
            {
                f.AgentId = agents[random.Next(agents.Count)];
                f.ResolvedAt = f.OpenedAt.AddDays(1);
                f.ResolvedDate = f.OpenedDate.AddDays(1);
                f.ReopenCount = 1;
                f.LastSeq++;
            }
            var clock = Stopwatch.StartNew();
            var delta = await RollupMaintainer.PrepareAsync(db, RollupMaintainer.ChangesOf(db), window, CancellationToken.None);
            await using var tx = await db.Database.BeginTransactionAsync();
            await RollupMaintainer.ApplyAsync(db, delta, CancellationToken.None);
            var prepared = clock.Elapsed.TotalMilliseconds;
            await db.SaveChangesAsync();
            await tx.CommitAsync();
            upkeep.Add(prepared / facts.Count);
            write.Add((clock.Elapsed.TotalMilliseconds - prepared) / facts.Count);
        }
        upkeep.Sort();
        write.Sort();
        Console.WriteLine($"Rollup upkeep per changed fact: {upkeep[2] * 1000:F0} µs to prepare and apply the deltas, then {write[2] * 1000:F0} µs to save "
            + "the fact and its rollup rows (median of 5 batches of 500)");
    }

    private static string? ArgText(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static async Task<(double P50, double P99)> TimeAsync(DbContextOptions<HubDbContext> options, int runs, Func<HubDbContext, Task> query)
    {
        var samples = new List<double>();
        for (var i = -2; i < runs; i++)
        {
            await using var db = new HubDbContext(options);
            var clock = Stopwatch.StartNew();
            await query(db);
            clock.Stop();
            if (i >= 0)
            {
                samples.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        samples.Sort();
        double Rank(int p) => samples[Math.Max(1, (p * samples.Count + 99) / 100) - 1];
        return (Rank(50), Rank(99));
    }

    /// <summary>
    /// Rows shaped like a contact centre's year: 20 queues and teams, 200 agents, 5 channels, 5 categories, 300,000 contacts;
    /// 90% resolved, 10% reopened, 8% transferred, a third surveyed. Column names and stored forms come from the EF model, so
    /// the rows are exactly what the projector writes.
    /// </summary>
    private static async Task SeedAsync(DbContextOptions<HubDbContext> options, int count)
    {
        await using var db = new HubDbContext(options);
        var random = new Random(42);
        Guid NewId()
        {
            var bytes = new byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }
        Guid[] Ids(int n) => [.. Enumerable.Range(0, n).Select(_ => NewId())];
        var queues = Ids(20);
        var teams = Ids(20);
        var agents = Ids(200);
        var contacts = Ids(300_000);
        string[] channels = ["sms", "email", "webchat", "telegram", "fax"];
        string?[] categories = ["complaint", "suggestion", "inquiry", "order", null];
        string[] surveys = ["csat", "nps", "ces"];

        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
        var perDay = Math.Max(1, count / 365);
        for (var start = 0; start < count; start += 50_000)
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            // The hub's own bulk writer: columns and stored forms from the EF model, exactly what the projector writes.
            await using var insert = RowWriter<ConversationFact>.Insert(db);
            for (var n = start; n < Math.Min(count, start + 50_000); n++)
            {
                var day = First.AddDays(Math.Min(364, n / perDay));
                var opened = new DateTimeOffset(day.ToDateTime(new TimeOnly(8, 0)), TimeSpan.Zero).AddSeconds(random.Next(0, 12 * 3600));
                var queue = random.Next(queues.Length);
                var resolved = random.NextDouble() < 0.9;
                var frt = random.Next(30, 7200);
                var tta = random.Next(5, 1800);
                var handle = random.Next(120, 20000);
                var resolution = tta + handle;
                var reopened = random.NextDouble() < 0.1;
                var surveyed = random.NextDouble() < 0.33 ? surveys[random.Next(3)] : null;
                var fact = new ConversationFact
                {
                    ConversationId = Guid.CreateVersion7(opened),
                    ContactId = contacts[random.Next(contacts.Length)],
                    Channel = channels[random.Next(channels.Length)],
                    QueueId = queues[queue],
                    TeamId = teams[queue],
                    AgentId = agents[random.Next(agents.Length)],
                    Category = categories[random.Next(categories.Length)],
                    Priority = random.Next(0, 3),
                    OpenedAt = opened,
                    OpenedDate = day,
                    FirstResponseAt = opened.AddSeconds(frt),
                    AssignedAt = opened.AddSeconds(tta),
                    ResolvedAt = resolved ? opened.AddSeconds(resolution) : null,
                    ResolvedDate = resolved ? DateOnly.FromDateTime(opened.AddSeconds(resolution).UtcDateTime) : null,
                    FirstResponseSeconds = frt,
                    FirstResponseBusinessSeconds = frt,
                    TimeToAssignSeconds = tta,
                    HandleSeconds = resolved ? handle : null,
                    ResolutionSeconds = resolved ? resolution : null,
                    ResolutionBusinessSeconds = resolved ? resolution : null,
                    Episodes = reopened ? 2 : 1,
                    ReopenCount = reopened ? 1 : 0,
                    TransferCount = random.NextDouble() < 0.08 ? 1 : 0,
                    SameDay = resolved ? resolution < 8 * 3600 : null,
                    SlaFirstResponse = frt <= 3600 ? SlaOutcome.Met : SlaOutcome.Breached,
                    SlaResolution = resolved ? (resolution <= 86400 ? SlaOutcome.Met : SlaOutcome.Breached) : SlaOutcome.Pending,
                    FirstResponseDueAt = opened.AddHours(1),
                    ResolutionDueAt = opened.AddHours(24),
                    ContactReturnSeconds = random.NextDouble() < 0.3 ? random.Next(60, 30 * 86400) : null,
                    SurveyKind = surveyed,
                    SurveyScore = surveyed switch { "csat" => random.Next(1, 6), "nps" => random.Next(0, 11), "ces" => random.Next(1, 8), _ => null },
                    LastSeq = n,
                };
                await insert.WriteAsync(fact, CancellationToken.None);
            }
            await tx.CommitAsync();
        }
        await db.Database.ExecuteSqlRawAsync("ANALYZE;");
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
