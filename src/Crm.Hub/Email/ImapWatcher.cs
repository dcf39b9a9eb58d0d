using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Email;

/// <summary>
/// Watches the support mailbox (PROTOCOLS §3): open it, catch up by UID from the stored cursor, then wait for new mail and
/// catch up again. Any connection fault means reconnect with backoff and jitter, then catch up — counting on the cursor,
/// never on message counts, so nothing is skipped across outages. The IMAP work itself is <see cref="ImapMailbox"/>'s.
/// </summary>
internal sealed partial class ImapWatcher(
    IServiceScopeFactory scopes, IOptionsMonitor<EmailOptions> options, MailboxHealth health, TimeProvider time, ILogger<ImapWatcher> logger)
    : BackgroundService
{
    /// <summary>Messages fetched in one FETCH and handed to the ingest pipeline at once; the pipeline commits what arrives together.</summary>
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
                RenewSettingsSignal();
            }
            catch (Exception ex) when (ImapMailbox.IsConnectionFault(ex))
            {
                failures++;
                health.Failed(ImapMailbox.Describe(ex));
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
        using var mailbox = await ImapMailbox.OpenAsync(settings, ct);
        connected();
        var address = settings.Address!.ToLowerInvariant();
        while (!ct.IsCancellationRequested)
        {
            await CatchUpAsync(mailbox, address, ct);
            health.Synced(mailbox.CanIdle);
            Log.Waiting(logger, mailbox.Count);
            await mailbox.WaitForMailAsync(TimeSpan.FromMinutes(settings.IdleRenewMinutes), TimeSpan.FromSeconds(settings.PollSeconds), time, ct);
        }
    }

    /// <summary>Everything above the cursor, oldest first, a page at a time; each page is stored before the next is fetched.</summary>
    private async Task CatchUpAsync(ImapMailbox mailbox, string address, CancellationToken ct)
    {
        var (validity, last) = await LoadCursorAsync(address, mailbox.Folder, ct);
        if (validity != mailbox.UidValidity)
        {
            if (validity != 0)
            {
                Log.UidValidityChanged(logger, mailbox.Folder, validity, mailbox.UidValidity);
            }
            // A new UIDVALIDITY (or a first look): read everything; stored messages come back as duplicates by Message-ID.
            last = 0;
        }
        var uids = await mailbox.UidsAfterAsync(last, ct);
        if (uids.Count == 0)
        {
            if (validity != mailbox.UidValidity)
            {
                await SaveEmptyCursorAsync(address, mailbox, ct);
            }
            return;
        }
        Log.CatchingUp(logger, uids.Count, last, uids[^1]);
        health.Backlog(uids.Count, await mailbox.ArrivedAtAsync(uids[0], ct));
        for (var i = 0; i < uids.Count; i += Page)
        {
            var page = uids.Skip(i).Take(Page).ToList();
            var stores = new List<Task>(page.Count);
            await mailbox.FetchAsync(page, (uid, raw) => stores.Add(StoreAsync(new FetchedMail(address, mailbox.Folder, mailbox.UidValidity, uid, raw), ct)), ct);
            await Task.WhenAll(stores);
            await mailbox.MoveProcessedAsync(page, ct);
            health.Backlog(uids.Count - i - page.Count, null);
        }
    }

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

    private async Task<(uint Validity, uint Uid)> LoadCursorAsync(string address, string folder, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var account = EmailIngestor.CursorAccount(address, folder);
        var value = await db.ChannelCursors.AsNoTracking().Where(c => c.Channel == ChannelNames.Email && c.AccountId == account)
            .Select(c => c.Value).FirstOrDefaultAsync(ct);
        return MailCursor.Parse(value);
    }

    private async Task SaveEmptyCursorAsync(string address, ImapMailbox mailbox, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await EmailIngestor.AdvanceCursorAsync(db, new FetchedMail(address, mailbox.Folder, mailbox.UidValidity, 0, []), time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
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
            RenewSettingsSignal();
        }
    }

    /// <summary>
    /// A fresh signal for the next settings change. The used one is not disposed: the change callback may be cancelling it on
    /// another thread right now, and a token source without a timer holds nothing that needs disposing.
    /// </summary>
    private void RenewSettingsSignal() => _settingsChanged = new CancellationTokenSource();

    /// <summary>1, 2, 4 … seconds up to the configured ceiling, with ±25% jitter so many hubs do not reconnect in step.</summary>
    private static TimeSpan Backoff(int failures, int maxSeconds)
    {
        var seconds = Math.Min(maxSeconds, Math.Pow(2, Math.Min(failures - 1, 16)));
        return TimeSpan.FromSeconds(seconds * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "IMAP {Host}: {Error} (attempt {Failures}); reconnecting")]
        public static partial void ConnectionLost(ILogger logger, string host, string error, int failures);

        [LoggerMessage(2, LogLevel.Error, "The mailbox watcher failed; retrying")]
        public static partial void WatchFailed(ILogger logger, Exception ex);

        [LoggerMessage(3, LogLevel.Warning, "Folder {Folder}: UIDVALIDITY changed from {Old} to {New}; re-reading it, stored mail is recognised by Message-ID")]
        public static partial void UidValidityChanged(ILogger logger, string folder, uint old, uint @new);

        [LoggerMessage(5, LogLevel.Debug, "Waiting for mail with {Count} messages in the folder")]
        public static partial void Waiting(ILogger logger, int count);

        [LoggerMessage(7, LogLevel.Debug, "Catching up {Count} messages after UID {Last}, up to UID {Highest}")]
        public static partial void CatchingUp(ILogger logger, int count, uint last, uint highest);
    }
}
