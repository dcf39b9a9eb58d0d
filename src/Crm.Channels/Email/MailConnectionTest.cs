using System.Diagnostics;
using System.Net;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;

namespace Crm.Channels.Email;

/// <summary>One step of a connection test: which server, what was tried, and what happened.</summary>
public sealed record ConnectionStep(string Server, string Step, bool Ok, string Detail, long Milliseconds);

public sealed record ConnectionReport(bool Ok, IReadOnlyList<ConnectionStep> Steps);

/// <summary>
/// "Test connection" on the admin page: each server walked step by step — DNS, connect and TLS, sign-in, the folder — so the
/// report says exactly which step failed and why, instead of one opaque error.
/// </summary>
public static class MailConnectionTest
{
    public static async Task<ConnectionReport> RunAsync(EmailOptions o, CancellationToken ct)
    {
        var steps = new List<ConnectionStep>();
        if (!string.IsNullOrWhiteSpace(o.Imap.Host))
        {
            await ImapAsync(o, steps, ct);
        }
        else
        {
            steps.Add(new ConnectionStep("imap", "settings", false, "No IMAP server is set: mail cannot be read.", 0));
        }
        if (!string.IsNullOrWhiteSpace(o.Smtp.Host))
        {
            await SmtpAsync(o, steps, ct);
        }
        else
        {
            steps.Add(new ConnectionStep("smtp", "settings", false, "No SMTP server is set: replies wait in the outbox until one is.", 0));
        }
        return new ConnectionReport(steps.All(s => s.Ok), steps);
    }

    private static async Task ImapAsync(EmailOptions o, List<ConnectionStep> steps, CancellationToken ct)
    {
        if (!await DnsAsync("imap", o.Imap.Host!, steps, ct))
        {
            return;
        }
        using var client = new ImapClient { Timeout = 15_000 };
        if (!await StepAsync("imap", "connect", steps, async () =>
            {
                await client.ConnectAsync(o.Imap.Host!, o.Imap.Port, SmtpMailer.SocketOptions(o.Imap.Security, o.Imap.Port), ct);
                return $"Connected to {o.Imap.Host}:{o.Imap.Port}" + (client.IsSecure ? $" over {client.SslProtocol}." : " without TLS.");
            }))
        {
            return;
        }
        if (!await StepAsync("imap", "auth", steps, async () =>
            {
                await client.AuthenticateAsync(o.Imap.UserName ?? o.Address ?? "", o.Imap.Password ?? "", ct);
                return $"Signed in as {o.Imap.UserName ?? o.Address}." + (client.Capabilities.HasFlag(ImapCapabilities.Idle)
                    ? " The server offers IDLE: new mail arrives within seconds."
                    : $" The server has no IDLE: the folder is checked every {o.PollSeconds} s.");
            }))
        {
            return;
        }
        await StepAsync("imap", "folder", steps, async () =>
        {
            var folder = await client.GetFolderAsync(o.Folder, ct);
            await folder.OpenAsync(FolderAccess.ReadOnly, ct);
            var detail = $"{folder.FullName}: {folder.Count} messages, UIDVALIDITY {folder.UidValidity}.";
            if (!string.IsNullOrWhiteSpace(o.MoveProcessedTo))
            {
                var target = await client.GetFolderAsync(o.MoveProcessedTo, ct);
                detail += $" Processed mail moves to {target.FullName}.";
            }
            return detail;
        });
        await client.DisconnectAsync(true, ct);
    }

    private static async Task SmtpAsync(EmailOptions o, List<ConnectionStep> steps, CancellationToken ct)
    {
        if (!await DnsAsync("smtp", o.Smtp.Host!, steps, ct))
        {
            return;
        }
        using var client = new SmtpClient { Timeout = 15_000 };
        if (!await StepAsync("smtp", "connect", steps, async () =>
            {
                await client.ConnectAsync(o.Smtp.Host!, o.Smtp.Port, SmtpMailer.SocketOptions(o.Smtp.Security, o.Smtp.Port), ct);
                return $"Connected to {o.Smtp.Host}:{o.Smtp.Port}" + (client.IsSecure ? $" over {client.SslProtocol}." : " without TLS.");
            }))
        {
            return;
        }
        await StepAsync("smtp", "auth", steps, async () =>
        {
            if (!client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
            {
                return "The server does not ask for a sign-in.";
            }
            if (string.IsNullOrEmpty(o.Smtp.Password))
            {
                throw new InvalidOperationException("The server wants a sign-in, but no SMTP password is set.");
            }
            await client.AuthenticateAsync(o.Smtp.UserName ?? o.Address ?? "", o.Smtp.Password, ct);
            return $"Signed in as {o.Smtp.UserName ?? o.Address}.";
        });
        await client.DisconnectAsync(true, ct);
    }

    private static Task<bool> DnsAsync(string server, string host, List<ConnectionStep> steps, CancellationToken ct) =>
        StepAsync(server, "dns", steps, async () =>
        {
            var addresses = await Dns.GetHostAddressesAsync(host, ct);
            return $"{host} is {string.Join(", ", addresses.Take(3).Select(a => a.ToString()))}.";
        });

    private static async Task<bool> StepAsync(string server, string step, List<ConnectionStep> steps, Func<Task<string>> run)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var detail = await run();
            steps.Add(new ConnectionStep(server, step, true, detail, clock.ElapsedMilliseconds));
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || ex is TaskCanceledException)
        {
            steps.Add(new ConnectionStep(server, step, false, ImapMailbox.Describe(ex), clock.ElapsedMilliseconds));
            return false;
        }
    }
}
