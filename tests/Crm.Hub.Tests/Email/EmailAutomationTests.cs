using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Storage;
using MailKit;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Email;

/// <summary>Automatic acknowledgements that never ping-pong with an auto-responder (RFC 3834), and replies that wait out an SMTP outage.</summary>
public sealed class EmailAutomationTests(EmailHub hub) : IClassFixture<EmailHub>
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task APersonGetsOneAcknowledgementAndTheirAutoResponderGetsNone()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var on = await admin.PutAsJsonAsync("/api/v1/admin/channels/email/settings", new { values = new Dictionary<string, string?> { ["Acknowledge"] = "true" } });
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        var customer = await hub.NewCustomerAsync("robin");

        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "Warranty question", "Is the kettle covered for two years?", "Robin"));
        var ack = await hub.Mail.WaitForMessageAsync(customer, m => m.Subject == "Re: Warranty question", MailTimeout);
        Assert.Equal("auto-replied", ack.Headers["Auto-Submitted"]);
        Assert.Equal("All", ack.Headers["X-Auto-Response-Suppress"]);
        Assert.Contains("We have received your message \"Warranty question\"", ack.TextBody, StringComparison.Ordinal);
        Assert.StartsWith("Hello Robin,", ack.TextBody, StringComparison.Ordinal);

        // The customer's auto-responder answers the acknowledgement: stored in the conversation, never answered.
        var away = EmailHub.CustomerMail(customer, "Out of office: Re: Warranty question", "I am away until Monday.", "Robin");
        away.InReplyTo = ack.MessageId;
        away.Headers.Add("Auto-Submitted", "auto-replied");
        await hub.Mail.DeliverAsync(away);
        var conversation = await EmailHub.ConversationAsync(admin, "Warranty question");
        var conversationId = conversation.GetProperty("id").GetGuid();
        await Wait.UntilAsync(async () => (await EmailHub.MessagesAsync(admin, conversationId)).Count == 3 ? (bool?)true : null, MailTimeout);
        var thread = await EmailHub.MessagesAsync(admin, conversationId);
        Assert.Equal(["inbound", "outbound", "inbound"], thread.Select(m => m.GetProperty("direction").GetString()));
        Assert.Equal(JsonValueKind.Null, thread[1].GetProperty("authorAgentId").ValueKind);

        // A person writing again within the hour in a new conversation is not acknowledged twice.
        await admin.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null);
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "Another question", "And the lid?", "Robin"));
        await EmailHub.ConversationAsync(admin, "Another question");
        await Task.Delay(1500);
        Assert.Single(await hub.Mail.InboxAsync(customer));
        // An automatic message is not the agents' first response.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            Assert.Null(await db.Conversations.Where(c => c.Id == conversationId).Select(c => c.FirstResponseAt).SingleAsync());
        }

        await admin.PutAsJsonAsync("/api/v1/admin/channels/email/settings", new { values = new Dictionary<string, string?> { ["Acknowledge"] = null } });
    }

    [Fact]
    public async Task WithMoveProcessedToSetStoredMailLeavesTheInboxForThatFolder()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var on = await admin.PutAsJsonAsync("/api/v1/admin/channels/email/settings",
            new { values = new Dictionary<string, string?> { ["MoveProcessedTo"] = "Processed" } });
        Assert.Equal(HttpStatusCode.OK, on.StatusCode);
        try
        {
            await hub.Mail.DeliverAsync(EmailHub.CustomerMail("mover@elsewhere.test", "Please move me", "after storing"));
            await EmailHub.ConversationAsync(admin, "Please move me");
            using var imap = new MailKit.Net.Imap.ImapClient();
            await imap.ConnectAsync(hub.Mail.Host, hub.Mail.ImapPort, MailKit.Security.SecureSocketOptions.None);
            await imap.AuthenticateAsync(EmailHub.Support, MailServers.Password);
            var processed = await imap.GetFolderAsync("Processed");
            await Wait.UntilAsync(async () =>
            {
                await processed.OpenAsync(FolderAccess.ReadOnly);
                var subjects = (await processed.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(m => m.Envelope?.Subject).ToList();
                return subjects.Contains("Please move me") ? (bool?)true : null;
            }, MailTimeout);
            await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
            var inbox = (await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Envelope)).Select(m => m.Envelope?.Subject).ToList();
            Assert.DoesNotContain("Please move me", inbox);
        }
        finally
        {
            await admin.PutAsJsonAsync("/api/v1/admin/channels/email/settings", new { values = new Dictionary<string, string?> { ["MoveProcessedTo"] = null } });
        }
    }

    [Fact]
    public async Task RepliesWaitInTheOutboxWhileSmtpIsDownAndGoOutOnceWhenItIsBack()
    {
        var customer = await hub.NewCustomerAsync("patient");
        var (_, token) = await hub.CreateAgentAsync("Patient", autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["email"] = 5 });
        await using var agent = hub.AgentConnection(token);
        await agent.StartAsync();
        using var api = hub.Client(token);
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "Delivery date", "When will it arrive?"));
        var conversationId = (await EmailHub.ConversationAsync(api, "Delivery date")).GetProperty("id").GetGuid();
        await Wait.UntilAsync(async () => (await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}"))
            .GetProperty("status").GetString() == "assigned" ? (bool?)true : null, MailTimeout);

        await hub.Mail.StopSmtpAsync();
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Thursday, between 9 and 12." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var retrying = await Wait.UntilAsync(async () =>
        {
            var m = (await EmailHub.MessagesAsync(api, conversationId)).Single(x => x.GetProperty("id").GetGuid() == replyId);
            return m.TryGetProperty("retry", out var r) && r.ValueKind == JsonValueKind.Object ? (JsonElement?)r : null;
        }, MailTimeout);
        Assert.Contains("could not be reached", retrying.GetProperty("error").GetString(), StringComparison.Ordinal);

        await hub.Mail.StartSmtpAsync();
        var received = await hub.Mail.WaitForMessageAsync(customer, m => m.MessageId == $"{replyId:N}@{MailServers.Domain}", TimeSpan.FromSeconds(60));
        Assert.StartsWith("Thursday, between 9 and 12.", received.TextBody, StringComparison.Ordinal);
        await Task.Delay(1000);
        Assert.Single(await hub.Mail.InboxAsync(customer), m => m.MessageId == received.MessageId);
    }
}
