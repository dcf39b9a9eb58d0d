using System.Security.Cryptography;
using System.Text;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Email;

internal static class EmailSetup
{
    /// <summary>The support mailbox over IMAP and SMTP. A hub without <c>Crm:Channels:Email:Address</c> and an IMAP host has no email.</summary>
    public static IServiceCollection AddEmail(this IServiceCollection services)
    {
        services.AddOptions<EmailOptions>().BindConfiguration(EmailOptions.Section)
            .Validate(o => o.Address is null || EmailOptions.IsValidAddress(o.Address),
                "Crm:Channels:Email:Address must be an email address such as support@example.com.")
            .Validate(o => o.Imap.Port is >= 0 and <= 65535, "Crm:Channels:Email:Imap:Port must be 0-65535.")
            .Validate(o => o.Smtp.Port is >= 0 and <= 65535, "Crm:Channels:Email:Smtp:Port must be 0-65535.")
            .Validate(o => !o.IsConfigured || !string.IsNullOrEmpty(o.Imap.Password),
                "Crm:Channels:Email:Imap:Password is required to read the mailbox.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.Folder), "Crm:Channels:Email:Folder must name a folder (INBOX).")
            .Validate(o => o.MaxAttachmentBytes > 0, "Crm:Channels:Email:MaxAttachmentBytes must be positive.")
            .Validate(o => o.PollSeconds is >= 1 and <= 3600, "Crm:Channels:Email:PollSeconds must be 1-3600.")
            .Validate(o => o.IdleRenewMinutes is >= 1 and <= 29, "Crm:Channels:Email:IdleRenewMinutes must be 1-29 (RFC 2177).")
            .Validate(o => o.AcknowledgeEveryMinutes >= 1, "Crm:Channels:Email:AcknowledgeEveryMinutes must be at least 1.")
            .Validate(o => o.SmtpConnections is >= 1 and <= 16, "Crm:Channels:Email:SmtpConnections must be 1-16.")
            .Validate(o => o.SmtpMessagesPerConnection is >= 1 and <= 10_000, "Crm:Channels:Email:SmtpMessagesPerConnection must be 1-10000.")
            .Validate(o => o.SmtpIdleSeconds is >= 1 and <= 300, "Crm:Channels:Email:SmtpIdleSeconds must be 1-300.")
            .ValidateOnStart();
        services.AddOptions<TemplateOptions>().BindConfiguration(TemplateOptions.Section);
        services.AddSingleton<MessageTemplates>();
        services.AddSingleton<EmailKeys>();
        services.AddSingleton<MailboxHealth>();
        services.AddScoped<EmailIngestor>();
        services.AddScoped<EmailAcknowledger>();
        // One pool for the hub's lifetime; the container disposes it (QUIT on every open connection) at shutdown.
        services.AddSingleton<SmtpConnectionPool>();
        services.AddSingleton<IChannelSender, EmailChannelSender>();
        services.AddHostedService<ImapWatcher>();
        return services;
    }
}

/// <summary>
/// The key that signs reply and bounce addresses: the configured secret, or one generated once and kept in the data folder,
/// so addresses handed out before a restart still verify after it.
/// </summary>
internal sealed class EmailKeys(IOptionsMonitor<EmailOptions> options, IConfiguration configuration, IHostEnvironment environment)
{
    private readonly Lazy<byte[]> _generated = new(() =>
    {
        var path = Path.Combine(DataDirectory.Resolve(configuration, environment), "email-reply.key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        var key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        return key;
    });

    public ReplyAddresses ReplyAddresses()
    {
        var o = options.CurrentValue;
        var key = o.ReplyTokenSecret is { Length: > 0 } secret ? Encoding.UTF8.GetBytes(secret) : _generated.Value;
        return new ReplyAddresses(o.LocalPart, o.Domain, key);
    }
}
