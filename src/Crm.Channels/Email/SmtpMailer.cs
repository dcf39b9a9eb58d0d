using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Crm.Channels.Email;

/// <summary>
/// Sends one message over SMTP and says what happened in the outbox's terms: a 4xx, a lost connection or an unreachable
/// server is worth retrying; a 5xx is not, and its text is what the agent sees.
/// </summary>
public static class SmtpMailer
{
    public static async Task<SendResult> SendAsync(MailServerOptions server, string defaultUser, MimeMessage message, MailboxAddress envelopeSender,
        IReadOnlyList<MailboxAddress> recipients, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(message);
        using var client = new DsnSmtpClient { Timeout = 60_000 };
        try
        {
            await ConnectAsync(client, server, defaultUser, ct);
            // The server's reply names its queue id; the message's identity in the mail world is its Message-ID.
            await client.SendAsync(message, envelopeSender, recipients, ct);
            await client.DisconnectAsync(true, ct);
            return SendResult.Sent(message.MessageId);
        }
        catch (Exception ex) when (Classify(ex, ct) is { } failure)
        {
            return failure;
        }
    }

    /// <summary>What a failed send means for the outbox, or null for an exception that is not a mail failure (our own shutdown, a bug).</summary>
    internal static SendResult? Classify(Exception ex, CancellationToken ct)
    {
        switch (ex)
        {
            case SmtpCommandException command:
                {
                    var what = command.ErrorCode switch
                    {
                        SmtpErrorCode.RecipientNotAccepted => $"The mail server refused the recipient {command.Mailbox?.Address}",
                        SmtpErrorCode.SenderNotAccepted => $"The mail server refused the sender {command.Mailbox?.Address}",
                        _ => "The mail server refused the message",
                    };
                    var error = $"{what}: {(int)command.StatusCode} {command.Message.Trim()}";
                    return (int)command.StatusCode is >= 400 and < 500 ? SendResult.Transient(error) : SendResult.Permanent(error);
                }
            case MailKit.Security.AuthenticationException:
                // Wrong credentials are fixed by an admin, not by the customer: keep the reply waiting in the outbox meanwhile.
                return SendResult.Transient($"SMTP sign-in failed: {ex.Message}");
            case SmtpProtocolException or IOException or SocketException or TimeoutException or SslHandshakeException or ServiceNotConnectedException:
            case OperationCanceledException when !ct.IsCancellationRequested:
                return SendResult.Transient($"The mail server could not be reached: {ex.Message}");
            default:
                return null;
        }
    }

    public static async Task ConnectAsync(SmtpClient client, MailServerOptions server, string defaultUser, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(server);
        await client.ConnectAsync(server.Host ?? throw new InvalidOperationException("No SMTP host is configured."), server.Port, SocketOptions(server.Security, server.Port), ct);
        if (client.Capabilities.HasFlag(SmtpCapabilities.Authentication) && !string.IsNullOrEmpty(server.Password))
        {
            await client.AuthenticateAsync(server.UserName ?? defaultUser, server.Password, ct);
        }
    }

    public static SecureSocketOptions SocketOptions(MailSecurity security, int port) => security switch
    {
        MailSecurity.None => SecureSocketOptions.None,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        MailSecurity.Tls => SecureSocketOptions.SslOnConnect,
        _ => port is 993 or 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable,
    };

    /// <summary>Asks servers that offer DSN (RFC 3461) to report failures and delays, with our message id as the envelope id.</summary>
    internal sealed class DsnSmtpClient : SmtpClient
    {
        /// <summary>The server accepted MAIL FROM in the current transaction: it was alive when this message began.</summary>
        public bool SenderAccepted { get; set; }

        protected override void OnSenderAccepted(MimeMessage message, MailboxAddress mailbox, SmtpResponse response)
        {
            SenderAccepted = true;
            base.OnSenderAccepted(message, mailbox, response);
        }

        protected override DeliveryStatusNotification? GetDeliveryStatusNotifications(MimeMessage message, MailboxAddress mailbox) =>
            DeliveryStatusNotification.Failure | DeliveryStatusNotification.Delay;

        protected override string? GetEnvelopeId(MimeMessage message) => message.MessageId;
    }
}
