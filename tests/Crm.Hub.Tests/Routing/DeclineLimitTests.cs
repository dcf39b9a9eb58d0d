using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Routing;

/// <summary>The decline limit through the running hub: three offers declined in a row set the agent away, live and stored.</summary>
public sealed class DeclineLimitTests(HubServer hub) : IClassFixture<HubServer>
{

    [Fact]
    public async Task ThreeDeclinedOffersSetTheAgentAwayUntilTheyComeBack()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Sulky", webchatCapacity: 5);
        await using var connection = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        connection.On<PushedEvent>("OfferReceived", inbox.Add);
        connection.On<PushedEvent>("PresenceChanged", inbox.Add);
        await connection.StartAsync();
        using var api = hub.Client(token);

        for (var i = 1; i <= 3; i++)
        {
            var conversationId = await hub.VisitorWritesAsync($"question {i}", "Decline Dana");
            await inbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == conversationId);
            Assert.Equal(HttpStatusCode.NoContent, (await api.PostAsync($"/api/v1/conversations/{conversationId}/offer/decline", null)).StatusCode);
        }

        var away = await inbox.WaitForAsync(e => e.Type == "PresenceChanged" && e.Data.GetProperty("agentId").GetGuid() == agentId
            && e.Data.GetProperty("presence").GetString() == "away");
        Assert.StartsWith("set away: 3 offers in a row", away.Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal("away", me.GetProperty("presence").GetString());

        // Back online by their own choice: the waiting conversations are offered again.
        Assert.Equal(HttpStatusCode.OK, (await api.PutAsJsonAsync("/api/v1/agents/me/presence", new { presence = "online" })).StatusCode);
        var fourth = await hub.VisitorWritesAsync("question 4");
        await inbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == fourth && e.Data.GetProperty("agentId").GetGuid() == agentId);
    }
}
