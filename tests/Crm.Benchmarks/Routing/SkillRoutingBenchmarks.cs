using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Crm.Benchmarks.Reporting;
using Crm.Routing;

namespace Crm.Benchmarks.Routing;

/// <summary>
/// Skill-based decisions at issue 5's size (<see cref="SkillFloor"/>): 10,000 agents with 5 of 50 skills, 10,000 waiting.
/// As in <see cref="RoutingDecisionBenchmarks"/>, each invocation is the measured event plus the one restoring the floor.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[Config(typeof(PercentilesConfig))]
public class SkillRoutingBenchmarks
{
    private SkillFloor _floor = null!;
    private RoutingEngine _engine = null!;
    private ConversationWaiting _arrival = null!;
    private ConversationClosed _arrivalClosed = null!;
    private int _nextAgent;

    [GlobalSetup(Target = nameof(SkilledArrivalIsOfferedToTheLeastLoadedQualifiedAgent))]
    public void SetUpArrival()
    {
        _floor = SkillFloor.SkilledAgentsFree();
        _engine = _floor.Engine;
        _arrival = _floor.NextArrival();
        _arrivalClosed = new ConversationClosed(_arrival.ConversationId);
        var kinds = _engine.Apply(_arrival).Concat(_engine.Apply(_arrivalClosed)).Select(d => d.Kind).ToArray();
        if (!kinds.SequenceEqual([DecisionKind.Offered, DecisionKind.Released]))
        {
            throw new InvalidOperationException($"set-up decided {string.Join(", ", kinds)}");
        }
    }

    /// <summary>A conversation needing a skill at a level → offered to the least loaded of the qualified free agents; then closed.</summary>
    [Benchmark]
    public int SkilledArrivalIsOfferedToTheLeastLoadedQualifiedAgent() => _engine.Apply(_arrival).Count + _engine.Apply(_arrivalClosed).Count;

    [GlobalSetup(Target = nameof(FreedSlotIsAssignedTheBestWaitingConversationAcrossSkillLanes))]
    public void SetUpFreedSlot()
    {
        _floor = SkillFloor.AllAgentsFull(autoAccept: true);
        _engine = _floor.Engine;
    }

    /// <summary>
    /// A full agent closes a conversation → the best-placed waiting conversation among every skill lane the agent
    /// qualifies for is assigned to them (auto-accept, so each invocation is one assignment); a new arrival refills the queue.
    /// </summary>
    [Benchmark]
    public int FreedSlotIsAssignedTheBestWaitingConversationAcrossSkillLanes() => FreeSlot(_floor, ref _nextAgent);

    internal static int FreeSlot(SkillFloor floor, ref int nextAgent)
    {
        var agent = nextAgent++ % SkillFloor.AgentCount;
        var closed = floor.HeldByAgent[agent];
        var freed = floor.Engine.Apply(new ConversationClosed(closed));
        if (freed[^1].Kind == DecisionKind.Assigned)
        {
            floor.HeldByAgent[agent] = freed[^1].ConversationId;
        }
        return freed.Count + floor.Engine.Apply(floor.NextArrival(closed)).Count;
    }

