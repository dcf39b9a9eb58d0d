using Crm.Hub.Scheduling;
using Quartz;

namespace Crm.Hub.Reminders;

/// <summary>One durable Quartz job per reminder (<see cref="OneShotJobs"/>), keyed by the reminder's id; the database holds its state.</summary>
[DisallowConcurrentExecution]
internal sealed partial class ReminderJob(ReminderRunner runner, TimeProvider time, ILogger<ReminderJob> logger) : IJob
{
    public const string Group = "reminders";
    public const string ReminderIdKey = "reminderId";
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    public static JobKey KeyOf(Guid reminderId) => new(reminderId.ToString(), Group);

    public static JobDataMap DataOf(Guid reminderId) => new() { [ReminderIdKey] = reminderId.ToString() };

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(ReminderIdKey), out var id))
        {
            await context.Scheduler.DeleteJob(context.JobDetail.Key, cancellationToken);
            return;
        }
        try
        {
            await runner.FireAsync(id, cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Nothing was committed (firing is one transaction): try again shortly rather than lose the reminder.
            LogRetry(logger, ex, id);
            await context.Scheduler.ScheduleOnceAsync<ReminderJob>(context.JobDetail.Key, time.GetUtcNow() + RetryAfter, DataOf(id), time,
                cancellationToken);
            return;
        }
        // A reminder fires once: a fired or cancelled one must not pile up in the job store.
        await context.Scheduler.DeleteJob(context.JobDetail.Key, cancellationToken);
    }

    [LoggerMessage(1, LogLevel.Warning, "Reminder {ReminderId} could not fire; retrying shortly")]
    private static partial void LogRetry(ILogger logger, Exception ex, Guid reminderId);
}
