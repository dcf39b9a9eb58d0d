using Quartz;

namespace Crm.Hub.Scheduling;

/// <summary>
/// How a feature schedules work for a moment in the future (a campaign start, a reminder): one durable job per thing,
/// keyed by its id, and a one-shot trigger for the moment. The choices are made here once, so every feature gets them:
/// <list type="bullet">
/// <item>Durable: the job outlives its trigger, so pausing or rescheduling a campaign never loses its definition.</item>
/// <item>Requests recovery: a run cut short by a crash runs again at the next start (<c>context.Recovering</c>), which
/// the job's own progress in the database makes safe.</item>
/// <item>Misfire <see cref="SimpleTriggerMisfireInstruction.FireNow"/>: a moment that passed while the hub was down
/// (or busy past <c>Crm:Scheduling:MisfireThresholdSeconds</c>) fires as soon as the hub is back, rather than never
/// — a reminder or a campaign start late is better than silently skipped.</item>
/// </list>
/// A job may take scoped services (a <c>HubDbContext</c>) in its constructor: Quartz builds each firing in a DI scope of
/// its own. Job data holds ids only (stored as strings); the database holds the progress.
/// </summary>
internal static class OneShotJobs
{
    public static IJobDetail Durable<TJob>(JobKey key, JobDataMap data) where TJob : IJob =>
        JobBuilder.Create<TJob>().WithIdentity(key).StoreDurably().RequestRecovery().UsingJobData(data).Build();

    public static ITrigger At(JobKey job, DateTimeOffset when, TimeProvider time) =>
        TriggerBuilder.Create(time)
            .WithIdentity(job.Name, job.Group)
            .ForJob(job)
            .StartAt(when)
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

    /// <summary>Schedules (or moves) the job <paramref name="key"/> to run once at <paramref name="when"/>.</summary>
    public static async Task ScheduleOnceAsync<TJob>(this IScheduler scheduler, JobKey key, DateTimeOffset when, JobDataMap data, TimeProvider time,
        CancellationToken cancellationToken) where TJob : IJob
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        await scheduler.ScheduleJob(Durable<TJob>(key, data), [At(key, when, time)], ScheduleJobOptions.Replacing, cancellationToken);
    }
}
