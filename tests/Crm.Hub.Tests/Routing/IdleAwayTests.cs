using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Routing;

/// <summary>A hub that sets agents away after one idle second, so the test need not wait minutes.</summary>
public sealed class IdleHub : HubServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Crm:Routing:AwayAfterIdleSeconds"] = "1" };
}

/// <summary>Away after idling, through the running hub: set away with the reason, online again when the console reports activity.</summary>
public sealed class IdleAwayTests(IdleHub hub) : IClassFixture<IdleHub>
{
    [Fact]
    public async Task AnIdleAgentIsSetAwayAndTheirNextActivityBringsThemBack()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Dozy");
        await using var connection = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        connection.On<PushedEvent>("PresenceChanged", inbox.Add);
        await connection.StartAsync();

        var away = await inbox.WaitForAsync(e => e.Data.GetProperty("agentId").GetGuid() == agentId && e.Data.GetProperty("presence").GetString() == "away");
        Assert.StartsWith("set away: no activity in the console for 1s", away.Data.GetProperty("reason").GetString(), StringComparison.Ordinal);
        using var api = hub.Client(token);
        Assert.Equal("away", (await api.GetFromJsonAsync<JsonElement>("/api/v1/auth/me")).GetProperty("presence").GetString());

        // Back online at the next activity (a second later, with nothing more from the console, away again: not asserted
        // through a read here, which could land either side of that).
        await connection.InvokeAsync("Active");
        // (The connect itself announced "online" too, without a reason: the engine's return is the one that gives one.)
        var back = await inbox.WaitForAsync(e => e.Data.GetProperty("agentId").GetGuid() == agentId && e.Data.GetProperty("presence").GetString() == "online"
            && e.Data.TryGetProperty("reason", out _));
        Assert.Equal("online again: the agent is active in the console", back.Data.GetProperty("reason").GetString());
    }
}
