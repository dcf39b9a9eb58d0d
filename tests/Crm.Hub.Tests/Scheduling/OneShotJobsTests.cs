using System.Collections.Concurrent;
using Crm.Hub.Scheduling;
using Crm.Hub.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Quartz;

namespace Crm.Hub.Tests.Scheduling;

/// <summary>Jobs scheduled through the hub's own scheduler live in its database and survive the hub being down.</summary>
public sealed class OneShotJobsTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-scheduling", Guid.NewGuid().ToString("N"));

    public OneShotJobsTests() => Directory.CreateDirectory(_dataDirectory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ScheduledJobIsARowInTheQuartzTablesWithItsMisfirePolicy()
    {
        await using var hub = await StartAsync();
        var key = new JobKey($"stored-{Guid.NewGuid():N}", "tests");
        var when = TimeProvider.System.GetUtcNow().AddHours(1);
        var scheduler = await Scheduler(hub);
        await scheduler.ScheduleOnceAsync<RecordingJob>(key, when, new JobDataMap { ["campaignId"] = "42" }, TimeProvider.System, CancellationToken.None);

        await using var db = new SqliteConnection($"Data Source={Path.Combine(_dataDirectory, "crm.db")}");
        await db.OpenAsync();
        await using var job = db.CreateCommand();
        job.CommandText = "SELECT SCHED_NAME, IS_DURABLE, REQUESTS_RECOVERY, JOB_CLASS_NAME FROM QRTZ_JOB_DETAILS WHERE JOB_NAME = $name AND JOB_GROUP = 'tests'";
        job.Parameters.AddWithValue("$name", key.Name);
        await using (var row = await job.ExecuteReaderAsync())
        {
            Assert.True(await row.ReadAsync());
            Assert.Equal(HubSchedulingOptions.InstanceName, row.GetString(0));
            Assert.True(row.GetBoolean(1));
            Assert.True(row.GetBoolean(2));
            Assert.Contains(nameof(RecordingJob), row.GetString(3), StringComparison.Ordinal);
        }
        await using var trigger = db.CreateCommand();
        trigger.CommandText = "SELECT NEXT_FIRE_TIME, MISFIRE_INSTR, TRIGGER_STATE FROM QRTZ_TRIGGERS WHERE JOB_NAME = $name";
        trigger.Parameters.AddWithValue("$name", key.Name);
        await using (var row = await trigger.ExecuteReaderAsync())
        {
            Assert.True(await row.ReadAsync());
            Assert.Equal(when.UtcTicks, row.GetInt64(0));
            Assert.Equal((int)SimpleTriggerMisfireInstruction.FireNow, row.GetInt32(1));
            Assert.Equal("WAITING", row.GetString(2));
        }
    }

    [Fact]
    public async Task JobDueNowRunsWithItsData()
    {
        await using var hub = await StartAsync();
        var key = new JobKey($"now-{Guid.NewGuid():N}", "tests");
        var scheduler = await Scheduler(hub);
        await scheduler.ScheduleOnceAsync<RecordingJob>(key, TimeProvider.System.GetUtcNow(), new JobDataMap { ["campaignId"] = "7" }, TimeProvider.System,
            CancellationToken.None);

        var run = await RecordingJob.RunOf(key.Name).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("7", run.CampaignId);
        Assert.False(run.Recovering);
    }

    [Fact]
    public async Task JobWhoseTimePassedWhileTheHubWasDownFiresOnceAfterRestart()
    {
        var key = new JobKey($"misfired-{Guid.NewGuid():N}", "tests");
        DateTimeOffset due;
        await using (var first = await StartAsync())
        {
            due = TimeProvider.System.GetUtcNow().AddSeconds(3);
            var scheduler = await Scheduler(first);
            await scheduler.ScheduleOnceAsync<RecordingJob>(key, due, new JobDataMap { ["campaignId"] = "9" }, TimeProvider.System, CancellationToken.None);
        }

        // Down past the due time and past the misfire threshold (1 s here), so the trigger is a misfire, not just late.
        var downUntil = due.AddSeconds(2.5);
        await Task.Delay(downUntil - TimeProvider.System.GetUtcNow());
        Assert.False(RecordingJob.RunOf(key.Name).IsCompleted);

        await using var second = await StartAsync();
        var run = await RecordingJob.RunOf(key.Name).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("9", run.CampaignId);
        Assert.True(run.FiredAt >= downUntil);
        // Quartz reports the moment the trigger was meant for, also when its misfire instruction moved it.
        Assert.Equal(due, run.ScheduledFor);
        // Late by more than the store's misfire threshold: this was handled as a misfire (FireNow), not merely late.
        Assert.Equal(TimeSpan.FromSeconds(1), second.Services.GetRequiredService<IOptionsMonitor<AdoJobStoreOptions>>().Get(Options.DefaultName).MisfireThreshold);

        var again = await Scheduler(second);
        var deadline = TimeProvider.System.GetUtcNow().AddSeconds(10);
        while (await again.GetTrigger(new TriggerKey(key.Name, key.Group)) is not null && TimeProvider.System.GetUtcNow() < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Null(await again.GetTrigger(new TriggerKey(key.Name, key.Group)));
        Assert.NotNull(await again.GetJobDetail(key)); // a durable job outlives its one-shot trigger
        Assert.Equal(1, RecordingJob.Runs(key.Name));
    }

    [Fact]
    public async Task JobStoppedByAShutdownRunsAgainAsRecoveringAfterRestart()
    {
        var key = new JobKey($"stopped-{Guid.NewGuid():N}", "tests");
        await using (var first = await StartAsync())
        {
            var scheduler = await Scheduler(first);
            await scheduler.ScheduleOnceAsync<UntilStoppedJob>(key, TimeProvider.System.GetUtcNow(), new JobDataMap(), TimeProvider.System, CancellationToken.None);
            Assert.False(await UntilStoppedJob.Started(key.Name).WaitAsync(TimeSpan.FromSeconds(30)));
        }

        await using var second = await StartAsync();
        Assert.True(await UntilStoppedJob.Finished(key.Name).WaitAsync(TimeSpan.FromSeconds(30)));
    }

    private async Task<HubOver> StartAsync()
    {
        var hub = new HubOver(_dataDirectory);
        await hub.InitializeAsync();
        return hub;
    }

    private static async Task<IScheduler> Scheduler(HubServer hub) => await hub.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    /// <summary>A hub over a data folder this test owns, so a second hub can start over what the first left.</summary>
    private sealed class HubOver(string dataDirectory) : HubServer, IAsyncDisposable
    {
        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Crm:Database:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "crm.db")}",
            ["Crm:DataDirectory"] = dataDirectory,
            ["Crm:Scheduling:MisfireThresholdSeconds"] = "1",
        };
    }
}

