using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using MimeKit;
using MimeKit.Utils;

namespace Crm.Hub.Tests.Email;

/// <summary>Email end to end: SMTP relay → Dovecot → the hub's IMAP watcher → console; replies over SMTP back into the customer's mailbox.</summary>
public sealed class EmailChannelTests(EmailHub hub) : IClassFixture<EmailHub>
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(20);

    private async Task<(Guid Id, string Token, HubConnection Connection, Inbox<PushedEvent> Inbox)> AgentAsync(string name)
    {
        var (id, token) = await hub.CreateAgentAsync(name, autoAccept: true, webchatCapacity: 0, extraCapacity: new() { ["email"] = 5 });
        var connection = hub.AgentConnection(token);
        var inbox = new Inbox<PushedEvent>();
        connection.On<PushedEvent>("ConversationUpdated", inbox.Add);
        connection.On<PushedEvent>("MessageAdded", inbox.Add);
        connection.On<PushedEvent>("MessageStatusChanged", inbox.Add);
        await connection.StartAsync();
        return (id, token, connection, inbox);
    }

    [Fact]
    public async Task CustomerMailReachesTheConsoleTheReplyThreadsAndTheCustomersAnswerJoinsTheSameConversation()
    {
        var customer = await hub.NewCustomerAsync("sara");
        var (agentId, token, connection, inbox) = await AgentAsync("Mailer");
        await using var _ = connection;
        using var api = hub.Client(token);

        var original = new MimeMessage { Subject = "Order 1042 arrived broken", MessageId = MimeUtils.GenerateMessageId("elsewhere.test") };
        original.From.Add(new MailboxAddress("Sara Ahmadi", customer));
        original.To.Add(MailboxAddress.Parse(EmailHub.Support));
        var body = new BodyBuilder
        {
            TextBody = "Hello,\nthe vase arrived broken. Photo attached.\nSara",
            HtmlBody = """<p>Hello,</p><p>the vase arrived <b>broken</b>.</p><img src="cid:photo1@mail"><img src="https://tracker.example.net/open.gif"><script>alert(1)</script>""",
        };
        var photo = body.LinkedResources.Add("vase.png", PngBytes(), ContentType.Parse("image/png"));
        photo.ContentId = "photo1@mail";
        body.Attachments.Add("invoice.pdf", "%PDF-1.4 fake"u8.ToArray(), ContentType.Parse("application/pdf"));
        original.Body = body.ToMessageBody();
        await hub.Mail.DeliverAsync(original);

        var offered = await inbox.WaitForAsync(e => e.Type == "ConversationUpdated" && e.Data.GetProperty("channel").GetString() == "email"
            && e.Data.GetProperty("status").GetString() == "assigned" && e.Data.GetProperty("assigneeId").GetGuid() == agentId
            && e.Data.GetProperty("lastMessagePreview").GetString()!.StartsWith("Order 1042", StringComparison.Ordinal), MailTimeout);
        var conversationId = offered.ConversationId!.Value;
        Assert.Equal("Sara Ahmadi", offered.Data.GetProperty("contactName").GetString());
        Assert.StartsWith("Order 1042 arrived broken — Hello,", offered.Data.GetProperty("lastMessagePreview").GetString(), StringComparison.Ordinal);

        var inbound = Assert.Single(await EmailHub.MessagesAsync(api, conversationId));
        Assert.Equal("email", inbound.GetProperty("channel").GetString());
        Assert.Contains("the vase arrived broken", inbound.GetProperty("body").GetString(), StringComparison.Ordinal);
        var email = inbound.GetProperty("email");
        Assert.Equal("Order 1042 arrived broken", email.GetProperty("subject").GetString());
        var html = email.GetProperty("html").GetString()!;
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\ssrc=""https://tracker", html);
        Assert.Contains("data-remote-src=\"https://tracker.example.net/open.gif\"", html, StringComparison.Ordinal);
        Assert.True(email.GetProperty("hasRemoteImages").GetBoolean());
        var attachments = inbound.GetProperty("attachments").EnumerateArray().ToList();
        var inlinePhoto = Assert.Single(attachments, a => a.GetProperty("inline").GetBoolean());
        Assert.Contains($"src=\"/api/v1/attachments/{inlinePhoto.GetProperty("id").GetGuid()}?inline=true\"", html, StringComparison.Ordinal);
        var invoice = Assert.Single(attachments, a => !a.GetProperty("inline").GetBoolean());
        Assert.Equal("invoice.pdf", invoice.GetProperty("fileName").GetString());
        Assert.Equal("%PDF-1.4 fake", await api.GetStringAsync($"/api/v1/attachments/{invoice.GetProperty("id").GetGuid()}"));

        // The agent answers from the console; the customer's mail client threads it under the original.
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Sorry about that, a new vase ships today." });
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "sent", MailTimeout);
        var received = await hub.Mail.WaitForMessageAsync(customer, m => m.Subject == "Re: Order 1042 arrived broken", MailTimeout);
        Assert.Equal(original.MessageId, received.InReplyTo);
        Assert.Equal([original.MessageId], received.References.ToArray());
        Assert.Equal($"{replyId:N}@{MailServers.Domain}", received.MessageId);
        Assert.Equal(EmailHub.Support, received.From.Mailboxes.Single().Address);
        var replyTo = received.ReplyTo.Mailboxes.Single().Address;
        Assert.Matches($@"^support\+c{offered.Data.GetProperty("number").GetInt64()}\.[0-9a-f]{{8}}@example\.test$", replyTo);
        Assert.StartsWith("Sorry about that, a new vase ships today.", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("Mailer", received.TextBody, StringComparison.Ordinal);
        Assert.Contains("Sorry about that", received.HtmlBody, StringComparison.Ordinal);
        // The envelope sender is a signed bounce address naming this very message (VERP).
        Assert.Contains(hub.Mail.Relayed, r => r.Recipients.Contains(customer) && r.MailFrom.StartsWith($"support+b{replyId:N}.", StringComparison.Ordinal));

        // Resolved, then weeks later the customer answers the reply: the same conversation comes back.
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null)).StatusCode);
        var answer = new MimeMessage { Subject = "Re: Order 1042 arrived broken", MessageId = MimeUtils.GenerateMessageId("elsewhere.test"), InReplyTo = received.MessageId };
        answer.References.AddRange(received.References);
        answer.References.Add(received.MessageId!);
        answer.From.Add(new MailboxAddress("Sara Ahmadi", customer));
        answer.To.Add(MailboxAddress.Parse(replyTo));
        answer.Body = new TextPart("plain") { Text = $"It arrived, thank you!\n\nOn Mon, 23 Nov 2026 at 10:00, Example Support <{EmailHub.Support}> wrote:\n> Sorry about that" };
        await hub.Mail.DeliverAsync(answer);

        await inbox.WaitForAsync(e => e.Type == "MessageAdded" && e.ConversationId == conversationId
            && e.Data.GetProperty("body").GetString()!.StartsWith("It arrived", StringComparison.Ordinal), MailTimeout);
        var thread = await EmailHub.MessagesAsync(api, conversationId);
        Assert.Equal(3, thread.Count);
        Assert.Equal("It arrived, thank you!", thread[2].GetProperty("email").GetProperty("trimmedText").GetString());
        var conversation = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.NotEqual("resolved", conversation.GetProperty("status").GetString());
    }

    [Fact]
    public async Task ABounceMarksTheReplyFailedWithTheServersReasonAndTheAddressUndeliverable()
    {
        // Mail from an address the mail server has no mailbox for: our reply to it bounces.
        var ghost = $"ghost-{Guid.NewGuid():N}"[..14] + "@" + MailServers.Domain;
        var (_, token, connection, inbox) = await AgentAsync("Bouncer");
        await using var _ = connection;
        using var api = hub.Client(token);
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(ghost, "Where is my refund", "Please check."));
        var conversation = await EmailHub.ConversationAsync(api, "Where is my refund");
        var conversationId = conversation.GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.ConversationId == conversationId && e.Type == "ConversationUpdated"
            && e.Data.GetProperty("status").GetString() == "assigned", MailTimeout);

        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "The refund went out yesterday." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var failed = await inbox.WaitForAsync(e => e.Type == "MessageStatusChanged" && e.Data.GetProperty("messageId").GetGuid() == replyId
            && e.Data.GetProperty("deliveryStatus").GetString() == "failed", MailTimeout);
        var error = failed.Data.GetProperty("error").GetString()!;
        Assert.StartsWith($"Bounced: {ghost} — 5.1.1", error, StringComparison.Ordinal);
        var stored = (await EmailHub.MessagesAsync(api, conversationId)).Single(m => m.GetProperty("id").GetGuid() == replyId);
        Assert.Equal("failed", stored.GetProperty("deliveryStatus").GetString());
        // The bounce is not a customer message in the conversation.
        Assert.Equal(2, (await EmailHub.MessagesAsync(api, conversationId)).Count);

        var options = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/reply-options");
        var email = options.GetProperty("channels").EnumerateArray().Single(c => c.GetProperty("channel").GetString() == "email");
        Assert.Contains("5.1.1", email.GetProperty("undeliverable").GetString(), StringComparison.Ordinal);
        var refused = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Hello again?" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("bounced", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOutOfOfficeReplyJoinsItsConversationWithoutReopeningIt()
    {
        var customer = await hub.NewCustomerAsync("ooo");
        var (_, token, connection, inbox) = await AgentAsync("Holiday");
        await using var _ = connection;
        using var api = hub.Client(token);
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "Invoice copy please", "Can you resend the invoice?"));
        var conversationId = (await EmailHub.ConversationAsync(api, "Invoice copy please")).GetProperty("id").GetGuid();
        await inbox.WaitForAsync(e => e.ConversationId == conversationId && e.Data.TryGetProperty("status", out var s) && s.GetString() == "assigned", MailTimeout);
        var reply = await api.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Attached again." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await hub.Mail.WaitForMessageAsync(customer, m => m.MessageId == $"{replyId:N}@{MailServers.Domain}", MailTimeout);
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null)).StatusCode);

        var away = EmailHub.CustomerMail(customer, "Automatic reply: Re: Invoice copy please", "I am out of the office until Monday.");
        away.InReplyTo = $"{replyId:N}@{MailServers.Domain}";
        away.Headers.Add("Auto-Submitted", "auto-replied");
        await hub.Mail.DeliverAsync(away);

        await Wait.UntilAsync(async () => (await EmailHub.MessagesAsync(api, conversationId)).Count == 3 ? (bool?)true : null, MailTimeout);
        var automatic = (await EmailHub.MessagesAsync(api, conversationId))[2];
        Assert.StartsWith("AutoReply: Auto-Submitted: auto-replied", automatic.GetProperty("email").GetProperty("automatic").GetString(), StringComparison.Ordinal);
        var conversation = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}");
        Assert.Equal("resolved", conversation.GetProperty("status").GetString());
    }

    [Fact]
    public async Task MailWithNoSenderIsQuarantinedAndTheMailBehindItIsStillStored()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var before = (await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/email/quarantine")).GetProperty("total").GetInt32();
        var nobody = new MimeMessage { Subject = "Nobody sent this", MessageId = MimeUtils.GenerateMessageId("elsewhere.test") };
        nobody.To.Add(MailboxAddress.Parse(EmailHub.Support));
        nobody.Body = new TextPart("plain") { Text = "orphan" };
        await hub.Mail.DeliverAsync(nobody, envelopeFrom: "someone@elsewhere.test", recipients: [EmailHub.Support]);
        var customer = await hub.NewCustomerAsync("behind");
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "Right behind the orphan", "still here"));

        await EmailHub.ConversationAsync(admin, "Right behind the orphan");
        var page = await Wait.UntilAsync(async () =>
        {
            var p = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/email/quarantine");
            return p.GetProperty("total").GetInt32() > before ? (JsonElement?)p : null;
        }, MailTimeout);
        var item = page.GetProperty("items").EnumerateArray().First(i => i.GetProperty("subject").GetString() == "Nobody sent this");
        Assert.Contains("no sender", item.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var raw = await admin.GetStringAsync($"/api/v1/admin/email/quarantine/{item.GetProperty("id").GetGuid()}/raw");
        Assert.Contains("Subject: Nobody sent this", raw, StringComparison.Ordinal);

        var (_, agentToken) = await hub.CreateAgentAsync("NotAdmin");
        using var agent = hub.Client(agentToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/admin/email/quarantine")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/v1/admin/email/quarantine/{item.GetProperty("id").GetGuid()}")).StatusCode);
    }

    [Fact]
    public async Task AFortyMegabyteAttachmentOverTheCapIsLeftOutWithAWarningAndTheMessageIsKept()
    {
        var customer = await hub.NewCustomerAsync("huge");
        using var admin = hub.Client(await hub.TokenAsync());
        var message = new MimeMessage { Subject = "Scan of the contract", MessageId = MimeUtils.GenerateMessageId("elsewhere.test") };
        message.From.Add(MailboxAddress.Parse(customer));
        message.To.Add(MailboxAddress.Parse(EmailHub.Support));
        var body = new BodyBuilder { TextBody = "The scan is attached." };
        body.Attachments.Add("contract-scan.pdf", new byte[40 * 1024 * 1024], ContentType.Parse("application/pdf"));
        body.Attachments.Add("cover.txt", "cover letter"u8.ToArray(), ContentType.Parse("text/plain"));
        message.Body = body.ToMessageBody();
        await hub.Mail.DeliverAsync(message);

        var conversation = await EmailHub.ConversationAsync(admin, "Scan of the contract");
        var stored = Assert.Single(await EmailHub.MessagesAsync(admin, conversation.GetProperty("id").GetGuid()));
        Assert.Equal("cover.txt", Assert.Single(stored.GetProperty("attachments").EnumerateArray()).GetProperty("fileName").GetString());
        var warning = Assert.Single(stored.GetProperty("email").GetProperty("warnings").EnumerateArray()).GetString()!;
        Assert.Contains("contract-scan.pdf (40 MB) is larger than the 25 MB the hub keeps", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MailToTheSignedReplyAddressJoinsItsConversationAndFilesGoOutAsAttachments()
    {
        var customer = await hub.NewCustomerAsync("zip");
        using var admin = hub.Client(await hub.TokenAsync());
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "Broken zipper", "The zipper broke on day one."));
        var conversationId = (await EmailHub.ConversationAsync(admin, "Broken zipper")).GetProperty("id").GetGuid();

        using var form = new MultipartFormDataContent
        {
            { new StringContent("Here is the return label."), "body" },
            { new ByteArrayContent("%PDF-1.4 label"u8.ToArray()) { Headers = { ContentType = new("application/pdf") } }, "file", "return-label.pdf" },
        };
        var reply = await admin.PostAsync($"/api/v1/conversations/{conversationId}/messages/files", form);
        Assert.Equal(HttpStatusCode.Created, reply.StatusCode);
        var received = await hub.Mail.WaitForMessageAsync(customer, m => m.Subject == "Re: Broken zipper", MailTimeout);
        var label = Assert.Single(received.Attachments.OfType<MimePart>());
        Assert.Equal("return-label.pdf", label.FileName);
        using (var bytes = new MemoryStream())
        {
            await label.Content!.DecodeToAsync(bytes);
            Assert.Equal("%PDF-1.4 label"u8.ToArray(), bytes.ToArray());
        }
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null)).StatusCode);

        // A new mail (no In-Reply-To, another subject) to the conversation's signed address finds its way back.
        var fresh = EmailHub.CustomerMail(customer, "One more thing", "The label printed fine, thanks.");
        fresh.To.Clear();
        fresh.To.Add(MailboxAddress.Parse(received.ReplyTo.Mailboxes.Single().Address));
        await hub.Mail.DeliverAsync(fresh);
        await Wait.UntilAsync(async () => (await EmailHub.MessagesAsync(admin, conversationId)).Count == 3 ? (bool?)true : null, MailTimeout);
        var status = (await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}")).GetProperty("status").GetString();
        Assert.NotEqual("resolved", status);

        // A forged token (right shape, wrong signature) threads nowhere: it opens its own conversation.
        var forged = EmailHub.CustomerMail(await hub.NewCustomerAsync("forger"), "Forged token", "Let me into that conversation.");
        forged.To.Clear();
        forged.To.Add(MailboxAddress.Parse(System.Text.RegularExpressions.Regex.Replace(received.ReplyTo.Mailboxes.Single().Address, @"\.[0-9a-f]{8}@", ".00000000@")));
        await hub.Mail.DeliverAsync(forged);
        var own = await EmailHub.ConversationAsync(admin, "Forged token");
        Assert.NotEqual(conversationId, own.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task AReplyTheMailServerRefusesFailsWithItsReasonAndIsNotRetried()
    {
        // The relay only takes mail for its own domain, like a submission server that refuses relaying.
        const string outsider = "someone@elsewhere.test";
        using var admin = hub.Client(await hub.TokenAsync());
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(outsider, "From another domain", "Hello from outside."));
        var conversationId = (await EmailHub.ConversationAsync(admin, "From another domain")).GetProperty("id").GetGuid();

        var reply = await admin.PostAsJsonAsync($"/api/v1/conversations/{conversationId}/messages", new { body = "Hello back." });
        var replyId = (await reply.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var failed = await Wait.UntilAsync(async () =>
        {
            var m = (await EmailHub.MessagesAsync(admin, conversationId)).Single(x => x.GetProperty("id").GetGuid() == replyId);
            return m.GetProperty("deliveryStatus").GetString() == "failed" ? (JsonElement?)m : null;
        }, MailTimeout);
        Assert.StartsWith($"The mail server refused the recipient {outsider}: 550", failed.GetProperty("deliveryError").GetString(), StringComparison.Ordinal);
    }

    /// <summary>A 1×1 PNG.</summary>
    private static byte[] PngBytes() => Convert.FromBase64String(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==");
}
