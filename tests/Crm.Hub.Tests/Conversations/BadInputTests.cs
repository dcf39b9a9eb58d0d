using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Conversations;

/// <summary>Whatever a client sends, it gets a clear 4xx with a problem body, nothing is stored, nothing crashes.</summary>
public sealed class BadInputTests(HubServer hub) : IClassFixture<HubServer>
{
    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? mentions = null)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        using var problem = JsonDocument.Parse(body);
        Assert.Equal((int)status, problem.RootElement.GetProperty("status").GetInt32());
        if (mentions is not null)
        {
            Assert.Contains(mentions, body, StringComparison.OrdinalIgnoreCase);
        }
    }

    [Fact]
    public async Task UnknownConversationIsNotFoundWithProblemDetails()
    {
        using var api = hub.Client(await hub.TokenAsync());
        var id = Guid.NewGuid();
        await AssertProblemAsync(await api.GetAsync($"/api/v1/conversations/{id}"), HttpStatusCode.NotFound, id.ToString());
        await AssertProblemAsync(await api.PostAsJsonAsync($"/api/v1/conversations/{id}/messages", new { body = "hi" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await api.PostAsync($"/api/v1/conversations/{id}/resolve", null), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task MissingOrOversizedReplyBodyIsRejected()
    {
        var (conversationId, token) = await AssignedConversationAsync();
        using var api = hub.Client(token);
        await AssertProblemAsync(await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "  " }), HttpStatusCode.BadRequest, "empty");
        await AssertProblemAsync(await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = new string('x', 20_001) }),
            HttpStatusCode.BadRequest, "limit");
        using var malformed = new StringContent("{\"body\": ", Encoding.UTF8, "application/json");
        await AssertProblemAsync(await api.PostAsync($"/api/v1/conversations/{conversationId}/messages", malformed), HttpStatusCode.BadRequest);

        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages");
        Assert.Single(thread.EnumerateArray());
    }

    [Fact]
    public async Task AgentCannotActOnAnotherAgentsConversation()
    {
        var (conversationId, _) = await AssignedConversationAsync();
        var (_, otherToken) = await hub.CreateAgentAsync("Intruder", webchatCapacity: 0);
        using var other = hub.Client(otherToken);
        await AssertProblemAsync(await other.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "mine now" }),
            HttpStatusCode.Forbidden, "another agent");
        await AssertProblemAsync(await other.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null), HttpStatusCode.Forbidden);
        await AssertProblemAsync(await other.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/transfer", new { teamId = Guid.NewGuid() }),
            HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task InvalidVisitorTokenIsUnauthorized()
    {
        using var client = hub.Client();
        await AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken = "not-a-token" }), HttpStatusCode.Unauthorized, "visitor token");

        await using var visitor = hub.VisitorConnection("forged");
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => visitor.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
    }

    [Fact]
    public async Task VisitorMessageOverTheLimitOrEmptyIsRefusedAndNotStored()
    {
        var visitorToken = await hub.NewVisitorAsync();
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();

        var tooLong = await Assert.ThrowsAsync<HubException>(() =>
            visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = new string('a', 4001) }));
        Assert.Contains("limit is 4000", tooLong.Message);
        var empty = await Assert.ThrowsAsync<HubException>(() =>
            visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "" }));
        Assert.Contains("empty", empty.Message);
        var noId = await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = "1", body = "hi" }));
        Assert.Contains("clientMessageId", noId.Message);

        using var client = hub.Client();
        var session = await (await client.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(session.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task BadQueryAndBodyValuesNameTheField()
    {
        using var api = hub.Client(await hub.TokenAsync());
        await AssertProblemAsync(await api.GetAsync("/api/v1/conversations?status=sleeping"), HttpStatusCode.BadRequest, "status");
        await AssertProblemAsync(await api.GetAsync("/api/v1/conversations?assignee=someone"), HttpStatusCode.BadRequest, "assignee");
        await AssertProblemAsync(await api.GetAsync("/api/v1/sync?since=-4"), HttpStatusCode.BadRequest, "since");
        await AssertProblemAsync(await api.PostAsJsonAsync("/api/v1/agents", new { email = "nope", displayName = "", password = "short" }),
            HttpStatusCode.BadRequest, "password");
        await AssertProblemAsync(await api.PutAsJsonAsync("/api/v1/agents/me/presence", new { presence = "sleeping" }), HttpStatusCode.BadRequest, "presence");
    }

    private async Task<(Guid ConversationId, string AgentToken)> AssignedConversationAsync()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Handler", autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        var assigned = new Inbox<ConversationUpdate>();
        agent.On<PushedEvent>("ConversationUpdated", e => assigned.Add(new ConversationUpdate(e.ConversationId!.Value, e.Data.GetProperty("status").GetString()!,
            e.Data.TryGetProperty("assigneeId", out var a) && a.ValueKind == JsonValueKind.String ? a.GetGuid() : null)));
        await agent.StartAsync();

        var visitorToken = await hub.NewVisitorAsync();
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        var sent = await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "help" });
        using var admin = hub.Client(await hub.TokenAsync());
        var update = await assigned.WaitForAsync(u => u.Status == "assigned" && u.AssigneeId == agentId);
        // Keep the agent's console "open" only as long as needed: the assignment stays after it disconnects.
        _ = sent;
        return (update.ConversationId, token);
    }

    private sealed record ConversationUpdate(Guid ConversationId, string Status, Guid? AssigneeId);
}
