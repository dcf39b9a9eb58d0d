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
/// process — the hub's services, not started, so no outbox dispatcher sends anything: the figure is how fast recipients become
/// committed message + outbox rows. Reported: the materialisation of the recipient list, the send phase (render, opt-out
/// and quiet-hours checks, staging and commits), messages per second of wall time and per CPU second (the "per core" figure:
/// all threads' CPU time, so SQLite and GC count), and memory sampled every 100 ms (peak working set, GC heap at each
/// 10 % of progress, which must stay flat). The baseline in the same run: prepared single-row INSERTs of the same number of
/// outbox rows through raw ADO.NET in one transaction per 10,000 — the storage ceiling the runner is compared with.
/// </summary>
internal static class CampaignEnqueueBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var recipients = Arg(args, "--recipients", 1_000_000);
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
                + $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, SQLite (WAL, synchronous FULL)");

            var baseline = await BaselineAsync(app.Services, recipients);

            var runner = app.Services.GetRequiredService<CampaignRunner>();
            using var sampler = new MemorySampler();
            var process = Process.GetCurrentProcess();
            var cpuBefore = process.TotalProcessorTime;
            var wall = Stopwatch.StartNew();
            finished.Start(wall, process, cpuBefore);
            var progress = Task.Run(() => ReportProgressAsync(app.Services, campaignId, recipients, sampler));
            await runner.RunAsync(campaignId, CancellationToken.None);
            wall.Stop();
            await progress;

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var queued = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId && r.State == RecipientState.Sending);
            var outbox = await db.Outbox.CountAsync();
            if (queued != recipients || outbox != recipients)
            {
                throw new InvalidOperationException($"Expected {recipients} queued recipients and outbox rows; found {queued} and {outbox}.");
            }
            Console.WriteLine();
            Console.WriteLine("| measure | value |");
            Console.WriteLine("|---|---|");
            Console.WriteLine($"| recipients queued (message + outbox row + recipient mark, committed) | {recipients:N0} |");
            Console.WriteLine($"| materialise the recipient list | {sampler.MaterializedAfter.TotalSeconds:F1} s |");
            // The runner then follows the outbox a while for outcomes (none here: nothing dispatches); the work ends when the
            // last recipient is committed, which the runner logs.
            var queuedAll = finished.Wall ?? throw new InvalidOperationException("The runner never logged that every recipient was queued.");
            var queuedCpu = finished.Cpu!.Value;
            var sending = queuedAll - sampler.MaterializedAfter;
            Console.WriteLine($"| materialise + render + enqueue, wall | {queuedAll.TotalSeconds:F1} s = {recipients / queuedAll.TotalSeconds:N0} msg/s |");
            Console.WriteLine($"| materialise + render + enqueue, CPU (all threads) | {queuedCpu.TotalSeconds:F1} s = **{recipients / queuedCpu.TotalSeconds:N0} msg/s per core** |");
            Console.WriteLine($"| render + enqueue only, wall (materialised list to last commit) | {sending.TotalSeconds:F1} s = {recipients / sending.TotalSeconds:N0} msg/s |");
            Console.WriteLine($"| peak working set | {sampler.PeakWorkingSet / 1048576.0:F0} MB |");
            Console.WriteLine($"| GC heap at 10 %, 20 % … 100 % sent | {string.Join(" · ", sampler.HeapAtDecile.Select(h => (h / 1048576.0).ToString("F0", CultureInfo.InvariantCulture)))} MB |");
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
        var started = Stopwatch.StartNew();
        var decile = 1;
        while (decile <= 10)
        {
            await Task.Delay(1000);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            if (sampler.MaterializedAfter == TimeSpan.Zero
                && await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Materialized).FirstAsync())
            {
                sampler.MaterializedAfter = started.Elapsed;
            }
            var queued = await db.CampaignRecipients.CountAsync(r => r.CampaignId == campaignId && r.State == RecipientState.Sending);
            while (decile <= 10 && queued >= recipients * decile / 10)
            {
                sampler.HeapAtDecile.Add(GC.GetTotalMemory(false));
                decile++;
            }
        }
    }

    /// <summary>Notes the wall and CPU time at the runner's "has queued every recipient" log line.</summary>
    private sealed class RunFinishedProbe : ILoggerProvider, ILogger
    {
        private Stopwatch? _wall;
        private Process? _process;
        private TimeSpan _cpuBefore;

        public TimeSpan? Wall { get; private set; }
        public TimeSpan? Cpu { get; private set; }

        public void Start(Stopwatch wall, Process process, TimeSpan cpuBefore) => (_wall, _process, _cpuBefore) = (wall, process, cpuBefore);

        public ILogger CreateLogger(string categoryName) => categoryName == typeof(CampaignRunner).FullName ? this : Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Id == 2 && _wall is not null && Wall is null)
            {
                Wall = _wall.Elapsed;
                _process!.Refresh();
                Cpu = _process.TotalProcessorTime - _cpuBefore;
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
            var ws = Environment.WorkingSet;
            if (ws > PeakWorkingSet)
            {
                PeakWorkingSet = ws;
            }
        }, null, 0, 100);

        public long PeakWorkingSet { get; private set; }
        public TimeSpan MaterializedAfter { get; set; }
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
