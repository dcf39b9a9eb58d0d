using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    private static Guid TeamAgent(RoutingHarness h, int n, Guid team, int webchat = 1, params (string Skill, int Level)[] skills)
    {
        h.Apply(new AgentUpserted(AgentId(n), AgentPresence.Online, new Dictionary<string, int> { [WebChat] = webchat }, [team], false,
            skills.ToDictionary(s => s.Skill, s => s.Level)));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        return AgentId(n);
    }

    [Fact]
    public void AConversationNobodyTakesInTimeOverflowsToTheNextTeam()
    {
        var h = new RoutingHarness();
        var sales = TeamId(1);
        var support = TeamId(2);
        var seller = TeamAgent(h, 1, sales);
        h.Restore(90, seller);
        var helper = TeamAgent(h, 2, support);

        var ladder = new[] { new OverflowStep(TimeSpan.FromMinutes(2), "Support", support, Priority: 3) };
        h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, sales, Overflow: ladder)).Single(DecisionKind.Queued, null);
        Assert.Equal(h.Now + TimeSpan.FromMinutes(2), h.Engine.NextDeadline);

        h.Time.Advance(TimeSpan.FromSeconds(119));
        Assert.Empty(h.Apply(new Tick()));
        var decisions = h.AdvanceAndTick(TimeSpan.FromSeconds(1));

        decisions.Kinds(DecisionKind.Overflowed, DecisionKind.Offered);
        Assert.Contains("overflow: no agent within 2 min in its first queue; moved to Support", decisions[0].Reason, StringComparison.Ordinal);
        Assert.Contains("priority 3), rung 1 of 1", decisions[0].Reason, StringComparison.Ordinal);
        Assert.Equal(helper, decisions[1].AgentId);
    }

    [Fact]
    public void TheLadderWidensTheSkillFirstThenOverflowsAndTheNextRungGetsItsOwnFallbackWait()
    {
        var h = new RoutingHarness(new RoutingOptions { SkillFallbackAfter = TimeSpan.FromMinutes(1) });
        var billing = TeamId(1);
        var general = TeamId(2);
        var busyExpert = TeamAgent(h, 1, billing, skills: ("billing", 5));
        h.Restore(90, busyExpert);
        var busyGeneralist = TeamAgent(h, 2, general);
        h.Restore(91, busyGeneralist);
        var ladder = new[]
        {
            new OverflowStep(TimeSpan.FromMinutes(3), "General billing", general, "billing", 2),
            new OverflowStep(TimeSpan.FromMinutes(10), "Anyone"),
        };
        h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, billing, Skill: "billing", MinProficiency: 4, Overflow: ladder));

        // 1 min: the skill is widened (nobody less qualified in the team is free either), still in its team's queue.
        h.AdvanceAndTick(TimeSpan.FromMinutes(1)).Kinds(DecisionKind.Queued);
        // 3 min: on to the general team, needing billing 2; a general agent with billing 1 coming online is not qualified yet.
        h.AdvanceAndTick(TimeSpan.FromMinutes(2)).Kinds(DecisionKind.Overflowed, DecisionKind.Queued);
        var novice = TeamAgent(h, 3, general, skills: ("billing", 1));
        Assert.Null(h.Engine.HolderOf(ConversationId(1)));

        // The general rung's own fallback wait (1 min from the overflow, not from arrival) lets the closest match take it.
        var decisions = h.AdvanceAndTick(TimeSpan.FromSeconds(59));
        Assert.Equal(novice, decisions.Single(DecisionKind.Offered).AgentId);
        Assert.Contains("closest match", decisions.Single(DecisionKind.Offered).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AConversationNearItsSlaJumpsTheQueueAndTheSupervisorIsAlerted()
    {
        var h = new RoutingHarness();
        var agent = h.Agent(1, webchat: 1);
        h.Restore(90, agent);
        h.Wait(1, priority: 5).Single(DecisionKind.Queued, null);
        h.Apply(new ConversationWaiting(ConversationId(2), WebChat, 0, h.Now, SlaDueAt: h.Now + TimeSpan.FromSeconds(100)))
            .Single(DecisionKind.Queued, null);

        // 20 % of the 100 s left: at risk.
        Assert.Equal(h.Now + TimeSpan.FromSeconds(80), h.Engine.NextDeadline);
        var alert = h.AdvanceAndTick(TimeSpan.FromSeconds(80)).Single(DecisionKind.SlaAtRisk, null);
        Assert.Equal(ConversationId(2), alert.ConversationId);
        Assert.Contains("SLA at risk: first response due", alert.Reason, StringComparison.Ordinal);
        Assert.Contains("20s left; moved ahead of everything not at risk in its queue; supervisor alerted", alert.Reason, StringComparison.Ordinal);

        // The agent's freed slot goes to the conversation at risk, though the other has priority 5.
        h.Close(90);
        Assert.Equal(agent, h.Engine.HolderOf(ConversationId(2)));
        Assert.Null(h.Engine.HolderOf(ConversationId(1)));
    }

    [Fact]
    public void AConversationArrivingAlreadyAtRiskIsFlaggedAtOnce()
    {
        var h = new RoutingHarness();
        var decisions = h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now - TimeSpan.FromMinutes(9), SlaDueAt: h.Now + TimeSpan.FromMinutes(1)));

        decisions.Kinds(DecisionKind.Queued, DecisionKind.SlaAtRisk);
        Assert.True(h.Engine.NextDeadline is null || h.Engine.NextDeadline > h.Now);
    }

    [Fact]
    public void TheSupervisorIsAlertedWhenNobodyTakesItWithinTheAlertWaitButNotOnceAnAgentHasIt()
    {
        var h = new RoutingHarness();
        h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, AlertAfter: TimeSpan.FromMinutes(5)));
        h.Apply(new ConversationWaiting(ConversationId(2), WebChat, 0, h.Now, AlertAfter: TimeSpan.FromMinutes(5)));
        h.Time.Advance(TimeSpan.FromMinutes(1));
        var agent = h.Agent(1, webchat: 1);
        h.Accept(1, agent).Single(DecisionKind.Assigned, agent);

        var escalated = h.AdvanceAndTick(TimeSpan.FromMinutes(4)).Single(DecisionKind.Escalated, null);

        Assert.Equal(ConversationId(2), escalated.ConversationId);
        Assert.Contains("escalated: no agent has taken it after 5 min; supervisor alerted", escalated.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ATransferredConversationStartsItsEscalationClocksAgain()
    {
        var h = new RoutingHarness();
        h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, AlertAfter: TimeSpan.FromMinutes(5)));
        h.Time.Advance(TimeSpan.FromMinutes(4));
        h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, AlertAfter: TimeSpan.FromMinutes(5)));

        Assert.Empty(h.AdvanceAndTick(TimeSpan.FromMinutes(2)));
        h.AdvanceAndTick(TimeSpan.FromMinutes(3)).Single(DecisionKind.Escalated, null);
    }

    [Fact]
    public void AWaitReplayedAfterARestartResumesOnItsRungWithoutAlertingAgain()
    {
        var h = new RoutingHarness();
        var sales = TeamId(1);
        var support = TeamId(2);
        var helper = TeamAgent(h, 1, support);
        h.Restore(90, helper);
        var since = h.Now - TimeSpan.FromMinutes(10);
        var ladder = new[] { new OverflowStep(TimeSpan.FromMinutes(2), "Support", support, Priority: 0) };

        // Ten minutes into its wait: it had overflowed to Support, its SLA alert and escalation had gone out.
        var decisions = h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 4, since, sales, SlaDueAt: h.Now + TimeSpan.FromMinutes(1),
            Overflow: ladder, AlertAfter: TimeSpan.FromMinutes(5), Continued: new ContinuedWait(1, Escalated: true, SlaRiskAlerted: true)));

        decisions.Kinds(DecisionKind.Queued);
        Assert.Contains("in team " + support, decisions[0].Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(h.AdvanceAndTick(TimeSpan.FromMinutes(30)), d => d.Kind is DecisionKind.Escalated or DecisionKind.SlaAtRisk or DecisionKind.Overflowed);
        // Still at risk: ahead of a priority-9 conversation that arrived later in the same team.
        h.Apply(new ConversationWaiting(ConversationId(2), WebChat, 9, h.Now, support));
        h.Close(90);
        Assert.Equal(helper, h.Engine.HolderOf(ConversationId(1)));
    }
}
