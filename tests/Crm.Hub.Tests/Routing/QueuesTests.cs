using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Routing;

/// <summary>Queues as data: a supervisor's rule classifies the next conversation, sets its priority and SLA, and routing serves it so.</summary>
public sealed class QueuesTests(HubServer hub) : IClassFixture<HubServer>
{
    private async Task<Guid> IngestAsync(string channel, string body)
    {
        var result = await hub.Services.GetRequiredService<IngestPipeline>().IngestAsync(
            new InboundMessage(new ChannelAddress(channel, "default", $"+1555{Random.Shared.Next(1_000_000, 9_999_999)}"), Guid.NewGuid().ToString("N"),
                body, DateTimeOffset.UnixEpoch), CancellationToken.None);
        return result.ConversationId;
    }

    [Fact]
    public async Task AQueueRuleSetsPriorityAndSlaAndRoutingServesByIt()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var created = await admin.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = "Complaints", order = 1, priority = 3, firstResponseSlaSeconds = 120, channels = new[] { "sms" }, keywords = new[] { "refund", "complaint" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var queue = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, queue.GetProperty("version").GetInt32());

        var preview = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "sms", text = "I want a REFUND please" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Complaints", preview.GetProperty("queue").GetString());
        var other = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "refund" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, other.GetProperty("queue").ValueKind);

        var plain = await IngestAsync(ChannelNames.Sms, "What are your opening hours?");
        var complaint = await IngestAsync(ChannelNames.Sms, "I want a refund for order 12");
        var complaintView = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{complaint}");
        Assert.Equal(3, complaintView.GetProperty("priority").GetInt32());
        Assert.Equal(0, (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{plain}")).GetProperty("priority").GetInt32());

        // An agent with one SMS slot comes online: the complaint goes first although it arrived second, and says why.
        var (agentId, token) = await hub.CreateAgentAsync("Resolver", webchatCapacity: 0, smsCapacity: 1);
        await using var agent = hub.AgentConnection(token);
        await agent.StartAsync();
        var decisions = await Wait.UntilAsync(async () =>
        {
            var list = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{complaint}/decisions");
            return list.EnumerateArray().Any(d => d.GetProperty("kind").GetString() == "offered") ? list : (JsonElement?)null;
        });
        var offered = decisions.EnumerateArray().Last(d => d.GetProperty("kind").GetString() == "offered");
        Assert.Equal(agentId, offered.GetProperty("agentId").GetGuid());
        Assert.Contains("priority 3", offered.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Contains("SLA due", offered.GetProperty("reason").GetString(), StringComparison.Ordinal);

        // A change takes effect for the next conversation, without a restart.
        var id = queue.GetProperty("id").GetGuid();
        var updated = await admin.PutAsJsonAsync($"/api/v1/routing/queues/{id}", new
        {
            name = "Complaints", order = 1, priority = 4, firstResponseSlaSeconds = 60, channels = new[] { "sms", "webchat" }, keywords = new[] { "refund" },
        });
        Assert.Equal(2, (await updated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var now = await (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "webchat", text = "refund" }))
            .Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(4, now.GetProperty("priority").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/routing/queues/{id}")).StatusCode);
    }

    [Fact]
    public async Task BadQueuesAreRefusedWithReasonsAndAgentsMayNotEditThem()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var bad = await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "", priority = 12, firstResponseSlaSeconds = 0, channels = new[] { "pigeon" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problem = await bad.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("priority", out _));
        Assert.True(errors.TryGetProperty("firstResponseSlaSeconds", out _));
        Assert.Contains("pigeon", errors.GetProperty("channels")[0].GetString(), StringComparison.Ordinal);

        (await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "VIP", priority = 5 })).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "VIP" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/routing/queues/preview", new { channel = "pigeon" })).StatusCode);

        var (_, token) = await hub.CreateAgentAsync("Plain");
        using var agent = hub.Client(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/routing/queues", new { name = "Mine" })).StatusCode);
        var vip = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/routing/queues")).EnumerateArray().Single(q => q.GetProperty("name").GetString() == "VIP");
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/routing/queues/{vip.GetProperty("id").GetGuid()}")).StatusCode);
    }
}
