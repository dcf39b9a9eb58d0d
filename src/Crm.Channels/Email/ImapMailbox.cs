using System.Net.Sockets;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;

namespace Crm.Channels.Email;

/// <summary>
/// One open IMAP session on the watched folder (PROTOCOLS §3): UIDs above a cursor, their raw bytes one FETCH per page,
/// moving processed mail, and waiting for new mail with IDLE (or NOOP polling where the server has no IDLE). Read-only
/// unless processed mail is to be moved. One command at a time: the session is not shared.
/// </summary>
public sealed class ImapMailbox : IDisposable
{
    private readonly ImapClient _client;
    private readonly IImapFolder _folder;
    private readonly IMailFolder? _processed;
    private bool _arrived;
    private CancellationTokenSource? _idleDone;

    private ImapMailbox(ImapClient client, IImapFolder folder, IMailFolder? processed)
    {
        _client = client;
        _folder = folder;
        _processed = processed;
        _folder.CountChanged += (_, _) =>
        {
            // Never issue commands from here (the folder is not re-entrant): end the IDLE and let the caller catch up.
            _arrived = true;
            _idleDone?.Cancel();
        };
    }

    public string Folder => _folder.FullName;

    public uint UidValidity => _folder.UidValidity;

    public int Count => _folder.Count;

    /// <summary>The server pushes new mail (IDLE); otherwise the folder is polled.</summary>
    public bool CanIdle => _client.Capabilities.HasFlag(ImapCapabilities.Idle);

    /// <summary>New mail was announced since the last <see cref="UidsAfterAsync"/>.</summary>
    public bool MailArrived => _arrived;

    public static async Task<ImapMailbox> OpenAsync(EmailOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new ImapClient { Timeout = 60_000 };
        try
        {
            await client.ConnectAsync(options.Imap.Host!, options.Imap.Port, SmtpMailer.SocketOptions(options.Imap.Security, options.Imap.Port), ct);
            await client.AuthenticateAsync((options.Imap.UserName ?? options.Address)!, options.Imap.Password ?? "", ct);
            var folder = await client.GetFolderAsync(options.Folder, ct) as IImapFolder
                ?? throw new InvalidOperationException("The mailbox watcher needs an IMAP folder.");
            var moving = !string.IsNullOrWhiteSpace(options.MoveProcessedTo);
            await folder.OpenAsync(moving ? FolderAccess.ReadWrite : FolderAccess.ReadOnly, ct);
            var processed = moving ? await ProcessedFolderAsync(client, options.MoveProcessedTo!, ct) : null;
            return new ImapMailbox(client, folder, processed);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>UIDs above <paramref name="last"/>, oldest first. <c>n:*</c> always returns the highest UID, so those at or below are dropped.</summary>
    public async Task<IReadOnlyList<uint>> UidsAfterAsync(uint last, CancellationToken ct)
    {
        _arrived = false;
        var uids = await _folder.SearchAsync(SearchQuery.Uids(new UniqueIdRange(new UniqueId(last + 1), UniqueId.MaxValue)), ct);
        return [.. uids.Where(u => u.Id > last).Select(u => u.Id).Order()];
    }

    /// <summary>When the server received the message (for the backlog's lag).</summary>
    public async Task<DateTimeOffset?> ArrivedAtAsync(uint uid, CancellationToken ct) =>
        (await _folder.FetchAsync([new UniqueId(uid)], MessageSummaryItems.InternalDate, ct)).FirstOrDefault()?.InternalDate;

    /// <summary>The raw messages, one FETCH for all of them; <paramref name="each"/> gets each as it arrives, without awaiting its work.</summary>
    public Task FetchAsync(IReadOnlyList<uint> uids, Action<uint, byte[]> each, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uids);
        ArgumentNullException.ThrowIfNull(each);
        return _folder.GetStreamsAsync([.. uids.Select(u => new UniqueId(u))], async (_, _, uid, stream, token) =>
        {
            using var copy = new MemoryStream();
            await stream.CopyToAsync(copy, token);
            each(uid.Id, copy.ToArray());
        }, ct);
    }

    /// <summary>Moves processed mail to the folder the admin chose; nothing when the mailbox is read-only.</summary>
    public async Task MoveProcessedAsync(IReadOnlyList<uint> uids, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uids);
        if (_processed is not null && uids.Count > 0)
        {
            await _folder.MoveToAsync([.. uids.Select(u => new UniqueId(u))], _processed, ct);
        }
    }

    /// <summary>Returns when new mail may be there: IDLE until the server announces some (renewed every <paramref name="idleRenew"/>), or one poll.</summary>
    public async Task WaitForMailAsync(TimeSpan idleRenew, TimeSpan pollInterval, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (_arrived)
        {
            return;
        }
        if (CanIdle)
        {
            using (_idleDone = new CancellationTokenSource(idleRenew))
            {
                await _client.IdleAsync(_idleDone.Token, ct);
            }
            _idleDone = null;
            return;
        }
        await Task.Delay(pollInterval, time, ct);
        await _client.NoOpAsync(ct);
    }

    public void Dispose() => _client.Dispose();

    /// <summary>The folder processed mail moves to, created under the personal namespace the first time it is needed.</summary>
    private static async Task<IMailFolder> ProcessedFolderAsync(ImapClient client, string name, CancellationToken ct)
    {
        try
        {
            return await client.GetFolderAsync(name, ct);
        }
        catch (FolderNotFoundException)
        {
            var root = await client.GetFolderAsync(client.PersonalNamespaces[0].Path, ct);
            return await root.CreateAsync(name, isMessageFolder: true, ct) ?? throw new FolderNotFoundException(name);
        }
    }

    /// <summary>A fault of the connection or the server (reconnect and catch up), as opposed to one of ours.</summary>
    public static bool IsConnectionFault(Exception ex) => ex is IOException or SocketException or ImapProtocolException or ImapCommandException
        or ServiceNotConnectedException or ServiceNotAuthenticatedException or AuthenticationException or SslHandshakeException
        or FolderNotFoundException or TimeoutException or InvalidOperationException { Source: "MailKit" };

    /// <summary>What went wrong, in the words an admin needs: which step (DNS, connection, TLS, sign-in, folder) and why.</summary>
    public static string Describe(Exception ex) => ex switch
    {
        SocketException s when s.SocketErrorCode == SocketError.HostNotFound => $"DNS: the host name was not found ({s.Message}).",
        SocketException s => $"Connection: {s.Message}.",
        SslHandshakeException s => $"TLS: {s.Message}",
        AuthenticationException a => $"Sign-in: the server refused the user name or password ({a.Message}).",
        FolderNotFoundException f => $"Folder: '{f.FolderName}' does not exist on the server.",
        ImapCommandException c => $"IMAP: the server answered {c.Response}: {c.ResponseText}",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };
}
