using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Supervision;

/// <summary>The live board over a real hub: SignalR snapshot and deltas, the REST twins, roles, and the presence timeline.</summary>
public sealed class SupervisorBoardHubTests(HubServer hub) : IClassFixture<HubServer>
{
    private HubConnection Board(string? token) => new HubConnectionBuilder()
        .WithUrl(new Uri(hub.BaseAddress, "/hubs/supervisor"), o =>
        {
            if (token is not null)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
            o.Transports = HttpTransportType.WebSockets;
        })
        .AddJsonProtocol(o => o.PayloadSerializerOptions = HubServer.Json)
        .Build();

    /// <summary>A pushed payload (the inbox needs a reference type).</summary>
    private sealed record Pushed(JsonElement Data);

    private static int WaitingOf(JsonElement rows, string key) =>
        rows.EnumerateArray().Where(r => r.GetProperty("key").GetString() == key).Select(r => r.GetProperty("waiting").GetInt32()).FirstOrDefault();

    [Fact]
    public async Task ANewInboundMessageRaisesTheWaitingCountInTheNextPush()
    {
        var token = await hub.TokenAsync();
        var snapshots = new Inbox<Pushed>();
        var deltas = new Inbox<Pushed>();
        await using var board = Board(token);
        board.On<JsonElement>("BoardSnapshot", e => snapshots.Add(new Pushed(e.Clone())));
        board.On<JsonElement>("BoardDelta", e => deltas.Add(new Pushed(e.Clone())));
        await board.StartAsync();
        var snapshot = (await snapshots.WaitForAsync(_ => true)).Data;
        var before = WaitingOf(snapshot.GetProperty("channels"), "webchat");

        var conversationId = await hub.VisitorWritesAsync("Is my order on its way?");

        var delta = (await deltas.WaitForAsync(p => p.Data is var d && WaitingOf(d.GetProperty("channels"), "webchat") == before + 1)).Data;
        Assert.True(delta.GetProperty("version").GetInt64() > snapshot.GetProperty("version").GetInt64());
        var headline = delta.GetProperty("headline");
        Assert.True(headline.GetProperty("opened").GetInt32() >= 1);

        using var api = hub.Client(token);
        var rest = await api.GetFromJsonAsync<JsonElement>("/api/v1/supervisor/board");
        Assert.Equal(before + 1, WaitingOf(rest.GetProperty("channels"), "webchat"));
        var waiting = await api.GetFromJsonAsync<JsonElement>("/api/v1/supervisor/board/conversations?figure=waiting&channel=webchat");
        Assert.Contains(waiting.EnumerateArray(), c => c.GetProperty("id").GetGuid() == conversationId);
        var health = rest.GetProperty("health").EnumerateArray().Single(h => h.GetProperty("channel").GetString() == "webchat");
        Assert.NotEqual(JsonValueKind.Null, health.GetProperty("lastInboundAt").ValueKind);
    }