public sealed record RecordedRun(string? CampaignId, bool Recovering, DateTimeOffset FiredAt, DateTimeOffset? ScheduledFor);

/// <summary>A job the hub runs for these tests; it takes nothing from the container, so Quartz builds it directly.</summary>
public sealed class RecordingJob : IJob
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<RecordedRun>> Done = new();
    private static readonly ConcurrentDictionary<string, int> Count = new();

    public static Task<RecordedRun> RunOf(string jobName) =>
        Done.GetOrAdd(jobName, _ => new TaskCompletionSource<RecordedRun>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public static int Runs(string jobName) => Count.GetValueOrDefault(jobName);

    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.JobDetail.Key.Name;
        Count.AddOrUpdate(name, 1, (_, n) => n + 1);
        Done.GetOrAdd(name, _ => new TaskCompletionSource<RecordedRun>(TaskCreationOptions.RunContinuationsAsynchronously))
            .TrySetResult(new RecordedRun(context.MergedJobDataMap.GetString("campaignId"), context.Recovering, TimeProvider.System.GetUtcNow(),
                context.ScheduledFireTimeUtc));
        return ValueTask.CompletedTask;
    }
}

/// <summary>Runs until the hub stops it, the way a campaign's send loop does; run again as recovering, it finishes.</summary>
public sealed class UntilStoppedJob : IJob
{
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> FirstRun = new();
    private static readonly ConcurrentDictionary<string, TaskCompletionSource<bool>> Done = new();

    /// <summary>Whether the first run was already recovering (it should not be).</summary>
    public static Task<bool> Started(string jobName) => Of(FirstRun, jobName).Task;

    /// <summary>Whether the run that finished was the recovering one.</summary>
    public static Task<bool> Finished(string jobName) => Of(Done, jobName).Task;

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var name = context.JobDetail.Key.Name;
        if (context.Recovering)
        {
            Of(Done, name).TrySetResult(true);
            return;
        }
        Of(FirstRun, name).TrySetResult(context.Recovering);
        await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    private static TaskCompletionSource<bool> Of(ConcurrentDictionary<string, TaskCompletionSource<bool>> map, string name) =>
        map.GetOrAdd(name, _ => new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
}
