using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using MimeKit;
using MimeKit.Utils;

namespace Crm.Hub.Tests.Email;

/// <summary>A hub whose support mailbox lives on a real Dovecot, with mail arriving through a real SMTP relay.</summary>
public class EmailHub : HubServer
{
    public const string Support = "support@" + MailServers.Domain;
    public const string ReplySecret = "reply-token-secret-for-tests";

    private MailServers? _mail;

    public MailServers Mail => _mail ?? throw new InvalidOperationException("The mail servers are not started.");

    protected override async Task BeforeStartAsync()
    {
        _mail = await MailServers.StartAsync();
        await _mail.AddUserAsync(Support);
    }

    protected override IReadOnlyDictionary<string, string?> Settings => SettingsFor(Mail);

    public static Dictionary<string, string?> SettingsFor(MailServers mail) => new()
    {
        ["Crm:Channels:Email:Address"] = Support,
        ["Crm:Channels:Email:DisplayName"] = "Example Support",
        ["Crm:Channels:Email:Imap:Host"] = mail.Host,
        ["Crm:Channels:Email:Imap:Port"] = mail.ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Crm:Channels:Email:Imap:Security"] = "None",
        ["Crm:Channels:Email:Imap:Password"] = MailServers.Password,
        ["Crm:Channels:Email:Smtp:Host"] = mail.Host,
        ["Crm:Channels:Email:Smtp:Port"] = mail.SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Crm:Channels:Email:Smtp:Security"] = "None",
        ["Crm:Channels:Email:ReplyTokenSecret"] = ReplySecret,
        ["Crm:Channels:Email:MaxReconnectDelaySeconds"] = "1",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_mail is not null)
        {
            await _mail.DisposeAsync();
        }
    }

    /// <summary>A customer mailbox on the test domain, created on the Dovecot.</summary>
    public async Task<string> NewCustomerAsync(string name = "customer")
    {
        var address = $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)] + "@" + MailServers.Domain;
        await Mail.AddUserAsync(address);
        return address;
    }

    public static MimeMessage CustomerMail(string from, string subject, string text, string? fromName = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = MimeUtils.GenerateMessageId(MailServers.Domain), Date = DateTimeOffset.UnixEpoch.AddYears(56) };
        message.From.Add(new MailboxAddress(fromName, from));
        message.To.Add(MailboxAddress.Parse(Support));
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    /// <summary>The conversation whose preview starts with <paramref name="subject"/>, once the hub has stored the mail.</summary>
    public static async Task<JsonElement> ConversationAsync(HttpClient api, string subject) =>
        await Wait.UntilAsync(async () => (await api.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray()
            .Where(c => c.GetProperty("lastMessagePreview").GetString()?.StartsWith(subject, StringComparison.Ordinal) == true)
            .Select(c => (JsonElement?)c).FirstOrDefault(), TimeSpan.FromSeconds(20));

    public static async Task<List<JsonElement>> MessagesAsync(HttpClient api, Guid conversationId) =>
        (await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversationId}/messages")).EnumerateArray().ToList();
}
