using BenchmarkDotNet.Attributes;
using Crm.Benchmarks.Reporting;
using Crm.Routing;

namespace Crm.Benchmarks.Routing;

/// <summary>
/// Single routing decisions on a floor of 10,000 agents and 10,000 waiting conversations; the budget is
/// p99 ≤ 10 µs per decision (DESIGN.md §12). Each invocation is the measured event followed by the event
/// that puts the floor back as it was, so sizes stay steady over millions of invocations; the time shown
/// is for both, an upper bound for the measured decision alone.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
[MemoryDiagnoser]
[Config(typeof(PercentilesConfig))]
public class RoutingDecisionBenchmarks
{
    private RoutingFloor _floor = null!;
    private RoutingEngine _engine = null!;
    private ConversationWaiting _arrival = null!;
    private ConversationClosed _arrivalClosed = null!;
    private int _nextAgent;
    private Guid _offeredTo;

    [GlobalSetup(Target = nameof(ArrivalIsQueuedWhenAllAgentsAreFull))]
    public void SetUpQueuedArrival()
    {
        Use(RoutingFloor.AllAgentsFull());
        _arrival = _floor.NextArrival(teamId: null) with { Priority = 1 };
        _arrivalClosed = new ConversationClosed(_arrival.ConversationId);
        Expect(QueueArrival, DecisionKind.Queued, DecisionKind.Released);
    }

    /// <summary>Arrival → Queued (nobody has room), then it is withdrawn from the queue.</summary>
    [Benchmark]
    public int ArrivalIsQueuedWhenAllAgentsAreFull() => Count(QueueArrival());

    [GlobalSetup(Target = nameof(ClosedConversationPullsHeadOfQueue))]
    public void SetUpSlotFreed()
    {
        Use(RoutingFloor.AllAgentsFull());
        Expect(FreeSlot, DecisionKind.Released, DecisionKind.Offered, DecisionKind.Queued);
    }

    /// <summary>
    /// A full agent closes a conversation → Released, and the head of the 10,000-long queue is offered to them;
    /// then a new conversation arrives at the back of the queue. Agents take turns, so memory is touched as in life.
    /// </summary>
    [Benchmark]
    public int ClosedConversationPullsHeadOfQueue() => Count(FreeSlot());

    [GlobalSetup(Target = nameof(ArrivalIsOfferedToLeastLoadedAgent))]
    public void SetUpOfferedArrival()
    {
        Use(RoutingFloor.OneTeamBacklogged());
        _arrival = _floor.NextArrival(teamId: null);
        _arrivalClosed = new ConversationClosed(_arrival.ConversationId);
        Expect(OfferArrival, DecisionKind.Offered, DecisionKind.Released);
    }

    /// <summary>Arrival → Offered to the least loaded, longest idle of 7,500 agents with room; then it is closed.</summary>
    [Benchmark]
    public int ArrivalIsOfferedToLeastLoadedAgent() => Count(OfferArrival());

    [GlobalSetup(Target = nameof(DeclinedOfferGoesToNextAgent))]
    public void SetUpDecline()
    {
        Use(RoutingFloor.OneTeamBacklogged());
        _arrival = _floor.NextArrival(teamId: null);
        _offeredTo = _engine.Apply(_arrival)[0].AgentId!.Value;
        Expect(DeclineOffer, DecisionKind.OfferDeclined, DecisionKind.Offered, DecisionKind.Released, DecisionKind.Offered);
    }

    /// <summary>
    /// Decline → OfferDeclined and Offered to the next agent; then the conversation waits again (a transfer),
    /// which releases it and offers it afresh, so its list of decliners never grows.
    /// </summary>
    [Benchmark]
    public int DeclinedOfferGoesToNextAgent() => Count(DeclineOffer());

    private static int Count((IReadOnlyList<RoutingDecision> Measured, IReadOnlyList<RoutingDecision> Restoring) run) =>
        run.Measured.Count + run.Restoring.Count;

    private (IReadOnlyList<RoutingDecision>, IReadOnlyList<RoutingDecision>) QueueArrival() =>
        (_engine.Apply(_arrival), _engine.Apply(_arrivalClosed));

    private (IReadOnlyList<RoutingDecision>, IReadOnlyList<RoutingDecision>) FreeSlot()
    {
        var agent = _nextAgent++ % RoutingFloor.AgentCount;
        var closed = _floor.HeldByAgent[agent];
        var freed = _engine.Apply(new ConversationClosed(closed));
        _floor.HeldByAgent[agent] = freed[^1].ConversationId;
        return (freed, _engine.Apply(_floor.NextArrival(teamId: null, closed)));
    }

    private (IReadOnlyList<RoutingDecision>, IReadOnlyList<RoutingDecision>) OfferArrival() =>
        (_engine.Apply(_arrival), _engine.Apply(_arrivalClosed));

    private (IReadOnlyList<RoutingDecision>, IReadOnlyList<RoutingDecision>) DeclineOffer()
    {
        var declined = _engine.Apply(new OfferDeclined(_arrival.ConversationId, _offeredTo));
        var rerouted = _engine.Apply(_arrival);
        _offeredTo = rerouted[^1].AgentId!.Value;
        return (declined, rerouted);
    }

    private void Use(RoutingFloor floor)
    {
        _floor = floor;
        _engine = floor.Engine;
    }

    /// <summary>Runs the benchmark once and checks it decides what its name says, so a wrong setup fails loudly.</summary>
    private void Expect(
        Func<(IReadOnlyList<RoutingDecision> Measured, IReadOnlyList<RoutingDecision> Restoring)> run,
        params DecisionKind[] kinds)
    {
        var waiting = _engine.WaitingCount;
        var (measured, restoring) = run();
        var actual = measured.Concat(restoring).Select(d => d.Kind).ToArray();
        if (!actual.SequenceEqual(kinds) || _engine.WaitingCount != waiting)
        {
            throw new InvalidOperationException(
                $"expected {string.Join(", ", kinds)} with {waiting} waiting; got {string.Join(", ", actual)} with {_engine.WaitingCount} waiting");
        }
    }
}
