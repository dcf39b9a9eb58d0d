using System.Collections.Concurrent;
using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;

namespace Crm.Channels.Email;

/// <summary>How many SMTP connections one account keeps and for how long (<see cref="EmailOptions"/>).</summary>
public sealed record SmtpPoolLimits(int Connections, int MessagesPerConnection, TimeSpan Idle)
{
    public static SmtpPoolLimits Default { get; } = new(2, 100, TimeSpan.FromSeconds(30));
}

/// <summary>
/// Keeps one or two signed-in SMTP connections per account and sends message after message over them, instead of a
/// connect, EHLO, STARTTLS and AUTH per mail: a bulk send of a campaign costs a connection per
/// <see cref="SmtpPoolLimits.MessagesPerConnection"/> messages. A connection is closed (QUIT) after that many messages
/// or when it sat idle for <see cref="SmtpPoolLimits.Idle"/>.
/// </summary>
/// <remarks>
/// A refused recipient or message (an <see cref="SmtpCommandException"/>) is that message's failure only: MailKit resets
/// the transaction (RSET) and the connection goes back to the pool. A connection that broke while it waited (the server's
/// idle timeout, a restart: <see cref="SmtpProtocolException"/>, <see cref="ServiceNotConnectedException"/>, an I/O error
/// or a 421) is replaced by a fresh one and the message is tried once more on it; a fresh connection that fails is the
/// message's transient failure, for the outbox to retry later. Safe to call from many threads: a connection serves one
/// message at a time.
/// </remarks>
public sealed class SmtpConnectionPool(TimeProvider time) : IAsyncDisposable
{
    /// <summary>A reused connection idle for longer than this is checked with NOOP first: servers drop quiet sessions.</summary>
    private static readonly TimeSpan CheckAfter = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Account> _accounts = new(StringComparer.Ordinal);
    private readonly Lock _sweepLock = new();
    private ITimer? _sweeper;
    private bool _disposed;
    private int _connectionsOpened;

    /// <summary>Connections opened so far (all accounts): for tests and diagnostics.</summary>
    public int ConnectionsOpened => Volatile.Read(ref _connectionsOpened);

    /// <summary>Sends one message over a pooled connection of the account <paramref name="server"/> names; see <see cref="SmtpMailer.SendAsync"/>.</summary>
    public async Task<SendResult> SendAsync(MailServerOptions server, string defaultUser, MimeMessage message, MailboxAddress envelopeSender,
        IReadOnlyList<MailboxAddress> recipients, SmtpPoolLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(limits);
        ObjectDisposedException.ThrowIf(_disposed, this);
        StartSweeper(limits.Idle);
        var account = _accounts.GetOrAdd(Key(server, defaultUser), _ => new Account(Math.Clamp(limits.Connections, 1, 16)));
        await account.Slots.WaitAsync(ct);
        Connection? connection = null;
        try
        {
            connection = account.TakeIdle(time.GetUtcNow(), limits);
            var reused = connection is not null;
            if (connection is not null)
            {
                connection.Client.SenderAccepted = false;
            }
            try
            {
                if (connection is not null && time.GetUtcNow() - connection.LastUsed > CheckAfter)
                {
                    await connection.Client.NoOpAsync(ct);
                }
                connection ??= await OpenAsync(server, defaultUser, ct);
                return await SendOnAsync(connection, message, envelopeSender, recipients, ct);
            }
            catch (Exception ex) when (reused && IsBroken(ex) && !connection!.Client.SenderAccepted && !ct.IsCancellationRequested)
            {
                // The connection died while it waited in the pool, before the server took this message's sender: nothing of the
                // message reached it, so once more on a new connection. (Once MAIL FROM was accepted a failure may come after the
                // server kept the mail; that is the outbox's transient failure, not a silent second copy.)
                var broken = connection!;
                connection = null;
                await CloseAsync(broken, quit: false);
                connection = await OpenAsync(server, defaultUser, ct);
                return await SendOnAsync(connection, message, envelopeSender, recipients, ct);
            }
        }
        catch (Exception ex) when (SmtpMailer.Classify(ex, ct) is { } failure)
        {
            if (connection is not null && !connection.Client.IsConnected)
            {
                await CloseAsync(connection, quit: false);
                connection = null;
            }
            return failure;
        }
        finally
        {
            if (connection is not null)
            {
                if (_disposed || !connection.Client.IsConnected || connection.Sent >= limits.MessagesPerConnection)
                {
                    await CloseAsync(connection, quit: connection.Client.IsConnected);
                }
                else
                {
                    connection.LastUsed = time.GetUtcNow();
                    account.Return(connection);
                }
            }
            account.Slots.Release();
        }
    }

