using System.Collections.Concurrent;
using Crm.Hub.Scheduling;
using Crm.Hub.Segments;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Crm.Hub.Campaigns;

/// <summary>Launch, pause, resume and cancel: the state change in the database first, then the Quartz job and the running loop.</summary>
internal sealed class CampaignLifecycle(ISchedulerFactory schedulers, CampaignControl control, CampaignSenders senders, TimeProvider time)
{
    /// <summary>What the database and the hub decide about launching: the audience exists and is not empty, the sender is known, the schedule is ahead.</summary>
    public async Task<Dictionary<string, string[]>> CheckAsync(HubDbContext db, Campaign campaign, CancellationToken ct)
    {
        var errors = CampaignRules.CheckLaunch(campaign, time.GetUtcNow());
        if (senders.Refusal(campaign.Channel, campaign.Sender) is { } refusal)
        {
            errors["sender"] = [refusal];
        }
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == campaign.SegmentId, ct);
        if (segment is null)
        {
            errors["segmentId"] = [$"There is no segment {campaign.SegmentId}."];
        }
        else if (!await SegmentQuery.Build(db, SegmentDefinition.FromJson(segment.Definition), time).AnyAsync(ct))
        {
            errors["segmentId"] = [$"The segment \"{segment.Name}\" has no contacts: the campaign would send nothing."];
        }
        return errors;
    }

    public async Task ScheduleAsync(Campaign campaign, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        var key = CampaignJob.Key(campaign.Id);
        var data = CampaignJob.Data(campaign.Id);
        switch (campaign.Schedule)
        {
            case CampaignSchedule.Recurring:
                CampaignRules.TryZone(campaign.ScheduleTimeZone ?? "UTC", out var zone);
                var cron = TriggerBuilder.Create(time).WithIdentity(CampaignJob.CronKey(campaign.Id)).ForJob(key)
                    .WithSchedule(CronScheduleBuilder.Create(campaign.Cron!).InTimeZone(zone).WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing))
                    .Build();
                // A run that was missed while the hub was down is skipped (the next one comes); one-shot triggers of the same
                // job (resume, quiet hours) live beside this one.
                await scheduler.ScheduleJob(OneShotJobs.Durable<CampaignJob>(key, data), new List<ITrigger> { cron }, ScheduleJobOptions.Replacing, ct);
                break;
            case CampaignSchedule.At:
                await scheduler.ScheduleOnceAsync<CampaignJob>(key, campaign.StartAt!.Value, data, time, ct);
                break;
            default:
                await scheduler.ScheduleOnceAsync<CampaignJob>(key, time.GetUtcNow(), data, time, ct);
                break;
        }
    }

    /// <summary>Moves the campaign from <paramref name="from"/> to <paramref name="to"/> if nobody moved it meanwhile.</summary>
    public static async Task<bool> MoveAsync(HubDbContext db, Guid id, CampaignState from, CampaignState to, DateTimeOffset now, CampaignState? resumeTo,
        CancellationToken ct) =>
        CampaignStates.CanMove(from, to) && await db.Campaigns.Where(c => c.Id == id && c.State == from)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, c => to).SetProperty(c => c.ResumeTo, c => resumeTo).SetProperty(c => c.UpdatedAt, c => now), ct) == 1;

    // The database holds the campaign's state (already committed by the caller); these bring the scheduler in line. They are
    // not cancelled by the request (a client that hangs up must not leave the trigger half-changed), run one at a time per
    // campaign (a pause and a resume that overlap apply in order), and are retried when the scheduler refuses for a moment: a
    // busy store, or a one-shot trigger that completed while DeleteJob was unscheduling it ("Unable to unschedule trigger").
    public Task PausedAsync(Guid id, CancellationToken ct) => InOrderAsync(id, async scheduler =>
    {
        control.Stop(id);
        await scheduler.PauseJob(CampaignJob.Key(id), CancellationToken.None);
    });

    public Task ResumedAsync(Guid id, CampaignState to, CancellationToken ct) => InOrderAsync(id, async scheduler =>
    {
        await scheduler.ResumeJob(CampaignJob.Key(id), CancellationToken.None);
        if (to == CampaignState.Running)
        {
            await scheduler.ScheduleOnceAsync<CampaignJob>(CampaignJob.Key(id), time.GetUtcNow(), CampaignJob.Data(id), time, CancellationToken.None);
        }
    });

    public Task CancelledAsync(Guid id, CancellationToken ct) => InOrderAsync(id, async scheduler =>
    {
        control.Stop(id);
        await scheduler.DeleteJob(CampaignJob.Key(id), CancellationToken.None);
    });

    private readonly ConcurrentDictionary<Guid, SemaphoreSlim> _order = new();

    private async Task InOrderAsync(Guid id, Func<IScheduler, Task> change)
    {
        var gate = _order.GetOrAdd(id, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(CancellationToken.None);
        try
        {
            var scheduler = await schedulers.GetScheduler(CancellationToken.None);
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await change(scheduler);
                    return;
                }
                catch (SchedulerException) when (attempt < 3)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), time, CancellationToken.None);
                }
            }
        }
        finally
        {
            gate.Release();
        }
    }
}
