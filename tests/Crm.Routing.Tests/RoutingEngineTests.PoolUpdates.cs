using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

/// <summary>
/// The free-agent pools keep each agent's level and the pools it sits in until its skills, teams or channels change: a change
/// must move the agent to exactly the pools (and levels) it now belongs in.
/// </summary>
public sealed partial class RoutingEngineTests
{
    private static IReadOnlyList<RoutingDecision> UpsertSkilled(RoutingHarness h, int n, Guid[] teams, Dictionary<string, int> capacity, params (string Skill, int Level)[] skills) =>
        h.Apply(new AgentUpserted(AgentId(n), AgentPresence.Online, capacity, teams, false, skills.ToDictionary(s => s.Skill, s => s.Level)));

    [Fact]
    public void AnAgentWhoseSkillsChangeIsPickedByItsNewLevelAndNoLongerForASkillItLost()
    {
        var h = new RoutingHarness(new RoutingOptions { SkillFallbackAfter = TimeSpan.Zero });
        UpsertSkilled(h, 1, [], WebChatOnly, ("billing", 2), ("persian", 3));
        UpsertSkilled(h, 1, [], WebChatOnly, ("billing", 4));

        var offer = NeedsSkill(h, 1, "billing", 3).Single(DecisionKind.Offered, AgentId(1));
        Assert.Equal([(AgentId(1), CandidateVerdict.Chosen, (int?)4)], offer.Candidates!.Select(c => (c.AgentId, c.Verdict, c.Proficiency)));
        Assert.Contains("(this agent: level 4)", offer.Reason, StringComparison.Ordinal);

        NeedsSkill(h, 2, "persian", 1).Single(DecisionKind.Queued);
    }

    [Fact]
    public void AnAgentWhoChangesTeamOrChannelsIsOnlyInThePoolsOfTheNewOnes()
    {
        var h = new RoutingHarness();
        var (before, after) = (TeamId(1), TeamId(2));
        UpsertSkilled(h, 1, [before], WebChatOnly);
        UpsertSkilled(h, 1, [after], new Dictionary<string, int> { [Sms] = 1 });

        h.Wait(1, team: before, channel: Sms).Single(DecisionKind.Queued);
        h.Wait(2, team: after, channel: WebChat).Single(DecisionKind.Queued);
        h.Wait(3, team: after, channel: Sms).Single(DecisionKind.Offered, AgentId(1));
        // Full on SMS now: a freed slot is not offered on a channel the agent no longer has.
        h.Close(3).Kinds(DecisionKind.Released);
    }

    [Fact]
    public void AnAgentWhoGoesAwayAndComesBackWithOtherSkillsIsRankedWhereItNowBelongs()
    {
        var h = new RoutingHarness(new RoutingOptions { SkillFallbackAfter = TimeSpan.Zero });
        UpsertSkilled(h, 1, [], WebChatOnly, ("billing", 5));
        UpsertSkilled(h, 2, [], WebChatOnly, ("billing", 3));
        h.Presence(AgentId(1), AgentPresence.Away);
        h.Apply(new AgentUpserted(AgentId(1), AgentPresence.Away, WebChatOnly, [], false, new Dictionary<string, int> { ["billing"] = 1 }));
        h.Presence(AgentId(1), AgentPresence.Online);

        var offer = NeedsSkill(h, 1, "billing", 2).Single(DecisionKind.Offered, AgentId(2));

        // Same load and idle time (the clock stood still), so agent 1 ranks first by id: it is passed over at its new level, 1.
        Assert.Equal([(AgentId(1), CandidateVerdict.BelowLevel, (int?)1), (AgentId(2), CandidateVerdict.Chosen, 3)],
            offer.Candidates!.Select(c => (c.AgentId, c.Verdict, c.Proficiency)));
    }
}
