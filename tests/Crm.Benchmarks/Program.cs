using BenchmarkDotNet.Running;
using Crm.Benchmarks.EndToEnd;

namespace Crm.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/Crm.Benchmarks -- --filter '*Routing*'</c> runs the BenchmarkDotNet suites;
/// <c>... -- e2e [--rate 200] [--messages 10000] [--visitors 50]</c> runs the open-loop end-to-end latency driver.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is ["e2e", .. var rest])
        {
            return await EndToEndLatency.RunAsync(rest);
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
