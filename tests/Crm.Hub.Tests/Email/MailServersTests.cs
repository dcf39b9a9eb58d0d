using System.Diagnostics;
using System.Net.Sockets;
using Crm.Hub.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;
using Xunit.Abstractions;

namespace Crm.Hub.Tests.Email;

/// <summary>Smoke tests for the mail server fixture itself: SMTP in, IMAP out, bounces, outages.</summary>
public sealed class MailServersTests(MailServersFixture fixture, ITestOutputHelper output) : IClassFixture<MailServersFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private MailServers Mail => fixture.Servers;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)] + "@" + MailServers.Domain;

    private static MimeMessage Message(string from, string to, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = subject;
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MailServers.Domain);
        message.Body = new TextPart("plain") { Text = $"Body of {subject}" };
        return message;
    }

    [Fact]
    public async Task Smtp_delivery_appears_over_imap()
    {
        var support = Unique("support");
        await Mail.AddUserAsync(support);
        var sent = Message("customer@elsewhere.test", support, "Hello over SMTP");

        await Mail.DeliverAsync(sent);

        var received = await Mail.WaitForMessageAsync(support, m => m.MessageId == sent.MessageId, Timeout);
        Assert.Equal("Hello over SMTP", received.Subject);
        Assert.Equal("Body of Hello over SMTP", received.TextBody?.Trim());
        var relayed = Assert.Single(Mail.Relayed, r => r.Recipients.Contains(support));
        Assert.Equal("customer@elsewhere.test", relayed.MailFrom);
    }

    [Fact]
    public async Task Plus_address_lands_in_the_base_users_inbox()
    {
        var support = Unique("support");
        await Mail.AddUserAsync(support);
        var plus = support.Replace("@", "+c12.ab12cd34@", StringComparison.Ordinal);
        var sent = Message("customer@elsewhere.test", plus, "Reply with a token");

        await Mail.DeliverAsync(sent);

        var received = await Mail.WaitForMessageAsync(support, m => m.MessageId == sent.MessageId, Timeout);
        Assert.Equal(plus, received.Headers["Delivered-To"]);
        Assert.Equal(plus, received.To.Mailboxes.Single().Address);
    }

    [Fact]
    public async Task Unknown_recipient_bounces_to_the_envelope_sender()
    {
        var support = Unique("support");
        await Mail.AddUserAsync(support);
        var verp = support.Replace("@", "+bounce.m42@", StringComparison.Ordinal);
        var unknown = Unique("nobody-here");
        var sent = Message(support, unknown, "To nobody");

        await Mail.DeliverAsync(sent, envelopeFrom: verp);

        var bounce = await Mail.WaitForMessageAsync(support, m => m.Body is MultipartReport, Timeout);
        Assert.Equal("auto-replied", bounce.Headers[HeaderId.AutoSubmitted]);
        Assert.Equal("MAILER-DAEMON@example.test", bounce.From.Mailboxes.Single().Address);
        Assert.Equal(verp, bounce.Headers["Delivered-To"]);
        var report = Assert.IsType<MultipartReport>(bounce.Body);
        Assert.Equal("delivery-status", report.ReportType);
        var status = Assert.Single(report.OfType<MessageDeliveryStatus>());
        Assert.Equal("dns; relay.example.test", status.StatusGroups[0]["Reporting-MTA"]);
        var recipient = status.StatusGroups[1];
        Assert.Equal($"rfc822; {unknown}", recipient["Final-Recipient"]);
        Assert.Equal("failed", recipient["Action"]);
        Assert.Equal("5.1.1", recipient["Status"]);
        Assert.StartsWith("smtp; 550 5.1.1", recipient["Diagnostic-Code"], StringComparison.Ordinal);
        var headers = Assert.Single(report.OfType<TextRfc822Headers>());
        Assert.Equal(sent.MessageId, headers.Message?.MessageId);
        // SMTP itself accepted it, like a real MTA that bounces later.
        Assert.Contains(Mail.Relayed, r => r.MailFrom == verp && r.Recipients.SequenceEqual([unknown]));
    }

    [Fact]
    public async Task Other_domains_are_refused_at_rcpt()
    {
        var sent = Message("support@example.test", "someone@elsewhere.test", "Not relayed");

        var error = await Assert.ThrowsAsync<MailKit.Net.Smtp.SmtpCommandException>(() => Mail.DeliverAsync(sent));

        Assert.Equal(550, (int)error.StatusCode);
    }

    [Fact]
    public async Task Uid_validity_change_is_visible_over_imap()
    {
        var user = Unique("uidv");
        await Mail.AddUserAsync(user);
        await Mail.DeliverAsync(Message("customer@elsewhere.test", user, "first"));
        await Mail.WaitForMessageAsync(user, m => m.Subject == "first", Timeout);

        await Mail.SetUidValidityAsync(user, 424242);

        using var client = new ImapClient();
        await client.ConnectAsync(Mail.Host, Mail.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailServers.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        Assert.Equal(424242u, client.Inbox.UidValidity);
        Assert.True(client.Capabilities.HasFlag(ImapCapabilities.Idle));
    }

    [Fact]
    public async Task Imap_outage_drops_clients_and_keeps_mail_when_started_again()
    {
        var user = Unique("outage");
        await Mail.AddUserAsync(user);
        await Mail.DeliverAsync(Message("customer@elsewhere.test", user, "before"));
        await Mail.WaitForMessageAsync(user, m => m.Subject == "before", Timeout);
        using var client = new ImapClient();
        await client.ConnectAsync(Mail.Host, Mail.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, MailServers.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);

        await Mail.StopImapAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => client.NoOpAsync());
        await Assert.ThrowsAnyAsync<SocketException>(() => Mail.InboxAsync(user));
        // The relay still accepts and retries LMTP until Dovecot is back, like a queueing MTA.
        await Mail.DeliverAsync(Message("customer@elsewhere.test", user, "during"));
        await Mail.StartImapAsync();

        var during = await Mail.WaitForMessageAsync(user, m => m.Subject == "during", Timeout);
        Assert.NotNull(during);
        Assert.Contains(await Mail.InboxAsync(user), m => m.Subject == "before");
    }

    [Fact]
    public async Task Smtp_outage_refuses_connections_until_started_again()
    {
        var user = Unique("smtpdown");
        await Mail.AddUserAsync(user);

        await Mail.StopSmtpAsync();
        await Assert.ThrowsAnyAsync<SocketException>(() => Mail.DeliverAsync(Message("customer@elsewhere.test", user, "refused")));
        await Mail.StartSmtpAsync();
        await Mail.DeliverAsync(Message("customer@elsewhere.test", user, "accepted"));

        await Mail.WaitForMessageAsync(user, m => m.Subject == "accepted", Timeout);
    }

    [Fact]
    public async Task Own_instance_starts_fast_and_leaves_nothing_behind()
    {
        var clock = Stopwatch.StartNew();
        var servers = await MailServers.StartAsync();
        var started = clock.Elapsed;
        var ports = new[] { servers.ImapPort, servers.LmtpPort, servers.SmtpPort };
        var directory = servers.DataDirectory;
        Assert.Equal(3, ports.Distinct().Count());
        Assert.DoesNotContain(fixture.Servers.SmtpPort, ports);

        clock.Restart();
        await servers.DisposeAsync();
        output.WriteLine($"started in {started.TotalMilliseconds:F0} ms, disposed in {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.False(Directory.Exists(directory));
        foreach (var port in ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await Assert.ThrowsAsync<SocketException>(() => socket.ConnectAsync(Mail.Host, port));
        }
    }
}
