using Crm.Hub.Metrics;
using Crm.Hub.Reports;
using Crm.Hub.Tests.Metrics;

namespace Crm.Hub.Tests.Reports;

/// <summary>A facts row, read back as a CSV row, says exactly what a full replay of the conversation's history says.</summary>
public sealed class FactBuilderTests
{
    public static TheoryData<int> Conversations() => [.. Enumerable.Range(0, MetricsFixture.All.Count)];

    [Theory]
    [MemberData(nameof(Conversations))]
    public void AFactsRowReadsBackAsTheReplayedReportRow(int index)
    {
        var settings = MetricsFixture.Settings();
        var facts = MetricsFixture.All.Select(h => FactBuilder.Build(h, settings, MetricsFixture.Now, lastSeq: 1)!).ToList();
        foreach (var contact in facts.GroupBy(f => f.ContactId))
        {
            FactBuilder.LinkContactReturns([.. contact]);
        }
        var conversation = MetricsFixture.All[index];
        var expected = ConversationReportRow.Of(conversation, MetricsFixture.All.Where(c => c.ContactId == conversation.ContactId), settings, MetricsFixture.Now);
        var actual = FactBuilder.ToReportRow(facts[index], settings.FcrWindow, MetricsFixture.Now);
        Assert.Equal(expected.ToCsv(), actual.ToCsv());
    }

    [Fact]
    public void AChangedFcrWindowAppliesToRowsAlreadyWritten()
    {
        var settings = MetricsFixture.Settings();
        // Sara: C1 resolved Mon 1 09:40, C2 opened Wed 3 10:00 — a return after 2 days and 20 minutes.
        var facts = new[] { MetricsFixture.C1, MetricsFixture.C2 }.Select(h => FactBuilder.Build(h, settings, MetricsFixture.Now, 1)!).ToList();
        FactBuilder.LinkContactReturns(facts);
        Assert.Equal((long)new TimeSpan(2, 0, 20, 0).TotalSeconds, facts[0].ContactReturnSeconds);
        Assert.Equal(FcrStatus.NotFirstContact, FactBuilder.FcrOf(facts[0], TimeSpan.FromDays(7), MetricsFixture.Now).Status);
        Assert.Equal(FcrStatus.FirstContact, FactBuilder.FcrOf(facts[0], TimeSpan.FromDays(2), MetricsFixture.Now).Status);
    }

    [Fact]
    public void ARunningSlaClockPastItsDueTimeReadsAsBreached()
    {
        var due = MetricsFixture.L(3, 10, 0);
        Assert.Equal(SlaOutcome.Breached, FactBuilder.Effective(SlaOutcome.Pending, due, due.AddSeconds(1)));
        Assert.Equal(SlaOutcome.Pending, FactBuilder.Effective(SlaOutcome.Pending, due, due));
        Assert.Equal(SlaOutcome.Met, FactBuilder.Effective(SlaOutcome.Met, due, due.AddDays(1)));
    }
}
