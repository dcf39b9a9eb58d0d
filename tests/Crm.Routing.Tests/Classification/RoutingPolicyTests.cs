using Crm.Routing.Classification;

namespace Crm.Routing.Tests.Classification;

public sealed class RoutingPolicyTests
{
    private static readonly Guid Vip = Guid.Parse("00000000-0000-0000-0000-000000000001");
    private static readonly Guid Persian = Guid.Parse("00000000-0000-0000-0000-000000000002");
    private static readonly Guid Complaints = Guid.Parse("00000000-0000-0000-0000-000000000003");
    private static readonly Guid SalesLine = Guid.Parse("00000000-0000-0000-0000-000000000004");
    private static readonly Guid General = Guid.Parse("00000000-0000-0000-0000-000000000005");
    private static readonly Guid SupportTeam = Guid.Parse("00000000-0000-0000-0000-0000000000e1");

    private static HashSet<string> Set(params string[] values) => new(values, StringComparer.Ordinal);

    private static RoutingPolicy Policy() => new(7,
    [
        new QueueRule { Id = Vip, Name = "VIP", Priority = 5, ContactTags = Set("vip"), OverflowQueueId = General, OverflowAfter = TimeSpan.FromMinutes(2) },
        new QueueRule { Id = Persian, Name = "Persian", Priority = 1, Languages = Set("fa"), Skill = "persian", MinProficiency = 3 },
        new QueueRule { Id = Complaints, Name = "Complaints", Priority = 3, Categories = Set("complaint"), OverflowQueueId = Vip, OverflowAfter = TimeSpan.FromMinutes(1) },
        new QueueRule { Id = SalesLine, Name = "Sales line", Channels = Set("sms"), Inboxes = Set("+15550001111"), Keywords = ["price", "quote"] },
        new QueueRule { Id = General, Name = "General", TeamId = SupportTeam, AlertAfter = TimeSpan.FromMinutes(10) },
    ]);

    [Fact]
    public void TheFirstQueueWhoseConditionsAllHoldTakesTheConversation()
    {
        var policy = Policy();

        Assert.Equal(Vip, policy.Classify(new ConversationFacts("email", "سلام", ContactTags: ["vip", "b2b"]))!.Id);
        Assert.Equal(Persian, policy.Classify(new ConversationFacts("telegram", "سلام، سفارش من کجاست؟"))!.Id);
        Assert.Equal(Complaints, policy.Classify(new ConversationFacts("webchat", "hello", Category: "complaint"))!.Id);
        Assert.Equal(SalesLine, policy.Classify(new ConversationFacts("sms", "What is the PRICE?", "+15550001111"))!.Id);
        // The same words to another number, or on another channel, are not the sales line's.
        Assert.Equal(General, policy.Classify(new ConversationFacts("sms", "What is the price?", "+15550002222"))!.Id);
        Assert.Equal(General, policy.Classify(new ConversationFacts("webchat", "price please", "+15550001111"))!.Id);
    }

    [Fact]
    public void ThePreviewSaysWhyEachQueueTriedDidNotTakeIt()
    {
        var explained = Policy().Explain(new ConversationFacts("sms", "Hi there", "+15550001111"));

        Assert.Equal(General, explained.Queue!.Id);
        Assert.Equal(
        [
            "VIP: no — the contact has none of the tags [vip]",
            "Persian: no — language en is not one of [fa]",
            "Complaints: no — category (none) is not one of [complaint]",
            "Sales line: no — the first message has none of the keywords [price, quote]",
            "General: yes — queue General, priority 0",
        ], explained.Trace);
    }

    [Theory]
    [InlineData("Hello, where is my order?", "en")]
    [InlineData("سلام، سفارش من کجاست؟", "fa")]
    [InlineData("سلام order 123 کجاست", "fa")]
    [InlineData("12345 !!", null)]
    public void TheLanguageIsTheFirstMessagesScript(string text, string? language) =>
        Assert.Equal(language, ConversationFacts.LanguageOf(text));

    [Fact]
    public void TheLadderFollowsOverflowsAddingUpTheWaitsAndTakesEachNextQueuesTeamSkillAndPriority()
    {
        var ladder = Policy().LadderFrom(Complaints);

        Assert.Equal(2, ladder.Count);
        Assert.Equal(new OverflowStep(TimeSpan.FromMinutes(1), "VIP", null, null, 1, 5), ladder[0]);
        Assert.Equal(new OverflowStep(TimeSpan.FromMinutes(3), "General", SupportTeam, null, 1, 0), ladder[1]);
        Assert.Empty(Policy().LadderFrom(General));
        Assert.Empty(Policy().LadderFrom(null));
    }

    [Fact]
    public void AnOverflowCycleIsFoundAndNamedAndALadderNeverLoops()
    {
        (Guid, string, Guid?)[] queues = [(Vip, "VIP", Complaints), (Complaints, "Complaints", General), (General, "General", Vip), (Persian, "Persian", Vip)];

        Assert.Equal(["VIP", "Complaints", "General", "VIP"], RoutingPolicy.FindOverflowCycle(queues));
        Assert.Null(RoutingPolicy.FindOverflowCycle([(Vip, "VIP", General), (General, "General", null)]));

        var looping = new RoutingPolicy(1,
        [
            new QueueRule { Id = Vip, Name = "VIP", OverflowQueueId = General, OverflowAfter = TimeSpan.FromMinutes(1) },
            new QueueRule { Id = General, Name = "General", OverflowQueueId = Vip, OverflowAfter = TimeSpan.FromMinutes(1) },
        ]);
        Assert.Equal(["General"], looping.LadderFrom(Vip).Select(s => s.Name));
    }
}
