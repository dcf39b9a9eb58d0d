using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Email;

/// <summary>Nothing lost, nothing doubled: a hub killed mid-backlog, a mail server outage, a UIDVALIDITY change.</summary>
public sealed class EmailResilienceTests(EmailHub hub) : IClassFixture<EmailHub>, IAsyncLifetime
{
    private static readonly TimeSpan MailTimeout = TimeSpan.FromSeconds(30);
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-email-crash", Guid.NewGuid().ToString("N"));

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AHubKilledInTheMiddleOfABacklogReingestsNothingAndSkipsNothing()
    {
        await using var mail = await MailServers.StartAsync();
        await mail.AddUserAsync(EmailHub.Support);
        var settings = EmailHub.SettingsFor(mail).ToDictionary(kv => kv.Key.Replace(":", "__", StringComparison.Ordinal), kv => kv.Value!);
        settings["Crm__Bootstrap__AdminEmail"] = HubServer.AdminEmail;
        settings["Crm__Bootstrap__AdminPassword"] = HubServer.AdminPassword;
        const string customer = "backlog@elsewhere.test";
        for (var i = 1; i <= 40; i++)
        {
            await mail.DeliverAsync(EmailHub.CustomerMail(customer, $"Backlog {i:00}", $"message {i}"), recipients: [EmailHub.Support]);
        }

        await using (var first = new HubProcess(_dataDirectory, settings))
        {
            await first.StartAsync();
            using var api = await AdminAsync(first.BaseAddress);
            // Killed as soon as some, but not all, of the backlog is stored.
            await Wait.UntilAsync(async () => await InboundCountAsync(api) is > 0 and var n ? (int?)n : null, MailTimeout);
            await first.KillAsync();
        }
        for (var i = 41; i <= 50; i++)
        {
            await mail.DeliverAsync(EmailHub.CustomerMail(customer, $"Backlog {i:00}", $"message {i}"), recipients: [EmailHub.Support]);
        }

        await using var second = new HubProcess(_dataDirectory, settings);
        await second.StartAsync();
        using var again = await AdminAsync(second.BaseAddress);
        await Wait.UntilAsync(async () => await InboundCountAsync(again) >= 50 ? (bool?)true : null, MailTimeout);
        await Task.Delay(500);
        var bodies = await InboundBodiesAsync(again);
        Assert.Equal(Enumerable.Range(1, 50).Select(i => $"message {i}").Order(StringComparer.Ordinal), bodies.Order(StringComparer.Ordinal));
        // Read-only: the customer-facing mailbox is untouched, every message still unseen.
        using var imap = new ImapClient();
        await imap.ConnectAsync(mail.Host, mail.ImapPort, MailKit.Security.SecureSocketOptions.None);
        await imap.AuthenticateAsync(EmailHub.Support, MailServers.Password);
        await imap.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var flags = await imap.Inbox.FetchAsync(0, -1, MessageSummaryItems.Flags);
        Assert.Equal(50, flags.Count);
        Assert.All(flags, f => Assert.False(f.Flags!.Value.HasFlag(MessageFlags.Seen)));
    }

    [Fact]
    public async Task AnImapOutageIsReportedAndCaughtUpAndAUidValidityChangeResyncsWithoutDuplicates()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        const string customer = "outage@elsewhere.test";
        for (var i = 1; i <= 3; i++)
        {
            await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, $"Before {i}", $"before {i}"));
        }
        await Wait.UntilAsync(async () => (await CustomerBodiesAsync(customer)).Count == 3 ? (bool?)true : null, MailTimeout);

        await hub.Mail.StopImapAsync();
        var degraded = await Wait.UntilAsync(async () =>
        {
            var ready = await admin.GetFromJsonAsync<JsonElement>("/health/ready");
            var mailbox = ready.GetProperty("checks").GetProperty("mailbox");
            return mailbox.GetProperty("status").GetString() == "Degraded" ? (JsonElement?)mailbox : null;
        }, MailTimeout);
        Assert.Contains("cannot be read", degraded.GetProperty("description").GetString(), StringComparison.Ordinal);
        // Mail keeps arriving at the relay while the mailbox is down; it is delivered when the server is back.
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "During", "during the outage"));
        await hub.Mail.StartImapAsync();
        await Wait.UntilAsync(async () => (await CustomerBodiesAsync(customer)).Count == 4 ? (bool?)true : null, MailTimeout);

        await hub.Mail.SetUidValidityAsync(EmailHub.Support, 424242);
        await hub.Mail.DeliverAsync(EmailHub.CustomerMail(customer, "After", "after the uidvalidity change"));
        await Wait.UntilAsync(async () => (await CustomerBodiesAsync(customer)).Contains("after the uidvalidity change") ? (bool?)true : null, MailTimeout);
        await Wait.UntilAsync(async () => await CursorAsync() is { } c && c.StartsWith("424242:", StringComparison.Ordinal) ? (bool?)true : null, MailTimeout);

        var bodies = await CustomerBodiesAsync(customer);
        Assert.Equal(["after the uidvalidity change", "before 1", "before 2", "before 3", "during the outage"], bodies.Order(StringComparer.Ordinal));
        var healthy = await admin.GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal("Healthy", healthy.GetProperty("checks").GetProperty("mailbox").GetProperty("status").GetString());
    }

    private async Task<List<string>> CustomerBodiesAsync(string customer)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var contactIds = db.ChannelIdentities.Where(i => i.Channel == "email" && i.Address == customer).Select(i => i.ContactId);
        var conversationIds = db.Conversations.Where(c => contactIds.Contains(c.ContactId)).Select(c => c.Id);
        return await db.Messages.Where(m => conversationIds.Contains(m.ConversationId)).Select(m => m.Body).ToListAsync();
    }

    private async Task<string?> CursorAsync()
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.ChannelCursors.Where(c => c.Channel == "email").Select(c => c.Value).FirstOrDefaultAsync();
    }

    private static async Task<HttpClient> AdminAsync(Uri baseAddress)
    {
        var api = new HttpClient { BaseAddress = baseAddress };
        var token = (await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email = HubServer.AdminEmail, password = HubServer.AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static async Task<List<string>> InboundBodiesAsync(HttpClient api)
    {
        var bodies = new List<string>();
        foreach (var conversation in (await api.GetFromJsonAsync<JsonElement>("/api/v1/conversations")).EnumerateArray())
        {
            var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{conversation.GetProperty("id").GetGuid()}/messages");
            bodies.AddRange(thread.EnumerateArray().Where(m => m.GetProperty("direction").GetString() == "inbound").Select(m => m.GetProperty("body").GetString()!));
        }
        return bodies;
    }

    private static async Task<int> InboundCountAsync(HttpClient api) => (await InboundBodiesAsync(api)).Count;
}
