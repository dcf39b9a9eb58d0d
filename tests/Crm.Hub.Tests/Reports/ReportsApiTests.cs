using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Crm.Hub.Tests.Reports;

/// <summary>
/// The period report over <see cref="ReportsHub"/>'s six conversations, every figure computed by hand from the timelines in
/// its summary (seconds; business time in the Support queue's calendar).
/// </summary>
public sealed class ReportsApiTests(ReportsHub hub) : IClassFixture<ReportsHub>
{
    private const string June = "from=2026-06-01&to=2026-06-10";

    private async Task<JsonElement> SummaryAsync(string query)
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var response = await admin.GetAsync($"/api/v1/reports/summary?{query}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static decimal Dec(JsonElement e, params string[] path) => Walk(e, path).GetDecimal();

    private static int Int(JsonElement e, params string[] path) => Walk(e, path).GetInt32();

    private static JsonElement Walk(JsonElement e, string[] path) => path.Aggregate(e, (x, p) => x.GetProperty(p));

    [Fact]
    public async Task TheTotalsEqualTheHandComputedFigures()
    {
        var report = await SummaryAsync(June + "&by=queue");
        var t = report.GetProperty("total");
        Assert.Equal("Asia/Tehran", report.GetProperty("timeZone").GetString());
        Assert.Equal(6, Int(t, "conversations"));
        Assert.Equal(5, Int(t, "resolved"));
        Assert.Equal(1, Int(t, "reopened"));
        Assert.Equal(1, Int(t, "transferred"));
        // FRT: 600 (C1) + 3600 (C2: the automatic acknowledgement does not count) + 300 (C3, first episode) + 180 (C4)
        // + 237600 (C5, Wed 15:00 -> Sat 09:00) = 242280 over 5.
        Assert.Equal(5, Int(t, "firstResponse", "count"));
        Assert.Equal(48456m, Dec(t, "firstResponse", "averageSeconds"));
        // In business time C5 is Wed 15:00-16:00 + Sat 08:00-09:00 = 7200 (Thu 4 is a holiday, Fri closed): 11880 over 5.
        Assert.Equal(2376m, Dec(t, "firstResponseBusiness", "averageSeconds"));
        // Time to assign: 120 + 1800 + 60 + 60 + 1800 = 3840 over 5.
        Assert.Equal(768m, Dec(t, "timeToAssign", "averageSeconds"));
        // AHT: 2280 + 16200 + (1740 + 5400) + 2940 + 239400 = 267960 over 5.
        Assert.Equal(53592m, Dec(t, "handleTime", "averageSeconds"));
        // Resolution: 2400 + 18000 + 90000 + 3000 + 241200 = 354600 over 5.
        Assert.Equal(70920m, Dec(t, "resolutionTime", "averageSeconds"));
        // FCR: C1 broken by Sara's C2 two days later on another channel, C3 reopened, C4 transferred; C2 and C5 first contact
        // (their windows closed months ago).
        Assert.Equal(2, Int(t, "fcr", "firstContact"));
        Assert.Equal(3, Int(t, "fcr", "notFirstContact"));
        Assert.Equal(0, Int(t, "fcr", "provisional"));
        Assert.Equal(40m, Dec(t, "fcr", "rate"));
        // SLA: C1, C2, C4 met; C3 breached resolution (Mon 10:00-16:00 + Tue 08:00-11:00 = 9 business hours > 8), C5 breached
        // first response (2 business hours > 1), C6 still unanswered long past its due time.
        Assert.Equal(3, Int(t, "sla", "met"));
        Assert.Equal(3, Int(t, "sla", "breached"));
        Assert.Equal(0, Int(t, "sla", "pending"));
        Assert.Equal(50m, Dec(t, "sla", "compliance"));
        // Same day: C1, C2, C4 of 5.
        Assert.Equal(3, Int(t, "sameDayResolved"));
        Assert.Equal(60m, Dec(t, "sameDayRate"));
        // Complaint C5: 241200 wall-clock, Wed 1 h + Sat 2 h = 10800 business.
        Assert.Equal(1, Int(t, "complaintToResolution", "resolved"));
        Assert.Equal(241200m, Dec(t, "complaintToResolution", "averageSeconds"));
        Assert.Equal(10800m, Dec(t, "complaintToResolution", "averageBusinessSeconds"));
        // Resolutions by agent-day: Ava Mon 1 (C1); Babak Tue 2 (C3, C4), Wed 3 (C2), Sat 6 (C5): 5 over 4.
        Assert.Equal(1.25m, Dec(t, "contactsPerAgentPerDay"));
        // CSAT 3 and 5: one of two satisfied. NPS one detractor.
        Assert.Equal(2, Int(t, "csat", "responses"));
        Assert.Equal(50m, Dec(t, "csat", "score"));
        Assert.Equal(-100m, Dec(t, "nps", "score"));
        Assert.Equal(JsonValueKind.Null, Walk(t, ["ces", "score"]).ValueKind);
    }

    [Fact]
    public async Task BreakdownsGroupByAgentQueueChannelAndCategory()
    {
        var byAgent = (await SummaryAsync(June + "&by=agent")).GetProperty("groups").EnumerateArray().ToList();
        var babak = byAgent.Single(g => g.GetProperty("key").GetString() == hub.Babak.ToString());
        Assert.Equal("Babak", babak.GetProperty("label").GetString());
        var f = babak.GetProperty("figures");
        Assert.Equal(4, Int(f, "conversations"));
        // 3600 + 300 + 180 + 237600 over 4; Babak's resolutions: Tue 2 twice, Wed 3, Sat 6.
        Assert.Equal(60420m, Dec(f, "firstResponse", "averageSeconds"));
        Assert.Equal(1.33m, Dec(f, "contactsPerAgentPerDay"));
        var ava = byAgent.Single(g => g.GetProperty("key").GetString() == hub.Ava.ToString()).GetProperty("figures");
        Assert.Equal(600m, Dec(ava, "firstResponse", "averageSeconds"));
        Assert.Equal(JsonValueKind.Null, byAgent.Single(g => g.GetProperty("key").ValueKind == JsonValueKind.Null).GetProperty("label").ValueKind);

        var byQueue = (await SummaryAsync(June + "&by=queue")).GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal(5, Int(byQueue.Single(g => g.GetProperty("label").GetString() == "Support"), "figures", "conversations"));
        var unqueued = byQueue.Single(g => g.GetProperty("key").ValueKind == JsonValueKind.Null).GetProperty("figures");
        Assert.Equal(1, Int(unqueued, "sla", "breached"));

        var byChannel = (await SummaryAsync(June + "&by=channel")).GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("key").GetString()!, g => Int(g, "figures", "conversations"));
        Assert.Equal(new Dictionary<string, int> { ["sms"] = 2, ["email"] = 2, ["telegram"] = 1, ["webchat"] = 1 }, byChannel);

        var byCategory = (await SummaryAsync(June + "&by=category")).GetProperty("groups").EnumerateArray()
            .ToDictionary(g => g.GetProperty("key").GetString() ?? "(none)", g => Int(g, "figures", "conversations"));
        Assert.Equal(new Dictionary<string, int> { ["inquiry"] = 2, ["complaint"] = 1, ["suggestion"] = 1, ["(none)"] = 2 }, byCategory);
    }

