using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Routing;

/// <summary>Skills through the running hub: agents carry them, a queue requires one, routing hands its conversations to a qualified agent.</summary>
public sealed class SkillRoutingTests(HubServer hub) : IClassFixture<HubServer>
{
    private async Task<(Guid Id, HubConnection Connection, Inbox<PushedEvent> Inbox)> OnlineAgentAsync(string name, Dictionary<string, int> skills)
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var email = $"{name.ToLowerInvariant()}-{Guid.NewGuid():N}@test.local";
        var created = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            email, displayName = name, password = "Agent-Password-1", role = "agent", autoAccept = true, teamIds = Array.Empty<Guid>(),
            capacity = new Dictionary<string, int> { ["webchat"] = 2 }, skills,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        var connection = hub.AgentConnection(await hub.TokenAsync(email, "Agent-Password-1"));
        var inbox = new Inbox<PushedEvent>();
        connection.On<PushedEvent>("ConversationUpdated", inbox.Add);
        await connection.StartAsync();
        return (view.GetProperty("id").GetGuid(), connection, inbox);
    }


    [Fact]
    public async Task AQueueThatNeedsASkillIsServedByAQualifiedAgentAndTheReasonSaysSo()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var unknown = await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "Klingon", skill = "klingon", minProficiency = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("No agent has the skill 'klingon'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (_, generalist, _) = await OnlineAgentAsync("Ann", []);
        await using var _g = generalist;
        var (pedroId, pedro, pedroInbox) = await OnlineAgentAsync("Pedro", new() { ["Spanish"] = 4, ["billing"] = 2 });
        await using var _p = pedro;

        var queue = await admin.PostAsJsonAsync("/api/v1/routing/queues",
            new { name = "Facturas", priority = 3, channels = new[] { "webchat" }, keywords = new[] { "factura" }, skill = "spanish", minProficiency = 3 });
        Assert.Equal(HttpStatusCode.Created, queue.StatusCode);
        var view = await queue.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("spanish", view.GetProperty("skill").GetString());
        Assert.Equal(3, view.GetProperty("minProficiency").GetInt32());
        var preview = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "¿Dónde está mi factura?" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("needs spanish at level 3+", preview.GetProperty("explanation").GetString(), StringComparison.Ordinal);

        // Ann is less busy and longer idle, but only Pedro speaks Spanish at level 3 or more.
        var conversationId = await hub.VisitorWritesAsync("¿Dónde está mi factura?");
        await pedroInbox.WaitForAsync(e => e.ConversationId == conversationId && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("assigneeId").GetGuid() == pedroId);
        var decisions = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/decisions");
        var assigned = decisions.EnumerateArray().First(d => d.GetProperty("kind").GetString() is "offered" or "assigned");
        Assert.Contains("with spanish at level 3+ (this agent: level 4)", assigned.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // "Why this agent" lists who was looked at: Pedro chosen, by name, with his level and load.
        var chosen = assigned.GetProperty("candidates").EnumerateArray().Single(c => c.GetProperty("verdict").GetString() == "chosen");
        Assert.Equal((pedroId, "Pedro", 4, 0), (chosen.GetProperty("agentId").GetGuid(), chosen.GetProperty("agentName").GetString(),
            chosen.GetProperty("proficiency").GetInt32(), chosen.GetProperty("load").GetInt32()));

        // Staffing: Pedro is the only agent who can serve the queue; when his console goes, the queue is flagged.
        JsonElement Staffing(JsonElement queues) =>
            queues.EnumerateArray().Single(q => q.GetProperty("name").GetString() == "Facturas").GetProperty("staffing");
        var staffed = Staffing(await admin.GetFromJsonAsync<JsonElement>("/api/v1/routing/queues"));
        Assert.Equal(1, staffed.GetProperty("eligibleAgents").GetInt32());
        Assert.Equal(1, staffed.GetProperty("eligibleOnline").GetInt32());
        await pedro.StopAsync();
        await Wait.UntilAsync(async () =>
            Staffing(await admin.GetFromJsonAsync<JsonElement>("/api/v1/routing/queues")).GetProperty("eligibleOnline").GetInt32() == 0 ? (bool?)true : null);

        var agents = await admin.GetFromJsonAsync<JsonElement>("/api/v1/agents");
        var pedroView = agents.EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == pedroId);
        Assert.Equal(4, pedroView.GetProperty("skills").GetProperty("spanish").GetInt32());
    }

    [Fact]
    public async Task BadSkillsAreRefusedWithTheReason()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var tooHigh = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            email = $"bad-{Guid.NewGuid():N}@test.local", displayName = "Bad", password = "Agent-Password-1", role = "agent",
            skills = new Dictionary<string, int> { ["billing"] = 9 },
        });
        Assert.Equal(HttpStatusCode.BadRequest, tooHigh.StatusCode);
        Assert.Contains("proficiency is 1 (basic) to 5 (expert), not 9", await tooHigh.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var badLevel = await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "Levels", minProficiency = 6 });
        Assert.Contains("minProficiency", await badLevel.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
