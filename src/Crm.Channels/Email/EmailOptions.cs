using System.Net.Mail;

namespace Crm.Channels.Email;

/// <summary>How a mail connection is secured.</summary>
public enum MailSecurity
{
    /// <summary>TLS on the well-known TLS ports (993, 465), STARTTLS when the server offers it elsewhere.</summary>
    Auto,
    /// <summary>Plain text. Only for a server on the same machine or a trusted network.</summary>
    None,
    StartTls,
    Tls,
}

/// <summary>One server of the mailbox: IMAP for reading, SMTP for sending.</summary>
public sealed class MailServerOptions
{
    public string? Host { get; set; }

    public int Port { get; set; }

    public MailSecurity Security { get; set; } = MailSecurity.Auto;

    /// <summary>Defaults to the mailbox address.</summary>
    public string? UserName { get; set; }

    public string? Password { get; set; }
}

/// <summary>
/// Options of the email channel, section <c>Crm:Channels:Email</c>: the support mailbox, read over IMAP and sent
/// from over SMTP. No address or no IMAP host means no email channel.
/// </summary>
public sealed class EmailOptions
{
    public const string Section = "Crm:Channels:Email";

    /// <summary>The support address customers write to; replies come from it.</summary>
    public string? Address { get; set; }

    /// <summary>The name shown with <see cref="Address"/> in the customer's mail client.</summary>
    public string? DisplayName { get; set; }

    public MailServerOptions Imap { get; set; } = new() { Port = 993 };

    public MailServerOptions Smtp { get; set; } = new() { Port = 587 };

    /// <summary>The folder watched for customer mail.</summary>
    public string Folder { get; set; } = "INBOX";

    /// <summary>
    /// When set, mail is moved to this folder once it is stored in the hub. When empty the mailbox is only read:
    /// nothing is moved, flagged or marked seen.
    /// </summary>
    public string? MoveProcessedTo { get; set; }

    /// <summary>Key of the signed reply address (<c>support+c12.ab12cd34@…</c>); the hub keeps a generated one when empty.</summary>
    public string? ReplyTokenSecret { get; set; }

    /// <summary>A larger attachment is not stored; the message says which file was left out.</summary>
    public long MaxAttachmentBytes { get; set; } = 25 * 1024 * 1024;

    public int MaxAttachments { get; set; } = 50;

    /// <summary>Without IDLE on the server, how often the folder is checked.</summary>
    public int PollSeconds { get; set; } = 60;

    /// <summary>IDLE is restarted this often (RFC 2177 asks for under 29 minutes; some providers drop sooner).</summary>
    public int IdleRenewMinutes { get; set; } = 9;

    /// <summary>
    /// Send an automatic acknowledgement (<c>templates/email/acknowledgement</c>) when a customer's email opens a conversation.
    /// Never in answer to automatic mail, and at most once per <see cref="AcknowledgeEveryMinutes"/> to one address.
    /// </summary>
    public bool Acknowledge { get; set; }

    public int AcknowledgeEveryMinutes { get; set; } = 60;

    /// <summary>Longest pause between reconnect attempts while the server is unreachable.</summary>
    public int MaxReconnectDelaySeconds { get; set; } = 60;

    /// <summary>SMTP connections kept open per account for sending; bulk mail (a campaign) reuses them instead of signing in per message.</summary>
    public int SmtpConnections { get; set; } = 2;

    /// <summary>A pooled SMTP connection is closed (QUIT) after this many messages and a fresh one opened.</summary>
    public int SmtpMessagesPerConnection { get; set; } = 100;

    /// <summary>A pooled SMTP connection idle this long is closed.</summary>
    public int SmtpIdleSeconds { get; set; } = 30;

    public SmtpPoolLimits SmtpPool => new(SmtpConnections, SmtpMessagesPerConnection, TimeSpan.FromSeconds(SmtpIdleSeconds));

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Address) && !string.IsNullOrWhiteSpace(Imap.Host);

    public bool CanSend => !string.IsNullOrWhiteSpace(Address) && !string.IsNullOrWhiteSpace(Smtp.Host);

    /// <summary>The mailbox's domain: the right-hand side of our Message-IDs and reply addresses.</summary>
    public string Domain => Address is { } a && a.LastIndexOf('@') is > 0 and var at ? a[(at + 1)..].ToLowerInvariant() : "localhost";

    /// <summary>The local part of <see cref="Address"/>, before any plus.</summary>
    public string LocalPart => Address is { } a && a.LastIndexOf('@') is > 0 and var at ? a[..at] : "support";

    public static bool IsValidAddress(string? address) =>
        address is not null && address.Length <= 254 && MailAddress.TryCreate(address, out var parsed) && parsed.Address == address.Trim();
}
