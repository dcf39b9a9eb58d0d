using BenchmarkDotNet.Running;
using Crm.Benchmarks.EndToEnd;

namespace Crm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Crm.Benchmarks -- --filter '*Routing*'</c> runs the BenchmarkDotNet suites;
/// <c>... -- e2e [--rate 200] [--messages 10000] [--visitors 50]</c> runs the open-loop end-to-end latency driver;
/// <c>... -- sms-webhook [--rate 500] [--messages 10000] [--senders 500]</c> drives signed Twilio webhooks the same way;
/// <c>... -- email-backlog [--messages 10000]</c> and <c>... -- email-latency [--rate 10] [--messages 600]</c> run the email channel
/// against real Dovecot and SMTP; <c>... -- routing-skills</c> times skill-based decisions one by one
/// (<c>-- routing-skills-phases</c>: the steps of a skilled arrival, a diagnostic);
/// <c>... -- reports [--conversations 1000000] [--runs 20]</c> times the period report over a year of conversation facts;
/// <c>... -- campaign-enqueue [--recipients 1000000]</c> times a campaign's render + enqueue with the hub's own runner;
/// <c>... -- pacing [--rates 1,30,100] [--seconds 60]</c> measures how closely campaign sends reaching Twilio keep the configured pace.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["e2e", .. var rest])
        {
            return await EndToEndLatency.RunAsync(rest);
        }
        if (args is ["sms-webhook", .. var smsArgs])
        {
            return await SmsWebhookThroughput.RunAsync(smsArgs);
        }
        if (args is ["reports", .. var reportArgs])
        {
            return await Reports.ReportQueryBenchmark.RunAsync(reportArgs);
        }
        if (args is ["campaign-enqueue", .. var campaignArgs])
        {
            return await Campaigns.CampaignEnqueueBenchmark.RunAsync(campaignArgs);
        }
        if (args is ["pacing", .. var pacingArgs])
        {
            return await Pacing.PacingAccuracy.RunAsync(pacingArgs);
        }
        if (args is ["routing-skills"])
        {
            return Routing.SkillRoutingBenchmarks.RunPercentiles();
        }
        if (args is ["routing-skills-phases"])
        {
            return Routing.SkillRoutingPhases.Run();
        }
        if (args is ["email-backlog", .. var backlogArgs])
        {
            return await EmailBenchmarks.BacklogAsync(backlogArgs);
        }
        if (args is ["email-latency", .. var latencyArgs])
        {
            return await EmailBenchmarks.LatencyAsync(latencyArgs);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
