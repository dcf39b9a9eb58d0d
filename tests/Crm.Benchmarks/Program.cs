using BenchmarkDotNet.Running;
using Crm.Benchmarks.EndToEnd;

namespace Crm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Crm.Benchmarks -- --filter '*Routing*'</c> runs the BenchmarkDotNet suites;
/// <c>... -- e2e [--rate 200] [--messages 10000] [--visitors 50]</c> runs the open-loop end-to-end latency driver;
/// <c>... -- sms-webhook [--rate 500] [--messages 10000] [--senders 500]</c> drives signed Twilio webhooks the same way.
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
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
