using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Conversations;

public sealed record PushedEvent(long Seq, string Type, Guid? ConversationId, DateTimeOffset At, JsonElement Data);

public sealed record VisitorMessageDto(Guid Id, string? ClientMessageId, string Direction, string Body, DateTimeOffset CreatedAt, string Status, string? AgentName);

/// <summary>The spine end to end on a real Kestrel: widget in, routed, pushed, accepted, answered, back to the widget.</summary>
public sealed class ConversationFlowTests(HubServer hub) : IClassFixture<HubServer>
{
    private static readonly string[] AgentMethods =
        ["ConversationUpdated", "MessageAdded", "MessageStatusChanged", "OfferReceived", "OfferWithdrawn", "VisitorTyping", "PresenceChanged"];

    private static Inbox<PushedEvent> Listen(HubConnection connection)
    {
        var inbox = new Inbox<PushedEvent>();
        foreach (var method in AgentMethods)
        {
            connection.On<PushedEvent>(method, inbox.Add);
        }
        return inbox;
    }

    private static Guid ConversationIdOf(PushedEvent e) => e.Data.GetProperty("conversationId").GetGuid();

    [Fact]
    public async Task VisitorMessageIsOfferedAcceptedAnsweredAndReceivedByTheVisitor()
    {
        var (agentId, agentToken) = await hub.CreateAgentAsync("Sara");
        await using var agent = hub.AgentConnection(agentToken);
        var agentInbox = Listen(agent);
        await agent.StartAsync();
        await agentInbox.WaitForAsync(e => e.Type == "PresenceChanged" && e.Data.GetProperty("agentId").GetGuid() == agentId);

        var visitorToken = await hub.NewVisitorAsync("Reza");
        await using var visitor = hub.VisitorConnection(visitorToken);
        var visitorInbox = new Inbox<VisitorMessageDto>();
        visitor.On<VisitorMessageDto>("MessageReceived", visitorInbox.Add);
        await visitor.StartAsync();

        var clientMessageId = Guid.NewGuid().ToString();
        var sent = await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId, body = "Hello, is my order shipped?" });
        Assert.Equal("inbound", sent.Direction);
        Assert.Equal(clientMessageId, sent.ClientMessageId);

        var offer = await agentInbox.WaitForAsync(e => e.Type == "OfferReceived" && e.Data.GetProperty("agentId").GetGuid() == agentId);
        var conversationId = ConversationIdOf(offer);
        Assert.Equal("Reza", offer.Data.GetProperty("conversation").GetProperty("contactName").GetString());

        using var api = hub.Client(agentToken);
        var accepted = await api.PostAsync($"/api/v1/conversations/{conversationId}/offer/accept", null);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var view = await accepted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("assigned", view.GetProperty("status").GetString());
        Assert.Equal(agentId, view.GetProperty("assigneeId").GetGuid());

        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages");
        Assert.Equal("Hello, is my order shipped?", thread[0].GetProperty("body").GetString());

        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Yes — it left this morning." });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);

        var received = await visitorInbox.WaitForAsync(m => m.Body == "Yes — it left this morning.");
        Assert.Equal("outbound", received.Direction);
        Assert.Equal("Sara", received.AgentName);

        await visitor.InvokeAsync("Ack", received.Id, "read");
        var status = await agentInbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == received.Id
            && e.Data.GetProperty("deliveryStatus").GetString() == "read");
        Assert.True(status.Seq > 0);

        var decisions = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/decisions");
        Assert.Contains(decisions.EnumerateArray(), d => d.GetProperty("kind").GetString() == "offered" && d.GetProperty("reason").GetString()!.Length > 0);
    }

    [Fact]
    public async Task ResendingTheSameClientMessageIdStoresOneMessage()
    {
        var visitorToken = await hub.NewVisitorAsync();
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        var request = new { clientMessageId = Guid.NewGuid().ToString(), body = "only once please" };

        var first = await visitor.InvokeAsync<VisitorMessageDto>("Send", request);
        var second = await visitor.InvokeAsync<VisitorMessageDto>("Send", request);

        Assert.Equal(first.Id, second.Id);
        using var widget = hub.Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Single(session.GetProperty("messages").EnumerateArray());
    }

    [Fact]
    public async Task TwoAgentsRacingForOneConversationGetExactlyOneAssignment()
    {
        var (firstId, firstToken) = await hub.CreateAgentAsync("First");
        var (secondId, secondToken) = await hub.CreateAgentAsync("Second");
        await using var first = hub.AgentConnection(firstToken);
        await using var second = hub.AgentConnection(secondToken);
        var firstInbox = Listen(first);
        await first.StartAsync();
        await second.StartAsync();

        var visitorToken = await hub.NewVisitorAsync();
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        var sent = await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "race" });
        var opened = await firstInbox.WaitForAsync(e => e.Type == "MessageAdded" && e.Data.GetProperty("id").GetGuid() == sent.Id);
        var conversationId = opened.ConversationId!.Value;

        using var firstApi = hub.Client(firstToken);
        using var secondApi = hub.Client(secondToken);
        var answers = await Task.WhenAll(
            firstApi.PostAsync($"/api/v1/conversations/{conversationId}/offer/accept", null),
            secondApi.PostAsync($"/api/v1/conversations/{conversationId}/offer/accept", null));

        Assert.Single(answers, r => r.StatusCode == HttpStatusCode.OK);
        var refused = Assert.Single(answers, r => r.StatusCode == HttpStatusCode.Conflict);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var view = await firstApi.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.Equal("assigned", view.GetProperty("status").GetString());
        Assert.Contains(view.GetProperty("assigneeId").GetGuid(), new[] { firstId, secondId });
    }

    [Fact]
    public async Task ReconnectingConsoleGetsMissedEventsFromSync()
    {
        var (_, agentToken) = await hub.CreateAgentAsync("Reconnector");
        using var api = hub.Client(agentToken);
        var before = await api.GetFromJsonAsync<JsonElement>("/api/v1/sync?since=0&limit=1");
        var start = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/sync?since={long.MaxValue - 1}")).GetProperty("lastSeq").GetInt64();
        Assert.True(start >= 0);
        Assert.True(before.GetProperty("events").GetArrayLength() <= 1);

        // While the console is away, a visitor writes.
        var visitorToken = await hub.NewVisitorAsync("Offline Olga");
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        var sent = await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "are you there?" });

        var sync = await api.GetFromJsonAsync<JsonElement>($"/api/v1/sync?since={start}");
        var events = sync.GetProperty("events").EnumerateArray().ToList();
        var added = Assert.Single(events, e => e.GetProperty("type").GetString() == "MessageAdded" && e.GetProperty("data").GetProperty("id").GetGuid() == sent.Id);
        Assert.True(added.GetProperty("seq").GetInt64() > start);
        var seqs = events.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        Assert.Equal(seqs.Order().ToList(), seqs);
        Assert.Equal(seqs[^1], sync.GetProperty("lastSeq").GetInt64());
    }

    [Fact]
    public async Task SecondAgentSeesTheConversationLeaveTheQueueWhenAssigned()
    {
        var (ownerId, ownerToken) = await hub.CreateAgentAsync("Owner", autoAccept: true);
        var (_, watcherToken) = await hub.CreateAgentAsync("Watcher", webchatCapacity: 0);
        await using var owner = hub.AgentConnection(ownerToken);
        await using var watcher = hub.AgentConnection(watcherToken);
        var watcherInbox = Listen(watcher);
        await watcher.StartAsync();
        await owner.StartAsync();
        await watcherInbox.WaitForAsync(e => e.Type == "PresenceChanged" && e.Data.GetProperty("agentId").GetGuid() == ownerId);

        var visitorToken = await hub.NewVisitorAsync();
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        var sent = await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "auto" });

        var added = await watcherInbox.WaitForAsync(e => e.Type == "MessageAdded" && e.Data.GetProperty("id").GetGuid() == sent.Id);
        var assigned = await watcherInbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == added.ConversationId
            && e.Data.GetProperty("status").GetString() == "assigned");
        Assert.Equal(ownerId, assigned.Data.GetProperty("assigneeId").GetGuid());
    }
}
