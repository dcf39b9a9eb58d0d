using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    private static Guid SkilledAgent(RoutingHarness h, int n, int webchat = 3, params (string Skill, int Level)[] skills)
    {
        h.Apply(new AgentUpserted(AgentId(n), AgentPresence.Online, new Dictionary<string, int> { [WebChat] = webchat }, [], false,
            skills.ToDictionary(s => s.Skill, s => s.Level)));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        return AgentId(n);
    }

    private static IReadOnlyList<RoutingDecision> NeedsSkill(RoutingHarness h, int conversation, string skill, int level, DateTimeOffset? since = null) =>
        h.Apply(new ConversationWaiting(ConversationId(conversation), WebChat, 0, since ?? h.Now, Skill: skill, MinProficiency: level));

    [Fact]
    public void AConversationNeedingASkillGoesToAnAgentAtThatLevelEvenWhenOthersAreLessBusy()
    {
        var h = new RoutingHarness();
        var generalist = SkilledAgent(h, 1);
        var junior = SkilledAgent(h, 2, skills: ("billing", 2));
        var expert = SkilledAgent(h, 3, skills: ("billing", 4));
        h.Restore(90, expert);

        var offered = NeedsSkill(h, 1, "billing", 3).Single(DecisionKind.Offered, expert);

        Assert.Contains("with billing at level 3+", offered.Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.ActiveOf(generalist));
        Assert.Equal(0, h.ActiveOf(junior));
    }

    [Fact]
    public void WithNoQualifiedAgentFreeItWaitsForOneAndUnqualifiedAgentsPassItBy()
    {
        var h = new RoutingHarness();
        var expert = SkilledAgent(h, 1, webchat: 1, ("billing", 5));
        h.Restore(90, expert);
        var queued = NeedsSkill(h, 1, "billing", 3).Single(DecisionKind.Queued, null);
        Assert.Contains("billing at level 3+, all at capacity", queued.Reason, StringComparison.Ordinal);

        // Someone without the skill coming online is not offered it; the expert freeing a slot is.
        SkilledAgent(h, 2);
        Assert.Null(h.Engine.HolderOf(ConversationId(1)));
        h.Close(90).Kinds(DecisionKind.Released, DecisionKind.Offered);
        Assert.Equal(expert, h.Engine.HolderOf(ConversationId(1)));
    }

    [Fact]
    public void AfterTheFallbackWaitTheClosestMatchTakesIt()
    {
        var h = new RoutingHarness();
        var expert = SkilledAgent(h, 1, webchat: 1, ("billing", 5));
        h.Restore(90, expert);
        var novice = SkilledAgent(h, 2, skills: ("billing", 1));
        var intermediate = SkilledAgent(h, 3, skills: ("billing", 2));
        var generalist = SkilledAgent(h, 4);
        NeedsSkill(h, 1, "billing", 4).Single(DecisionKind.Queued, null);
        Assert.Equal(h.Now + h.Options.SkillFallbackAfter, h.Engine.NextDeadline);

        var fallback = h.AdvanceAndTick(h.Options.SkillFallbackAfter);

        var offered = fallback.Single(DecisionKind.Offered, intermediate);
        Assert.StartsWith("closest match: nobody with billing at level 4+ took it within 1 min", offered.Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.ActiveOf(novice));
        Assert.Equal(0, h.ActiveOf(generalist));
    }

    [Fact]
    public void WhenNobodyHasTheSkillAtAllAnyAgentTakesItAfterTheWaitAndZeroMeansWaitForever()
    {
        var h = new RoutingHarness();
        var generalist = SkilledAgent(h, 1);
        NeedsSkill(h, 1, "persian", 2).Single(DecisionKind.Queued, null);

        var offered = h.AdvanceAndTick(h.Options.SkillFallbackAfter).Single(DecisionKind.Offered, generalist);
        Assert.StartsWith("skill fallback: nobody with persian at level 2+ within 1 min", offered.Reason, StringComparison.Ordinal);

        var strict = new RoutingHarness(new RoutingOptions { SkillFallbackAfter = TimeSpan.Zero });
        SkilledAgent(strict, 1);
        NeedsSkill(strict, 1, "persian", 2).Single(DecisionKind.Queued, null);
        Assert.Empty(strict.AdvanceAndTick(TimeSpan.FromHours(1)));
    }

    [Fact]
    public void AConversationThatHasWaitedLongEnoughGoesToTheClosestMatchAtOnceAndAnExplicitTransferIgnoresSkills()
    {
        var h = new RoutingHarness();
        var intermediate = SkilledAgent(h, 1, skills: ("billing", 2));
        NeedsSkill(h, 1, "billing", 3, since: h.Now - TimeSpan.FromMinutes(5)).Single(DecisionKind.Offered, intermediate);

        var named = SkilledAgent(h, 2);
        h.Apply(new ConversationWaiting(ConversationId(2), WebChat, 0, h.Now, TargetAgentId: named, Skill: "billing", MinProficiency: 5))
            .Single(DecisionKind.Offered, named);
    }
}
