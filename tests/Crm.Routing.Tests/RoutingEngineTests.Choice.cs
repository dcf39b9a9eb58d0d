using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    [Fact]
    public void NewConversationIsOfferedToLeastLoadedAgent()
    {
        var h = new RoutingHarness();
        var busy = h.Agent(1, webchat: 3, sms: 3);
        var lighter = h.Agent(2);
        var idle = h.Agent(3);
        h.Restore(101, busy, Sms);
        h.Restore(102, busy);
        h.Restore(103, lighter);

        var offer = h.Wait(1).Single(DecisionKind.Offered, idle);

        Assert.Contains("least loaded (0 active) of 3", offer.Reason, StringComparison.Ordinal);
        Assert.Equal(h.Now + h.Options.OfferTimeout, offer.OfferExpiresAt);
    }

    [Fact]
    public void LoadCountsConversationsOnAllChannels()
    {
        var h = new RoutingHarness();
        var withSms = h.Agent(1, webchat: 3, sms: 3);
        var other = h.Agent(2);
        h.Restore(101, withSms, Sms);

        h.Wait(1).Single(DecisionKind.Offered, other);
    }

    [Fact]
    public void TieOnLoadGoesToLongestIdleAgent()
    {
        var h = new RoutingHarness();
        var longestOnline = h.Agent(2);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var newcomer = h.Agent(1);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var first = h.Wait(1).Single(DecisionKind.Offered, longestOnline);
        Assert.Contains("tie on load broken by longest idle, since 10:00:00Z", first.Reason, StringComparison.Ordinal);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Wait(2).Single(DecisionKind.Offered, newcomer);

        // Both are empty again; idle counts from when each finished, so the one who finished first goes first —
        // not the one whose last offer is older (a long conversation is not idle time).
        h.Close(2);
        h.Time.Advance(TimeSpan.FromSeconds(3));
        h.Close(1);
        h.Wait(3).Single(DecisionKind.Offered, newcomer);
    }

    [Fact]
    public void RoundRobinTakesFreeAgentsInTurnWhateverTheirLoad()
    {
        var h = new RoutingHarness(new RoutingOptions { Selection = AgentSelection.RoundRobin });
        var a = h.Agent(1, autoAccept: true);
        var b = h.Agent(2, autoAccept: true);
        var c = h.Agent(3, autoAccept: true);

        h.Wait(1).Single(DecisionKind.Assigned, a);
        h.Wait(2).Single(DecisionKind.Assigned, b);
        var third = h.Wait(3).Single(DecisionKind.Assigned, c);
        Assert.StartsWith("round robin: next in turn", third.Reason, StringComparison.Ordinal);
        h.Close(2);
        // Least-loaded would pick b (now empty); round robin wraps around to a.
        h.Wait(4).Single(DecisionKind.Assigned, a);
        h.Wait(5).Single(DecisionKind.Assigned, b);
    }

    [Fact]
    public void EqualLoadAndIdleTimeFallBackToLowestAgentId()
    {
        var h = new RoutingHarness();
        h.Agent(7);
        var lowest = h.Agent(3);
        h.Agent(5);

        h.Wait(1).Single(DecisionKind.Offered, lowest);
    }

    [Fact]
    public void OnlyTeamMembersAreEligibleForTeamConversation()
    {
        var h = new RoutingHarness();
        var billing = TeamId(1);
        h.Agent(1);
        var member = h.Agent(2, webchat: 1, teams: billing);

        h.Wait(1, team: billing).Single(DecisionKind.Offered, member);
        var queued = h.Wait(2, team: billing).Single(DecisionKind.Queued);

        Assert.Contains($"in team {billing}", queued.Reason, StringComparison.Ordinal);
        Assert.Contains("all at capacity", queued.Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.ActiveOf(AgentId(1)));
    }

    [Fact]
    public void TargetAgentIdOnlyGoesToThatAgent()
    {
        var h = new RoutingHarness();
        h.Agent(1);
        var target = h.Agent(2, webchat: 1);
        h.Restore(100, target);

        var queued = h.Wait(1, target: target).Single(DecisionKind.Queued);
        Assert.Contains($"explicit transfer to agent {target}, who is at webchat capacity 1/1", queued.Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.ActiveOf(AgentId(1)));

        var decisions = h.Close(100);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Offered);
        decisions[1].Is(DecisionKind.Offered, target);
        Assert.Contains("explicit transfer to this agent", decisions[1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AvailableTargetAgentGetsConversationEvenWhenMoreLoaded()
    {
        var h = new RoutingHarness();
        h.Agent(1);
        var target = h.Agent(2);
        h.Restore(100, target);

        h.Wait(1, target: target).Single(DecisionKind.Offered, target);
    }

    [Fact]
    public void ResponsibleAgentWithCapacityGetsConversationEvenWhenMoreLoaded()
    {
        var h = new RoutingHarness();
        h.Agent(1);
        var owner = h.Agent(2);
        h.Restore(100, owner);

        var offer = h.Wait(1, responsible: owner).Single(DecisionKind.Offered, owner);

        Assert.Equal("responsible agent online with webchat capacity 1/3 in use", offer.Reason);
    }

    [Fact]
    public void BusyResponsibleAgentIsWaitedForThenConversationOverflowsAfterStickyWait()
    {
        var h = new RoutingHarness();
        var owner = h.Agent(1, webchat: 1);
        var other = h.Agent(2);
        h.Restore(100, owner);

        var queued = h.Wait(1, responsible: owner).Single(DecisionKind.Queued);

        Assert.Contains("responsible agent online but at webchat capacity 1/1", queued.Reason, StringComparison.Ordinal);
        Assert.Equal(h.Now + h.Options.StickyWait, h.Engine.NextDeadline);
        Assert.Empty(h.AdvanceAndTick(h.Options.StickyWait - TimeSpan.FromSeconds(1)));
        Assert.Equal(0, h.ActiveOf(other));

        var overflow = h.AdvanceAndTick(TimeSpan.FromSeconds(1)).Single(DecisionKind.Offered, other);

        Assert.StartsWith("waited for the busy responsible agent until 10:01:00Z", overflow.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void BusyResponsibleAgentFreeingSlotWithinStickyWaitGetsConversation()
    {
        var h = new RoutingHarness();
        var owner = h.Agent(1, webchat: 1);
        h.Agent(2);
        h.Restore(100, owner);
        h.Wait(1, responsible: owner).Single(DecisionKind.Queued);
        h.Time.Advance(TimeSpan.FromSeconds(20));

        var decisions = h.Close(100);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Offered);
        Assert.Equal(owner, decisions[1].AgentId);
        Assert.Contains("was waiting for this responsible agent", decisions[1].Reason, StringComparison.Ordinal);
        Assert.Equal(decisions[1].OfferExpiresAt, h.Engine.NextDeadline);
    }

    [Fact]
    public void ConversationOlderThanStickyWaitDoesNotWaitForBusyResponsibleAgent()
    {
        var h = new RoutingHarness();
        var owner = h.Agent(1, webchat: 1);
        var other = h.Agent(2);
        h.Restore(100, owner);

        h.Wait(1, responsible: owner, since: h.Now - h.Options.StickyWait).Single(DecisionKind.Offered, other);
    }

    [Theory]
    [InlineData(AgentPresence.Offline, "responsible agent is offline")]
    [InlineData(AgentPresence.Away, "responsible agent is away")]
    public void UnavailableResponsibleAgentMeansImmediateRouting(AgentPresence presence, string reason)
    {
        var h = new RoutingHarness();
        var owner = h.Agent(1, presence: presence);
        var other = h.Agent(2);

        var offer = h.Wait(1, responsible: owner).Single(DecisionKind.Offered, other);

        Assert.StartsWith(reason, offer.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ResponsibleAgentGoingAwayDuringWaitReleasesConversationToOthers()
    {
        var h = new RoutingHarness();
        var owner = h.Agent(1, webchat: 1);
        var other = h.Agent(2);
        h.Restore(100, owner);
        h.Wait(1, responsible: owner).Single(DecisionKind.Queued);

        var offer = h.Presence(owner, AgentPresence.Away).Single(DecisionKind.Offered, other);

        Assert.StartsWith("responsible agent went away", offer.Reason, StringComparison.Ordinal);
        Assert.Equal(offer.OfferExpiresAt, h.Engine.NextDeadline);
    }

    [Fact]
    public void OtherAgentsFreeingSlotsSkipConversationWaitingForResponsibleAgent()
    {
        var h = new RoutingHarness();
        var owner = h.Agent(1, webchat: 1);
        var other = h.Agent(2, webchat: 1);
        h.Restore(100, owner);
        h.Restore(200, other);
        h.Wait(1, responsible: owner).Single(DecisionKind.Queued);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        h.Wait(2).Single(DecisionKind.Queued);

        var decisions = h.Close(200);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Offered);
        Assert.Equal(ConversationId(2), decisions[1].ConversationId);
        Assert.Equal(other, decisions[1].AgentId);
    }
}
