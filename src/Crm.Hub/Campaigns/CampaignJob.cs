using Crm.Hub.Scheduling;
using Quartz;

namespace Crm.Hub.Campaigns;

/// <summary>
/// The one durable Quartz job of a campaign (PROTOCOLS §6): each firing starts a run or continues the current one; a
/// firing cut short by a crash fires again at the next start (recovery), which the recipients' states make safe.
/// </summary>
[DisallowConcurrentExecution]
internal sealed class CampaignJob(CampaignRunner runner, TimeProvider time) : IJob
{
    public const string Group = "campaigns";
    public const string CampaignIdKey = "campaignId";

    public static JobKey Key(Guid campaignId) => new($"campaign-{campaignId:N}", Group);

    public static TriggerKey CronKey(Guid campaignId) => new($"campaign-{campaignId:N}-cron", Group);

    public static JobDataMap Data(Guid campaignId) => new() { [CampaignIdKey] = campaignId.ToString() };

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(CampaignIdKey), out var campaignId))
        {
            return;
        }
        var next = await runner.RunAsync(campaignId, cancellationToken);
        if (next is { } at)
        {
            // Recipients deferred by quiet hours: come back when the first of them may be sent.
            await context.Scheduler.ScheduleOnceAsync<CampaignJob>(Key(campaignId), at, Data(campaignId), time, cancellationToken);
        }
    }
}
