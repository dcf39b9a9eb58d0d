using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Routing.WhatIf;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Routing;

/// <summary>What-if replay over the hub's own recorded conversations: through the supervisor API and the replay command.</summary>
public sealed class WhatIfReplayTests(HubServer hub) : IClassFixture<HubServer>
{
    private static string Today => TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static WhatIfAgent[] Staff(int agents) => Enumerable.Range(1, agents)
        .Select(i => new WhatIfAgent($"Candidate {i}", new Dictionary<string, int> { ["webchat"] = 1 })).ToArray();

    [Fact]
    public async Task TheRecordedDayReplaysUnderCandidateStaffingWithFewerAgentsWaitingLonger()
    {
        for (var i = 0; i < 3; i++)
        {
            await hub.VisitorWritesAsync($"what-if question {i}");
        }
        using var admin = hub.Client(await hub.TokenAsync());

        // Today and tomorrow: a replay stops at the end of its period, and run shortly before midnight a queue behind
        // ten-minute handle times would otherwise be cut off there.
        var one = await (await admin.PostAsJsonAsync("/api/v1/routing/replay", new { date = Today, days = 2, agents = Staff(1) })).Content.ReadFromJsonAsync<JsonElement>();
        var overall = one.GetProperty("overall");
        var count = overall.GetProperty("conversations").GetInt32();
        // As many agents as conversations: nobody waits.
        var three = await (await admin.PostAsJsonAsync("/api/v1/routing/replay", new { date = Today, days = 2, agents = Staff(count) })).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(count >= 3);
        Assert.Equal(overall.GetProperty("conversations").GetInt32(), overall.GetProperty("answered").GetInt32());
        // Unresolved conversations keep the default 10-minute handle time: with one agent, the third waits for two of them.
        Assert.True(overall.GetProperty("waits").GetProperty("maxSeconds").GetDouble() >= 19 * 60);
        Assert.True(three.GetProperty("overall").GetProperty("waits").GetProperty("maxSeconds").GetDouble() < 60);
        Assert.Equal(count, three.GetProperty("agents").GetArrayLength());
        Assert.Equal("Candidate 1", three.GetProperty("agents")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task BadQuestionsGetTheirReason()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var bad = await admin.PostAsJsonAsync("/api/v1/routing/replay", new
        {
            date = "yesterday", timeZone = "Mars/Olympus", policyVersion = 4242, days = 30,
            agents = new[] { new { name = "Shifty", capacity = new Dictionary<string, int> { ["webchat"] = 1 }, shifts = new[] { "00:00-08:00" } } },
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("date is the day to replay, as yyyy-MM-dd (years 2000-2100).", errors.GetProperty("date")[0].GetString());
        Assert.Contains("'Mars/Olympus' is not a time zone", errors.GetProperty("timeZone")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("There is no policy version 4242.", errors.GetProperty("policyVersion")[0].GetString());
        Assert.Equal("days is 1 to 7.", errors.GetProperty("days")[0].GetString());

        // With a good date, each candidate agent is checked like the agents API: shifts, skills, weighted capacity.
        var agents = await admin.PostAsJsonAsync("/api/v1/routing/replay", new
        {
            date = Today,
            timeZone = "Asia/Tehran",
            agents = new object[]
            {
                new { name = "Shifty", capacity = new Dictionary<string, int> { ["webchat"] = 1 }, shifts = new[] { "9 to 5" } },
                new { name = "Twice", capacity = new Dictionary<string, int> { ["webchat"] = 1 }, skills = new Dictionary<string, int> { ["Billing"] = 3, ["billing"] = 2 } },
                new { name = "Blocky", capacity = new Dictionary<string, int> { ["webchat"] = 1 }, weighted = new { units = 4, blocks = new Dictionary<string, string[]?> { ["Fax"] = null } } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, agents.StatusCode);
        var agentErrors = (await agents.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Contains("'9 to 5' is not a shift", agentErrors.GetProperty("agents[0].shifts")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("'billing' is listed twice.", agentErrors.GetProperty("agents[1].skills")[0].GetString());
        Assert.StartsWith("'Fax' in blocks is not a channel", agentErrors.GetProperty("agents[2].weighted")[0].GetString(), StringComparison.Ordinal);

        using var agentClient = hub.Client((await hub.CreateAgentAsync("Nosy")).Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await agentClient.PostAsJsonAsync("/api/v1/routing/replay", new { date = Today })).StatusCode);
    }

    [Fact]
    public async Task TheReplayCommandPrintsTheSameReportAsATable()
    {
        await hub.VisitorWritesAsync("command line what-if");
        var staffing = Path.Combine(Path.GetTempPath(), $"staffing-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(staffing, JsonSerializer.Serialize(Staff(2), HubServer.Json));
        try
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var code = await WhatIfCommand.RunAsync(hub.Services, ["replay", "--date", Today, "--staffing", staffing], output, error);

            Assert.True(code == 0, error.ToString());
            var text = output.ToString();
            Assert.Contains($"What-if replay {Today} 00:00", text, StringComparison.Ordinal);
            Assert.Contains("Candidate 2", text, StringComparison.Ordinal);
            Assert.Matches(@"\ball\s+\d+\s+\d+", text);

            var usage = new StringWriter();
            Assert.Equal(2, await WhatIfCommand.RunAsync(hub.Services, ["replay", "--days", "2"], new StringWriter(), usage));
            Assert.StartsWith("usage: replay --date", usage.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(staffing);
        }
    }
}
