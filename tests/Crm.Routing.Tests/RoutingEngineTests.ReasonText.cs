using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

/// <summary>
/// The exact words of the reasons on the hot decisions (a pool pick, a freed slot refilled, a queued arrival, a close): the
/// hub stores and shows them as "why this agent", so a change in how the engine builds them must not change a character.
/// </summary>
public sealed partial class RoutingEngineTests
{
    private static readonly Dictionary<string, int> WebChatOnly = new() { [WebChat] = 3 };

    [Fact]
    public void ASkilledPickInATeamReadsExactlyWithItsTieBreakExclusionsAndUnits()
    {
        var h = new RoutingHarness();
        var team = TeamId(1);
        var profile = new CapacityProfile(4, new Dictionary<string, int> { [WebChat] = 2 });
        h.Apply(new AgentUpserted(AgentId(1), AgentPresence.Online, WebChatOnly, [team], false, new Dictionary<string, int> { ["billing"] = 4 }, profile));
        h.Apply(new AgentUpserted(AgentId(2), AgentPresence.Online, WebChatOnly, [team], false, new Dictionary<string, int> { ["billing"] = 5 }, profile));
        h.Time.Advance(TimeSpan.FromSeconds(7));
        h.Apply(new AgentUpserted(AgentId(3), AgentPresence.Online, WebChatOnly, [team], false, new Dictionary<string, int> { ["billing"] = 3 }));
        var first = h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, team, Skill: "billing", MinProficiency: 3))
            .Single(DecisionKind.Offered, AgentId(1));
        Assert.Equal(
            "least loaded (0 active) of the free webchat agents in team 00000000-0000-0000-0000-e00000000001 with billing at level 3+ "
            + "(this agent: level 4); tie on load broken by longest idle, since 10:00:00Z; 0/4 units in use before this, 2 per webchat conversation",
            first.Reason);

        var again = h.Decline(1, AgentId(1))[^1].Is(DecisionKind.Offered, AgentId(2));
        Assert.Equal(
            "least loaded (0 active) of the free webchat agents in team 00000000-0000-0000-0000-e00000000001 with billing at level 3+ "
            + "(this agent: level 5) (1 excluded after declining or letting the offer expire); tie on load broken by longest idle, since 10:00:00Z; "
            + "0/4 units in use before this, 2 per webchat conversation",
            again.Reason);
    }

    [Fact]
    public void ALeastLoadedPickReadsExactly()
    {
        var h = new RoutingHarness();
        var team = TeamId(2);
        h.Agent(1, teams: team);
        h.Time.Advance(TimeSpan.FromSeconds(61));
        h.Agent(2, teams: team);
        h.Restore(90, AgentId(1));

        var offer = h.Wait(1, team: team).Single(DecisionKind.Offered, AgentId(2));

        Assert.Equal(
            "least loaded (0 active) of 2 online agent(s) with free webchat capacity in team 00000000-0000-0000-0000-e00000000002; "
            + "idle since 10:01:01Z",
            offer.Reason);
    }

    [Fact]
    public void AFreedSlotRefilledFromASkillLaneReadsExactly()
    {
        var h = new RoutingHarness(new RoutingOptions { SkillFallbackAfter = TimeSpan.Zero });
        h.Apply(new AgentUpserted(AgentId(1), AgentPresence.Online, new Dictionary<string, int> { [WebChat] = 1 }, [], true,
            new Dictionary<string, int> { ["billing"] = 2 }));
        h.Restore(90, AgentId(1));
        var queued = h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 2, h.Now, SlaDueAt: h.Now.AddMinutes(30), Skill: "billing", MinProficiency: 2))
            .Single(DecisionKind.Queued);
        Assert.Equal(
            "no eligible agent: 1 online agent(s) handle webchat with billing at level 2+, all at capacity; queued, 1 waiting",
            queued.Reason);
        h.Time.Advance(TimeSpan.FromMinutes(11));

        var decisions = h.Close(90);

        decisions.Kinds(DecisionKind.Released, DecisionKind.Assigned);
        Assert.Equal("conversation closed; webchat slot freed (0/1 in use)", decisions[0].Reason);
        Assert.Equal(
            "webchat slot free (0/1 in use); next eligible in queue: priority 2 (+2 for waiting), SLA due 10:30:00Z, waiting since 10:00:00Z; auto-accepted",
            decisions[1].Reason);
    }

    [Fact]
    public void AClosedSlotOfAnAgentWithUnitsAndABlockingChannelReadsExactly()
    {
        var h = new RoutingHarness();
        var profile = new CapacityProfile(5, new Dictionary<string, int> { ["fax"] = 3 },
            new Dictionary<string, IReadOnlyCollection<string>> { ["fax"] = [WebChat] });
        h.Apply(new AgentUpserted(AgentId(1), AgentPresence.Online, new Dictionary<string, int> { [WebChat] = 3, ["fax"] = 1 }, [], false, Profile: profile));
        h.Restore(90, AgentId(1), "fax");
        h.Restore(91, AgentId(1));

        var decisions = h.Close(91);

        Assert.Equal(
            "conversation closed; webchat slot freed (0/3 in use, 3/5 units, 1 per webchat conversation, blocked while holding a fax conversation)",
            decisions.Single(DecisionKind.Released).Reason);
    }

    [Fact]
    public void AReasonReadAfterLaterEventsStillSaysWhatWasTrueWhenTheDecisionWasMade()
    {
        var h = new RoutingHarness(new RoutingOptions { SkillFallbackAfter = TimeSpan.Zero });
        h.Apply(new AgentUpserted(AgentId(1), AgentPresence.Online, new Dictionary<string, int> { [WebChat] = 2 }, [], true,
            new Dictionary<string, int> { ["billing"] = 2 }));
        h.Restore(90, AgentId(1));
        h.Restore(91, AgentId(1));
        h.Apply(new ConversationWaiting(ConversationId(1), WebChat, 0, h.Now, Skill: "billing")).Single(DecisionKind.Queued);
        var decisions = h.Close(90);

        // The agent's load, the conversation's state and the clock all change before anyone reads the words.
        h.Time.Advance(TimeSpan.FromMinutes(20));
        h.Close(91);
        h.Close(1);
        Assert.Equal(0, h.ActiveOf(AgentId(1)));

        decisions.Kinds(DecisionKind.Released, DecisionKind.Assigned);
        Assert.Equal("conversation closed; webchat slot freed (1/2 in use)", decisions[0].Reason);
        Assert.Equal("webchat slot free (1/2 in use); next eligible in queue: priority 0, waiting since 10:00:00Z; auto-accepted", decisions[1].Reason);
        Assert.Same(decisions[1].Reason, decisions[1].Reason);
    }

    [Fact]
    public void DecisionsWithTheSameWordsAreEqualWhetherWordedAtOnceOrFromFacts()
    {
        var h = new RoutingHarness();
        h.Agent(1);
        var offer = h.Wait(1).Single(DecisionKind.Offered);

        var copy = new RoutingDecision(offer.Kind, offer.ConversationId, offer.AgentId, offer.Reason, offer.At, offer.OfferExpiresAt, offer.Candidates);

        Assert.Equal(offer, copy);
        Assert.Equal(offer.GetHashCode(), copy.GetHashCode());
        Assert.NotEqual(offer, copy with { Reason = offer.Reason + "." });
    }
}
