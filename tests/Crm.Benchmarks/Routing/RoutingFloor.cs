using Crm.Routing;

namespace Crm.Benchmarks.Routing;

/// <summary>
/// A contact centre at the size of the routing budget (DESIGN.md §12): 10,000 agents in four teams with
/// three webchat slots each, and 10,000 conversations waiting in the queue.
/// </summary>
internal sealed class RoutingFloor
{
    public const string Channel = "webchat";
    public const int AgentCount = 10_000;
    public const int WaitingCount = 10_000;
    public const int TeamCount = 4;
    public const int Capacity = 3;

    private static readonly DateTimeOffset Opening = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly Random _random = new(20250303);
    private int _nextConversation;

    private RoutingFloor(bool autoAccept)
    {
        // Nobody ever accepts in the decline benchmark: with the decline limit on, every agent would end up away and the
        // benchmark would measure a queue of nobody. The limit's own cost is one counter per decline.
        Engine = new RoutingEngine(new RoutingOptions { OffersNotTakenBeforeAway = 0 }, new FrozenClock(Opening));
        TeamIds = [.. Enumerable.Range(0, TeamCount).Select(t => new Guid(t, 3, 0, new byte[8]))];
        AgentIds = [.. Enumerable.Range(0, AgentCount).Select(a => new Guid(a, 1, 0, new byte[8]))];
        HeldByAgent = new Guid[AgentCount];
        var capacity = new Dictionary<string, int> { [Channel] = Capacity };
        for (var a = 0; a < AgentCount; a++)
        {
            Engine.Apply(new AgentUpserted(AgentIds[a], AgentPresence.Online, capacity, [TeamOf(a)], autoAccept));
        }
    }

    public RoutingEngine Engine { get; }

    public Guid[] AgentIds { get; }

    public Guid[] TeamIds { get; }

    /// <summary>One conversation each agent holds, so benchmarks can free a slot of any agent.</summary>
    public Guid[] HeldByAgent { get; }

    /// <summary>Every agent full; the queue holds 10,000 conversations any agent could take.</summary>
    public static RoutingFloor AllAgentsFull()
    {
        var floor = new RoutingFloor(autoAccept: false);
        for (var a = 0; a < AgentCount; a++)
        {
            floor.Restore(a, Capacity);
        }

        for (var w = 0; w < WaitingCount; w++)
        {
            floor.Engine.Apply(floor.NextArrival(teamId: null));
        }

        return floor.Verified();
    }

    /// <summary>
    /// Team 0 full with 10,000 conversations queued for it; the other 7,500 agents hold one conversation
    /// each and have room, so a conversation for anyone is offered at once.
    /// </summary>
    public static RoutingFloor OneTeamBacklogged()
    {
        var floor = new RoutingFloor(autoAccept: false);
        for (var a = 0; a < AgentCount; a++)
        {
            floor.Restore(a, floor.TeamOf(a) == floor.TeamIds[0] ? Capacity : 1);
        }

        for (var w = 0; w < WaitingCount; w++)
        {
            floor.Engine.Apply(floor.NextArrival(floor.TeamIds[0]));
        }

        return floor.Verified();
    }

    /// <summary>A new conversation behind everything already waiting at its priority; priorities cycle 0, 1, 2.</summary>
    public ConversationWaiting NextArrival(Guid? teamId, Guid? conversationId = null)
    {
        var n = _nextConversation++;
        return new ConversationWaiting(
            conversationId ?? new Guid(n, 2, 0, new byte[8]),
            Channel,
            Priority: _random.Next(3),
            WaitingSince: Opening.AddMilliseconds(n),
            teamId);
    }

    private Guid TeamOf(int agent) => TeamIds[agent % TeamCount];

    private void Restore(int agent, int conversations)
    {
        for (var i = 0; i < conversations; i++)
        {
            var id = new Guid(_nextConversation++, 4, 0, new byte[8]);
            Engine.Apply(new ConversationAssigned(id, Channel, AgentIds[agent]));
            HeldByAgent[agent] = id;
        }
    }

    private RoutingFloor Verified()
    {
        if (Engine.WaitingCount != WaitingCount)
        {
            throw new InvalidOperationException($"expected {WaitingCount} waiting, found {Engine.WaitingCount}");
        }

        return this;
    }
}
