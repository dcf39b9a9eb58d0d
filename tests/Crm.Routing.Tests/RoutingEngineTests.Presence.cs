using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    [Theory]
    [InlineData(AgentPresence.Away)]
    [InlineData(AgentPresence.Offline)]
    public void AgentLeavingHandsBackPendingOffersButKeepsAssignedConversations(AgentPresence presence)
    {
        var h = new RoutingHarness();
        var leaving = h.Agent(1);
        h.Wait(1);
        h.Accept(1, leaving);
        h.Wait(2).Single(DecisionKind.Offered, leaving);
        var other = h.Agent(2);

        var decisions = h.Presence(leaving, presence);

        decisions.Kinds(DecisionKind.Requeued, DecisionKind.Offered);
        decisions[0].Is(DecisionKind.Requeued, leaving);
        Assert.Equal(ConversationId(2), decisions[0].ConversationId);
        Assert.StartsWith($"agent went {presence.ToString().ToLowerInvariant()}", decisions[0].Reason, StringComparison.Ordinal);
        decisions[1].Is(DecisionKind.Offered, other);
        Assert.Equal(1, h.ActiveOf(leaving));
        Assert.Equal(presence, h.Engine.GetAgentLoad(leaving)!.Presence);
    }

    [Fact]
    public void OfferHandedBackWithNobodyElseOnlineIsQueued()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1);
        h.Wait(1);

        var decisions = h.Presence(agent, AgentPresence.Offline);

        decisions.Kinds(DecisionKind.Requeued, DecisionKind.Queued);
        Assert.Contains("nobody online handles webchat", decisions[1].Reason, StringComparison.Ordinal);
        // No offer deadline is left; the only one is the queued conversation's next aging step.
        Assert.Equal(h.Now + h.Options.AgingStep, h.Engine.NextDeadline);
    }

    [Fact]
    public void AgentComingOnlinePullsQueuedConversationsUntilFull()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 2, presence: AgentPresence.Offline);
        h.Wait(1);
        h.Wait(2, priority: 1);
        h.Wait(3);

        var decisions = h.Presence(agent, AgentPresence.Online);

        Assert.Equal([ConversationId(2), ConversationId(1)], decisions.Select(d => d.ConversationId));
        Assert.All(decisions, d => d.Is(DecisionKind.Offered, agent));
        Assert.Contains("next eligible in queue: priority 1", decisions[0].Reason, StringComparison.Ordinal);
        Assert.Equal([ConversationId(3)], h.Engine.WaitingInOrder());
    }

    [Fact]
    public void RaisingCapacityPullsQueuedConversations()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 1);
        h.Wait(1);
        h.Wait(2).Single(DecisionKind.Queued);

        h.Upsert(1, webchat: 2).Single(DecisionKind.Offered, agent);

        Assert.Equal(0, h.Engine.WaitingCount);
    }

    [Fact]
    public void JoiningTeamPullsThatTeamsQueuedConversations()
    {
        var h = new RoutingHarness();
        var sales = TeamId(1);
        var agent = h.Agent(1);
        h.Wait(1, team: sales).Single(DecisionKind.Queued);

        h.Upsert(1, teams: sales).Single(DecisionKind.Offered, agent);
    }

    [Fact]
    public void RemovedAgentHandsBackOffersAndDropsAssignments()
    {
        var h = new RoutingHarness();
        var removed = h.Agent(1);
        h.Wait(1);
        h.Accept(1, removed);
        h.Wait(2);
        var other = h.Agent(2);

        var decisions = h.Apply(new AgentRemoved(removed));

        decisions.Kinds(DecisionKind.Requeued, DecisionKind.Offered, DecisionKind.Released);
        Assert.Equal(other, decisions[1].AgentId);
        Assert.Equal(ConversationId(1), decisions[2].ConversationId);
        Assert.Null(h.Engine.GetAgentLoad(removed));
        Assert.Empty(h.Close(1));
    }
}
