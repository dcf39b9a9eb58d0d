using Crm.Routing;

namespace Crm.Benchmarks.Routing;

/// <summary>
/// Issue 5's benchmark floor: 10,000 agents in four teams, each with 5 of 50 skills at proficiency 1–5 and three webchat
/// slots, and 10,000 conversations waiting, each needing one skill at level 1–3. The skill fallback is off so the waiting
/// conversations stay in their skill lanes; the frozen clock means nothing expires.
/// </summary>
internal sealed class SkillFloor
{
    public const string Channel = "webchat";
    public const int AgentCount = 10_000;
    public const int WaitingCount = 10_000;
    public const int SkillCount = 50;
    public const int SkillsPerAgent = 5;
    public const int Capacity = 3;

    private static readonly DateTimeOffset Opening = new(2025, 3, 3, 9, 0, 0, TimeSpan.Zero);
    private readonly Random _random = new(20251123);
    private int _nextConversation;

    private SkillFloor(bool autoAccept)
    {
        Engine = new RoutingEngine(new RoutingOptions { OffersNotTakenBeforeAway = 0, SkillFallbackAfter = TimeSpan.Zero }, new FrozenClock(Opening));
        Skills = [.. Enumerable.Range(0, SkillCount).Select(s => $"skill-{s:00}")];
        var teams = Enumerable.Range(0, 4).Select(t => new Guid(t, 3, 0, new byte[8])).ToArray();
        AgentIds = [.. Enumerable.Range(0, AgentCount).Select(a => new Guid(a, 1, 0, new byte[8]))];
        HeldByAgent = new Guid[AgentCount];
        var capacity = new Dictionary<string, int> { [Channel] = Capacity };
        for (var a = 0; a < AgentCount; a++)
        {
            var skills = Skills.OrderBy(_ => _random.Next()).Take(SkillsPerAgent).ToDictionary(s => s, _ => _random.Next(1, 6));
            Engine.Apply(new AgentUpserted(AgentIds[a], AgentPresence.Online, capacity, [teams[a % teams.Length]], autoAccept, skills));
        }
    }

    public RoutingEngine Engine { get; }

    public Guid[] AgentIds { get; }

    public string[] Skills { get; }

    /// <summary>One conversation each agent holds, so a benchmark can free a slot of any agent.</summary>
    public Guid[] HeldByAgent { get; }

    /// <summary>Every agent full; 10,000 conversations wait in skill lanes (auto-accept: a freed slot is an assignment).</summary>
    public static SkillFloor AllAgentsFull(bool autoAccept)
    {
        var floor = new SkillFloor(autoAccept);
        for (var a = 0; a < AgentCount; a++)
        {
            floor.Restore(a, Capacity);
        }

        for (var w = 0; w < WaitingCount; w++)
        {
            floor.Engine.Apply(floor.NextArrival());
        }

        return floor.Verified(WaitingCount);
    }

    /// <summary>
    /// 10,000 conversations wait for a skill nobody has (so they stay queued), a quarter of the agents are full, and the
    /// other 7,500 hold one conversation each and have room, so an arrival needing a real skill is offered at once.
    /// </summary>
    public static SkillFloor SkilledAgentsFree()
    {
        var floor = new SkillFloor(autoAccept: false);
        for (var a = 0; a < AgentCount; a++)
        {
            floor.Restore(a, a % 4 == 0 ? Capacity : 1);
        }

        for (var w = 0; w < WaitingCount; w++)
        {
            floor.Engine.Apply(floor.NextArrival() with { Skill = "skill-nobody-has" });
        }

        return floor.Verified(WaitingCount);
    }

    /// <summary>A new conversation needing one of the 50 skills at level 1–3; priorities cycle 0–2.</summary>
    public ConversationWaiting NextArrival(Guid? conversationId = null)
    {
        var n = _nextConversation++;
        return new ConversationWaiting(
            conversationId ?? new Guid(n, 2, 0, new byte[8]),
            Channel,
            Priority: _random.Next(3),
            WaitingSince: Opening.AddMilliseconds(n),
            Skill: Skills[_random.Next(SkillCount)],
            MinProficiency: _random.Next(1, 4));
    }

    private void Restore(int agent, int conversations)
    {
        for (var i = 0; i < conversations; i++)
        {
            var id = new Guid(_nextConversation++, 4, 0, new byte[8]);
            Engine.Apply(new ConversationAssigned(id, Channel, AgentIds[agent]));
            HeldByAgent[agent] = id;
        }
    }

    private SkillFloor Verified(int waiting) =>
        Engine.WaitingCount == waiting ? this : throw new InvalidOperationException($"expected {waiting} waiting, found {Engine.WaitingCount}");
}