    [Fact]
    public async Task TheDailySeriesCountsEachConversationOnItsLocalOpeningDay()
    {
        var days = (await SummaryAsync(June + "&by=channel")).GetProperty("days").EnumerateArray()
            .ToDictionary(d => d.GetProperty("date").GetString()!, d => Int(d, "figures", "conversations"));
        Assert.Equal(new Dictionary<string, int> { ["2026-06-01"] = 2, ["2026-06-02"] = 1, ["2026-06-03"] = 2, ["2026-06-08"] = 1 }, days);
    }

    [Fact]
    public async Task FiltersNarrowThePopulation()
    {
        var complaints = await SummaryAsync(June + "&category=complaint");
        Assert.Equal(1, Int(complaints.GetProperty("total"), "conversations"));
        var sara = await SummaryAsync(June + "&channel=email&by=agent");
        Assert.Equal(2, Int(sara.GetProperty("total"), "conversations"));
        var oneDay = await SummaryAsync("from=2026-06-03&to=2026-06-03");
        Assert.Equal(2, Int(oneDay.GetProperty("total"), "conversations"));
    }

    [Fact]
    public async Task APeriodWithoutConversationsIsAnEmptyReportNotAnError()
    {
        var report = await SummaryAsync("from=2025-01-01&to=2025-01-31&by=agent");
        Assert.Equal(0, Int(report.GetProperty("total"), "conversations"));
        Assert.Equal(JsonValueKind.Null, Walk(report, ["total", "firstResponse", "averageSeconds"]).ValueKind);
        Assert.Empty(report.GetProperty("groups").EnumerateArray());
        Assert.Empty(report.GetProperty("days").EnumerateArray());
    }

