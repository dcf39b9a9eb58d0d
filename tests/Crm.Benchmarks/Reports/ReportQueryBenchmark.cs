using System.Diagnostics;
using System.Globalization;
using Crm.Hub.Metrics;
using Crm.Hub.Reports;
using Crm.Hub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Crm.Benchmarks.Reports;

/// <summary>
/// <c>reports [--conversations 1000000] [--runs 20] [--parts]</c> (--parts: time each GROUP BY of the year on its own): seeds a year (2025) of conversation facts into a fresh SQLite file
/// migrated as the hub migrates it (one multi-row prepared insert per row, one transaction per 50,000 rows), then times the
/// hub's own report (<see cref="ReportsApi.BuildAsync"/>: by group, by day and agent-days) for a month and for the year, by
/// queue and by agent, and a baseline in the same run: <c>SELECT COUNT(*)</c> over the same rows (the same date-range
/// filter). Median and p99 (nearest rank) of <c>--runs</c> runs after two warm-ups.
/// </summary>
internal static class ReportQueryBenchmark
{
    private static readonly DateOnly First = new(2025, 1, 1);

    public static async Task<int> RunAsync(string[] args)
    {
        var count = Arg(args, "--conversations", 1_000_000);
        var runs = Arg(args, "--runs", 20);
        var folder = Path.Combine(Path.GetTempPath(), "crm-report-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var connection = $"Data Source={Path.Combine(folder, "crm.db")}";
        try
        {
            var options = new DbContextOptionsBuilder<HubDbContext>().UseSqlite(connection).Options;
            await using (var db = new HubDbContext(options))
            {
                await db.Database.MigrateAsync();
            }
            var seed = Stopwatch.StartNew();
            await SeedAsync(options, connection, count);
            Console.WriteLine($"Seeded {count:N0} conversation facts in {seed.Elapsed.TotalSeconds:F1} s; {Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite (WAL)");
            var settings = new MetricsSettings(TimeZoneInfo.Utc, BusinessCalendar.AroundTheClock(TimeZoneInfo.Utc),
                new SlaPolicy(new SlaTarget(TimeSpan.FromHours(1), TimeSpan.FromHours(24)), []), TimeSpan.FromDays(7));
            var now = new DateTimeOffset(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);
            if (args.Contains("--parts"))
            {
                await using var db = new HubDbContext(options);
                var facts = db.ConversationFacts.AsNoTracking();
                var filter = new ReportsApi.ReportFilter(First, new DateOnly(2025, 12, 31), null, null, null, null, null);
                var period = filter.Apply(facts);
                foreach (var (name, run) in new (string, Func<Task>)[]
                {
                    ("totals by day", () => ReportQuery.Totals(period, f => f.OpenedDate, now, settings.FcrWindow).ToListAsync()),
                    ("totals by queue", () => ReportQuery.Totals(period, f => f.QueueId, now, settings.FcrWindow).ToListAsync()),
                    ("agent-days by day", () => ReportQuery.AgentDays(period, f => f.OpenedDate).ToListAsync()),
                    ("agent-days total", () => ReportQuery.AgentDays(period, f => 1).ToListAsync()),
                })
                {
                    for (var i = 0; i < 3; i++)
                    {
                        var clock = Stopwatch.StartNew();
                        await run();
                        Console.WriteLine($"{name}: {clock.Elapsed.TotalMilliseconds:F1} ms");
                    }
                }
                return 0;
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
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
        }
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
    private static async Task SeedAsync(DbContextOptions<HubDbContext> options, string connectionString, int count)
    {
        await using var db = new HubDbContext(options);
        var entity = db.Model.FindEntityType(typeof(ConversationFact))!;
        var properties = entity.GetProperties().ToList();
        var table = entity.GetTableName();
        var sql = $"INSERT INTO \"{table}\" ({string.Join(", ", properties.Select(p => $"\"{p.GetColumnName()}\""))}) VALUES ({string.Join(", ", properties.Select((_, i) => $"$p{i}"))})";
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

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";
            await pragma.ExecuteNonQueryAsync();
        }
        var perDay = Math.Max(1, count / 365);
        for (var start = 0; start < count; start += 50_000)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
            await using var insert = connection.CreateCommand();
            insert.Transaction = tx;
            insert.CommandText = sql;
            var parameters = properties.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"$p{i}", null))).ToArray();
            insert.Prepare();
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
                for (var i = 0; i < properties.Count; i++)
                {
                    var value = properties[i].GetGetter().GetClrValue(fact);
                    var converter = properties[i].GetTypeMapping().Converter;
                    value = value is null ? null : converter is null ? value : converter.ConvertToProvider(value);
                    parameters[i].Value = value switch
                    {
                        null => DBNull.Value,
                        Guid g => g.ToString().ToUpperInvariant(),
                        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                        bool b => b ? 1 : 0,
                        _ => value,
                    };
                }
                await insert.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        using var analyze = connection.CreateCommand();
        analyze.CommandText = "ANALYZE;";
        await analyze.ExecuteNonQueryAsync();
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
