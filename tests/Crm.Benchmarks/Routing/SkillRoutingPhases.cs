using System.Diagnostics;
using System.Reflection;
using Crm.Routing;
using Crm.Routing.Agents;

namespace Crm.Benchmarks.Routing;

/// <summary>
/// <c>-- routing-skills-phases</c>: a diagnostic, not a benchmark of the product. On the skilled-arrival floor it times the steps
/// of an arrival one by one, each over the same agents the arrival would touch: the whole decision, the free-agent index
/// update around the load change (the agent leaves every pool it is in and comes back), the scan of the skill's pool for the
/// chosen agent and the runner-up, and wording the reason. Percentiles per step show which one makes the tail.
/// </summary>
internal static class SkillRoutingPhases
{
    private const int Events = 300_000;

    public static int Run()
    {
        var floor = SkillFloor.SkilledAgentsFree();
        var engine = floor.Engine;
        var index = (FreeAgentIndex)Field(engine, "_freeAgents");
        var agents = (Dictionary<Guid, TrackedAgent>)Field(engine, "_agents");
        var skills = (Dictionary<string, SkillKey>)Field(engine, "_skills");
        var whole = new double[Events];
        var reindex = new double[Events];
        var scan = new double[Events];
        var words = new double[Events];
        var clock = new Stopwatch();
        var scanned = 0L;
        for (var i = -Events / 3; i < Events; i++)
        {
            var arrival = floor.NextArrival();
            clock.Restart();
            var decisions = engine.Apply(arrival);
            clock.Stop();
            var total = clock.Elapsed.TotalMicroseconds;

            var offer = decisions[^1];
            clock.Restart();
            _ = offer.Reason;
            clock.Stop();
            var reason = clock.Elapsed.TotalMicroseconds;

            var agent = agents[offer.AgentId!.Value];
            clock.Restart();
            index.Remove(agent);
            index.Add(agent);
            clock.Stop();
            var update = clock.Elapsed.TotalMicroseconds;

            var pool = new AgentPool(SkillFloor.Channel, null, skills[arrival.Skill!], arrival.MinProficiency);
            clock.Restart();
            var qualified = 0;
            foreach (var entry in index.InRankOrder(pool)!)
            {
                scanned++;
                if (entry.Proficiency >= pool.Level && ++qualified == 2)
                {
                    break;
                }
            }
            clock.Stop();
            var walk = clock.Elapsed.TotalMicroseconds;

            engine.Apply(new ConversationClosed(arrival.ConversationId));
            if (i >= 0)
            {
                (whole[i], words[i], reindex[i], scan[i]) = (total, reason, update, walk);
            }
        }

        Console.WriteLine($"Skilled arrival, step by step ({Events:N0} arrivals; {scanned / (double)(Events + (Events / 3)):F1} pool entries scanned per pick)");
        Console.WriteLine("| Step | p50 | p90 | p99 | p99.9 |");
        Console.WriteLine("|---|---|---|---|---|");
        Report("Whole arrival (Apply)", whole);
        Report("Index leave + return of the chosen agent (every pool it is in)", reindex);
        Report("Scan of the skill's pool to the runner-up", scan);
        Report("Reason worded (first read of Reason)", words);
        floor = null;
        engine = null;
        GC.Collect();
        FreedSlot();
        return 0;
    }

    /// <summary>
    /// The freed slot: the whole close, then — for the next agent in turn, full again — the search of the heads of every lane
    /// it looks at (open, team, reserved, and every level it reaches of each of its skills) and the look-up of that head.
    /// </summary>
    private static void FreedSlot()
    {
        var floor = SkillFloor.AllAgentsFull(autoAccept: true);
        var engine = floor.Engine;
        var agents = (Dictionary<Guid, TrackedAgent>)Field(engine, "_agents");
        var conversations = (System.Collections.IDictionary)Field(engine, "_conversations");
        var bestHead = typeof(RoutingEngine).GetMethod("BestHead", BindingFlags.NonPublic | BindingFlags.Instance)!;
        var heads = bestHead.CreateDelegate<Func<TrackedAgent, string, Crm.Routing.Waiting.QueuePosition?>>(engine);
        var whole = new double[Events];
        var search = new double[Events];
        var lookUp = new double[Events];
        var clock = new Stopwatch();
        var next = 0;
        for (var i = -Events / 3; i < Events; i++)
        {
            var turn = next++ % SkillFloor.AgentCount;
            var closed = floor.HeldByAgent[turn];
            clock.Restart();
            var freed = engine.Apply(new ConversationClosed(closed));
            clock.Stop();
            var total = clock.Elapsed.TotalMicroseconds;
            if (freed[^1].Kind == DecisionKind.Assigned)
            {
                floor.HeldByAgent[turn] = freed[^1].ConversationId;
            }

            engine.Apply(floor.NextArrival(closed));
            var other = agents[floor.AgentIds[(turn + 1) % SkillFloor.AgentCount]];
            clock.Restart();
            var head = heads(other, SkillFloor.Channel);
            clock.Stop();
            var searched = clock.Elapsed.TotalMicroseconds;
            clock.Restart();
            _ = conversations[head!.Value.ConversationId];
            clock.Stop();
            if (i >= 0)
            {
                (whole[i], search[i], lookUp[i]) = (total, searched, clock.Elapsed.TotalMicroseconds);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Freed slot, step by step ({Events:N0} closes)");
        Console.WriteLine("| Step | p50 | p90 | p99 | p99.9 |");
        Console.WriteLine("|---|---|---|---|---|");
        Report("Whole close → Released + Assigned (Apply)", whole);
        Report("Earliest head of all the agent's lanes (open, team, reserved, skill levels)", search);
        Report("Look-up of that head's conversation", lookUp);
    }

    private static object Field(RoutingEngine engine, string name) =>
        typeof(RoutingEngine).GetField(name, BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(engine)!;

    private static void Report(string label, double[] samples)
    {
        var sorted = samples.Order().ToArray();
        double P(double q) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"| {label} | {P(0.5):F2} µs | {P(0.9):F2} µs | {P(0.99):F2} µs | {P(0.999):F2} µs |");
    }
}
