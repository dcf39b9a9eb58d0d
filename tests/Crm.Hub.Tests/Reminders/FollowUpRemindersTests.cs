using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Reminders;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.OptOut;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Crm.Hub.Tests.Reminders;

/// <summary>Agents' follow-ups: a notice pushed to their console at the time, and the conversation back in their queue.</summary>
public sealed class FollowUpRemindersTests(HubServer hub) : IClassFixture<HubServer>
{
    private static Inbox<PushedEvent> Listen(HubConnection connection)
    {
        var inbox = new Inbox<PushedEvent>();
        foreach (var method in new[] { "ConversationUpdated", "OfferReceived", "ReminderDue" })
        {
            connection.On<PushedEvent>(method, inbox.Add);
        }
        return inbox;
    }

    private static DateTimeOffset In(double seconds) => TimeProvider.System.GetUtcNow().AddSeconds(seconds);

    private async Task<IScheduler> SchedulerAsync() => await hub.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();

    /// <summary>A widget conversation assigned to the agent, then resolved by them.</summary>
    private async Task<Guid> ResolvedConversationAsync(Guid agentId, string token, Inbox<PushedEvent> inbox, string body)
    {
        var conversationId = await hub.VisitorWritesAsync(body, "Remi Visitor");
        await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);
        using var api = hub.Client(token);
        (await api.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null)).EnsureSuccessStatusCode();
        return conversationId;
    }

    [Fact]
    public async Task FollowUpFiresReopensTheConversationAndOffersItToTheAgentFirst()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Follower", autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        var inbox = Listen(agent);
        await agent.StartAsync();
        var conversationId = await ResolvedConversationAsync(agentId, token, inbox, "please call me back on Tuesday");
        // Another agent online with capacity and no load: the lowest-load rule alone would pick them.
        var (_, otherToken) = await hub.CreateAgentAsync("Idle", autoAccept: true);
        await using var other = hub.AgentConnection(otherToken);
        await other.StartAsync();

        using var api = hub.Client(token);
        var created = await api.PostAsJsonAsync("/api/v1/reminders",
            new { conversationId, dueAt = In(1.5), timeZone = "Asia/Tehran", note = "Call back about the refund" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reminder = await created.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);
        Assert.Equal("scheduled", reminder!.State);
        Assert.Equal("followUp", reminder.Kind);
        Assert.Equal("Asia/Tehran", reminder.TimeZone);
        Assert.True(await (await SchedulerAsync()).Exists(ReminderJob.KeyOf(reminder.Id)));

        var due = await inbox.WaitForAsync(e => e.Type == "ReminderDue", TimeSpan.FromSeconds(30));
        Assert.True(due.Seq > 0);
        Assert.Equal(conversationId, due.ConversationId);
        Assert.Equal(reminder.Id, due.Data.GetProperty("reminderId").GetGuid());
        Assert.Equal(agentId, due.Data.GetProperty("agentId").GetGuid());
        Assert.Equal("Call back about the refund", due.Data.GetProperty("note").GetString());
        Assert.True(due.Data.GetProperty("reopened").GetBoolean());
        await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId == conversationId && e.Seq > due.Seq
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId);

        var fired = await api.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{reminder.Id}", HubServer.Json);
        Assert.Equal("done", fired!.State);
        Assert.NotNull(fired.FiredAt);
        Assert.Contains("Reopened", fired.Outcome);
        // A fired reminder leaves nothing behind in the job store.
        await Wait.UntilAsync(async () => await (await SchedulerAsync()).Exists(ReminderJob.KeyOf(reminder.Id)) ? (bool?)null : true);
        var decisions = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/decisions");
        Assert.Contains(decisions.EnumerateArray(), d => d.ToString().Contains("responsible agent online with", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FollowUpOnAContactOnlyNotifiesAndLinksItsLatestConversation()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Contact Follower", autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        var inbox = Listen(agent);
        await agent.StartAsync();
        var conversationId = await ResolvedConversationAsync(agentId, token, inbox, "thanks, bye");
        using var api = hub.Client(token);
        var contactId = (await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}")).GetProperty("contactId").GetGuid();

        var created = await api.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = In(1), note = "Ask how the product works out" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var due = await inbox.WaitForAsync(e => e.Type == "ReminderDue", TimeSpan.FromSeconds(30));
        Assert.Equal(conversationId, due.ConversationId);
        Assert.False(due.Data.GetProperty("reopened").GetBoolean());
        Assert.Equal(contactId, due.Data.GetProperty("contactId").GetGuid());
        var conversation = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.Equal("resolved", conversation.GetProperty("status").GetString());
    }

    [Fact]
    public async Task FollowUpOnAResolvedConversationWhoseContactWroteAgainLinksTheOpenOne()
    {
        var (agentId, token) = await hub.CreateAgentAsync("Second Thread", autoAccept: true);
        await using var agent = hub.AgentConnection(token);
        var inbox = Listen(agent);
        await agent.StartAsync();
        var visitorToken = await hub.NewVisitorAsync("Twice Tina");
        await using var visitor = hub.VisitorConnection(visitorToken);
        await visitor.StartAsync();
        await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "first question" });
        var first = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("status").GetString() == "assigned"
            && e.Data.GetProperty("assigneeId").GetGuid() == agentId);
        using var api = hub.Client(token);
        (await api.PostAsync($"/api/v1/conversations/{first.ConversationId}/resolve", null)).EnsureSuccessStatusCode();
        var reminder = await (await api.PostAsJsonAsync("/api/v1/reminders", new { conversationId = first.ConversationId, dueAt = In(2) }))
            .Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);
        await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "another question" });
        var second = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.ConversationId != first.ConversationId
            && e.Data.GetProperty("status").GetString() == "assigned");

        var due = await inbox.WaitForAsync(e => e.Type == "ReminderDue", TimeSpan.FromSeconds(30));

        Assert.Equal(reminder!.Id, due.Data.GetProperty("reminderId").GetGuid());
        Assert.False(due.Data.GetProperty("reopened").GetBoolean());
        Assert.Equal(second.ConversationId, due.ConversationId);
        var old = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{first.ConversationId}");
        Assert.Equal("resolved", old.GetProperty("status").GetString());
        Assert.Contains("is open", (await api.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{reminder.Id}", HubServer.Json))!.Outcome);
    }

    [Fact]
    public async Task CancelledReminderNeverFiresAndItsJobIsGone()
    {
        var (_, token) = await hub.CreateAgentAsync("Canceller");
        await using var agent = hub.AgentConnection(token);
        var inbox = Listen(agent);
        await agent.StartAsync();
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, "Cancel Me", ("sms", "+15550001111", "+15553330001"));
        using var api = hub.Client(token);
        var reminder = await (await api.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = In(2) }))
            .Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);

        var cancelled = await api.PostAsync($"/api/v1/reminders/{reminder!.Id}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, cancelled.StatusCode);
        Assert.Equal("cancelled", (await cancelled.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json))!.State);
        Assert.False(await (await SchedulerAsync()).Exists(ReminderJob.KeyOf(reminder.Id)));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/reminders/{reminder.Id}/cancel", null)).StatusCode);
        var move = await api.PutAsJsonAsync($"/api/v1/reminders/{reminder.Id}", new { dueAt = In(60) });
        Assert.Equal(HttpStatusCode.Conflict, move.StatusCode);

        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.DoesNotContain(inbox.Drain(), e => e.Type == "ReminderDue");
        var after = await api.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{reminder.Id}", HubServer.Json);
        Assert.Equal("cancelled", after!.State);
        Assert.Null(after.FiredAt);
        var cancelledList = await api.GetFromJsonAsync<List<ReminderView>>("/api/v1/reminders?status=cancelled", HubServer.Json);
        Assert.Contains(cancelledList!, r => r.Id == reminder.Id);
        var upcoming = await api.GetFromJsonAsync<List<ReminderView>>("/api/v1/reminders?status=upcoming", HubServer.Json);
        Assert.DoesNotContain(upcoming!, r => r.Id == reminder.Id);
    }

    [Fact]
    public async Task RescheduleMovesTheTriggerAndTheFiredOneCannotBeCancelled()
    {
        var (_, token) = await hub.CreateAgentAsync("Mover");
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, "Move Me", ("sms", "+15550001111", "+15553330002"));
        using var api = hub.Client(token);
        var reminder = await (await api.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = In(3600) }))
            .Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);
        var later = new DateTimeOffset(In(7200).UtcDateTime.Date.AddDays(1).AddHours(6), TimeSpan.Zero).ToOffset(TimeSpan.FromHours(3.5));

        var moved = await api.PutAsJsonAsync($"/api/v1/reminders/{reminder!.Id}", new { dueAt = later, note = "moved" });

        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var view = await moved.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);
        Assert.Equal(later, view!.DueAt);
        Assert.Equal("moved", view.Note);
        var trigger = await (await SchedulerAsync()).GetTrigger(new TriggerKey(reminder.Id.ToString(), ReminderJob.Group));
        Assert.Equal(later, trigger!.NextFireTimeUtc);

        var soon = await (await api.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = In(0.5) })).Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);
        await Wait.UntilAsync(async () => (await api.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{soon!.Id}", HubServer.Json))!.State == "done" ? (bool?)true : null,
            TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/api/v1/reminders/{soon!.Id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task BadRequestsAreExplainedAndNothingIsScheduled()
    {
        var (_, token) = await hub.CreateAgentAsync("Sloppy");
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, "Valid", ("sms", "+15550001111", "+15553330003"));
        using var api = hub.Client(token);

        async Task<JsonElement> Refused(object body, string field)
        {
            var response = await api.PostAsJsonAsync("/api/v1/reminders", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var why), $"{field} in {problem}");
            return why;
        }

        Assert.Contains("past", (await Refused(new { contactId, dueAt = In(-60) }, "dueAt"))[0].GetString());
        await Refused(new { contactId }, "dueAt");
        await Refused(new { contactId, dueAt = In(3 * 366 * 86400.0) }, "dueAt");
        await Refused(new { dueAt = In(60) }, "contactId");
        await Refused(new { contactId = Guid.NewGuid(), dueAt = In(60) }, "contactId");
        await Refused(new { conversationId = Guid.NewGuid(), dueAt = In(60) }, "conversationId");
        await Refused(new { contactId, dueAt = In(60), timeZone = "Mars/Olympus" }, "timeZone");
        await Refused(new { contactId, dueAt = In(60), note = new string('x', 1001) }, "note");
        await Refused(new { contactId, dueAt = In(60), kind = "sometime" }, "kind");
        await Refused(new { kind = "customer", contactId, dueAt = In(60), channel = "email", template = "appointment-reminder" }, "channel");
        await Refused(new { kind = "customer", contactId, dueAt = In(60), channel = "sms", template = "no-such-template" }, "template");
        await Refused(new { kind = "customer", contactId, dueAt = In(60), channel = "sms", template = "appointment-reminder",
            variables = new Dictionary<string, string> { ["Bad Name"] = "x" } }, "variables.Bad Name");
        var garbage = await api.PostAsync("/api/v1/reminders", new StringContent("{\"dueAt\": \"tuesday\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);

        var mine = await api.GetFromJsonAsync<List<ReminderView>>("/api/v1/reminders", HubServer.Json);
        Assert.Empty(mine!);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/v1/reminders?status=someday")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.GetAsync($"/api/v1/reminders/{Guid.NewGuid()}")).StatusCode);
    }

    [Fact]
    public async Task AgentsSeeTheirOwnRemindersAndSupervisorsSeeAll()
    {
        var (ownerId, ownerToken) = await hub.CreateAgentAsync("Owner");
        var (_, otherToken) = await hub.CreateAgentAsync("Nosy");
        var (_, supervisorToken) = await hub.CreateAgentAsync("Boss", role: "supervisor");
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, "Private", ("sms", "+15550001111", "+15553330004"));
        using var owner = hub.Client(ownerToken);
        var reminder = await (await owner.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = In(3600), note = "mine" }))
            .Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);

        using var other = hub.Client(otherToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync($"/api/v1/reminders/{reminder!.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostAsync($"/api/v1/reminders/{reminder.Id}/cancel", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.GetAsync("/api/v1/reminders?scope=all")).StatusCode);
        Assert.DoesNotContain((await other.GetFromJsonAsync<List<ReminderView>>("/api/v1/reminders", HubServer.Json))!, r => r.Id == reminder.Id);

        using var supervisor = hub.Client(supervisorToken);
        var all = await supervisor.GetFromJsonAsync<List<ReminderView>>("/api/v1/reminders?scope=all&status=upcoming", HubServer.Json);
        var listed = Assert.Single(all!, r => r.Id == reminder.Id);
        Assert.Equal(ownerId, listed.AgentId);
        Assert.Equal("Owner", listed.AgentName);
        Assert.Equal("Private", listed.ContactName);
        Assert.Equal(HttpStatusCode.OK, (await supervisor.PostAsync($"/api/v1/reminders/{reminder.Id}/cancel", null)).StatusCode);
    }
}
