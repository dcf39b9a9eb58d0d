using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Crm.Hub.Reminders;

internal static class RemindersSetup
{
    public static IServiceCollection AddReminders(this IServiceCollection services)
    {
        services.AddScoped<ReminderRunner>();
        services.AddScoped<CustomerReminderMessages>();
        services.AddHostedService<ReminderJobsCheck>();
        return services;
    }
}

/// <summary>
/// At start, gives every scheduled reminder a trigger if it has none: the hub may have died between saving a reminder and
/// scheduling its job, or a firing may have failed for good. A reminder already in the job store is left as it is.
/// </summary>
internal sealed partial class ReminderJobsCheck(IServiceScopeFactory scopes, ISchedulerFactory schedulers, TimeProvider time, ILogger<ReminderJobsCheck> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var scheduled = await db.Set<Reminder>().AsNoTracking().Where(r => r.State == ReminderState.Scheduled).ToListAsync(cancellationToken);
        var scheduler = await schedulers.GetScheduler(cancellationToken);
        foreach (var reminder in scheduled)
        {
            if ((await scheduler.GetTriggersOfJob(ReminderJob.KeyOf(reminder.Id), cancellationToken)).Count == 0)
            {
                LogRescheduled(logger, reminder.Id);
                await RemindersApi.ScheduleAsync(schedulers, reminder, time, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(1, LogLevel.Warning, "Scheduled reminder {ReminderId} had no trigger; scheduled it again")]
    private static partial void LogRescheduled(ILogger logger, Guid reminderId);
}
