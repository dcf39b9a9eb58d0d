using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Routing;

/// <summary>
/// The routing policy through the running hub: queues with teams and an escalation ladder, alerts pushed to supervisors, every save a
/// numbered version that conversations and decisions name and that can be restored, and agents with weighted capacity.
/// </summary>
public sealed class EscalationAndPolicyTests(HubServer hub) : IClassFixture<HubServer>
{
    private static async Task<Guid> TeamAsync(HttpClient admin, string name) =>
        (await (await admin.PostAsJsonAsync("/api/v1/teams", new { name })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

    private static async Task<JsonElement> CreatedQueueAsync(HttpClient admin, object queue)
    {
        var response = await admin.PostAsJsonAsync("/api/v1/routing/queues", queue);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task BadEscalationIsRefusedOnSaveWithTheReason()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var first = await CreatedQueueAsync(admin, new { name = "Tier 1", order = 50, keywords = new[] { "tier-one-only" } });
        var second = await CreatedQueueAsync(admin, new
        {
            name = "Tier 2", order = 51, keywords = new[] { "tier-two-only" }, overflowQueueId = first.GetProperty("id").GetGuid(), overflowAfterSeconds = 60,
        });

        // Tier 1 → Tier 2 → Tier 1 would loop for ever.
        var loop = await admin.PutAsJsonAsync($"/api/v1/routing/queues/{first.GetProperty("id").GetGuid()}", new
        {
            name = "Tier 1", order = 50, keywords = new[] { "tier-one-only" }, overflowQueueId = second.GetProperty("id").GetGuid(), overflowAfterSeconds = 60,
        });
        Assert.Equal(HttpStatusCode.BadRequest, loop.StatusCode);
        var problem = await loop.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Overflow would go round in a circle: Tier 1 → Tier 2 → Tier 1.",
            problem.GetProperty("errors").GetProperty("overflowQueueId")[0].GetString());

        var bad = await admin.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = "Broken", teamId = Guid.NewGuid(), overflowQueueId = first.GetProperty("id").GetGuid(), languages = new[] { "klingon" },
            contactTags = new[] { "v i p" }, alertAfterSeconds = 0,
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.StartsWith("There is no team", errors.GetProperty("teamId")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal("With an overflow queue, say after how long: 1 second to 7 days.", errors.GetProperty("overflowAfterSeconds")[0].GetString());
        Assert.Contains("'klingon' is not a language", errors.GetProperty("languages")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("'v i p' is not", errors.GetProperty("contactTags")[0].GetString(), StringComparison.Ordinal);
        Assert.True(errors.TryGetProperty("alertAfterSeconds", out _));

        // A queue another overflows to cannot be removed from under it.
        var delete = await admin.DeleteAsync($"/api/v1/routing/queues/{first.GetProperty("id").GetGuid()}");
        Assert.Equal(HttpStatusCode.BadRequest, delete.StatusCode);
        Assert.Contains("is the overflow of Tier 2", await delete.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EverySaveIsAVersionThatConversationsAndDecisionsNameAndThatCanBeRestored()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/v1/routing/policy/versions");
        var queue = await CreatedQueueAsync(admin, new { name = "Persian desk", order = 10, priority = 2, languages = new[] { "fa" }, channels = new[] { "webchat" } });
        var id = queue.GetProperty("id").GetGuid();
        var versions = await admin.GetFromJsonAsync<JsonElement>("/api/v1/routing/policy/versions");
        var added = versions[0];
        Assert.Equal(before.GetArrayLength() + 1, versions.GetArrayLength());
        Assert.Equal("queue Persian desk added", added.GetProperty("change").GetString());
        Assert.Equal("Administrator", added.GetProperty("savedBy").GetString());
        var addedVersion = added.GetProperty("version").GetInt32();

        var preview = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "سلام، کمک می‌خواهم" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Persian desk", preview.GetProperty("queue").GetString());
        Assert.Equal("fa", preview.GetProperty("language").GetString());
        Assert.Equal(addedVersion, preview.GetProperty("policyVersion").GetInt32());

        // A conversation opened now is classified by that version, and its decisions say so.
        var (_, token) = await hub.CreateAgentAsync("Dariush", autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        await agent.StartAsync();
        var conversation = await hub.VisitorWritesAsync("سلام، کمک می‌خواهم");
        var decision = await Wait.UntilAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation}/decisions");
            return list.GetArrayLength() > 0 ? list[0] : (JsonElement?)null;
        });
        Assert.Equal(addedVersion, decision.GetProperty("policyVersion").GetInt32());
        Assert.Equal("Persian desk", decision.GetProperty("queue").GetString());

        // Change the queue (English now), then restore the version before: Persian again, as a new version.
        var changed = await admin.PutAsJsonAsync($"/api/v1/routing/queues/{id}", new { name = "Persian desk", order = 10, priority = 2, languages = new[] { "en" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var english = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "سلام" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.NotEqual("Persian desk", english.GetProperty("queue").GetString());
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/routing/policy/versions/{addedVersion}");
        Assert.Equal(["fa"], detail.GetProperty("queues").EnumerateArray().Single(q => q.GetProperty("id").GetGuid() == id)
            .GetProperty("languages").EnumerateArray().Select(l => l.GetString()));

        var restored = await admin.PostAsync($"/api/v1/routing/policy/versions/{addedVersion}/restore", null);
        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        var restoredView = await restored.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(addedVersion + 2, restoredView.GetProperty("version").GetInt32());
        Assert.Equal($"version {addedVersion} restored", restoredView.GetProperty("change").GetString());
        var again = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "سلام" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Persian desk", again.GetProperty("queue").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync("/api/v1/routing/policy/versions/999999/restore", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/routing/queues/{id}")).StatusCode);
    }

    [Fact]
    public async Task NobodyToTakeItOverflowsToTheNextTeamAndAlertsTheSupervisor()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var night = await TeamAsync(admin, "Night shift");
        var fallback = await CreatedQueueAsync(admin, new { name = "Night", order = 90, keywords = new[] { "never-matches-anything" }, teamId = night, alertAfterSeconds = 2 });
        var vip = await CreatedQueueAsync(admin, new
        {
            name = "Warranty", order = 1, keywords = new[] { "warranty" }, teamId = await TeamAsync(admin, "Warranty team"),
            overflowQueueId = fallback.GetProperty("id").GetGuid(), overflowAfterSeconds = 1, alertAfterSeconds = 2,
        });
        var preview = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "warranty claim" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["after 1 s: Night"], preview.GetProperty("ladder").EnumerateArray().Select(s => s.GetString()));

        var (supervisorId, supervisorToken) = await hub.CreateAgentAsync("Sara", webchatCapacity: 0, role: "supervisor");
        await using var supervisor = hub.AgentConnection(supervisorToken);
        var alerts = new Inbox<PushedEvent>();
        supervisor.On<PushedEvent>("SupervisorAlert", alerts.Add);
        await supervisor.StartAsync();
        // Only the night shift is online, and the warranty team has nobody: after 1 s the conversation overflows to them.
        var (nightAgentId, nightToken) = await hub.CreateAgentAsync("Nima", autoAccept: false, teamIds: [night]);
        await using var nightAgent = hub.AgentConnection(nightToken);
        var offers = new Inbox<PushedEvent>();
        nightAgent.On<PushedEvent>("OfferReceived", offers.Add);
        await nightAgent.StartAsync();

        var conversation = await hub.VisitorWritesAsync("My warranty claim please");
        var offer = await offers.WaitForAsync(e => e.ConversationId == conversation, TimeSpan.FromSeconds(10));
        Assert.Equal(nightAgentId, offer.Data.GetProperty("agentId").GetGuid());
        var decisions = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation}/decisions");
        var overflow = decisions.EnumerateArray().Single(d => d.GetProperty("kind").GetString() == "overflowed");
        Assert.Contains("no agent within 1s in its first queue; moved to Night", overflow.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // Offered, but not accepted: 2 s after it started waiting, the supervisor is alerted, live and in the event list.
        var alert = await alerts.WaitForAsync(e => e.ConversationId == conversation, TimeSpan.FromSeconds(10));
        Assert.Equal("escalated", alert.Data.GetProperty("kind").GetString());
        Assert.Contains("supervisor alerted", alert.Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Warranty", alert.Data.GetProperty("queue").GetString());
        Assert.True(alert.Seq > 0);
        Assert.NotEqual(Guid.Empty, supervisorId);

        // The wait's escalation is stored, so a restart (which sends the wait again) continues it instead of alerting twice.
        using (var scope = hub.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Crm.Hub.Storage.HubDbContext>();
            var stored = await db.Conversations.FindAsync(conversation);
            Assert.Equal((1, true, stored!.WaitingSince), (stored.OverflowRungs, stored.Escalated, stored.EscalationFor!.Value));
            var again = hub.Services.GetRequiredService<Crm.Hub.Routing.QueueClassifier>().Waiting(stored, stored.WaitingSince);
            Assert.Equal(new Crm.Routing.ContinuedWait(1, Escalated: true, SlaRiskAlerted: false), again.Continued);
            Assert.Single(again.Overflow!);
            // Sent to a team by a person, it keeps no ladder, also after a restart.
            stored.TeamId = night;
            Assert.Null(hub.Services.GetRequiredService<Crm.Hub.Routing.QueueClassifier>().Waiting(stored, stored.WaitingSince).Overflow);
        }
        Assert.NotEqual(Guid.Empty, vip.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task AnAgentWithWeightedCapacityTakesWhatTheUnitsAllow()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var email = $"wanda-{Guid.NewGuid():N}@test.local";
        var bad = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            email, displayName = "Wanda", password = "Agent-Password-1", role = "agent", capacity = new Dictionary<string, int> { ["webchat"] = 5 },
            weighted = new { units = 0, unitsPerConversation = new Dictionary<string, int> { ["pigeon"] = 2 } },
        });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal("Weighted capacity is 1-1000 units.", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("weighted")[0].GetString());

        // 5 chat slots, but 6 units at 3 per chat: two chats at a time.
        var created = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            email, displayName = "Wanda", password = "Agent-Password-1", role = "agent", autoAccept = true, teamIds = Array.Empty<Guid>(),
            capacity = new Dictionary<string, int> { ["webchat"] = 5, ["fax"] = 1 },
            weighted = new
            {
                units = 6, unitsPerConversation = new Dictionary<string, int> { ["webchat"] = 3, ["fax"] = 6 },
                blocks = new Dictionary<string, string[]> { ["fax"] = ["webchat"] },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(6, view.GetProperty("weighted").GetProperty("units").GetInt32());
        Assert.Equal(["webchat"], view.GetProperty("weighted").GetProperty("blocks").GetProperty("fax").EnumerateArray().Select(c => c.GetString()));
        var wandaId = view.GetProperty("id").GetGuid();
        await using var wanda = hub.AgentConnection(await hub.TokenAsync(email, "Agent-Password-1"));
        await wanda.StartAsync();

        var conversations = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            conversations.Add(await hub.VisitorWritesAsync($"weighted hello {i}"));
        }
        var states = await Wait.UntilFoundAsync(async () =>
        {
            var list = await Task.WhenAll(conversations.Select(c => admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{c}")));
            return list.Count(c => c.GetProperty("status").GetString() == "assigned") == 2 ? list : null;
        });
        Assert.All(states.Where(c => c.GetProperty("status").GetString() == "assigned"), c => Assert.Equal(wandaId, c.GetProperty("assigneeId").GetGuid()));
        var waiting = states.Single(c => c.GetProperty("status").GetString() == "waiting").GetProperty("id").GetGuid();
        // The routing loop records its decision after the conversation is stored as waiting: wait for it.
        var reason = await Wait.UntilFoundAsync(async () =>
        {
            var decisions = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{waiting}/decisions");
            return decisions.GetArrayLength() > 0 ? decisions.EnumerateArray().Last().GetProperty("reason").GetString() : null;
        });
        Assert.Contains("all at capacity", reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AContactTaggedVipGoesToTheVipQueueFromTheirNextConversation()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        await CreatedQueueAsync(admin, new { name = "VIP line", order = 0, priority = 6, contactTags = new[] { "VIP" }, channels = new[] { "sms" } });
        var number = $"+1555{Random.Shared.Next(1_000_000, 9_999_999)}";
        async Task<IngestResult> TextAsync(string body) => await hub.Services.GetRequiredService<IngestPipeline>().IngestAsync(
            new InboundMessage(new ChannelAddress("sms", "+15550009999", number), Guid.NewGuid().ToString("N"), body, DateTimeOffset.UnixEpoch), CancellationToken.None);

        var first = await TextAsync("hello, first time");
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{first.ConversationId}")).GetProperty("priority").GetInt32());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync($"/api/v1/contacts/{first.ContactId}/profile", new { tags = new[] { "vip" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/conversations/{first.ConversationId}/resolve", null)).StatusCode);

        var second = await TextAsync("hello again");
        Assert.NotEqual(first.ConversationId, second.ConversationId);
        Assert.Equal(6, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{second.ConversationId}")).GetProperty("priority").GetInt32());
    }
}
