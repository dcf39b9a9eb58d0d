using System.Diagnostics;
using System.Globalization;
using Crm.Channels;
using Crm.Hub.Agents;
using Crm.Hub.Auth;
using Crm.Hub.Campaigns;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.OptOut;
using Crm.Hub.Segments;
using Crm.Hub.Sms;
using Crm.Hub.Storage;
using Crm.Hub.Supervision;
using Crm.Hub.Templates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Crm.Benchmarks.Campaigns;

/// <summary>
/// <c>campaign-enqueue [--recipients 1000000]</c>: issue 6's "render + enqueue" budget. Seeds a fresh SQLite hub database
/// (migrated as the hub migrates it) with N contacts that each have an SMS identity, a segment of "SMS available" and an SMS
/// campaign whose pace is far above any provider's, then runs the hub's own <see cref="CampaignRunner"/> on it in this
/// process — the hub's services, not started, so no outbox dispatcher sends anything. Timed from the runner's own log lines,
/// wall and CPU (all threads' CPU time, so SQLite and GC count — the "per core" figure), per step: materialise the recipient
/// list; prepare = render + enqueue (every message rendered and committed to the campaign's queue, the budgeted step); and the
/// paced hand-off to the outbox (opt-out and quiet-hours checks, a conversation, message and outbox row per recipient). Memory
/// is sampled every 100 ms (peak working set, peak GC heap per step, GC heap at each 10 % of the hand-off — it must stay flat).
/// The baseline in the same run: prepared single-row INSERTs of the same number of outbox rows through raw ADO.NET in one
/// transaction per 10,000 — the storage ceiling the runner is compared with.
/// </summary>
internal static class CampaignEnqueueBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var recipients = Arg(args, "--recipients", 1_000_000);
        // --prepare-only: stop once every message is rendered and queued (the budgeted step), skipping the hand-off.
        var prepareOnly = args.Contains("--prepare-only");
        var folder = Path.Combine(Path.GetTempPath(), "crm-campaign-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Crm:Database:ConnectionString"] = $"Data Source={Path.Combine(folder, "crm.db")}",
                ["Crm:Channels:Sms:AccountSid"] = "AC00000000000000000000000000000000",
                ["Crm:Channels:Sms:AuthToken"] = "bench-token",
                ["Crm:Channels:Sms:From"] = "+15550001111",
                ["Logging:LogLevel:Default"] = "Warning",
                ["Logging:LogLevel:Crm.Hub.Campaigns.CampaignRunner"] = "Information",
                ["Logging:LogLevel:Microsoft.EntityFrameworkCore.Database.Command"] = Environment.GetEnvironmentVariable("CRM_BENCH_SQL") is null ? "Warning" : "Information",
            });
            var finished = new RunFinishedProbe();
            builder.Logging.AddProvider(finished);
            builder.Services.AddStorage();
            builder.Services.AddStaffAuth();
            builder.Services.AddConversations();
            builder.Services.AddSms();
            builder.Services.AddContacts();
            builder.Services.AddSegments();
            builder.Services.AddCampaigns();
            builder.Services.AddCampaignTemplates();
            builder.Services.AddOptOut();
            builder.Services.AddServiceMetrics();
            builder.Services.AddSupervisorBoard();
            // Built, never started: no hosted service (outbox dispatcher, routing loop) runs.
            await using var app = builder.Build();
            await app.MigrateDatabaseAsync();

            var seedClock = Stopwatch.StartNew();
            var campaignId = await SeedAsync(app.Services, recipients);
            Console.WriteLine($"Seeded {recipients:N0} contacts with SMS identities in {seedClock.Elapsed.TotalSeconds:F1} s; "
                + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")} GC, SQLite (WAL, synchronous FULL)");

            var baseline = await BaselineAsync(app.Services, recipients);

            var runner = app.Services.GetRequiredService<CampaignRunner>();
            using var sampler = new MemorySampler();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            finished.Start(wall, process, cpuBefore, sampler);
            var progress = Task.Run(() => ReportProgressAsync(app.Services, campaignId, recipients, sampler));
            using var stopAfterPrepare = new CancellationTokenSource();
            if (prepareOnly)
            {
                finished.OnPrepared = stopAfterPrepare.Cancel;
            }
            try
            {
                await runner.RunAsync(campaignId, stopAfterPrepare.Token);
            }
            catch (OperationCanceledException) when (prepareOnly)
            {
                wall.Stop();
                var (w, c) = (finished.At(RunnerEvent.Prepared).Wall - finished.At(RunnerEvent.Materialized).Wall,
                    finished.At(RunnerEvent.Prepared).Cpu - finished.At(RunnerEvent.Materialized).Cpu);
                Console.WriteLine($"| render + enqueue (prepare) | {w.TotalSeconds:F1} s = {recipients / w.TotalSeconds:N0} msg/s | {c.TotalSeconds:F1} s = **{recipients / c.TotalSeconds:N0} msg/s per core** |");
                return 0;
            }
            wall.Stop();
            await progress;

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var queued = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId && r.State == RecipientState.Sending);
            var outbox = await db.Outbox.CountAsync();
            // Greeting, name and the contact's own appointment date: rendered from the contact, its attribute and the campaign.
            var bodies = await db.Messages.CountAsync(m => (m.Body.StartsWith("Hi Sara, ") || m.Body.StartsWith("سلام سارا، ")) && m.Body.Contains(" 2026-12-")
                && m.Body.EndsWith("Winter check-ups"));
            var leftOver = await db.CampaignRecipients.CountAsync(r => r.Body != null);
            if (queued != recipients || outbox != recipients || bodies != recipients || leftOver != 0)
            {
                throw new InvalidOperationException($"Expected {recipients} queued recipients, outbox rows and rendered messages and no body left on a recipient; "
                    + $"found {queued}, {outbox}, {bodies} and {leftOver}.");
            }
            Console.WriteLine();
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| recipients queued (message + outbox row + recipient mark, committed) | {recipients:N0} |");
            // The runner then follows the outbox a while for outcomes (none here: nothing dispatches); each step ends at the
            // runner's log line for it.
            var materialized = finished.At(RunnerEvent.Materialized);
            var prepared = finished.At(RunnerEvent.Prepared);
            var handedOff = finished.At(RunnerEvent.Queued);
            void Step(string name, (TimeSpan Wall, TimeSpan Cpu) from, (TimeSpan Wall, TimeSpan Cpu) to, bool budget = false)
            {
                var (w, c) = (to.Wall - from.Wall, to.Cpu - from.Cpu);
                var perCore = recipients / c.TotalSeconds;
                Console.WriteLine($"| {name} | {w.TotalSeconds:F1} s = {recipients / w.TotalSeconds:N0} msg/s | {c.TotalSeconds:F1} s = "
                    + (budget ? $"**{perCore:N0} msg/s per core**" : $"{perCore:N0} msg/s per core") + " |");
            }
            Console.WriteLine("| step | wall | CPU (all threads) |");
            Console.WriteLine("|---|---|---|");
            Step("materialise the recipient list", (TimeSpan.Zero, TimeSpan.Zero), materialized);
            Step("render + enqueue (prepare: every message rendered and committed to the campaign's queue)", materialized, prepared, budget: true);
            Step("hand-off to the outbox (conversation, message, outbox row, recipient mark)", prepared, handedOff);
            Step("all three", (TimeSpan.Zero, TimeSpan.Zero), handedOff);
            Console.WriteLine();
            Console.WriteLine($"| peak working set | {sampler.PeakWorkingSet / 1048576.0:F0} MB |");
            Console.WriteLine($"| peak GC heap: materialise · prepare · hand-off | {string.Join(" · ", sampler.PeakHeap.Select(h => (h / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)))} MB |");
            Console.WriteLine($"| GC heap at 10 %, 20 % … 100 % handed off | {string.Join(" · ", sampler.HeapAtDecile.Select(h => (h / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)))} MB |");
            Console.WriteLine($"| baseline: raw prepared INSERT of {recipients:N0} outbox rows, wall | {baseline.Wall.TotalSeconds:F1} s = {recipients / baseline.Wall.TotalSeconds:N0} rows/s |");
            Console.WriteLine($"| baseline, CPU | {baseline.Cpu.TotalSeconds:F1} s = {recipients / baseline.Cpu.TotalSeconds:N0} rows/s per core |");
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

    private static async Task ReportProgressAsync(IServiceProvider services, Guid campaignId, int recipients, MemorySampler sampler)
    {
        var decile = 1;
        while (decile <= 10)
        {
            await Task.Delay(1000);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            if (sampler.Step < 2)
            {
                continue;
            }
            var queued = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId && r.State == RecipientState.Sending);
            while (decile <= 10 && queued >= recipients * decile / 10)
            {
                sampler.HeapAtDecile.Add(GC.GetTotalMemory(false));
                decile++;
            }
        }
    }

    /// <summary>The runner's log events that end a step (its <c>Log</c> class's event ids).</summary>
    private enum RunnerEvent
    {
        Queued = 2,
        Prepared = 6,
        Materialized = 7,
    }

    /// <summary>Notes the wall and CPU time at the runner's log lines that end each step, and moves the memory sampler to the next step.</summary>
    private sealed class RunFinishedProbe : ILoggerProvider, ILogger
    {
        private readonly Dictionary<RunnerEvent, (TimeSpan Wall, TimeSpan Cpu)> _at = [];
        private Stopwatch? _wall;
        private Process? _process;
        private TimeSpan _cpuBefore;
        private MemorySampler? _sampler;

        /// <summary>Called when the runner logs that every message is prepared.</summary>
        public Action? OnPrepared { get; set; }

        public (TimeSpan Wall, TimeSpan Cpu) At(RunnerEvent e) =>
            _at.TryGetValue(e, out var at) ? at : throw new InvalidOperationException($"The runner never logged {e}.");

        public void Start(Stopwatch wall, Process process, TimeSpan cpuBefore, MemorySampler sampler) =>
            (_wall, _process, _cpuBefore, _sampler) = (wall, process, cpuBefore, sampler);

        public ILogger CreateLogger(string categoryName) => categoryName == typeof(CampaignRunner).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var e = (RunnerEvent)eventId.Id;
            if (_wall is not null && Enum.IsDefined(e) && !_at.ContainsKey(e))
            {
                var wall = _wall.Elapsed;
                _process!.Refresh();
                _at[e] = (wall, _process.TotalProcessorTime - _cpuBefore);
                _sampler!.Step = e switch { RunnerEvent.Materialized => 1, RunnerEvent.Prepared => 2, _ => 3 };
                if (e == RunnerEvent.Prepared)
                {
                    OnPrepared?.Invoke();
                }
            }
        }

        public void Dispose()
        {
        }
    }

    private sealed class MemorySampler : IDisposable
    {
        private readonly Timer _timer;

        public MemorySampler() => _timer = new Timer(_ =>
        {
            PeakWorkingSet = Math.Max(PeakWorkingSet, Environment.WorkingSet);
            if (Step < PeakHeap.Length)
            {
                PeakHeap[Step] = Math.Max(PeakHeap[Step], GC.GetTotalMemory(false));
            }
        }, null, 0, 100);

        public long PeakWorkingSet { get; private set; }

        /// <summary>0 materialising, 1 preparing, 2 handing off, 3 done.</summary>
        public volatile int Step;

        public long[] PeakHeap { get; } = new long[3];
        public List<long> HeapAtDecile { get; } = [];

        public void Dispose() => _timer.Dispose();
    }

    private static async Task<Guid> SeedAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero);
        var agent = new Agent { Id = Guid.CreateVersion7(now), DisplayName = "Bench marketer", Email = "bench@example.test", PasswordHash = "-", Role = AgentRole.Admin, CreatedAt = now };
        db.Agents.Add(agent);
        var segment = new Segment
        {
            Id = Guid.CreateVersion7(now),
            Name = "Everyone on SMS",
            Definition = """{"match":"all","conditions":[{"field":"channel","operator":"available","value":"sms"}]}""",
            CreatedByAgentId = agent.Id,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Segments.Add(segment);
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(now),
            Name = "Winter check-ups",
            Channel = ChannelNames.Sms,
            SegmentId = segment.Id,
            Syntax = TemplateSyntax.Scriban,
            BodyEn = "Hi {{ contact.first_name }}, your appointment is on {{ contact.attributes.appointment_date }}. Reply STOP to opt out. {{ campaign.name }}",
            BodyFa = "سلام {{ contact.first_name }}، نوبت شما {{ contact.attributes.appointment_date }} است. برای لغو STOP بفرستید. {{ campaign.name }}",
            Schedule = CampaignSchedule.Now,
            Pace = 1_000_000,
            DefaultTimeZone = "UTC",
            State = CampaignState.Scheduled,
            CreatedByAgentId = agent.Id,
            CreatedAt = now,
            UpdatedAt = now,
            LaunchedAt = now,
        };
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync();

        var random = new Random(6);
        for (var start = 0; start < count; start += 10_000)
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await using var contacts = RowWriter<Contact>.Insert(db);
            await using var identities = RowWriter<ChannelIdentity>.Insert(db);
            await using var attributes = RowWriter<ContactAttribute>.Insert(db);
            for (var n = start; n < Math.Min(count, start + 10_000); n++)
            {
                var contact = new Contact
                {
                    Id = Guid.CreateVersion7(now.AddMilliseconds(n)),
                    DisplayName = n % 2 == 0 ? $"Sara Ahmadi {n}" : $"سارا احمدی {n}",
                    Phone = $"+1555{n:0000000}",
                    Locale = n % 2 == 0 ? "en" : "fa",
                    TimeZone = n % 3 == 0 ? "Asia/Tehran" : null,
                    CreatedAt = now,
                };
                await contacts.WriteAsync(contact, CancellationToken.None);
                await identities.WriteAsync(new ChannelIdentity
                {
                    Id = Guid.CreateVersion7(now.AddMilliseconds(n)),
                    ContactId = contact.Id,
                    Channel = ChannelNames.Sms,
                    AccountId = "+15550001111",
                    Address = contact.Phone,
                    CreatedAt = now,
                    LastSeenAt = now,
                }, CancellationToken.None);
                await attributes.WriteAsync(new ContactAttribute
                {
                    ContactId = contact.Id, Key = "appointment_date", Value = $"2026-12-{1 + random.Next(28):00}",
                }, CancellationToken.None);
            }
            await tx.CommitAsync();
        }
        await db.Database.ExecuteSqlRawAsync("ANALYZE;");
        return campaign.Id;
    }

    /// <summary>The storage ceiling: the same number of outbox-shaped rows into a scratch copy of the outbox table, raw ADO.NET.</summary>
    private static async Task<(TimeSpan Wall, TimeSpan Cpu)> BaselineAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var connection = (SqliteConnection)db.Database.GetDbConnection();
        await connection.OpenAsync();
        var table = db.Model.FindEntityType(typeof(Crm.Hub.Outbox.OutboxMessage))!.GetTableName();
        await using (var create = connection.CreateCommand())
        {
            create.CommandText = $"CREATE TABLE \"BenchOutbox\" AS SELECT * FROM \"{table}\" WHERE 0; CREATE UNIQUE INDEX \"IX_BenchOutbox_MessageId\" ON \"BenchOutbox\" (\"MessageId\");";
            await create.ExecuteNonQueryAsync();
        }
        await using var insert = connection.CreateCommand();
        insert.CommandText = "INSERT INTO \"BenchOutbox\" (\"Id\", \"MessageId\", \"Channel\", \"State\", \"Attempts\", \"NextAttemptAt\", \"CreatedAt\") "
            + "VALUES ($id, $message, 'sms', 'Pending', 0, $at, $at)";
        var id = insert.Parameters.Add("$id", SqliteType.Text);
        var message = insert.Parameters.Add("$message", SqliteType.Text);
        // Any 64-bit value: the baseline's rows are never read back.
        insert.Parameters.AddWithValue("$at", new DateTimeOffset(2026, 11, 1, 9, 0, 0, TimeSpan.Zero).UtcTicks);
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        for (var start = 0; start < count; start += 10_000)
        {
            await using var tx = (SqliteTransaction)await connection.BeginTransactionAsync();
            insert.Transaction = tx;
            for (var n = start; n < Math.Min(count, start + 10_000); n++)
            {
                id.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
                message.Value = Guid.CreateVersion7().ToString().ToUpperInvariant();
                await insert.ExecuteNonQueryAsync();
            }
            await tx.CommitAsync();
        }
        clock.Stop();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        await using (var drop = connection.CreateCommand())
        {
            drop.CommandText = "DROP TABLE \"BenchOutbox\";";
            await drop.ExecuteNonQueryAsync();
        }
        return (clock.Elapsed, cpu);
    }

    private static int Arg(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var v) ? v : fallback;
    }
}
