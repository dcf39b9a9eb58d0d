using Crm.Hub.Metrics;
using static Crm.Hub.Tests.Metrics.MetricsFixture;

namespace Crm.Hub.Tests.Metrics;

public sealed class ConversationReportRowTests
{
    [Fact]
    public void TheComplaintAcrossTheHolidayReadsAsComputedByHand()
    {
        var row = ConversationReportRow.Of(C6, All, Settings(), Now);

        // Wed 3 15:00 +03:30 = 11:30 UTC. First response Sat 6 09:00 (05:30 UTC): 66 h = 237600 s wall, 2 h = 7200 s business.
        // Assigned after 30 min = 1800 s; handled Wed 15:30 -> Sat 10:00 = 66 h 30 = 239400 s; resolved Sat 10:00 (06:30 UTC)
        // by Babak: 67 h = 241200 s wall, 3 h = 10800 s business. Not the same day; SLA met; FCR provisional until Sat 13 10:00.
        Assert.Equal(
            $"{C6.ConversationId},{Ali},email,{MetricsFixture.Support},,0,complaint,2026-06-03T11:30:00Z,2026-06-06T05:30:00Z,237600,7200,1800,239400," +
            $"2026-06-06T06:30:00Z,{Babak},241200,10800,1,false,false,met,met,provisional,2026-06-13T06:30:00Z",
            row.ToCsv());
        Assert.Equal(ConversationReportRow.CsvHeader.Split(',').Length, row.ToCsv().Split(',').Length);
    }

    [Fact]
    public void AnOpenConversationHasEmptyCellsForWhatHasNotHappened()
    {
        var row = ConversationReportRow.Of(C9, All, Settings(), Now);

        // Wed 10 10:00 +03:30 = 06:30 UTC; assigned after 10 min = 600 s; no reply (first-response SLA breached), not resolved.
        Assert.Equal(
            $"{C9.ConversationId},{Omid},webchat,{MetricsFixture.Support},,0,,2026-06-10T06:30:00Z,,,,600,,,,,,1,false,,breached,pending,notresolved,",
            row.ToCsv());
    }

    [Fact]
    public void TheReopenedConversationShowsBothEpisodes()
    {
        var row = ConversationReportRow.Of(C4, All, Settings(), Now);

        // Handle 29 + 90 min = 7140 s; opened Mon 10:00 -> resolved Tue 11:00 = 25 h = 90000 s wall, 9 h = 32400 s business.
        Assert.Equal((2, TimeSpan.FromSeconds(7140), TimeSpan.FromHours(25), TimeSpan.FromHours(9)),
            (row.Episodes, row.HandleTime!.Value, row.ResolutionTime!.Value, row.ResolutionBusiness!.Value));
        Assert.Equal((SlaOutcome.Met, SlaOutcome.Breached, FcrStatus.NotFirstContact), (row.SlaFirstResponse, row.SlaResolution, row.Fcr));
    }
}