    private static async Task<SendResult> SendOnAsync(Connection connection, MimeMessage message, MailboxAddress envelopeSender,
        IReadOnlyList<MailboxAddress> recipients, CancellationToken ct)
    {
        connection.Client.SenderAccepted = false;
        try
        {
            await connection.Client.SendAsync(message, envelopeSender, recipients, ct);
            return SendResult.Sent(message.MessageId);
        }
        finally
        {
            // A refused message counts too: the limit is on the connection's age in transactions.
            connection.Sent++;
        }
    }

    private async Task<Connection> OpenAsync(MailServerOptions server, string defaultUser, CancellationToken ct)
    {
        var client = new SmtpMailer.DsnSmtpClient { Timeout = 60_000 };
        try
        {
            await SmtpMailer.ConnectAsync(client, server, defaultUser, ct);
        }
        catch
        {
            client.Dispose();
            throw;
        }
        Interlocked.Increment(ref _connectionsOpened);
        return new Connection(client) { LastUsed = time.GetUtcNow() };
    }

    /// <summary>The connection itself failed (as opposed to the server refusing this message).</summary>
    private static bool IsBroken(Exception ex) => ex is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException
        or SmtpCommandException { StatusCode: SmtpStatusCode.ServiceNotAvailable };

    private static async Task CloseAsync(Connection connection, bool quit)
    {
        try
        {
            if (connection.Client.IsConnected)
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await connection.Client.DisconnectAsync(quit, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or SmtpProtocolException or SmtpCommandException or OperationCanceledException
            or ServiceNotConnectedException)
        {
            // Closing a connection that is already gone.
        }
        finally
        {
            connection.Client.Dispose();
        }
    }

    private void StartSweeper(TimeSpan idle)
    {
        if (_sweeper is not null)
        {
            return;
        }
        lock (_sweepLock)
        {
            if (_sweeper is null && !_disposed)
            {
                var every = TimeSpan.FromTicks(Math.Max(idle.Ticks / 3, TimeSpan.FromSeconds(1).Ticks));
                _sweeper = time.CreateTimer(_ => _ = SweepAsync(idle), null, every, every);
            }
        }
    }

    /// <summary>Closes the connections that sat idle for <paramref name="idle"/>: a quiet hub holds no sessions open on the server.</summary>
    private async Task SweepAsync(TimeSpan idle)
    {
        var now = time.GetUtcNow();
        foreach (var account in _accounts.Values)
        {
            foreach (var stale in account.TakeStale(now, idle))
            {
                await CloseAsync(stale, quit: true);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        lock (_sweepLock)
        {
            _disposed = true;
        }
        if (_sweeper is not null)
        {
            await _sweeper.DisposeAsync();
        }
        foreach (var account in _accounts.Values)
        {
            foreach (var connection in account.TakeStale(DateTimeOffset.MaxValue, TimeSpan.Zero))
            {
                await CloseAsync(connection, quit: true);
            }
            account.Dispose();
        }
    }

    private static string Key(MailServerOptions server, string defaultUser) =>
        string.Join('\n', server.Host, server.Port, server.Security, server.UserName ?? defaultUser, server.Password);

    private sealed class Connection(SmtpMailer.DsnSmtpClient client)
    {
        public SmtpMailer.DsnSmtpClient Client { get; } = client;
        public int Sent { get; set; }
        public DateTimeOffset LastUsed { get; set; }
    }

    private sealed class Account(int connections) : IDisposable
    {
        private readonly Lock _lock = new();
        private readonly Stack<Connection> _idle = new();

        /// <summary>At most this many connections of the account are in use (and so open) at once.</summary>
        public SemaphoreSlim Slots { get; } = new(connections, connections);

        /// <summary>The most recently used idle connection still fit for another message, if any.</summary>
        public Connection? TakeIdle(DateTimeOffset now, SmtpPoolLimits limits)
        {
            lock (_lock)
            {
                while (_idle.TryPop(out var connection))
                {
                    if (connection.Client.IsConnected && connection.Sent < limits.MessagesPerConnection && now - connection.LastUsed < limits.Idle)
                    {
                        return connection;
                    }
                    // Past its limits: closed quietly without waiting on the network under the lock.
                    connection.Client.Dispose();
                }
                return null;
            }
        }

        public void Return(Connection connection)
        {
            lock (_lock)
            {
                _idle.Push(connection);
            }
        }

        public void Dispose() => Slots.Dispose();

        public List<Connection> TakeStale(DateTimeOffset now, TimeSpan idle)
        {
            lock (_lock)
            {
                var all = _idle.ToList();
                var stale = all.Where(c => now - c.LastUsed >= idle).ToList();
                _idle.Clear();
                foreach (var keep in all.Except(stale).Reverse())
                {
                    _idle.Push(keep);
                }
                return stale;
            }
        }
    }
}
