using Crm.Hub.Scheduling;
using Quartz;

namespace Crm.Hub.Campaigns;

/// <summary>
/// The one durable Quartz job of a campaign (PROTOCOLS §6): each firing starts a run or continues the current one; a
/// firing cut short by a crash fires again at the next start (recovery), which the recipients' states make safe.
/// </summary>
[DisallowConcurrentExecution]
internal sealed partial class CampaignJob(CampaignRunner runner, TimeProvider time, ILogger<CampaignJob> logger) : IJob
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

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
        DateTimeOffset? next;
        try
        {
            next = await runner.RunAsync(campaignId, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A database that failed for a moment must not leave the campaign running with no trigger: try again shortly.
            LogRunFailed(logger, e, campaignId);
            next = time.GetUtcNow() + RetryAfter;
        }
        if (next is { } at)
        {
            // Recipients deferred by quiet hours: come back when the first of them may be sent.
            await context.Scheduler.ScheduleOnceAsync<CampaignJob>(Key(campaignId), at, Data(campaignId), time, cancellationToken);
        }
    }

    [LoggerMessage(1, LogLevel.Error, "Campaign {CampaignId}: the run failed; trying again in 30 s")]
    private static partial void LogRunFailed(ILogger logger, Exception e, Guid campaignId);
}
