using static Crm.Routing.Tests.RoutingHarness;

namespace Crm.Routing.Tests;

public sealed partial class RoutingEngineTests
{
    private const string Fax = "fax";
    private const string Email = "email";

    /// <summary>10 units: a chat costs 2, an email 3, a fax 5, and a fax in hand shuts out chats.</summary>
    private static readonly CapacityProfile Weighted = new(
        10,
        new Dictionary<string, int> { [WebChat] = 2, [Email] = 3, [Fax] = 5 },
        new Dictionary<string, IReadOnlyCollection<string>> { [Fax] = [WebChat] });

    private static Guid WeightedAgent(RoutingHarness h, int n, CapacityProfile profile, bool autoAccept = true)
    {
        h.Apply(new AgentUpserted(AgentId(n), AgentPresence.Online,
            new Dictionary<string, int> { [WebChat] = 4, [Email] = 3, [Fax] = 2 }, [], autoAccept, Profile: profile));
        h.Time.Advance(TimeSpan.FromSeconds(1));
        return AgentId(n);
    }

    [Fact]
    public void WeightedUnitsLimitHowManyConversationsAcrossChannelsAnAgentHolds()
    {
        var h = new RoutingHarness();
        var agent = WeightedAgent(h, 1, Weighted);

        h.Wait(1, channel: Email).Single(DecisionKind.Assigned, agent);
        h.Wait(2, channel: Email).Single(DecisionKind.Assigned, agent);
        h.Wait(3).Single(DecisionKind.Assigned, agent);

        // 3 + 3 + 2 = 8 of 10 units: a third email (3 units) no longer fits, though the email limit is 3; a chat (2) does.
        var queued = h.Wait(4, channel: Email).Single(DecisionKind.Queued, null);
        Assert.Contains("all at capacity", queued.Reason, StringComparison.Ordinal);
        var lastChat = h.Wait(5).Single(DecisionKind.Assigned, agent);
        Assert.Contains("8/10 units in use before this, 2 per webchat conversation", lastChat.Reason, StringComparison.Ordinal);
        h.Wait(6).Single(DecisionKind.Queued, null);
        Assert.Equal(4, h.ActiveOf(agent));

        // Finishing a chat frees 2 units: not enough for the waiting email (3), so the waiting chat gets them.
        h.Close(3).Kinds(DecisionKind.Released, DecisionKind.Assigned);
        Assert.Equal(agent, h.Engine.HolderOf(ConversationId(6)));
        Assert.Null(h.Engine.HolderOf(ConversationId(4)));
    }

    [Fact]
    public void FreedUnitsGoToTheFirstConversationInQueueOrderWhateverItsChannel()
    {
        var h = new RoutingHarness();
        var agent = WeightedAgent(h, 1, Weighted);
        h.Wait(1, channel: Email);
        h.Wait(2, channel: Email);
        h.Wait(3, channel: Email);
        h.Wait(4).Single(DecisionKind.Queued, null);
        h.Wait(5, priority: 2, channel: Email).Single(DecisionKind.Queued, null);

        // 3 units free after closing an email: the chat queued first would fit, but the priority-2 email comes first in
        // queue order and fits too.
        h.Close(1).Kinds(DecisionKind.Released, DecisionKind.Assigned);
        Assert.Equal(agent, h.Engine.HolderOf(ConversationId(5)));
        Assert.Null(h.Engine.HolderOf(ConversationId(4)));
    }

    [Fact]
    public void AFaxInHandBlocksChatsUntilItIsDone()
    {
        var h = new RoutingHarness();
        var agent = WeightedAgent(h, 1, Weighted);
        h.Wait(1, channel: Fax).Single(DecisionKind.Assigned, agent);

        var queued = h.Wait(2).Single(DecisionKind.Queued, null);
        Assert.Contains("all at capacity", queued.Reason, StringComparison.Ordinal);
        // Email is not blocked by the fax: 5 + 3 units fit.
        h.Wait(3, channel: Email).Single(DecisionKind.Assigned, agent);

        h.Close(1).Kinds(DecisionKind.Released, DecisionKind.Assigned);
        Assert.Equal(agent, h.Engine.HolderOf(ConversationId(2)));
    }

    [Fact]
    public void ANewProfileAppliesToWhatTheAgentAlreadyHolds()
    {
        var h = new RoutingHarness();
        var agent = WeightedAgent(h, 1, Weighted);
        h.Wait(1);
        h.Wait(2);
        h.Wait(3).Single(DecisionKind.Assigned, agent);

        // Chats now cost 4 units each: the three held (12) exceed the new 10, so nothing more until two are done.
        WeightedAgent(h, 1, Weighted with { UnitsPerConversation = new Dictionary<string, int> { [WebChat] = 4 } });
        h.Wait(4).Single(DecisionKind.Queued, null);
        Assert.DoesNotContain(h.Close(1), d => d.Kind == DecisionKind.Assigned);
        h.Close(2).Kinds(DecisionKind.Released, DecisionKind.Assigned);
        Assert.Equal(agent, h.Engine.HolderOf(ConversationId(4)));
    }

    [Fact]
    public void AResponsibleAgentOutOfUnitsIsWaitedForLikeOneOutOfSlots()
    {
        var h = new RoutingHarness();
        var owner = WeightedAgent(h, 1, Weighted with { Units = 4 }, autoAccept: false);
        var other = h.Agent(2);
        h.Wait(1, channel: Email);
        h.Accept(1, owner);

        // 3 of 4 units used: a chat (2) does not fit, so the conversation waits for its owner before anyone else may take it.
        var queued = h.Wait(2, responsible: owner).Single(DecisionKind.Queued, null);
        Assert.Contains("waiting for them until", queued.Reason, StringComparison.Ordinal);
        Assert.Equal(0, h.ActiveOf(other));
        h.Close(1).Kinds(DecisionKind.Released, DecisionKind.Offered);
        Assert.Equal(owner, h.Engine.HolderOf(ConversationId(2)));
    }
}
