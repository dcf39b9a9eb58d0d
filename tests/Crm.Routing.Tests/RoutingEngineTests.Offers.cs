using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    [Fact]
    public void OfferExpiresAndMovesToNextAgent()
    {
        var h = new RoutingHarness();
        var first = h.Agent(1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var second = h.Agent(2);
        var offer = h.Wait(1).Single(DecisionKind.Offered, first);
        Assert.Equal(offer.OfferExpiresAt, h.Engine.NextDeadline);

        Assert.Empty(h.AdvanceAndTick(h.Options.OfferTimeout - TimeSpan.FromTicks(1)));
        var decisions = h.AdvanceAndTick(TimeSpan.FromTicks(1));

        decisions.Kinds(DecisionKind.OfferExpired, DecisionKind.Offered);
        decisions[0].Is(DecisionKind.OfferExpired, first);
        Assert.StartsWith("not accepted within 30s", decisions[0].Reason, StringComparison.Ordinal);
        decisions[1].Is(DecisionKind.Offered, second);
        Assert.Equal(0, h.ActiveOf(first));
        Assert.Equal(decisions[1].OfferExpiresAt, h.Engine.NextDeadline);
    }

    [Fact]
    public void ExpiredOfferIsNeverOfferedBackToSameAgent()
    {
        var h = new RoutingHarness();
        var only = h.Agent(1);
        h.Wait(1).Single(DecisionKind.Offered, only);

        var decisions = h.AdvanceAndTick(h.Options.OfferTimeout);

        decisions.Kinds(DecisionKind.OfferExpired, DecisionKind.Queued);
        Assert.Contains("or excluded (1 excluded", decisions[1].Reason, StringComparison.Ordinal);
        h.Wait(2).Single(DecisionKind.Offered, only);
        Assert.Equal([ConversationId(1)], h.Engine.WaitingInOrder());
    }

    [Fact]
    public void DeclinedConversationGoesToNextAgentAndNeverBackToDecliner()
    {
        var h = new RoutingHarness();
        var first = h.Agent(1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var second = h.Agent(2);
        h.Wait(1).Single(DecisionKind.Offered, first);

        var declined = h.Decline(1, first);

        declined.Kinds(DecisionKind.OfferDeclined, DecisionKind.Offered);
        declined[0].Is(DecisionKind.OfferDeclined, first);
        declined[1].Is(DecisionKind.Offered, second);
        Assert.Contains("1 excluded", declined[1].Reason, StringComparison.Ordinal);

        h.Decline(1, second).Kinds(DecisionKind.OfferDeclined, DecisionKind.Queued);
        h.Presence(first, AgentPresence.Away);
        Assert.Empty(h.Presence(first, AgentPresence.Online));
        Assert.Equal(1, h.Engine.WaitingCount);
    }

    [Fact]
    public void AcceptByOfferedAgentAssigns()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);
        h.Wait(1);

        var assigned = h.Accept(1, agent).Single(DecisionKind.Assigned, agent);

        Assert.Equal("offer accepted by the agent", assigned.Reason);
        Assert.Null(h.Engine.NextDeadline);
        Assert.Empty(h.AdvanceAndTick(TimeSpan.FromHours(1)));
        Assert.Equal(1, h.ActiveOf(agent));
    }

    [Fact]
    public void AcceptByWrongAgentIsRejectedAndStateUnchanged()
    {
        var h = new RoutingHarness();
        var offered = h.Agent(1);
        var other = h.Agent(2, webchat: 1);
        h.Restore(100, other);
        var offer = h.Wait(1).Single(DecisionKind.Offered, offered);

        var rejected = h.Accept(1, other).Single(DecisionKind.Rejected, other);

        Assert.Equal("no pending offer for this agent: the offer is held by another agent", rejected.Reason);
        Assert.Equal(offer.OfferExpiresAt, h.Engine.NextDeadline);
        Assert.Equal(1, h.ActiveOf(offered));
        Assert.Equal(1, h.ActiveOf(other));
        h.Accept(1, offered).Single(DecisionKind.Assigned, offered);
    }

    [Fact]
    public void AcceptAfterOfferExpiredIsRejectedEvenBeforeTick()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);
        h.Wait(1);
        h.Time.Advance(h.Options.OfferTimeout);

        var decisions = h.Accept(1, agent);

        decisions.Kinds(DecisionKind.OfferExpired, DecisionKind.Queued, DecisionKind.Rejected);
        Assert.EndsWith("the offer to this agent expired", decisions[2].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void DeclineWithoutPendingOfferIsRejected()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);
        h.Wait(1);
        h.Accept(1, agent);

        var rejected = h.Decline(1, agent).Single(DecisionKind.Rejected, agent);

        Assert.EndsWith("it is already assigned to this agent", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(1, h.ActiveOf(agent));
    }

    [Fact]
    public void SecondDeclineBySameAgentIsRejected()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);
        h.Wait(1);
        h.Decline(1, agent);

        var rejected = h.Decline(1, agent).Single(DecisionKind.Rejected, agent);

        Assert.EndsWith("this agent already declined it", rejected.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AutoAcceptAgentIsAssignedDirectly()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, autoAccept: true);

        var assigned = h.Wait(1).Single(DecisionKind.Assigned, agent);

        Assert.Null(assigned.OfferExpiresAt);
        Assert.EndsWith("; auto-accepted", assigned.Reason, StringComparison.Ordinal);
        Assert.Null(h.Engine.NextDeadline);
        h.Accept(1, agent).Single(DecisionKind.Rejected, agent);
    }
}