    [Fact]
    public async Task AQueueAddedAfterStartTimesItsConversationsByItsOwnSla()
    {
        using var api = hub.Client(await hub.TokenAsync());
        var keyword = $"frob{Guid.NewGuid():N}"[..12];
        // The board was built at start; the queue and its 1-second first-response target come after.
        var created = await api.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = $"Fast lane {keyword}", order = 1, firstResponseSlaSeconds = 1, channels = new[] { "webchat" }, keywords = new[] { keyword },
        });
        created.EnsureSuccessStatusCode();

        var conversationId = await hub.VisitorWritesAsync($"about {keyword}, please");

        // Breached on the queue's own target (the default one is an hour away).
        await Wait.UntilAsync(async () =>
        {
            var breached = await api.GetFromJsonAsync<JsonElement>("/api/v1/supervisor/board/conversations?figure=breached&channel=webchat");
            return breached.EnumerateArray().Any(c => c.GetProperty("id").GetGuid() == conversationId) ? (bool?)true : null;
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task OnlySupervisorsAndAdminsSeeTheBoard()
    {
        var (_, agentToken) = await hub.CreateAgentAsync("Plain");
        var (_, supervisorToken) = await hub.CreateAgentAsync("Sue", role: "supervisor");

        using var anonymous = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/supervisor/board")).StatusCode);
        using var agent = hub.Client(agentToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/supervisor/board")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/supervisor/board/conversations?figure=waiting")).StatusCode);
        await using (var refused = Board(agentToken))
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.StartAsync());
            Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        }
        await using (var nobody = Board(null))
        {
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => nobody.StartAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, error.StatusCode);
        }

        var snapshots = new Inbox<Pushed>();
        await using var supervisor = Board(supervisorToken);
        supervisor.On<JsonElement>("BoardSnapshot", e => snapshots.Add(new Pushed(e.Clone())));
        await supervisor.StartAsync();
        var snapshot = (await snapshots.WaitForAsync(_ => true)).Data;
        Assert.Contains(snapshot.GetProperty("agents").EnumerateArray(), a => a.GetProperty("name").GetString() == "Plain");
    }

    [Fact]
    public async Task DrillDownRefusesUnknownFiguresAndQueues()
    {
        using var api = hub.Client(await hub.TokenAsync());

        var figure = await api.GetAsync("/api/v1/supervisor/board/conversations?figure=everything");
        var queue = await api.GetAsync("/api/v1/supervisor/board/conversations?figure=waiting&queue=nope");
        var missing = await api.GetAsync("/api/v1/supervisor/board/conversations");

        Assert.Equal(HttpStatusCode.BadRequest, figure.StatusCode);
        Assert.Contains("figure must be one of waiting, open, atRisk, breached, assigned, frt, resolved", await figure.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, queue.StatusCode);
        Assert.Contains("queue must be a queue id or 'none'", await queue.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task PresenceChangesAreRecordedAsATimelineAndShownOnTheBoard()
    {
        var (agentId, agentToken) = await hub.CreateAgentAsync("Timeline");
        var adminToken = await hub.TokenAsync();
        var snapshots = new Inbox<Pushed>();
        var deltas = new Inbox<Pushed>();
        await using var board = Board(adminToken);
        board.On<JsonElement>("BoardSnapshot", e => snapshots.Add(new Pushed(e.Clone())));
        board.On<JsonElement>("BoardDelta", e => deltas.Add(new Pushed(e.Clone())));
        await board.StartAsync();
        await snapshots.WaitForAsync(_ => true);

        await using (var console = hub.AgentConnection(agentToken))
        {
            await console.StartAsync();
            await deltas.WaitForAsync(p => p.Data is var d && d.GetProperty("agents").EnumerateArray()
                .Any(a => a.GetProperty("id").GetGuid() == agentId && a.GetProperty("presence").GetString() == "online"));
            await console.InvokeAsync<string>("SetPresence", "away");
            await deltas.WaitForAsync(p => p.Data is var d && d.GetProperty("agents").EnumerateArray()
                .Any(a => a.GetProperty("id").GetGuid() == agentId && a.GetProperty("presence").GetString() == "away"));
        }
        await deltas.WaitForAsync(p => p.Data is var d && d.GetProperty("agents").EnumerateArray()
            .Any(a => a.GetProperty("id").GetGuid() == agentId && a.GetProperty("presence").GetString() == "offline"));

        using var self = hub.Client(agentToken);
        var timeline = await self.GetFromJsonAsync<JsonElement>($"/api/v1/agents/{agentId}/presence");
        var spans = timeline.GetProperty("spans").EnumerateArray().Select(s => s.GetProperty("presence").GetString()).ToList();
        Assert.Equal(["offline", "online", "away", "offline"], spans);
        Assert.True(timeline.GetProperty("totals").GetProperty("online").GetDouble() >= 0);

        using var other = hub.Client((await hub.CreateAgentAsync("Nosy")).Token);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/v1/agents/{agentId}/presence")).StatusCode);
        using var admin = hub.Client(adminToken);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/agents/{Guid.NewGuid()}/presence")).StatusCode);
        var bad = await admin.GetAsync($"/api/v1/agents/{agentId}/presence?from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("from must be an ISO 8601 date", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var backwards = await admin.GetAsync($"/api/v1/agents/{agentId}/presence?from=2026-06-10&to=2026-06-09");
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("to must be after from", await backwards.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
