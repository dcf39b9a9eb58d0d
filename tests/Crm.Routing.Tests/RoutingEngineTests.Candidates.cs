namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    [Fact]
    public void AnOfferListsWhoWasExcludedTheChosenAgentAndTheRunnerUpWithTheirScores()
    {
        var h = new RoutingHarness();
        var free = h.Agent(1);
        var busy = h.Agent(2);
        var alsoBusy = h.Agent(3);
        h.Restore(90, busy);
        h.Restore(91, alsoBusy);
        h.Wait(1).Single(DecisionKind.Offered, free);

        // The least loaded agent declined it: they still rank first, so the record shows them excluded before the pick.
        var offer = h.Decline(1, free)[^1].Is(DecisionKind.Offered, busy);

        Assert.Equal(
            [(free, CandidateVerdict.Declined, 0), (busy, CandidateVerdict.Chosen, 1), (alsoBusy, CandidateVerdict.RunnerUp, 1)],
            offer.Candidates!.Select(c => (c.AgentId, c.Verdict, c.Load)));
        Assert.All(offer.Candidates!, c => Assert.Null(c.Proficiency));
    }

    [Fact]
    public void TheRunnerUpIsTheAgentTheTieBreakPassedOver()
    {
        var h = new RoutingHarness();
        var longest = h.Agent(1);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var later = h.Agent(2);

        var offer = h.Wait(1).Single(DecisionKind.Offered, longest);

        Assert.Equal(2, offer.Candidates!.Count);
        var (chosen, runnerUp) = (offer.Candidates[0], offer.Candidates[1]);
        Assert.Equal((longest, CandidateVerdict.Chosen, 0, RoutingHarness.Start), (chosen.AgentId, chosen.Verdict, chosen.Load, chosen.IdleSince));
        Assert.Equal((later, CandidateVerdict.RunnerUp), (runnerUp.AgentId, runnerUp.Verdict));
        Assert.True(runnerUp.IdleSince > chosen.IdleSince);
        Assert.Contains("tie on load broken by longest idle", offer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ASkilledPickShowsEachCandidatesLevelAndWhoWasBelowIt()
    {
        var h = new RoutingHarness();
        var junior = SkilledAgent(h, 1, skills: ("billing", 2));
        var expert = SkilledAgent(h, 2, skills: ("billing", 5));

        var offer = NeedsSkill(h, 1, "billing", 3).Single(DecisionKind.Offered, expert);

        Assert.Equal([(junior, CandidateVerdict.BelowLevel, (int?)2), (expert, CandidateVerdict.Chosen, 5)],
            offer.Candidates!.Select(c => (c.AgentId, c.Verdict, c.Proficiency)));
    }
}
