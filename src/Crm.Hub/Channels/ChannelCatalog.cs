using Crm.Channels;
using Crm.Channels.Email;
using Crm.Channels.Fax;
using Crm.Channels.Sms;
using Crm.Channels.Telegram;
using Crm.Channels.WebChat;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Channels;

/// <summary>One setting an admin can enter for a channel.</summary>
public sealed record ChannelSettingField(string Key, string Label, bool Secret, bool Required, string? Hint = null);

/// <summary>What the admin page knows about each channel: its settings, where providers call, and how to validate a change.</summary>
internal sealed record ChannelDescriptor(
    string Channel, string Section, IReadOnlyList<ChannelSettingField> Fields, IReadOnlyList<string> WebhookPaths,
    Func<IServiceProvider, bool> IsConfigured, Func<IServiceProvider, IConfiguration, IReadOnlyList<string>> Validate);

internal static class ChannelCatalog
{
    public static IReadOnlyList<ChannelDescriptor> All { get; } =
    [
        // Web chat's settings shape CORS and rate limiting when the hub starts, so they stay in configuration.
        Describe<WebChatOptions>(ChannelNames.WebChat, WebChatOptions.Section, [], [], o => o.Enabled),
        Describe<SmsOptions>(ChannelNames.Sms, SmsOptions.Section, ["/webhooks/sms/twilio", "/webhooks/sms/twilio/status"],
            [new("AccountSid", "Account SID", false, true, "AC…"), new("AuthToken", "Auth token", true, true),
             new("From", "Business number (E.164)", false, false, "+15550001111"), new("MessagingServiceSid", "Messaging service SID", false, false, "MG…"),
             new("ApiBaseUrl", "API base URL", false, false, "https://api.twilio.com")],
            o => o.IsConfigured),
        Describe<TelegramOptions>(ChannelNames.Telegram, TelegramOptions.Section, ["/webhooks/telegram"],
            [new("BotToken", "Bot token", true, true, "123456789:AA…"), new("Mode", "Mode (Auto, Webhook, Polling)", false, false),
             new("WebhookSecret", "Webhook secret token", true, false), new("ApiBaseUrl", "Bot API base URL", false, false, "https://api.telegram.org")],
            o => o.IsConfigured),
        Describe<FaxOptions>(ChannelNames.Fax, FaxOptions.Section, ["/webhooks/fax/phaxio"],
            [new("ApiKey", "API key", false, true), new("ApiSecret", "API secret", true, true), new("CallbackToken", "Callback token", true, true),
             new("From", "Fax number (E.164)", false, true), new("ApiBaseUrl", "API base URL", false, false, "https://api.phaxio.com"),
             new("BusinessName", "Name on the cover page", false, false), new("HeaderText", "Page header (50 characters)", false, false),
             new("PaperSize", "Paper (A4 or Letter)", false, false)],
            o => o.IsConfigured),
        Describe<EmailOptions>(ChannelNames.Email, EmailOptions.Section, [],
            [new("Address", "Support address", false, true, "support@example.com"), new("DisplayName", "Name shown to customers", false, false),
             new("Imap:Host", "IMAP server", false, true, "imap.example.com"), new("Imap:Port", "IMAP port", false, false, "993"),
             new("Imap:Security", "IMAP security (Auto, Tls, StartTls, None)", false, false), new("Imap:UserName", "IMAP user (defaults to the address)", false, false),
             new("Imap:Password", "IMAP password", true, true), new("Folder", "Folder to watch", false, false, "INBOX"),
             new("MoveProcessedTo", "Move processed mail to folder (empty: leave the mailbox untouched)", false, false),
             new("Smtp:Host", "SMTP server", false, false, "smtp.example.com"), new("Smtp:Port", "SMTP port", false, false, "587"),
             new("Smtp:Security", "SMTP security (Auto, Tls, StartTls, None)", false, false), new("Smtp:UserName", "SMTP user (defaults to the address)", false, false),
             new("Smtp:Password", "SMTP password", true, false),
             new("Acknowledge", "Acknowledge new conversations automatically (true/false)", false, false, "false")],
            o => o.IsConfigured),
    ];

    public static ChannelDescriptor? Find(string channel) => All.FirstOrDefault(d => d.Channel == channel);

    /// <summary>
    /// Start-up failures keyed by the setting they name (<c>Crm:Channels:Sms:ApiBaseUrl must be…</c> goes to <c>ApiBaseUrl</c>);
    /// a failure about the channel as a whole stays under the channel's name, and each required setting left empty is named.
    /// </summary>
    public static Dictionary<string, string[]> KeyFailures(ChannelDescriptor d, IReadOnlyList<string> failures, IConfiguration candidate)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }
            list.Add(message);
        }
        foreach (var failure in failures)
        {
            var field = d.Fields.FirstOrDefault(f => Names(failure, $"{d.Section}:{f.Key}"));
            Add(field?.Key ?? d.Channel, failure);
        }
        if (failures.Count > 0)
        {
            foreach (var f in d.Fields.Where(f => f.Required && string.IsNullOrWhiteSpace(candidate[$"{d.Section}:{f.Key}"])))
            {
                Add(f.Key, $"{f.Label} ({f.Key}) is required.");
            }
        }
        return errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.OrdinalIgnoreCase);
    }

    private static bool Names(string failure, string path)
    {
        var at = failure.IndexOf(path, StringComparison.OrdinalIgnoreCase);
        return at >= 0 && (at + path.Length == failure.Length || !char.IsLetterOrDigit(failure[at + path.Length]));
    }

    private static ChannelDescriptor Describe<T>(string channel, string section, string[] webhooks, ChannelSettingField[] fields, Func<T, bool> configured)
        where T : class, new() =>
        new(channel, section, fields, webhooks,
            sp => configured(sp.GetRequiredService<IOptionsMonitor<T>>().CurrentValue),
            (sp, candidate) =>
            {
                // The same rules the hub checks at start-up, run against the settings as they would be after the save.
                var options = new T();
                try
                {
                    candidate.GetSection(section).Bind(options);
                }
                catch (InvalidOperationException ex)
                {
                    return [ex.InnerException?.Message ?? ex.Message];
                }
                return [.. sp.GetServices<IValidateOptions<T>>()
                    .Select(v => v.Validate(Options.DefaultName, options))
                    .Where(r => r.Failed)
                    .SelectMany(r => r.Failures ?? [])];
            });
}
