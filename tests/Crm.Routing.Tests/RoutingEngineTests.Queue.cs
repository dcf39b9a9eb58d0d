using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    [Fact]
    public void CapacityIsNeverExceededCountingPendingOffers()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 2);

        h.Wait(1).Single(DecisionKind.Offered, agent);
        h.Wait(2).Single(DecisionKind.Offered, agent);
        var queued = h.Wait(3).Single(DecisionKind.Queued);

        Assert.Equal("no eligible agent: 1 online agent(s) handle webchat, all at capacity; queued, 1 waiting", queued.Reason);
        var load = h.Engine.GetAgentLoad(agent)!;
        Assert.Equal(2, load.Active);
        Assert.Equal(2, load.ActiveByChannel[WebChat]);
    }

    [Fact]
    public void CapacityIsPerChannelAndMissingChannelMeansNever()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 1, sms: 1);
        h.Restore(100, agent);

        h.Wait(1, channel: Sms).Single(DecisionKind.Offered, agent);
        var email = h.Wait(2, channel: "email").Single(DecisionKind.Queued);

        Assert.Contains("nobody online handles email", email.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void QueueOrderIsPriorityThenWaitingSinceThenArrival()
    {
        var h = new RoutingHarness(new RoutingOptions { AgingStep = TimeSpan.Zero });
        var agent = h.Agent(1, webchat: 0);
        var early = h.Now - TimeSpan.FromMinutes(5);
        h.Wait(1, priority: 0, since: early);
        h.Wait(2, priority: 0);
        h.Wait(3, priority: 2);
        h.Wait(4, priority: 0, since: early);
        h.Wait(5, priority: 1);

        Assert.Equal(
            [ConversationId(3), ConversationId(5), ConversationId(1), ConversationId(4), ConversationId(2)],
            h.Engine.WaitingInOrder());
        Assert.Equal(5, h.Engine.WaitingCount);

        var pulled = h.Upsert(1, webchat: 2);

        Assert.Equal([ConversationId(3), ConversationId(5)], pulled.Select(d => d.ConversationId));
        Assert.All(pulled, d => d.Is(DecisionKind.Offered, agent));
    }

    [Fact]
    public void WithinAPriorityTheEarliestSlaBreachGoesFirst()
    {
        var h = new RoutingHarness(new RoutingOptions { AgingStep = TimeSpan.Zero });
        var agent = h.Agent(1, webchat: 0);
        var early = h.Now - TimeSpan.FromMinutes(10);
        h.Wait(1, priority: 0, since: early);
        h.Apply(new ConversationWaiting(ConversationId(2), RoutingHarness.WebChat, 0, h.Now, SlaDueAt: h.Now + TimeSpan.FromMinutes(10)));
        h.Apply(new ConversationWaiting(ConversationId(3), RoutingHarness.WebChat, 0, h.Now, SlaDueAt: h.Now + TimeSpan.FromMinutes(2)));
        h.Apply(new ConversationWaiting(ConversationId(4), RoutingHarness.WebChat, 1, h.Now));

        // Priority first; then earliest breach; a conversation without an SLA after those with one, however long it waited.
        Assert.Equal([ConversationId(4), ConversationId(3), ConversationId(2), ConversationId(1)], h.Engine.WaitingInOrder());

        var pulled = h.Upsert(1, webchat: 2);
        Assert.Equal([ConversationId(4), ConversationId(3)], pulled.Select(d => d.ConversationId));
        Assert.Contains("SLA due 10:02:00Z", pulled[1].Reason, StringComparison.Ordinal);
        Assert.All(pulled, d => d.Is(DecisionKind.Offered, agent));
    }

    [Fact]
    public void WaitingLongEnoughOvertakesHigherPriorities()
    {
        var h = new RoutingHarness(new RoutingOptions { AgingStep = TimeSpan.FromMinutes(5) });
        var agent = h.Agent(1, webchat: 0);
        h.Wait(1, priority: 0);
        Assert.Equal(RoutingHarness.Start + TimeSpan.FromMinutes(5), h.Engine.NextDeadline);

        // Nine minutes in, a fresh priority-2 conversation goes ahead (conversation 1 counts as priority 1 by now).
        h.Time.Advance(TimeSpan.FromMinutes(9));
        h.Wait(2, priority: 2);
        Assert.Equal([ConversationId(2), ConversationId(1)], h.Engine.WaitingInOrder());
        Assert.Equal(RoutingHarness.Start + TimeSpan.FromMinutes(10), h.Engine.NextDeadline);

        // At ten minutes conversation 1 counts as priority 2 and has waited longer: it is next. The aging tick decides nothing.
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Empty(h.Apply(new Tick()));
        Assert.Equal([ConversationId(1), ConversationId(2)], h.Engine.WaitingInOrder());

        var pulled = h.Upsert(1, webchat: 1).Single(DecisionKind.Offered, agent);
        Assert.Equal(ConversationId(1), pulled.ConversationId);
        Assert.Contains("priority 0 (+2 for waiting)", pulled.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AConversationQueuedAfterALongWaitStartsAgedAndNothingIsOverdue()
    {
        var h = new RoutingHarness(new RoutingOptions { AgingStep = TimeSpan.FromMinutes(5) });
        h.Agent(1, webchat: 0);
        h.Wait(1, priority: 1);
        h.Wait(2, priority: 0, since: h.Now - TimeSpan.FromMinutes(12));

        Assert.Equal([ConversationId(2), ConversationId(1)], h.Engine.WaitingInOrder());
        Assert.Equal(h.Now + TimeSpan.FromMinutes(3), h.Engine.NextDeadline);
    }

    [Fact]
    public void ConversationClosedFreesCapacityAndPullsNextQueuedConversation()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 1);
        h.Wait(1);
        h.Accept(1, agent);
        h.Wait(2).Single(DecisionKind.Queued);

        var decisions = h.Close(1);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Offered);
        decisions[0].Is(DecisionKind.Released, agent);
        Assert.Equal("conversation closed; webchat slot freed (0/1 in use)", decisions[0].Reason);
        Assert.Equal(ConversationId(2), decisions[1].ConversationId);
        Assert.Equal(0, h.Engine.WaitingCount);
    }

    [Fact]
    public void ConversationClosedWhileQueuedLeavesQueue()
    {
        var h = new RoutingHarness();
        h.Wait(1);
        h.Wait(2);

        var released = h.Close(1).Single(DecisionKind.Released);

        Assert.Null(released.AgentId);
        Assert.Equal([ConversationId(2)], h.Engine.WaitingInOrder());
    }

    [Fact]
    public void ConversationWaitingOnHeldConversationReleasesTheHolder()
    {
        var h = new RoutingHarness();
        var support = TeamId(1);
        var holder = h.Agent(1, webchat: 1);
        var teamMember = h.Agent(2, teams: support);
        h.Restore(100, teamMember);
        h.Wait(1);
        h.Accept(1, holder);
        h.Wait(2).Single(DecisionKind.Offered, teamMember);

        var decisions = h.Wait(1, team: support);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Offered);
        decisions[0].Is(DecisionKind.Released, holder);
        Assert.Contains("reopened or transferred", decisions[0].Reason, StringComparison.Ordinal);
        decisions[1].Is(DecisionKind.Offered, teamMember);
        Assert.Equal(0, h.ActiveOf(holder));
    }

    [Fact]
    public void ReleasedHolderPullsTheNextQueuedConversation()
    {
        var h = new RoutingHarness();
        var support = TeamId(1);
        var holder = h.Agent(1, webchat: 1);
        h.Wait(1);
        h.Wait(2).Single(DecisionKind.Queued);

        var decisions = h.Wait(1, team: support);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Queued, DecisionKind.Offered);
        Assert.Equal(ConversationId(2), decisions[2].ConversationId);
        Assert.Equal(holder, decisions[2].AgentId);
    }

    [Fact]
    public void WaitingAgainClearsDeclines()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);
        h.Wait(1);
        h.Decline(1, agent).Kinds(DecisionKind.OfferDeclined, DecisionKind.Queued);

        h.Wait(1).Single(DecisionKind.Offered, agent);
    }

    [Fact]
    public void RestoredAssignmentsCountTowardLoadWithoutDecisions()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 2);
        h.Restore(100, agent);
        h.Restore(101, agent);

        h.Wait(1).Single(DecisionKind.Queued);
        Assert.Equal(2, h.ActiveOf(agent));
        h.Close(100).Kinds(DecisionKind.Released, DecisionKind.Offered);
    }

    [Fact]
    public void UnknownIdsAreIgnored()
    {
        var h = new RoutingHarness();
        var stranger = AgentId(99);

        Assert.Empty(h.Presence(stranger, AgentPresence.Online));
        Assert.Empty(h.Apply(new AgentRemoved(stranger)));
        Assert.Empty(h.Close(99));
        Assert.Empty(h.Apply(new ConversationAssigned(ConversationId(99), WebChat, stranger)));
        Assert.Empty(h.Apply(new Tick()));
        Assert.Null(h.Engine.GetAgentLoad(stranger));
        Assert.Equal(
            "the router does not track this conversation (closed, never waiting, or unknown)",
            h.Accept(99, stranger).Single(DecisionKind.Rejected, stranger).Reason);
        h.Decline(99, stranger).Single(DecisionKind.Rejected, stranger);
        Assert.Equal(0, h.Engine.WaitingCount);
    }

    [Fact]
    public void WaitingForUnknownResponsibleOrTargetAgentDoesNotThrow()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);

        var offer = h.Wait(1, responsible: AgentId(98)).Single(DecisionKind.Offered, agent);
        var queued = h.Wait(2, target: AgentId(99)).Single(DecisionKind.Queued);

        Assert.StartsWith("responsible agent is unknown to the router", offer.Reason, StringComparison.Ordinal);
        Assert.Contains("is unknown to the router; queued for them only", queued.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void NextDeadlineIsEarliestOfOfferExpiryAndStickyWait()
    {
        var h = new RoutingHarness(new RoutingOptions { OfferTimeout = TimeSpan.FromSeconds(45), StickyWait = TimeSpan.FromSeconds(60) });
        var owner = h.Agent(1, webchat: 1);
        h.Agent(2, webchat: 1);
        Assert.Null(h.Engine.NextDeadline);
        h.Wait(1);
        h.Wait(2);
        h.Accept(1, owner);
        var offerExpiry = h.Now + TimeSpan.FromSeconds(45);
        Assert.Equal(offerExpiry, h.Engine.NextDeadline);

        h.Time.Advance(TimeSpan.FromSeconds(30));
        h.Wait(3, responsible: owner, since: h.Now - TimeSpan.FromSeconds(50)).Single(DecisionKind.Queued);

        Assert.Equal(h.Now + TimeSpan.FromSeconds(10), h.Engine.NextDeadline);
        h.AdvanceAndTick(TimeSpan.FromSeconds(10)).Single(DecisionKind.Queued);
        Assert.Equal(offerExpiry, h.Engine.NextDeadline);
    }
}
