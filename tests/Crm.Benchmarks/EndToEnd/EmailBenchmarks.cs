using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;
using MimeKit;

namespace Crm.Benchmarks.EndToEnd;

/// <summary>
/// The email channel against real Dovecot and a real SMTP relay (the test fixture's servers):
/// <list type="bullet">
/// <item><c>email-backlog --messages 10000</c>: a mailbox holding N messages from N/10 senders; how fast the hub drains it into
/// conversations, next to a bare MailKit client fetching and parsing the same messages (the protocol's own cost).</item>
/// <item><c>email-latency --rate 10 --messages 600</c>: customer mail sent over SMTP at a fixed rate; the time from each send's
/// scheduled start to the console push (SignalR MessageAdded), next to a bare IMAP IDLE client seeing the same mail arrive.</item>
/// </list>
/// </summary>
internal static class EmailBenchmarks
{
    private const string Support = "support@" + MailServers.Domain;
    private const string AdminEmail = "bench@localhost";
    private const string AdminPassword = "Bench-Password-1";

    public static async Task<int> BacklogAsync(string[] args)
    {
        var messages = OpenLoop.Option(args, "--messages", 10_000);
        Console.WriteLine($"Email backlog: {messages} messages in the mailbox; machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        await using var mail = await MailServers.StartAsync();
        await mail.AddUserAsync(Support);
        var fill = Stopwatch.StartNew();
        await AppendAsync(mail, messages);
        Console.WriteLine($"(mailbox filled by IMAP APPEND in {fill.Elapsed.TotalSeconds:F1} s)");

        var bare = Stopwatch.StartNew();
        var parsed = await FetchAllAsync(mail);
        bare.Stop();
        Console.WriteLine("| path | messages | seconds | messages/s |");
        Console.WriteLine("|---|---|---|---|");
        Console.WriteLine($"| bare MailKit: fetch each message by UID + MimeMessage.Load (baseline) | {parsed} | {bare.Elapsed.TotalSeconds:F1} | {parsed / bare.Elapsed.TotalSeconds:F0} |");

        var data = NewDataDirectory();
        await using var hub = new HubProcess(data, Settings(mail));
        var clock = Stopwatch.StartNew();
        await hub.StartAsync();
        var database = Path.Combine(data, "crm.db");
        long stored = 0;
        while (clock.Elapsed < TimeSpan.FromMinutes(30) && (stored = await CountAsync(database)) < messages)
        {
            await Task.Delay(200);
        }
        clock.Stop();
        var (first, last) = await SpanAsync(database);
        var seconds = (last - first).TotalSeconds;
        Console.WriteLine($"| Crm.Hub: IMAP catch-up -> parsed, sanitized, threaded, committed with the cursor (first to last commit) | {stored} | {seconds:F1} | {stored / seconds:F0} |");
        Console.WriteLine($"(from starting the hub process to the last message stored: {clock.Elapsed.TotalSeconds:F1} s)");
        return stored == messages ? 0 : 1;
    }

    public static async Task<int> LatencyAsync(string[] args)
    {
        var rate = OpenLoop.Option(args, "--rate", 10);
        var messages = OpenLoop.Option(args, "--messages", 600);
        Console.WriteLine($"Email latency: {messages} customer emails over SMTP at {rate}/s; machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");
        await using var mail = await MailServers.StartAsync();
        await mail.AddUserAsync(Support);
        var mails = Enumerable.Range(0, messages).Select(i => Mail(i, $"lat-{i}")).ToArray();

        OpenLoop.Report("SMTP relay -> Dovecot -> bare IMAP IDLE client sees it (baseline)", await BareIdleAsync(mail, rate, mails), messages);

        // The hub gets mail servers of its own, so it starts on an empty mailbox as the baseline did.
        await using var hubMail = await MailServers.StartAsync();
        await hubMail.AddUserAsync(Support);
        var data = NewDataDirectory();
        await using var hub = new HubProcess(data, Settings(hubMail));
        await hub.StartAsync();
        var hubMails = Enumerable.Range(0, messages).Select(i => Mail(i, $"hub-{i}")).ToArray();
        OpenLoop.Report("SMTP relay -> Dovecot -> Crm.Hub IMAP IDLE -> committed -> console push", await HubAsync(hubMail, hub, rate, hubMails), messages);
        return 0;
    }

    private static async Task<OpenLoop.Result> BareIdleAsync(MailServers mail, int rate, MimeMessage[] mails)
    {
        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<int, long>();
        using var stop = new CancellationTokenSource();
        using var client = new ImapClient();
        var watcher = Task.Run(async () =>
        {
            uint last = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    if (!client.IsConnected)
                    {
                        await client.ConnectAsync(mail.Host, mail.ImapPort, SecureSocketOptions.None);
                        await client.AuthenticateAsync(Support, MailServers.Password);
                        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
                    }
                    var uids = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.Uids(new UniqueIdRange(new UniqueId(last + 1), UniqueId.MaxValue)));
                    var fresh = uids.Where(u => u.Id > last).ToList();
                    if (fresh.Count > 0)
                    {
                        foreach (var summary in await client.Inbox.FetchAsync(fresh, MessageSummaryItems.Envelope))
                        {
                            if (Index(summary.Envelope?.Subject) is { } i)
                            {
                                received.TryAdd(i, clock.ElapsedTicks);
                            }
                        }
                        last = fresh.Max(u => u.Id);
                    }
                    using var done = new CancellationTokenSource(TimeSpan.FromMinutes(5));
                    void Arrived(object? sender, EventArgs e) => done.Cancel();
                    client.Inbox.CountChanged += Arrived;
                    try
                    {
                        await client.IdleAsync(done.Token, stop.Token);
                    }
                    finally
                    {
                        client.Inbox.CountChanged -= Arrived;
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ServiceNotConnectedException or ImapProtocolException)
                {
                    // Stopped, or the connection dropped: reconnect and catch up by UID, as any careful client does.
                }
            }
        });
        var result = await DriveAsync(mail, rate, mails, received, clock);
        await stop.CancelAsync();
        await watcher;
        return result;
    }

    private static async Task<OpenLoop.Result> HubAsync(MailServers mail, HubProcess hub, int rate, MimeMessage[] mails)
    {
        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<int, long>();
        using var http = new HttpClient { BaseAddress = hub.BaseAddress };
        var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email = AdminEmail, password = AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        await using var console = new HubConnectionBuilder()
            .WithUrl(new Uri(hub.BaseAddress, "/hubs/agent"), o =>
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        console.On<JsonElement>("MessageAdded", e =>
        {
            // Only measured mail counts (the warm-up's indices are out of range), or the driver would stop waiting too early.
            if (e.TryGetProperty("data", out var data) && data.TryGetProperty("body", out var body) && Index(body.GetString()) is { } i && i < mails.Length)
            {
                received.TryAdd(i, clock.ElapsedTicks);
            }
        });
        await console.StartAsync();
        // Warm-up outside the measurement: the watcher is idle, JIT done, first contacts created.
        for (var i = 0; i < 20; i++)
        {
            await mail.DeliverAsync(Mail(100_000 + i, $"warm-{i}"), recipients: [Support]);
        }
        await Task.Delay(3000);
        var result = await DriveAsync(mail, rate, mails, received, clock);
        var missing = Enumerable.Range(0, mails.Length).Where(i => !received.ContainsKey(i)).ToList();
        if (missing.Count > 0)
        {
            Console.WriteLine($"(no push seen for: {string.Join(", ", missing.Take(20))})");
        }
        return result;
    }

    private static Task<OpenLoop.Result> DriveAsync(MailServers mail, int rate, MimeMessage[] mails, ConcurrentDictionary<int, long> received, Stopwatch clock) =>
        OpenLoop.DriveAsync(rate, mails.Length, i => mail.DeliverAsync(mails[i], recipients: [Support]), received, new ConcurrentDictionary<int, long>(), clock);

    /// <summary>A customer mail whose subject and body carry its index, from one of many senders.</summary>
    private static MimeMessage Mail(int i, string tag)
    {
        var message = new MimeMessage
        {
            Subject = $"#{i} Question about order {1000 + i}",
            MessageId = $"{tag}@bench.elsewhere.test",
            Date = DateTimeOffset.UnixEpoch.AddYears(56),
        };
        message.From.Add(new MailboxAddress($"Customer {i % 1000}", $"customer{i % 1000}@elsewhere.test"));
        message.To.Add(MailboxAddress.Parse(Support));
        message.Body = new BodyBuilder
        {
            TextBody = $"#{i} Hello, my order {1000 + i} has not arrived yet. Could you check where it is?\n\nThanks,\nCustomer {i % 1000}",
            HtmlBody = $"<p>#{i} Hello, my order <b>{1000 + i}</b> has not arrived yet.</p><p>Could you check where it is?</p><p>Thanks,<br>Customer {i % 1000}</p>",
        }.ToMessageBody();
        return message;
    }

    private static int? Index(string? text) =>
        text is { Length: > 1 } && text[0] == '#' && int.TryParse(text.AsSpan(1, text.IndexOf(' ', StringComparison.Ordinal) is > 1 and var space ? space - 1 : text.Length - 1),
            NumberStyles.None, CultureInfo.InvariantCulture, out var i) ? i : null;

    private static async Task AppendAsync(MailServers mail, int messages)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(mail.Host, mail.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(Support, MailServers.Password);
        for (var start = 0; start < messages; start += 500)
        {
            var batch = Enumerable.Range(start, Math.Min(500, messages - start))
                .Select(i => (IAppendRequest)new AppendRequest(Mail(i, $"backlog-{i}"))).ToList();
            await client.Inbox.AppendAsync(batch);
        }
        await client.DisconnectAsync(true);
    }

    private static async Task<int> FetchAllAsync(MailServers mail)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(mail.Host, mail.ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(Support, MailServers.Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var uids = await client.Inbox.SearchAsync(MailKit.Search.SearchQuery.All);
        var count = 0;
        foreach (var uid in uids)
        {
            using var stream = new MemoryStream();
            await (await client.Inbox.GetStreamAsync(uid)).CopyToAsync(stream);
            stream.Position = 0;
            _ = await MimeMessage.LoadAsync(stream);
            count++;
        }
        await client.DisconnectAsync(true);
        return count;
    }

    private static Dictionary<string, string> Settings(MailServers mail) => new()
    {
        ["Crm__Bootstrap__AdminEmail"] = AdminEmail,
        ["Crm__Bootstrap__AdminPassword"] = AdminPassword,
        ["Crm__Channels__Email__Address"] = Support,
        ["Crm__Channels__Email__Imap__Host"] = mail.Host,
        ["Crm__Channels__Email__Imap__Port"] = mail.ImapPort.ToString(CultureInfo.InvariantCulture),
        ["Crm__Channels__Email__Imap__Security"] = "None",
        ["Crm__Channels__Email__Imap__Password"] = MailServers.Password,
        ["Crm__Channels__Email__Smtp__Host"] = mail.Host,
        ["Crm__Channels__Email__Smtp__Port"] = mail.SmtpPort.ToString(CultureInfo.InvariantCulture),
        ["Crm__Channels__Email__Smtp__Security"] = "None",
        ["Logging__LogLevel__Crm.Hub.Email"] = "Information",
        ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
    };

    private static string NewDataDirectory()
    {
        var path = Path.Combine(Path.GetTempPath(), "crm-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    private static async Task<long> CountAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Messages WHERE Channel = 'email'";
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<(DateTimeOffset First, DateTimeOffset Last)> SpanAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT MIN(CreatedAt), MAX(CreatedAt) FROM Messages WHERE Channel = 'email'";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (Time(reader.GetValue(0)), Time(reader.GetValue(1)));
    }

    /// <summary>The hub stores instants in SQLite with EF Core's DateTimeOffset-to-binary converter.</summary>
    private static DateTimeOffset Time(object value) =>
        (DateTimeOffset)new Microsoft.EntityFrameworkCore.Storage.ValueConversion.DateTimeOffsetToBinaryConverter().ConvertFromProvider(value)!;
}
