using Xunit.Abstractions;

namespace Crm.Routing.Tests.Simulation;

/// <summary>
/// The engine against queueing theory. With one skill, one slot per agent, Poisson arrivals and exponential handle
/// times, any work-conserving router that serves in arrival order is an M/M/N queue, so its waits must match Erlang C.
/// </summary>
public sealed class ErlangCTests(ITestOutputHelper output)
{
    private const int Conversations = 600_000;
    private const int WarmUp = 5_000;
    private const int Batches = 20;

    [Theory]
    [InlineData(10, 8.0, 20.0)]
    [InlineData(25, 22.0, 20.0)]
    public void WaitsMatchErlangC(int agents, double offeredErlangs, double slSeconds)
    {
        const double meanHandle = 180;
        var simulation = new QueueSimulation(agents, offeredErlangs / meanHandle, meanHandle);
        var outcome = simulation.Run(Conversations, seed: 7 + agents, warmUp: WarmUp);

        var expectedWaitChance = ErlangC.ProbabilityOfWaiting(agents, offeredErlangs);
        var expectedAsa = ErlangC.AverageWait(agents, offeredErlangs, meanHandle);
        var expectedSl = ErlangC.ServiceLevel(agents, offeredErlangs, meanHandle, slSeconds);

        // Tolerance from the run itself: batch means over 20 consecutive batches give a standard error that accounts
        // for the correlation between neighbouring waits; 4 standard errors leave a false alarm about 1 in 16,000,
        // and the seed is fixed, so the test is deterministic anyway.
        var (waitChance, waitChanceSe) = BatchMean(outcome.WaitsSeconds, w => w > 1e-9 ? 1 : 0);
        var (asa, asaSe) = BatchMean(outcome.WaitsSeconds, w => w);
        var (sl, slSe) = BatchMean(outcome.WaitsSeconds, w => w <= slSeconds ? 1 : 0);
        output.WriteLine($"N={agents} A={offeredErlangs}: P(wait) {waitChance:F4}±{waitChanceSe:F4} vs {expectedWaitChance:F4}; " +
            $"ASA {asa:F2}s±{asaSe:F2} vs {expectedAsa:F2}s; SL({slSeconds}s) {sl:F4}±{slSe:F4} vs {expectedSl:F4}");

        Assert.InRange(waitChance, expectedWaitChance - (4 * waitChanceSe), expectedWaitChance + (4 * waitChanceSe));
        Assert.InRange(asa, expectedAsa - (4 * asaSe), expectedAsa + (4 * asaSe));
        Assert.InRange(sl, expectedSl - (4 * slSe), expectedSl + (4 * slSe));
        // And the estimates are tight enough to mean something: within 10 % of theory.
        Assert.InRange(asa / expectedAsa, 0.9, 1.1);
    }

    [Fact]
    public void LongestIdleSpreadsWorkMoreEvenlyThanRoundRobin()
    {
        const int agents = 12;
        const double meanHandle = 240;
        var load = agents * 0.6 / meanHandle;
        var idle = new QueueSimulation(agents, load, meanHandle).Run(40_000, seed: 11, warmUp: 2_000);
        var roundRobin = new QueueSimulation(agents, load, meanHandle, new RoutingOptions { Selection = AgentSelection.RoundRobin })
            .Run(40_000, seed: 11, warmUp: 2_000);

        var idleSpread = CoefficientOfVariation(idle.BusySecondsPerAgent);
        var roundRobinSpread = CoefficientOfVariation(roundRobin.BusySecondsPerAgent);
        output.WriteLine($"busy-time spread (CV across agents): longest idle {idleSpread:F4}, round robin {roundRobinSpread:F4}");
        var idleGapSpread = CoefficientOfVariation(idle.IdleGapsSeconds.Where(g => g > 0).ToArray());
        var roundRobinGapSpread = CoefficientOfVariation(roundRobin.IdleGapsSeconds.Where(g => g > 0).ToArray());
        output.WriteLine($"idle-gap spread (CV of time free before the next contact): longest idle {idleGapSpread:F4}, round robin {roundRobinGapSpread:F4}");
        output.WriteLine($"longest gap: longest idle {idle.IdleGapsSeconds.Max():F0}s, round robin {roundRobin.IdleGapsSeconds.Max():F0}s");
        output.WriteLine($"handled: longest idle [{string.Join(", ", idle.HandledPerAgent)}]; round robin [{string.Join(", ", roundRobin.HandledPerAgent)}]");
        // Longest idle serves free agents in the order they became free: the time an agent sits free before the next
        // contact is more even, the longest such wait shorter, and busy time over the run more equal.
        Assert.True(idleSpread < roundRobinSpread, $"busy-time CV: longest idle {idleSpread:F4} vs round robin {roundRobinSpread:F4}");
        Assert.True(idleGapSpread < roundRobinGapSpread, $"idle-gap CV: longest idle {idleGapSpread:F4} vs round robin {roundRobinGapSpread:F4}");
        Assert.True(idle.IdleGapsSeconds.Max() < roundRobin.IdleGapsSeconds.Max(), "the longest time an agent sat free is shorter under longest idle");
    }

    private static (double Mean, double StandardError) BatchMean(double[] samples, Func<double, double> value)
    {
        var size = samples.Length / Batches;
        var means = Enumerable.Range(0, Batches).Select(b => samples.Skip(b * size).Take(size).Average(value)).ToArray();
        var mean = means.Average();
        var variance = means.Sum(m => (m - mean) * (m - mean)) / (Batches - 1);
        return (mean, Math.Sqrt(variance / Batches));
    }

    private static double CoefficientOfVariation(double[] values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length) / mean;
    }
}
