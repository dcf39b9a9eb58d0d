namespace Crm.Routing.Tests.Simulation;

/// <summary>
/// A discrete-event M/M/N simulation driving the real engine: Poisson arrivals, exponential handle times, N
/// auto-accepting agents with one chat slot each. Time is the harness's fake clock, so a simulated day runs in a
/// fraction of a second and the same seed always gives the same run.
/// </summary>
internal sealed class QueueSimulation(int agents, double arrivalsPerSecond, double meanHandleSeconds, RoutingOptions? options = null)
{
    /// <summary>Per conversation after warm-up: its wait and the idle gap of the agent who took it; per agent: busy time and count.</summary>
    public sealed record Outcome(double[] WaitsSeconds, double[] BusySecondsPerAgent, int[] HandledPerAgent, double[] IdleGapsSeconds, double SimulatedSeconds);

    public Outcome Run(int conversations, int seed, int warmUp)
    {
        var random = new Random(seed);
        var harness = new RoutingHarness(options);
        for (var a = 1; a <= agents; a++)
        {
            harness.Agent(a, webchat: 1, autoAccept: true);
        }

        var arrivedAt = new double[conversations + 1];
        var waits = new List<double>(conversations);
        var busy = new double[agents + 1];
        var handled = new int[agents + 1];
        var freeSince = new double[agents + 1];
        var holder = new int[conversations + 1];
        var gaps = new List<double>(conversations);
        var events = new PriorityQueue<(bool Arrival, int Conversation), double>();
        var clock = 0.0;
        for (var c = 1; c <= conversations; c++)
        {
            clock += Exponential(random, 1 / arrivalsPerSecond);
            arrivedAt[c] = clock;
            events.Enqueue((true, c), clock);
        }

        var now = 0.0;
        while (events.TryDequeue(out var next, out var at))
        {
            harness.Time.SetUtcNow(RoutingHarness.Start + TimeSpan.FromSeconds(at));
            now = at;
            var decisions = next.Arrival
                ? harness.Wait(next.Conversation, since: harness.Now)
                : harness.Apply(new ConversationClosed(RoutingHarness.ConversationId(next.Conversation)));
            if (!next.Arrival)
            {
                freeSince[holder[next.Conversation]] = now;
            }
            foreach (var decision in decisions.Where(d => d.Kind == DecisionKind.Assigned))
            {
                var conversation = Number(decision.ConversationId);
                var agent = Number(decision.AgentId!.Value);
                var handle = Exponential(random, meanHandleSeconds);
                holder[conversation] = agent;
                if (conversation > warmUp)
                {
                    gaps.Add(now - freeSince[agent]);
                    waits.Add(now - arrivedAt[conversation]);
                    busy[agent] += handle;
                    handled[agent]++;
                }
                events.Enqueue((false, conversation), now + handle);
            }
        }
        return new Outcome([.. waits], busy[1..], handled[1..], [.. gaps], now - arrivedAt[warmUp]);
    }

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    private static int Number(Guid id) => int.Parse(id.ToString("N")[^11..], System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>Erlang C for M/M/N: the chance a contact waits, its average wait, and the service level.</summary>
internal static class ErlangC
{
    public static double ProbabilityOfWaiting(int agents, double offeredErlangs)
    {
        // Computed as a ratio of terms so factorials never overflow: sum_{k<N} A^k/k! against A^N/N! * N/(N-A).
        double term = 1, sum = 0;
        for (var k = 0; k < agents; k++)
        {
            sum += term;
            term *= offeredErlangs / (k + 1);
        }
        var top = term * agents / (agents - offeredErlangs);
        return top / (sum + top);
    }

    public static double AverageWait(int agents, double offeredErlangs, double meanHandleSeconds) =>
        ProbabilityOfWaiting(agents, offeredErlangs) * meanHandleSeconds / (agents - offeredErlangs);

    public static double ServiceLevel(int agents, double offeredErlangs, double meanHandleSeconds, double withinSeconds) =>
        1 - (ProbabilityOfWaiting(agents, offeredErlangs) * Math.Exp(-(agents - offeredErlangs) * withinSeconds / meanHandleSeconds));
}
