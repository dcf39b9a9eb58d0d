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
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.State, to).SetProperty(c => c.ResumeTo, resumeTo).SetProperty(c => c.UpdatedAt, now), ct) == 1;

    public async Task PausedAsync(Guid id, CancellationToken ct)
    {
        control.Stop(id);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.PauseJob(CampaignJob.Key(id), ct);
    }

    public async Task ResumedAsync(Guid id, CampaignState to, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.ResumeJob(CampaignJob.Key(id), ct);
        if (to == CampaignState.Running)
        {
            await scheduler.ScheduleOnceAsync<CampaignJob>(CampaignJob.Key(id), time.GetUtcNow(), CampaignJob.Data(id), time, ct);
        }
    }

    public async Task CancelledAsync(Guid id, CancellationToken ct)
    {
        control.Stop(id);
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(CampaignJob.Key(id), ct);
    }
}
