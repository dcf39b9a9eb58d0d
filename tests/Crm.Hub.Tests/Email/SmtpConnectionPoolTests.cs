using System.Net;
using System.Net.Sockets;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using MimeKit;

namespace Crm.Hub.Tests.Email;

/// <summary>
/// The pooled SMTP sender against the real relay and Dovecot, through a counting TCP proxy: bulk mail reuses a few
/// connections, every message lands exactly once — also when the connection is cut between messages — and a refused
/// recipient does not cost the connection.
/// </summary>
public sealed class SmtpConnectionPoolTests(MailServersFixture fixture) : IClassFixture<MailServersFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private MailServers Mail => fixture.Servers;

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}"[..(name.Length + 9)] + "@" + MailServers.Domain;

    private static MimeMessage Message(string to, int i)
    {
        var message = new MimeMessage();
        message.From.Add(new MailboxAddress("Shop", "shop@" + MailServers.Domain));
        message.To.Add(MailboxAddress.Parse(to));
        message.Subject = $"Spring sale {i}";
        message.MessageId = MimeKit.Utils.MimeUtils.GenerateMessageId(MailServers.Domain);
        message.Body = new TextPart("plain") { Text = $"Message {i}" };
        return message;
    }

    private static MailServerOptions Through(CountingProxy proxy) => new() { Host = "127.0.0.1", Port = proxy.Port, Security = MailSecurity.None };

    private static Task<SendResult> SendAsync(SmtpConnectionPool pool, CountingProxy proxy, MimeMessage message, SmtpPoolLimits limits) =>
        pool.SendAsync(Through(proxy), "shop@" + MailServers.Domain, message, new MailboxAddress(null, "bounces@" + MailServers.Domain),
            [.. message.To.Mailboxes], limits, CancellationToken.None);

    /// <summary>Waits until the user's INBOX holds <paramref name="count"/> messages and returns their Message-IDs.</summary>
    private async Task<List<string>> DeliveredAsync(string user, int count)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var inbox = await Mail.InboxAsync(user);
            if (inbox.Count >= count || clock.Elapsed > Timeout)
            {
                // A moment more, so a duplicate arriving late would be seen too.
                await Task.Delay(300);
                return [.. (await Mail.InboxAsync(user)).Select(m => m.MessageId ?? "")];
            }
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task ABatchReusesConnectionsUpToTheMessageLimitAndEveryMessageIsDeliveredOnce()
    {
        var user = Unique("bulk");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        await using var pool = new SmtpConnectionPool(TimeProvider.System);
        var limits = new SmtpPoolLimits(2, 5, TimeSpan.FromSeconds(30));
        var messages = Enumerable.Range(1, 12).Select(i => Message(user, i)).ToList();

        var results = new List<SendResult>();
        foreach (var message in messages)
        {
            results.Add(await SendAsync(pool, proxy, message, limits));
        }

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        // Five messages a connection: three connections for twelve messages, not twelve.
        Assert.Equal(3, proxy.Accepted);
        Assert.Equal(3, pool.ConnectionsOpened);
        Assert.Equal(messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), (await DeliveredAsync(user, 12)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ParallelSendsShareAtMostTheConfiguredConnections()
    {
        var user = Unique("parallel");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        await using var pool = new SmtpConnectionPool(TimeProvider.System);
        var limits = new SmtpPoolLimits(2, 100, TimeSpan.FromSeconds(30));
        var messages = Enumerable.Range(1, 10).Select(i => Message(user, i)).ToList();

        var results = await Task.WhenAll(messages.Select(m => Task.Run(() => SendAsync(pool, proxy, m, limits))));

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        Assert.InRange(proxy.Accepted, 1, 2);
        Assert.Equal(messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), (await DeliveredAsync(user, 10)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AConnectionCutMidBatchIsReplacedAndEveryMessageStillArrivesExactlyOnce()
    {
        var user = Unique("cut");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        await using var pool = new SmtpConnectionPool(TimeProvider.System);
        var limits = new SmtpPoolLimits(1, 100, TimeSpan.FromSeconds(30));
        var messages = Enumerable.Range(1, 6).Select(i => Message(user, i)).ToList();

        var results = new List<SendResult>();
        for (var i = 0; i < messages.Count; i++)
        {
            if (i == 3)
            {
                // The server (or a NAT box) drops the idle session between two messages of the batch.
                await proxy.CutAllAsync();
            }
            results.Add(await SendAsync(pool, proxy, messages[i], limits));
        }

        Assert.All(results, r => Assert.Equal(SendOutcome.Sent, r.Outcome));
        Assert.Equal(2, proxy.Accepted);
        var delivered = await DeliveredAsync(user, 6);
        Assert.Equal(messages.Select(m => m.MessageId).Order(StringComparer.Ordinal), delivered.Order(StringComparer.Ordinal));
        Assert.Equal(6, Mail.Relayed.Count(r => r.Recipients.Contains(user)));
    }

    [Fact]
    public async Task ARefusedRecipientFailsOnlyItsMessageAndTheConnectionGoesOn()
    {
        var user = Unique("rset");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        await using var pool = new SmtpConnectionPool(TimeProvider.System);
        var limits = new SmtpPoolLimits(1, 100, TimeSpan.FromSeconds(30));
        var first = Message(user, 1);
        var refused = Message("someone@elsewhere.test", 2);
        var last = Message(user, 3);

        var results = new[]
        {
            await SendAsync(pool, proxy, first, limits), await SendAsync(pool, proxy, refused, limits), await SendAsync(pool, proxy, last, limits),
        };

        Assert.Equal(SendOutcome.Sent, results[0].Outcome);
        Assert.Equal(SendOutcome.PermanentFailure, results[1].Outcome);
        Assert.Contains("refused the recipient someone@elsewhere.test: 550", results[1].Error, StringComparison.Ordinal);
        Assert.Equal(SendOutcome.Sent, results[2].Outcome);
        Assert.Equal(1, proxy.Accepted);
        Assert.Equal(new[] { first.MessageId, last.MessageId }.Order(StringComparer.Ordinal), (await DeliveredAsync(user, 2)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AnIdleConnectionIsClosedAndTheNextMessageOpensAFreshOne()
    {
        var user = Unique("idle");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var pool = new SmtpConnectionPool(clock);
        var limits = new SmtpPoolLimits(1, 100, TimeSpan.FromSeconds(30));

        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, Message(user, 1), limits)).Outcome);
        clock.Advance(TimeSpan.FromSeconds(31));
        await Wait.UntilAsync(() => Task.FromResult(proxy.Open == 0 ? (bool?)true : null));
        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, Message(user, 2), limits)).Outcome);

        Assert.Equal(2, proxy.Accepted);
        Assert.Equal(2, (await DeliveredAsync(user, 2)).Count);
    }

    [Fact]
    public async Task AConnectionQuietForAWhileIsCheckedWithNoopAndReplacedWhenItDiedMeanwhile()
    {
        var user = Unique("noop");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var pool = new SmtpConnectionPool(clock);
        var limits = new SmtpPoolLimits(1, 100, TimeSpan.FromSeconds(30));

        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, Message(user, 1), limits)).Outcome);
        // Quiet long enough to be checked before reuse, not long enough to be swept; the session dies meanwhile.
        clock.Advance(TimeSpan.FromSeconds(10));
        await proxy.CutAllAsync();
        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, Message(user, 2), limits)).Outcome);
        // Still fine a moment later: the fresh connection is reused without a check.
        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, Message(user, 3), limits)).Outcome);

        Assert.Equal(2, proxy.Accepted);
        Assert.Equal(3, (await DeliveredAsync(user, 3)).Count);
    }

    [Fact]
    public async Task AConnectionLostAfterTheServerTookTheSenderIsNotRetriedBehindTheOutboxsBack()
    {
        var user = Unique("once");
        await Mail.AddUserAsync(user);
        await using var proxy = CountingProxy.Start(Mail.SmtpPort);
        await using var pool = new SmtpConnectionPool(TimeProvider.System);
        var limits = new SmtpPoolLimits(1, 100, TimeSpan.FromSeconds(30));
        var first = Message(user, 1);
        var lost = Message(user, 2);
        var after = Message(user, 3);

        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, first, limits)).Outcome);
        // The line drops mid-message, after MAIL FROM was accepted: whether the server kept the mail is unknown, so the pool
        // does not quietly send it again (a possible second copy); the outbox decides, as for any transient failure.
        proxy.CutAtEndOfData = true;
        var result = await SendAsync(pool, proxy, lost, limits);
        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(1, proxy.Accepted);
        Assert.Equal(SendOutcome.Sent, (await SendAsync(pool, proxy, after, limits)).Outcome);

        Assert.Equal(2, proxy.Accepted);
        Assert.Equal(new[] { first.MessageId, after.MessageId }.Order(StringComparer.Ordinal), (await DeliveredAsync(user, 2)).Order(StringComparer.Ordinal));
    }

    /// <summary>A TCP proxy in front of the relay that counts the connections it accepted and can cut them all.</summary>
    private sealed class CountingProxy : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly int _target;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<(TcpClient Client, TcpClient Upstream)> _pairs = [];
        private readonly Lock _lock = new();
        private int _accepted;

        private CountingProxy(int target)
        {
            _target = target;
            _listener = new TcpListener(IPAddress.Loopback, 0);
            _listener.Start();
            _ = AcceptAsync();
        }

        public static CountingProxy Start(int target) => new(target);

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public int Accepted => Volatile.Read(ref _accepted);

        public int Open
        {
            get
            {
                lock (_lock)
                {
                    return _pairs.Count;
                }
            }
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
                Interlocked.Increment(ref _accepted);
                var upstream = new TcpClient();
                await upstream.ConnectAsync(IPAddress.Loopback, _target);
                var pair = (client, upstream);
                lock (_lock)
                {
                    _pairs.Add(pair);
                }
                _ = PumpAsync(pair);
            }
        }

        private async Task PumpAsync((TcpClient Client, TcpClient Upstream) pair)
        {
            try
            {
                var a = pair.Client.GetStream();
                var b = pair.Upstream.GetStream();
                await Task.WhenAny(ForwardAsync(a, b), b.CopyToAsync(a, _stop.Token));
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
            {
                // One side went away.
            }
            finally
            {
                Close(pair);
            }
        }

        /// <summary>When set, the next message's end of data ("CRLF.CRLF") is not passed on: the connection is cut there instead.</summary>
        public bool CutAtEndOfData { get; set; }

        /// <summary>Client to server, watching for the end of a message's data.</summary>
        private async Task ForwardAsync(NetworkStream from, NetworkStream to)
        {
            var buffer = new byte[16 * 1024];
            var tail = "";
            while (await from.ReadAsync(buffer, _stop.Token) is var read and > 0)
            {
                var text = tail + System.Text.Encoding.Latin1.GetString(buffer, 0, read);
                if (CutAtEndOfData && text.Contains("\r\n.\r\n", StringComparison.Ordinal))
                {
                    CutAtEndOfData = false;
                    return;
                }
                tail = text[Math.Max(0, text.Length - 4)..];
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }
        }

        private void Close((TcpClient Client, TcpClient Upstream) pair)
        {
            lock (_lock)
            {
                _pairs.Remove(pair);
            }
            pair.Client.Dispose();
            pair.Upstream.Dispose();
        }

        public async Task CutAllAsync()
        {
            List<(TcpClient, TcpClient)> all;
            lock (_lock)
            {
                all = [.. _pairs];
            }
            foreach (var pair in all)
            {
                Close(pair);
            }
            await Task.Delay(100);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await CutAllAsync();
            _listener.Dispose();
            _stop.Dispose();
        }
    }
}
