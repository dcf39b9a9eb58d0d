using System.Net.Sockets;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Storage;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Email;

/// <summary>
/// Watches the support mailbox (PROTOCOLS §3): connect, catch up by UID from the stored cursor, then IDLE (or poll where the
/// server has no IDLE) and catch up whenever mail arrives. Any connection fault means reconnect with backoff and jitter, then
/// catch up again — counting on the cursor, never on message counts, so nothing is skipped across outages. Read-only unless
/// the admin asked for processed mail to be moved.
/// </summary>
internal sealed partial class ImapWatcher(
    IServiceScopeFactory scopes, IOptionsMonitor<EmailOptions> options, MailboxHealth health, TimeProvider time, ILogger<ImapWatcher> logger)
    : BackgroundService
{
    /// <summary>Messages fetched and handed to the ingest pipeline at once; the pipeline commits what arrives together.</summary>
    public const int Page = 64;

    private CancellationTokenSource _settingsChanged = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var subscription = options.OnChange(_ => _settingsChanged.Cancel());
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            var settings = options.CurrentValue;
            if (!settings.IsConfigured)
            {
                health.Off();
                await WaitForSettingsAsync(TimeSpan.FromMinutes(5), stoppingToken);
                continue;
            }
            using var session = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _settingsChanged.Token);
            try
            {
                await WatchAsync(settings, () => failures = 0, session.Token);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (OperationCanceledException) when (_settingsChanged.IsCancellationRequested)
            {
                // New settings: reconnect with them at once.
                _settingsChanged = new CancellationTokenSource();
                continue;
            }
            catch (Exception ex) when (IsConnectionFault(ex))
            {
                failures++;
                health.Failed(Describe(ex));
                Log.ConnectionLost(logger, settings.Imap.Host ?? "", ex.Message, failures);
                await WaitForSettingsAsync(Backoff(failures, settings.MaxReconnectDelaySeconds), stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A fault of ours (the database, a bug): recorded, and the loop carries on after a pause.
                failures++;
                health.Failed($"Mail could not be stored: {ex.Message}");
                Log.WatchFailed(logger, ex);
                await WaitForSettingsAsync(Backoff(failures, settings.MaxReconnectDelaySeconds), stoppingToken);
            }
        }
    }

    private async Task WatchAsync(EmailOptions settings, Action connected, CancellationToken ct)
    {
        health.Connecting();
        using var client = new ImapClient { Timeout = 60_000 };
        await ConnectAsync(client, settings, ct);
        var folder = await client.GetFolderAsync(settings.Folder, ct);
        var moving = !string.IsNullOrWhiteSpace(settings.MoveProcessedTo);
        await folder.OpenAsync(moving ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, ct);
        var target = moving ? await ProcessedFolderAsync(client, settings.MoveProcessedTo!, ct) : null;
        connected();
        var idle = client.Capabilities.HasFlag(ImapCapabilities.Idle);
        var arrived = false;
        CancellationTokenSource? done = null;
        folder.CountChanged += (_, _) =>
        {
            // Never issue commands from here (the folder is not re-entrant): end the IDLE and let the loop catch up.
            arrived = true;
            done?.Cancel();
        };
        while (!ct.IsCancellationRequested)
        {
            arrived = false;
            await CatchUpAsync(folder, target, settings, ct);
            health.Synced(idle);
            if (arrived)
            {
                continue;
            }
            if (idle)
            {
                Log.Idling(logger, folder.Count);
                using (done = new CancellationTokenSource(TimeSpan.FromMinutes(settings.IdleRenewMinutes)))
                {
                    await client.IdleAsync(done.Token, ct);
                }
                done = null;
                Log.IdleEnded(logger, arrived, folder.Count);
            }
            else
            {
                await Task.Delay(TimeSpan.FromSeconds(settings.PollSeconds), time, ct);
                await client.NoOpAsync(ct);
            }
        }
    }

    /// <summary>Everything above the cursor, oldest first, in pages; UIDs at or below the cursor are dropped (<c>n:*</c> always returns the last one).</summary>
    private async Task CatchUpAsync(IMailFolder folder, IMailFolder? target, EmailOptions settings, CancellationToken ct)
    {
        var mailbox = settings.Address!.ToLowerInvariant();
        var (validity, last) = await LoadCursorAsync(mailbox, folder.FullName, ct);
        if (validity != folder.UidValidity)
        {
            if (validity != 0)
            {
                Log.UidValidityChanged(logger, folder.FullName, validity, folder.UidValidity);
            }
            // A new UIDVALIDITY (or a first look): read everything; stored messages come back as duplicates by Message-ID.
            last = 0;
        }
        var uids = (await folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(last + 1), UniqueId.MaxValue)), ct))
            .Where(u => u.Id > last).OrderBy(u => u.Id).ToList();
        if (uids.Count == 0)
        {
            if (validity != folder.UidValidity)
            {
                await SaveEmptyCursorAsync(mailbox, folder, ct);
            }
            return;
        }
        Log.CatchingUp(logger, uids.Count, last, uids[^1].Id);
        var oldest = (await folder.FetchAsync([uids[0]], MessageSummaryItems.InternalDate, ct)).FirstOrDefault()?.InternalDate;
        health.Backlog(uids.Count, oldest);
        for (var i = 0; i < uids.Count; i += Page)
        {
            var page = uids.Skip(i).Take(Page).ToList();
            var stores = new List<Task>(page.Count);
            // One FETCH for the page (fewer round trips than one per message); each message is handed to storing as it arrives.
            await Fetch(folder).GetStreamsAsync(page, async (_, _, uid, stream, token) =>
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, token);
                stores.Add(StoreAsync(new FetchedMail(mailbox, folder.FullName, folder.UidValidity, uid.Id, copy.ToArray()), ct));
            }, ct);
            await Task.WhenAll(stores);
            if (target is not null)
            {
                await folder.MoveToAsync(page, target, ct);
            }
            health.Backlog(uids.Count - i - page.Count, null);
        }
    }

    /// <summary>The folder processed mail moves to, created under the personal namespace the first time it is needed.</summary>
    private async Task<IMailFolder> ProcessedFolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        try
        {
            return await client.GetFolderAsync(name, ct);
        }
        catch (FolderNotFoundException)
        {
            var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path, ct);
            Log.FolderCreated(logger, name);
            return await root.CreateAsync(name, isMessageFolder: true, ct) ?? throw new FolderNotFoundException(name);
        }
    }

    private static IImapFolder Fetch(IMailFolder folder) =>
        folder as IImapFolder ?? throw new InvalidOperationException("The mailbox watcher needs an IMAP folder.");

    private async Task StoreAsync(FetchedMail mail, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var ingestor = scope.ServiceProvider.GetRequiredService<EmailIngestor>();
        try
        {
            await ingestor.StoreAsync(mail, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && ex is not DbUpdateException)
        {
            // Something in this one message broke storing it: keep it whole for an admin rather than block the mail behind it.
            scope.ServiceProvider.GetRequiredService<HubDbContext>().ChangeTracker.Clear();
            await ingestor.QuarantineAsync(mail, null, $"Storing the message failed: {ex.GetType().Name}: {ex.Message}", ct);
        }
    }

    private async Task<(uint Validity, uint Uid)> LoadCursorAsync(string mailbox, string folder, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var account = EmailIngestor.CursorAccount(mailbox, folder);
        var value = await db.ChannelCursors.AsNoTracking().Where(c => c.Channel == ChannelNames.Email && c.AccountId == account)
            .Select(c => c.Value).FirstOrDefaultAsync(ct);
        return MailCursor.Parse(value);
    }

    private async Task SaveEmptyCursorAsync(string mailbox, IMailFolder folder, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await EmailIngestor.AdvanceCursorAsync(db, new FetchedMail(mailbox, folder.FullName, folder.UidValidity, 0, []), time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
    }

    public static async Task ConnectAsync(ImapClient client, EmailOptions settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(settings);
        await client.ConnectAsync(settings.Imap.Host!, settings.Imap.Port, SmtpMailer.SocketOptions(settings.Imap.Security, settings.Imap.Port), ct);
        await client.AuthenticateAsync((settings.Imap.UserName ?? settings.Address)!, settings.Imap.Password ?? "", ct);
    }

    private async Task WaitForSettingsAsync(TimeSpan delay, CancellationToken stoppingToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, _settingsChanged.Token);
        try
        {
            await Task.Delay(delay, time, wait.Token);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            _settingsChanged = new CancellationTokenSource();
        }
    }

    /// <summary>1, 2, 4 … seconds up to the configured ceiling, with ±25% jitter so many hubs do not reconnect in step.</summary>
    private static TimeSpan Backoff(int failures, int maxSeconds)
    {
        var seconds = Math.Min(maxSeconds, Math.Pow(2, Math.Min(failures - 1, 16)));
        return TimeSpan.FromSeconds(seconds * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    public static bool IsConnectionFault(Exception ex) => ex is IOException or SocketException or ImapProtocolException or ImapCommandException
        or ServiceNotConnectedException or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException or SslHandshakeException
        or FolderNotFoundException or TimeoutException or InvalidOperationException { Source: "MailKit" };

    public static string Describe(Exception ex) => ex switch
    {
        SocketException s when s.SocketErrorCode == SocketError.HostNotFound => $"DNS: the host name was not found ({s.Message}).",
        SocketException s => $"Connection: {s.Message}.",
        SslHandshakeException s => $"TLS: {s.Message}",
        MailKit.Security.AuthenticationException a => $"Sign-in: the server refused the user name or password ({a.Message}).",
        FolderNotFoundException f => $"Folder: '{f.FolderName}' does not exist on the server.",
        ImapCommandException c => $"IMAP: the server answered {c.Response}: {c.ResponseText}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "IMAP {Host}: {Error} (attempt {Failures}); reconnecting")]
        public static partial void ConnectionLost(ILogger logger, string host, string error, int failures);

        [LoggerMessage(2, LogLevel.Error, "The mailbox watcher failed; retrying")]
        public static partial void WatchFailed(ILogger logger, Exception ex);

        [LoggerMessage(5, LogLevel.Debug, "IDLE with {Count} messages in the folder")]
        public static partial void Idling(ILogger logger, int count);

        [LoggerMessage(6, LogLevel.Debug, "IDLE ended (new mail: {Arrived}, {Count} messages in the folder)")]
        public static partial void IdleEnded(ILogger logger, bool arrived, int count);

        [LoggerMessage(7, LogLevel.Debug, "Catching up {Count} messages after UID {Last}, up to UID {Highest}")]
        public static partial void CatchingUp(ILogger logger, int count, uint last, uint highest);

        [LoggerMessage(4, LogLevel.Information, "Created the folder {Folder} for processed mail")]
        public static partial void FolderCreated(ILogger logger, string folder);

        [LoggerMessage(3, LogLevel.Warning, "Folder {Folder}: UIDVALIDITY changed from {Old} to {New}; re-reading it, stored mail is recognised by Message-ID")]
        public static partial void UidValidityChanged(ILogger logger, string folder, uint old, uint @new);
    }
}
