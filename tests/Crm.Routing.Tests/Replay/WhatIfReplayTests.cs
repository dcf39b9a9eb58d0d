using System.Text.Json;
using Crm.Routing.Classification;
using Crm.Routing.Replay;

namespace Crm.Routing.Tests.Replay;

public sealed class WhatIfReplayTests
{
    private static readonly DateTimeOffset Nine = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly RoutingOptions Options = new() { AgingStep = TimeSpan.Zero, SkillFallbackAfter = TimeSpan.Zero };

    private static Guid Id(int n) => new($"00000000-0000-0000-0000-{n:D12}");

    private static RecordedConversation Chat(int n, double minutesIn, double handleMinutes, string text = "hello", double? respondAfterMinutes = null) =>
        new(Id(n), Nine.AddMinutes(minutesIn), new ConversationFacts("webchat", text), TimeSpan.FromMinutes(handleMinutes),
            respondAfterMinutes is { } r ? TimeSpan.FromMinutes(r) : null);

    private static StaffedAgent Agent(int n, int chats = 1, params Shift[] shifts) =>
        new(Id(1000 + n), $"Agent {n}", new Dictionary<string, int> { ["webchat"] = chats }, [], Shifts: shifts);

    private static RoutingPolicy Sla(int minutes) =>
        new(4, [new QueueRule { Id = Id(900), Name = "Chat", FirstResponseSla = TimeSpan.FromMinutes(minutes) }]);

    [Fact]
    public void OneAgentServesTheRecordedChatsInTurnAndTheFiguresAreExact()
    {
        // One agent, one chat at a time: 09:00 (10 min), 09:01 (5 min), 09:02 (5 min). Taken at 09:00, 09:10 and 09:15, so the
        // waits are 0, 9 and 13 minutes. SLA 10 minutes with the reply 1 minute after taking it: 1 ≤ 10 and 10 ≤ 10 met, 14 > 10 not.
        var report = WhatIfReplay.Run([Chat(1, 0, 10, respondAfterMinutes: 1), Chat(2, 1, 5, respondAfterMinutes: 1), Chat(3, 2, 5, respondAfterMinutes: 1)],
            Sla(10), [Agent(1)], Options);

        var all = report.Overall;
        Assert.Equal((3, 3, 0), (all.Conversations, all.Answered, all.Unanswered));
        Assert.Equal((3, 2), (all.WithSla, all.SlaMet));
        Assert.Equal(2.0 / 3, all.SlaCompliance);
        Assert.Equal(new WaitFigures(3, 22.0 * 60 / 3, 9 * 60, 13 * 60, 13 * 60, 13 * 60), all.Waits);
        Assert.Equal(4, report.PolicyVersion);
        // Busy from 09:00 to the last close at 09:20, the whole replayed span.
        var agent = Assert.Single(report.Agents);
        Assert.Equal((3, 20 * 60.0, 20 * 60.0, 1.0), (agent.Conversations, agent.BusySeconds, agent.OnShiftSeconds, agent.Occupancy!.Value));
        Assert.Equal("Chat", Assert.Single(report.Queues).Queue);
    }

    [Fact]
    public void MoreStaffShortensTheWaitsAndRaisesComplianceAndOccupancyFalls()
    {
        var random = new Random(7);
        var day = Enumerable.Range(1, 300)
            .Select(n => Chat(n, random.NextDouble() * 480, 4 + (random.NextDouble() * 8)))
            .OrderBy(c => c.ArrivedAt)
            .ToList();

        var two = WhatIfReplay.Run(day, Sla(5), [Agent(1), Agent(2)], Options);
        var four = WhatIfReplay.Run(day, Sla(5), [Agent(1), Agent(2), Agent(3), Agent(4)], Options);

        Assert.True(four.Overall.Waits.MeanSeconds < two.Overall.Waits.MeanSeconds / 2, $"{four.Overall.Waits.MeanSeconds} vs {two.Overall.Waits.MeanSeconds}");
        Assert.True(four.Overall.SlaCompliance > two.Overall.SlaCompliance);
        Assert.True(four.Agents.Average(a => a.Occupancy!.Value) < two.Agents.Average(a => a.Occupancy!.Value));
        Assert.Equal(300, four.Overall.Answered);
    }

