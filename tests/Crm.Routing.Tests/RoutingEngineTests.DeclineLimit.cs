using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    [Fact]
    public void AnAgentWhoDeclinesThreeOffersInARowIsSetAwayAndOffersStop()
    {
        var h = new RoutingHarness();
        var sulky = h.Agent(1, webchat: 5);
        h.Wait(1).Single(DecisionKind.Offered, sulky);
        h.Decline(1, sulky).Kinds(DecisionKind.OfferDeclined, DecisionKind.Queued);
        h.Wait(2).Single(DecisionKind.Offered, sulky);
        h.Decline(2, sulky).Kinds(DecisionKind.OfferDeclined, DecisionKind.Queued);
        h.Wait(3).Single(DecisionKind.Offered, sulky);

        var third = h.Decline(3, sulky);

        third.Kinds(DecisionKind.OfferDeclined, DecisionKind.AgentAway, DecisionKind.Queued);
        third[1].Is(DecisionKind.AgentAway, sulky);
        Assert.Equal(Guid.Empty, third[1].ConversationId);
        Assert.StartsWith("set away: 3 offers in a row were declined or not answered", third[1].Reason, StringComparison.Ordinal);
        Assert.Equal(AgentPresence.Away, h.Engine.GetAgentLoad(sulky)!.Presence);
        h.Wait(4).Kinds(DecisionKind.Queued);

        // Back online: the count starts again and the queue's head is offered at once.
        var back = h.Presence(sulky, AgentPresence.Online);
        Assert.Contains(back, d => d.Kind == DecisionKind.Offered && d.ConversationId == ConversationId(4) && d.AgentId == sulky);
    }

    [Fact]
    public void MissedOffersCountTowardTheLimitAndOtherPendingOffersGoBack()
    {
        var h = new RoutingHarness();
        var absent = h.Agent(1, webchat: 3);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var present = h.Agent(2, webchat: 0);
        h.Wait(1).Single(DecisionKind.Offered, absent);
        h.Wait(2).Single(DecisionKind.Offered, absent);
        h.Wait(3).Single(DecisionKind.Offered, absent);

        // All three offers expire at the same moment: the third miss sets the agent away, and nothing is offered back to them.
        var expired = h.AdvanceAndTick(h.Options.OfferTimeout);

        Assert.Equal(3, expired.Count(d => d.Kind == DecisionKind.OfferExpired));
        Assert.Single(expired, d => d.Kind == DecisionKind.AgentAway && d.AgentId == absent);
        Assert.DoesNotContain(expired, d => d.Kind == DecisionKind.Offered);
        Assert.Equal(AgentPresence.Away, h.Engine.GetAgentLoad(absent)!.Presence);
        Assert.Equal(0, h.ActiveOf(absent));
        _ = present;
    }

    [Fact]
    public void AcceptingStartsTheCountAgainAndZeroTurnsTheLimitOff()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 10);
        for (var i = 1; i <= 2; i++)
        {
            h.Wait(i).Single(DecisionKind.Offered, agent);
            h.Decline(i, agent);
        }
        h.Wait(10).Single(DecisionKind.Offered, agent);
        h.Accept(10, agent).Single(DecisionKind.Assigned, agent);
        for (var i = 3; i <= 4; i++)
        {
            h.Wait(i).Single(DecisionKind.Offered, agent);
            Assert.DoesNotContain(h.Decline(i, agent), d => d.Kind == DecisionKind.AgentAway);
        }

        var unlimited = new RoutingHarness(new RoutingOptions { OffersNotTakenBeforeAway = 0 });
        var patient = unlimited.Agent(1, webchat: 10);
        for (var i = 1; i <= 6; i++)
        {
            unlimited.Wait(i).Single(DecisionKind.Offered, patient);
            Assert.DoesNotContain(unlimited.Decline(i, patient), d => d.Kind == DecisionKind.AgentAway);
        }
        Assert.Equal(AgentPresence.Online, unlimited.Engine.GetAgentLoad(patient)!.Presence);
    }
}
