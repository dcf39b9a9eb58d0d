using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Crm.Hub.Tests.Conversations;

/// <summary>A hub whose offers expire after one second, so expiry can be watched end to end.</summary>
public sealed class QuickOfferHub : HubServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Crm:Routing:OfferTimeoutSeconds"] = "1" };
}

/// <summary>What agents do with a conversation: notes, transfer, resolve, reopen, and offers that are not taken.</summary>
public sealed class AgentActionsTests(QuickOfferHub hub) : IClassFixture<QuickOfferHub>
{
    private static Inbox<PushedEvent> Listen(HubConnection connection)
    {
        var inbox = new Inbox<PushedEvent>();
        foreach (var method in new[] { "ConversationUpdated", "MessageAdded", "OfferReceived", "OfferWithdrawn", "PresenceChanged" })
        {
            connection.On<PushedEvent>(method, inbox.Add);
        }
        return inbox;
    }

    private async Task<(Guid ConversationId, string VisitorToken)> VisitorWritesAsync(string body)
    {
        var visitorToken = await hub.NewVisitorAsync("Action Ava");
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        await visitor.InvokeAsync<VisitorMessageDto>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body });
        using var widget = hub.Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        return (session.GetProperty("conversationId").GetGuid(), visitorToken);
    }

    [Fact]
    public async Task UnansweredOfferExpiresAndGoesToTheNextAgent()
    {
        var (slowId, slowToken) = await hub.CreateAgentAsync("Slow");
        await using var slow = hub.AgentConnection(slowToken);
        var inbox = Listen(slow);
        await slow.StartAsync();

        var (conversationId, _) = await VisitorWritesAsync("anyone there?");
        await inbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == conversationId && e.Data.GetProperty("agentId").GetGuid() == slowId);
        var withdrawn = await inbox.WaitForAsync(e => e.Type == "OfferWithdrawn" && e.ConversationId == conversationId);
        Assert.Equal("offerExpired", withdrawn.Data.GetProperty("kind").GetString());

        var (quickId, quickToken) = await hub.CreateAgentAsync("Quick");
        await using var quick = hub.AgentConnection(quickToken);
        var quickInbox = Listen(quick);
        await quick.StartAsync();
        var offer = await quickInbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == conversationId);
        Assert.Equal(quickId, offer.Data.GetProperty("agentId").GetGuid());

        using var api = hub.Client(slowToken);
        var late = await api.PostAsync($"/api/v1/conversations/{conversationId}/offer/accept", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
    }

    [Fact]
    public async Task NotesStayInsideAndRepliesReachTheVisitorHistory()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Noter", autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        var inbox = Listen(agent);
        await agent.StartAsync();
        var (conversationId, visitorToken) = await VisitorWritesAsync("my parcel is late");
        await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);

        using var api = hub.Client(token);
        var note = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "customer sounds upset", @internal = true });
        Assert.Equal("note", (await note.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("direction").GetString());
        (await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Sorry! It ships today." })).EnsureSuccessStatusCode();

        using var widget = hub.Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        var bodies = session.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("body").GetString()).ToList();
        Assert.Equal(["my parcel is late", "Sorry! It ships today."], bodies);
    }

    [Fact]
    public async Task TransferToAnAgentOffersItToThatAgentOnly()
    {
        var (fromId, fromToken) = await hub.CreateAgentAsync("Giver", autoAccept: true);
        await using var giver = hub.AgentConnection(fromToken);
        var giverInbox = Listen(giver);
        await giver.StartAsync();
        var (conversationId, _) = await VisitorWritesAsync("billing question");
        await giverInbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("assigneeId").ValueKind == JsonValueKind.String && e.Data.GetProperty("assigneeId").GetGuid() == fromId);

        var (toId, toToken) = await hub.CreateAgentAsync("Taker");
        await using var taker = hub.AgentConnection(toToken);
        var takerInbox = Listen(taker);
        await taker.StartAsync();
        using var api = hub.Client(fromToken);
        var transfer = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/transfer", new { agentId = toId, note = "billing is yours" });
        Assert.Equal(HttpStatusCode.OK, transfer.StatusCode);

        var offer = await takerInbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == conversationId);
        Assert.Equal(toId, offer.Data.GetProperty("agentId").GetGuid());
        using var takerApi = hub.Client(toToken);
        var accepted = await takerApi.PostAsync($"/api/v1/conversations/{conversationId}/offer/accept", null);
        Assert.Equal(toId, (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assigneeId").GetGuid());
        var forbidden = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "still mine?" });
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);

        var decisions = await takerApi.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/decisions");
        Assert.Contains(decisions.EnumerateArray(), d => d.GetProperty("kind").GetString() == "released");
    }

    [Fact]
    public async Task ResolveFreesTheSlotAndReopenRoutesItBackToTheReopener()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Closer", webchatCapacity: 1, autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        var inbox = Listen(agent);
        await agent.StartAsync();
        var (first, _) = await VisitorWritesAsync("first customer");
        await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == first && e.Data.GetProperty("status").GetString() == "assigned");
        var (second, _) = await VisitorWritesAsync("second customer");

        using var api = hub.Client(token);
        var resolved = await api.PostAsync($"/api/v1/conversations/{first}/resolve", null);
        Assert.Equal("resolved", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        // Capacity 1: the second conversation waited until the first was resolved.
        await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == second && e.Data.GetProperty("status").GetString() == "assigned");

        (await api.PostAsync($"/api/v1/conversations/{second}/resolve", null)).EnsureSuccessStatusCode();
        var reopened = await api.PostAsync($"/api/v1/conversations/{first}/reopen", null);
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        var back = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == first
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Seq > 0
            && e.Data.GetProperty("assigneeId").GetGuid() == agentId && inbox.Seen.Any(x => x.ConversationId == first && x.Data.GetProperty("status").GetString() == "waiting"));
        Assert.Equal(agentId, back.Data.GetProperty("assigneeId").GetGuid());

        var again = await api.PostAsync($"/api/v1/conversations/{first}/reopen", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task DeactivatedAgentLosesAccessAndTheirConversationsGoToOthers()
    {
        var (leaverId, leaverToken) = await hub.CreateAgentAsync("Leaver", autoAccept: true);
        await using var leaver = hub.AgentConnection(leaverToken);
        var inbox = Listen(leaver);
        var cutOff = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        leaver.Closed += _ =>
        {
            cutOff.TrySetResult();
            return Task.CompletedTask;
        };
        await leaver.StartAsync();
        var (conversationId, _) = await VisitorWritesAsync("who will help me now?");
        await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == leaverId);

        var (stayerId, stayerToken) = await hub.CreateAgentAsync("Stayer", webchatCapacity: 0);
        await using var stayer = hub.AgentConnection(stayerToken);
        var stayerInbox = Listen(stayer);
        await stayer.StartAsync();

        using var admin = hub.Client(await hub.TokenAsync());
        var leaverView = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/agents")).EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == leaverId);
        var deactivate = await admin.PutAsJsonAsync($"/api/v1/agents/{leaverId}", new
        {
            email = leaverView.GetProperty("email").GetString(), displayName = "Leaver", role = "agent", isActive = false,
        });
        Assert.Equal(HttpStatusCode.OK, deactivate.StatusCode);

        using var leaverApi = hub.Client(leaverToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await leaverApi.GetAsync("/api/v1/conversations")).StatusCode);
        await cutOff.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HubConnectionState.Disconnected, leaver.State);
        var handedBack = await stayerInbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("status").GetString() == "waiting");
        Assert.Equal(JsonValueKind.Null, handedBack.Data.GetProperty("assigneeId").ValueKind);

        // The remaining agent gets room and is offered the handed-back conversation.
        var stayerView = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/agents")).EnumerateArray().Single(a => a.GetProperty("id").GetGuid() == stayerId);
        (await admin.PutAsJsonAsync($"/api/v1/agents/{stayerId}", new
        {
            email = stayerView.GetProperty("email").GetString(), displayName = "Stayer", role = "agent",
            capacity = new Dictionary<string, int> { ["webchat"] = 2 },
        })).EnsureSuccessStatusCode();
        var offer = await stayerInbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == conversationId);
        Assert.Equal(stayerId, offer.Data.GetProperty("agentId").GetGuid());
    }

    [Fact]
    public async Task TransferredConversationDeclinedByTheNamedAgentGoesToTheQueue()
    {
        var (giverId, giverToken) = await hub.CreateAgentAsync("Handover", autoAccept: true);
        await using var giver = hub.AgentConnection(giverToken);
        var giverInbox = Listen(giver);
        await giver.StartAsync();
        var (conversationId, _) = await VisitorWritesAsync("can someone else help?");
        await giverInbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == giverId);

        var (refuserId, refuserToken) = await hub.CreateAgentAsync("Refuser");
        await using var refuser = hub.AgentConnection(refuserToken);
        var refuserInbox = Listen(refuser);
        await refuser.StartAsync();
        using var giverApi = hub.Client(giverToken);
        (await giverApi.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/transfer", new { agentId = refuserId })).EnsureSuccessStatusCode();
        await refuserInbox.WaitForAsync(e => e.Type == "OfferReceived" && e.ConversationId == conversationId && e.Data.GetProperty("agentId").GetGuid() == refuserId);

        using var refuserApi = hub.Client(refuserToken);
        Assert.Equal(HttpStatusCode.NoContent, (await refuserApi.PostAsync($"/api/v1/conversations/{conversationId}/offer/decline", null)).StatusCode);

        // No longer reserved for the refuser: the next free agent (the giver has room again) is offered it.
        var next = await giverInbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Seq > 0 && e.Data.GetProperty("assigneeId").GetGuid() == giverId
            && giverInbox.Seen.Any(x => x.Type == "OfferWithdrawn" && x.ConversationId == conversationId));
        Assert.Equal(giverId, next.Data.GetProperty("assigneeId").GetGuid());
    }
}