    [Theory]
    [InlineData("to=2026-06-10", "from", "from is required")]
    [InlineData("from=2026-13-01&to=2026-06-10", "from", "is not a date as yyyy-MM-dd")]
    [InlineData("from=2026-06-10&to=2026-06-01", "to", "ends (2026-06-01) before it starts (2026-06-10)")]
    [InlineData("from=2025-01-01&to=2026-06-01", "to", "a report covers at most 366")]
    [InlineData("from=2026-06-01&to=2026-06-10&by=weather", "by", "'weather' is not a breakdown")]
    [InlineData("from=2026-06-01&to=2026-06-10&queueId=abc", "queueId", "'abc' is not an id")]
    public async Task BadPeriodsAndBreakdownsAre400sWithTheReason(string query, string field, string reason)
    {
        using var admin = hub.Client(await hub.TokenAsync());
        foreach (var path in new[] { "/api/v1/reports/summary?", "/api/v1/reports/conversations.csv?" })
        {
            if (field == "by" && path.Contains("csv", StringComparison.Ordinal))
            {
                continue;
            }
            var response = await admin.GetAsync(path + query);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(reason, problem.GetProperty("errors").GetProperty(field)[0].GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AgentsMayNotReadReports()
    {
        var (_, token) = await hub.CreateAgentAsync("Plain");
        using var agent = hub.Client(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/reports/summary?" + June)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/reports/conversations.csv?" + June)).StatusCode);
    }

    [Fact]
    public async Task TheCsvHasOneRowPerConversationAndItsColumnsAddUpToTheSummary()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var response = await admin.GetAsync("/api/v1/reports/conversations.csv?" + June);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines[0].Split(',');
        var rows = lines[1..].Select(l => header.Zip(l.Split(',')).ToDictionary(p => p.First, p => p.Second)).ToList();
        Assert.Equal(6, rows.Count);
        var c5 = rows.Single(r => r["conversation_id"] == hub.Conversations[4].ToString());
        Assert.Equal("237600", c5["first_response_seconds"]);
        Assert.Equal("7200", c5["first_response_business_seconds"]);
        Assert.Equal("10800", c5["resolution_business_seconds"]);
        Assert.Equal("breached", c5["sla_first_response"]);
        Assert.Equal("met", c5["sla_resolution"]);
        Assert.Equal("firstcontact", c5["fcr"]);
        Assert.Equal("complaint", c5["category"]);
        Assert.Equal("2026-06-03T11:30:00Z", c5["opened_at"]);
        var c3 = rows.Single(r => r["conversation_id"] == hub.Conversations[2].ToString());
        Assert.Equal("2", c3["episodes"]);
        Assert.Equal("notfirstcontact", c3["fcr"]);
        Assert.Equal("false", c3["same_day"]);

        var summary = (await SummaryAsync(June)).GetProperty("total");
        var frt = rows.Where(r => r["first_response_seconds"] != "").Select(r => long.Parse(r["first_response_seconds"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Dec(summary, "firstResponse", "averageSeconds"), Math.Round((decimal)frt.Sum() / frt.Count, 2));
        var handle = rows.Where(r => r["handle_seconds"] != "").Select(r => long.Parse(r["handle_seconds"], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Dec(summary, "handleTime", "averageSeconds"), Math.Round((decimal)handle.Sum() / handle.Count, 2));
        Assert.Equal(Int(summary, "fcr", "firstContact"), rows.Count(r => r["fcr"] == "firstcontact"));
        Assert.Equal(Int(summary, "sla", "met"), rows.Count(r => r["sla_first_response"] == "met" && r["sla_resolution"] == "met"));
    }
}
