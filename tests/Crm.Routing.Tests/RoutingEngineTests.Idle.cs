namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    private static readonly RoutingOptions IdleAfterTenMinutes = new() { AwayAfterIdle = TimeSpan.FromMinutes(10), OfferTimeout = TimeSpan.FromHours(1) };

    [Fact]
    public void AnAgentWithNoActivityForTheIdleTimeIsSetAwayAndTheirOffersGoBack()
    {
        var h = new RoutingHarness(IdleAfterTenMinutes);
        var idle = h.Agent(1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        var busy = h.Agent(2, webchat: 0);
        h.Wait(1).Single(DecisionKind.Offered, idle);
        Assert.Equal(h.Now + TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1), h.Engine.NextDeadline);

        var away = h.AdvanceAndTick(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));

        away.Kinds(DecisionKind.AgentAway, DecisionKind.Requeued, DecisionKind.Queued);
        away[0].Is(DecisionKind.AgentAway, idle);
        Assert.StartsWith("set away: no activity in the console for 10 min", away[0].Reason, StringComparison.Ordinal);
        Assert.Equal(AgentPresence.Away, h.Engine.GetAgentLoad(idle)!.Presence);
        // The other agent was active (came online) a second later: still online until their own ten minutes are up.
        Assert.Equal(AgentPresence.Online, h.Engine.GetAgentLoad(busy)!.Presence);
    }

    [Fact]
    public void ActivityKeepsAnAgentOnlineAndBringsAnIdleAwayAgentBackButNotOneTheDeclineLimitSetAway()
    {
        var h = new RoutingHarness(IdleAfterTenMinutes);
        var agent = h.Agent(1);
        h.Time.Advance(TimeSpan.FromMinutes(9));
        Assert.Empty(h.Apply(new AgentActivity(agent)));
        Assert.Empty(h.AdvanceAndTick(TimeSpan.FromMinutes(9)));
        Assert.Equal(AgentPresence.Online, h.Engine.GetAgentLoad(agent)!.Presence);

        h.AdvanceAndTick(TimeSpan.FromMinutes(1)).Single(DecisionKind.AgentAway, agent);
        h.Wait(1).Single(DecisionKind.Queued, null);

        var back = h.Apply(new AgentActivity(agent));
        back.Kinds(DecisionKind.AgentOnline, DecisionKind.Offered);
        Assert.Equal("online again: the agent is active in the console", back[0].Reason);
        back[1].Is(DecisionKind.Offered, agent);

        // Away by the decline limit is a different matter: the agent must choose to come back.
        for (var i = 1; i <= 3; i++)
        {
            if (i > 1)
            {
                h.Wait(i).Single(DecisionKind.Offered, agent);
            }
            h.Decline(i, agent);
        }
        Assert.Equal(AgentPresence.Away, h.Engine.GetAgentLoad(agent)!.Presence);
        Assert.Empty(h.Apply(new AgentActivity(agent)));
        Assert.Equal(AgentPresence.Away, h.Engine.GetAgentLoad(agent)!.Presence);
    }
}
