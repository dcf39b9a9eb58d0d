using CsCheck;

namespace Crm.Routing.Tests;

/// <summary>
/// Property-based (CsCheck): random event sequences, every decision replayed into the independent <see cref="RoutingModel"/>,
/// which asserts after each event that capacity is never exceeded, no conversation is offered to two agents at once, no offer
/// goes to an agent who declined it (or let it expire), and no eligible agent sits free while a conversation waits — so every
/// waiting conversation is offered as soon as an eligible agent is free. A failing sequence is shrunk to a short one.
/// </summary>
public sealed class RoutingPropertyTests
{
    /// <summary>One step: how far the clock moves first (0 most of the time), and the seed that picks the event.</summary>
    private readonly record struct Step(int AdvanceSeconds, int Seed);

    private static readonly Gen<Step> StepGen = Gen.Select(Gen.Int[0, 15].Select(s => s < 11 ? 0 : s), Gen.Int, (advance, seed) => new Step(advance, seed));

    private static readonly Gen<Step[]> Sequences = StepGen.Array[1, 400];

    [Fact]
    public void RandomEventSequencesKeepEveryRoutingPromise() =>
        Sequences.Sample(Run, iter: 300, threads: 1, print: steps => $"{steps.Length} steps: " + string.Join(" ", steps.Select(s => $"{s.AdvanceSeconds}/{s.Seed}")));

    [Fact]
    public void RoundRobinKeepsTheSamePromises() =>
        Sequences.Sample(steps => Run(steps, AgentSelection.RoundRobin), iter: 100, threads: 1);

    private static void Run(Step[] steps) => Run(steps, AgentSelection.LeastLoadedLongestIdle);

    private static void Run(Step[] steps, AgentSelection selection)
    {
        var h = new RoutingHarness(new RoutingOptions
        {
            OfferTimeout = TimeSpan.FromSeconds(20),
            StickyWait = TimeSpan.FromSeconds(45),
            AgingStep = TimeSpan.FromSeconds(90),
            AwayAfterIdle = TimeSpan.FromMinutes(2),
            Selection = selection,
        });
        var model = new RoutingModel(h);
        for (var i = 0; i < steps.Length; i++)
        {
            if (steps[i].AdvanceSeconds > 0)
            {
                h.Time.Advance(TimeSpan.FromSeconds(steps[i].AdvanceSeconds));
            }
            var routingEvent = h.Engine.NextDeadline <= h.Now
                ? new Tick()
                : RoutingEngineInvariantTests.NextEvent(new Random(steps[i].Seed), h, model);
            var heldBefore = model.HeldCounts();
            model.Before(routingEvent);
            var decisions = h.Apply(routingEvent);
            model.Replay(routingEvent, decisions, i);
            model.AssertAgreesWithEngine(i);
            model.AssertCapacityRespected(heldBefore, i);
            model.AssertNoEligibleAgentIdlesWhileConversationWaits(i);
        }
    }
}