    /// <summary>
    /// <c>-- routing-skills</c>: each decision timed alone with <see cref="Stopwatch"/> (1,000,000 after 300,000 warm-up) for
    /// true per-decision percentiles, and sustained assignments per second on one core.
    /// </summary>
    public static int RunPercentiles()
    {
        Console.WriteLine($"Skill routing: {SkillFloor.AgentCount} agents, {SkillFloor.SkillCount} skills, {SkillFloor.WaitingCount} waiting; {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        Console.WriteLine("| Decision | p50 | p90 | p99 | p99.9 | Allocated (event + the one restoring the floor) |");
        Console.WriteLine("|---|---|---|---|---|---|");

        var samples = new double[1_000_000];
        var clock = new Stopwatch();
        var allocated = 0L;

        // Baseline in the same run: the same decisions on the floor without skills (RoutingFloor).
        var plain = RoutingFloor.OneTeamBacklogged();
        for (var i = -300_000; i < samples.Length; i++)
        {
            var arrival = plain.NextArrival(teamId: null);
            var closing = new ConversationClosed(arrival.ConversationId);
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            plain.Engine.Apply(arrival);
            clock.Stop();
            plain.Engine.Apply(closing);
            if (i >= 0)
            {
                samples[i] = clock.Elapsed.TotalMicroseconds;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }
        Report("(baseline, no skills) Arrival → Offered (least loaded of 7,500 free)", samples, ref allocated);

        var plainFull = RoutingFloor.AllAgentsFull();
        var turn = 0;
        for (var i = -300_000; i < samples.Length; i++)
        {
            var agent = turn++ % RoutingFloor.AgentCount;
            var closed = plainFull.HeldByAgent[agent];
            var closing = new ConversationClosed(closed);
            var refill = plainFull.NextArrival(teamId: null, closed);
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            var freed = plainFull.Engine.Apply(closing);
            clock.Stop();
            plainFull.HeldByAgent[agent] = freed[^1].ConversationId;
            plainFull.Engine.Apply(refill);
            if (i >= 0)
            {
                samples[i] = clock.Elapsed.TotalMicroseconds;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }
        Report("(baseline, no skills) Close → Released + head of the queue Offered", samples, ref allocated);
        plain = null;
        plainFull = null;
        GC.Collect();

        var free = SkillFloor.SkilledAgentsFree();
        for (var i = -300_000; i < samples.Length; i++)
        {
            var arrival = free.NextArrival();
            var closing = new ConversationClosed(arrival.ConversationId);
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            free.Engine.Apply(arrival);
            clock.Stop();
            free.Engine.Apply(closing);
            if (i >= 0)
            {
                samples[i] = clock.Elapsed.TotalMicroseconds;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }
        Report("Skilled arrival → Offered (least loaded qualified of 7,500 free)", samples, ref allocated);

        var full = SkillFloor.AllAgentsFull(autoAccept: true);
        var next = 0;
        for (var i = -300_000; i < samples.Length; i++)
        {
            var agent = next++ % SkillFloor.AgentCount;
            var closed = full.HeldByAgent[agent];
            var closing = new ConversationClosed(closed);
            var refill = full.NextArrival(closed);
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            clock.Restart();
            var freed = full.Engine.Apply(closing);
            clock.Stop();
            if (freed[^1].Kind == DecisionKind.Assigned)
            {
                full.HeldByAgent[agent] = freed[^1].ConversationId;
            }
            full.Engine.Apply(refill);
            if (i >= 0)
            {
                samples[i] = clock.Elapsed.TotalMicroseconds;
                allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            }
        }
        Report("Close → Released + best of the agent's skill lanes Assigned", samples, ref allocated);

        // Sustained: close-and-refill cycles on one thread for five seconds, counting assignments.
        var assignments = 0L;
        var run = Stopwatch.StartNew();
        while (run.Elapsed < TimeSpan.FromSeconds(5))
        {
            var agent = next++ % SkillFloor.AgentCount;
            var closed = full.HeldByAgent[agent];
            var freed = full.Engine.Apply(new ConversationClosed(closed));
            if (freed[^1].Kind == DecisionKind.Assigned)
            {
                full.HeldByAgent[agent] = freed[^1].ConversationId;
                assignments++;
            }
            full.Engine.Apply(full.NextArrival(closed));
        }
        Console.WriteLine($"Sustained on one core: {assignments / run.Elapsed.TotalSeconds:N0} assignments/s (each with the close before it and the arrival after it)");
        return 0;
    }

    /// <summary>Prints the row and starts the allocation count again for the next.</summary>
    private static void Report(string label, double[] samples, ref long allocated)
    {
        var sorted = samples.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"| {label} | {P(0.5):F2} µs | {P(0.9):F2} µs | {P(0.99):F2} µs | {P(0.999):F2} µs | {allocated / (double)samples.Length / 1024:F2} KB |");
        allocated = 0;
    }
}