    [Fact]
    public void AgentsWorkOnlyTheirShiftsAndUnservedChatsAreCounted()
    {
        var report = WhatIfReplay.Run([Chat(1, 0, 5), Chat(2, 90, 5)], Sla(60),
            [Agent(1, 1, new Shift(Nine.AddMinutes(30), Nine.AddMinutes(60)))], Options);

        // The 09:00 chat waits for the shift at 09:30; the 10:30 chat finds nobody on shift and is never taken.
        Assert.Equal((2, 1, 1), (report.Overall.Conversations, report.Overall.Answered, report.Overall.Unanswered));
        Assert.Equal(30 * 60, report.Overall.Waits.MaxSeconds);
        Assert.Equal(30 * 60.0, report.Agents[0].OnShiftSeconds);
        Assert.Equal(5.0 / 30, report.Agents[0].Occupancy);
    }

    [Fact]
    public void ACandidatePolicyChangesWhoWaitsAndTheLadderAndAlertsAreCounted()
    {
        var vip = new QueueRule { Id = Id(901), Name = "VIP", Priority = 5, Keywords = ["vip"], AlertAfter = TimeSpan.FromMinutes(5) };
        var rest = new QueueRule { Id = Id(902), Name = "Rest", AlertAfter = TimeSpan.FromMinutes(5) };
        // Three normal chats queue at 09:00:00-09:00:02, then a VIP at 09:00:03; one agent, 10 minutes each.
        List<RecordedConversation> day = [Chat(1, 0, 10), Chat(2, 0.01, 10), Chat(3, 0.02, 10), Chat(4, 0.05, 10, "vip here")];

        var flat = WhatIfReplay.Run(day, new RoutingPolicy(1, [rest]), [Agent(1)], Options);
        var prioritised = WhatIfReplay.Run(day, new RoutingPolicy(2, [vip, rest]), [Agent(1)], Options);

        Assert.True(flat.Queues.Single().Waits.MaxSeconds > 29 * 60);
        var vipOutcome = prioritised.Queues.Single(q => q.Queue == "VIP");
        Assert.InRange(vipOutcome.Waits.MaxSeconds, 9 * 60, 10 * 60);
        // Everyone but the first waited past the 5-minute alert wait.
        Assert.Equal(3, prioritised.Escalations);
    }

    [Fact]
    public void TheSameInputsAlwaysGiveTheSameReport()
    {
        var random = new Random(3);
        var day = Enumerable.Range(1, 100).Select(n => Chat(n, random.NextDouble() * 120, 1 + (random.NextDouble() * 9))).OrderBy(c => c.ArrivedAt).ToList();
        string Run() => JsonSerializer.Serialize(WhatIfReplay.Run(day, Sla(3), [Agent(1, 2), Agent(2, 2)], Options));

        Assert.Equal(Run(), Run());
        Assert.Equal(0, WhatIfReplay.Run([], Sla(3), [Agent(1)], Options).Overall.Conversations);
    }

    [Fact]
    public void TheReplayEndsWithItsPeriodAndCountsWhatNobodyTookAsUnanswered()
    {
        // No one handles SMS: without an end this would age the waiting conversations for days of simulated time.
        var sms = new RecordedConversation(Id(1), Nine, new ConversationFacts("sms", "hi"), TimeSpan.FromMinutes(5));
        var report = WhatIfReplay.Run([sms, Chat(2, 10, 5)], Sla(5), [Agent(1)], Options with { AgingStep = TimeSpan.FromMinutes(1) },
            Nine, Nine.AddHours(1));

        Assert.Equal((2, 1, 1), (report.Overall.Conversations, report.Overall.Answered, report.Overall.Unanswered));
        Assert.Equal(Nine.AddHours(1), report.To);
        Assert.Equal(3600, report.Agents[0].OnShiftSeconds);
        Assert.Throws<OperationCanceledException>(() =>
            WhatIfReplay.Run([sms], Sla(5), [Agent(1)], Options, Nine, Nine.AddDays(1), new CancellationToken(canceled: true)));
    }
}
