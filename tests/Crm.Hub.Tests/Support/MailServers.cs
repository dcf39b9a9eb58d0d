using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Crm.Hub.Tests.Support;

/// <summary>What the test SMTP relay accepted: the envelope, as the client sent it.</summary>
public sealed record RelayedMail(string MailFrom, IReadOnlyList<string> Recipients);

/// <summary>
/// Real mail servers on 127.0.0.1 for one test class: Dovecot (IMAP + LMTP, maildirs in a temporary folder)
/// and a small aiosmtpd relay (Support/smtp_relay.py) that delivers into Dovecot over LMTP and bounces
/// refused recipients with an RFC 3464 report. Every instance has its own ports and folder.
/// </summary>
/// <remarks>
/// Dovecot's passwd-file refuses uid 0. When the tests run as root, the Dovecot master still starts as root
/// and every mail, auth and login process runs as <c>nobody</c> (its maildirs live in a sticky, world-writable
/// folder); otherwise everything runs as the current user.
/// </remarks>
public sealed class MailServers : IAsyncDisposable
{
    public const string Domain = "example.test";
    public const string Password = "secret";

    private const string DovecotBinary = "/usr/sbin/dovecot";
    private const string DoveadmBinary = "/usr/bin/doveadm";
    private const string InstallHint =
        "Install the test mail servers with: apt-get install -y --no-install-recommends dovecot-imapd dovecot-lmtpd python3-aiosmtpd (.ci/run does it).";

    // Keeps Dovecot in the foreground under a shell that kills it when our stdin closes, so a crashed
    // test process does not leave a Dovecot behind. DisposeAsync kills the whole tree anyway.
    private const string DovecotWrapper = """
        exec 3<&0
        /usr/sbin/dovecot -F -c "$1" </dev/null &
        p=$!
        ( cat <&3 >/dev/null; kill -TERM $p 2>/dev/null ) &
        exec 3<&-
        wait $p
        """;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    private readonly string _root;
    private readonly string _homes;
    private readonly string _users;
    private readonly string _config;
    private readonly string _dovecotLog;
    private readonly string _relayLog;
    private readonly int _mailUid;
    private readonly int _mailGid;
    private ServerProcess? _dovecot;
    private ServerProcess? _relay;

    private MailServers(int imapPort, int lmtpPort, int smtpPort)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("The test mail servers need Linux (Dovecot and python3-aiosmtpd from apt).");
        }
        ImapPort = imapPort;
        LmtpPort = lmtpPort;
        SmtpPort = smtpPort;
        _root = Path.Combine(Path.GetTempPath(), "crm-mail-tests", Guid.NewGuid().ToString("N"));
        _homes = Path.Combine(_root, "homes");
        _users = Path.Combine(_root, "users");
        _config = Path.Combine(_root, "dovecot.conf");
        _dovecotLog = Path.Combine(_root, "dovecot.log");
        _relayLog = Path.Combine(_root, "relayed.jsonl");

        var (uid, gid) = CurrentIds();
        string internalUser;
        if (uid == 0)
        {
            var nobody = PasswdEntry("nobody")
                ?? throw new InvalidOperationException("Running as root, the mail servers need the 'nobody' user (Dovecot refuses uid 0 for mail).");
            (_mailUid, _mailGid, internalUser) = (nobody.Uid, nobody.Gid, "nobody");
        }
        else
        {
            (_mailUid, _mailGid, internalUser) = (uid, gid, PasswdName(uid) ?? Environment.UserName);
        }
        var internalGroup = GroupName(_mailGid) ?? internalUser;

        Directory.CreateDirectory(_homes);
        const UnixFileMode traversable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
        if (uid == 0)
        {
            // nobody must reach its home and create it (Dovecot creates missing homes on first delivery).
            SetMode(Path.GetDirectoryName(_root)!, traversable);
            SetMode(_root, traversable);
            SetMode(_homes, traversable | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite | UnixFileMode.StickyBit);
        }
        Directory.CreateDirectory(_users);
        SetMode(_users, traversable);
        File.WriteAllText(_relayLog, "");
        File.WriteAllText(_config, DovecotConfig(internalUser, internalGroup));
    }

    public string Host { get; } = "127.0.0.1";

    public int ImapPort { get; }

    public int SmtpPort { get; }

    public int LmtpPort { get; }

    /// <summary>The temporary folder holding the config, logs and maildirs.</summary>
    public string DataDirectory => _root;

    /// <summary>What the relay accepted so far, oldest first.</summary>
    public IReadOnlyList<RelayedMail> Relayed
    {
        get
        {
            var result = new List<RelayedMail>();
            using var stream = new FileStream(_relayLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            while (reader.ReadLine() is { } line)
            {
                if (string.IsNullOrWhiteSpace(line))
                {
                    continue;
                }
                using var json = JsonDocument.Parse(line);
                var mailFrom = json.RootElement.GetProperty("mail_from").GetString() ?? "";
                var recipients = json.RootElement.GetProperty("rcpt_tos").EnumerateArray().Select(r => r.GetString() ?? "").ToList();
                result.Add(new RelayedMail(mailFrom, recipients));
            }
            return result;
        }
    }

    /// <summary>Starts Dovecot and the relay on free loopback ports; throws with the servers' output if either fails.</summary>
    public static async Task<MailServers> StartAsync()
    {
        var missing = new[] { DovecotBinary, DoveadmBinary, "/usr/lib/dovecot/imap", "/usr/lib/dovecot/lmtp", PythonBinary }
            .Where(path => !File.Exists(path))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"Missing {string.Join(", ", missing)}. {InstallHint}");
        }
        var ports = FreePorts(3);
        var servers = new MailServers(ports[0], ports[1], ports[2]);
        try
        {
            await servers.StartImapAsync();
            await servers.StartSmtpAsync();
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds a mailbox (password <see cref="Password"/>), usable at once.</summary>
    /// <remarks>
    /// One passwd-file per user (<c>users/%u</c>): Dovecot re-reads a changed passwd-file at most once a second,
    /// so a user appended to a shared file right after another lookup would stay unknown for up to a second.
    /// </remarks>
    public async Task AddUserAsync(string address)
    {
        var user = address.Trim().ToLowerInvariant();
        if (user.Contains(':', StringComparison.Ordinal) || user.Contains('/', StringComparison.Ordinal) || !user.Contains('@', StringComparison.Ordinal))
        {
            throw new ArgumentException($"Not a usable mailbox address: {address}", nameof(address));
        }
        var file = Path.Combine(_users, user);
        if (File.Exists(file))
        {
            return;
        }
        var home = Path.Combine(_homes, user);
        var line = string.Create(CultureInfo.InvariantCulture, $"{user}:{{PLAIN}}{Password}:{_mailUid}:{_mailGid}::{home}\n");
        var temporary = Path.Combine(_users, "." + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(temporary, line);
        SetMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        File.Move(temporary, file, overwrite: true);
    }

    /// <summary>Sends over SMTP to the relay; the envelope defaults to the message's sender and To/Cc/Bcc.</summary>
    public async Task DeliverAsync(MimeMessage message, string? envelopeFrom = null, IEnumerable<string>? recipients = null)
    {
        using var client = new SmtpClient();
        await client.ConnectAsync(Host, SmtpPort, SecureSocketOptions.None);
        if (envelopeFrom is null && recipients is null)
        {
            await client.SendAsync(message);
        }
        else
        {
            var sender = envelopeFrom is not null
                ? new MailboxAddress("", envelopeFrom)
                : message.Sender ?? message.From.Mailboxes.First();
            var to = recipients?.Select(r => new MailboxAddress("", r)).ToList()
                ?? message.To.Mailboxes.Concat(message.Cc.Mailboxes).Concat(message.Bcc.Mailboxes).ToList();
            await client.SendAsync(message, sender, to);
        }
        await client.DisconnectAsync(quit: true);
    }

    /// <summary>Every message in the user's INBOX, read over IMAP without touching \Seen.</summary>
    public async Task<IReadOnlyList<MimeMessage>> InboxAsync(string user)
    {
        using var client = new ImapClient();
        await client.ConnectAsync(Host, ImapPort, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, Password);
        await client.Inbox.OpenAsync(FolderAccess.ReadOnly);
        var messages = new List<MimeMessage>(client.Inbox.Count);
        for (var i = 0; i < client.Inbox.Count; i++)
        {
            messages.Add(await client.Inbox.GetMessageAsync(i));
        }
        await client.DisconnectAsync(quit: true);
        return messages;
    }

    /// <summary>Polls the user's INBOX until a message matches.</summary>
    public async Task<MimeMessage> WaitForMessageAsync(string user, Func<MimeMessage, bool> match, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<MimeMessage> seen = [];
        while (true)
        {
            seen = await InboxAsync(user);
            if (seen.FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (clock.Elapsed > timeout)
            {
                var subjects = string.Join(", ", seen.Select(m => $"\"{m.Subject}\""));
                throw new TimeoutException($"No matching message in {user}'s INBOX within {timeout}; it holds {seen.Count}: {subjects}\n--- relay ---\n{RelayOutput}\n--- dovecot.log (tail) ---\n{Tail(DovecotLog, 30)}");
            }
            await Task.Delay(100);
        }
    }

    /// <summary>Forces a new UIDVALIDITY on the user's INBOX (doveadm mailbox update).</summary>
    public async Task SetUidValidityAsync(string user, uint uidValidity)
    {
        var (exitCode, output) = await RunAsync(DoveadmBinary,
            ["-c", _config, "mailbox", "update", "-u", user, "--uid-validity", uidValidity.ToString(CultureInfo.InvariantCulture), "INBOX"]);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"doveadm mailbox update failed ({exitCode}): {output}");
        }
    }

    /// <summary>Starts Dovecot (IMAP + LMTP) on this instance's ports and waits until both accept connections.</summary>
    public async Task StartImapAsync()
    {
        if (_dovecot is not null)
        {
            throw new InvalidOperationException("Dovecot is already running.");
        }
        // A killed master can linger as an unreaped zombie (no reaping init in some containers), and Dovecot
        // would take its pid file for a running instance; the ports are known to be closed here.
        var pidFile = Path.Combine(_root, "run", "master.pid");
        if (File.Exists(pidFile))
        {
            File.Delete(pidFile);
        }
        var process = ServerProcess.Start("/bin/sh", ["-c", DovecotWrapper, "dovecot-wrapper", _config]);
        _dovecot = process;
        var clock = Stopwatch.StartNew();
        while (!(await AcceptsAsync(ImapPort) && await AcceptsAsync(LmtpPort)))
        {
            if (process.HasExited || clock.Elapsed > StartTimeout)
            {
                var reason = process.HasExited ? "exited" : $"did not listen within {StartTimeout}";
                await StopImapAsync();
                throw new InvalidOperationException(
                    $"Dovecot {reason} (IMAP {ImapPort}, LMTP {LmtpPort}).\n--- stderr ---\n{process.Output}\n--- {_dovecotLog} ---\n{ReadLog(_dovecotLog)}");
            }
            await Task.Delay(10);
        }
    }

    /// <summary>Stops all of Dovecot at once (an outage: open IMAP connections drop, LMTP refuses).</summary>
    public async Task StopImapAsync()
    {
        var process = _dovecot;
        _dovecot = null;
        if (process is not null)
        {
            await process.KillAsync();
            await WaitUntilClosedAsync(ImapPort, LmtpPort);
        }
    }

    /// <summary>Starts the relay on <see cref="SmtpPort"/> and waits for its "ready".</summary>
    public async Task StartSmtpAsync()
    {
        if (_relay is not null)
        {
            throw new InvalidOperationException("The SMTP relay is already running.");
        }
        var script = Path.Combine(AppContext.BaseDirectory, "Support", "smtp_relay.py");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing; the test project copies Support/smtp_relay.py to its output.");
        }
        var process = ServerProcess.Start(PythonBinary,
            [script, SmtpPort.ToString(CultureInfo.InvariantCulture), LmtpPort.ToString(CultureInfo.InvariantCulture), _relayLog, Domain]);
        _relay = process;
        var ready = await process.WaitForLineAsync("ready", StartTimeout);
        if (!ready)
        {
            await StopSmtpAsync();
            throw new InvalidOperationException(
                $"The SMTP relay did not start on port {SmtpPort}. {InstallHint}\n--- output ---\n{process.Output}");
        }
    }

    public async Task StopSmtpAsync()
    {
        var process = _relay;
        _relay = null;
        if (process is not null)
        {
            await process.KillAsync();
            await WaitUntilClosedAsync(SmtpPort);
        }
    }

    /// <summary>Dovecot's log so far, for failure messages.</summary>
    public string DovecotLog => ReadLog(_dovecotLog);

    /// <summary>The relay's stdout and stderr so far.</summary>
    public string RelayOutput => _relay?.Output ?? "";

    public async ValueTask DisposeAsync()
    {
        await StopSmtpAsync();
        await StopImapAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left for the OS to clean; nothing is listening any more.
        }
    }

    private static void SetMode(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    private static string PythonBinary => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    private string DovecotConfig(string internalUser, string internalGroup) => $$"""
        base_dir = {{_root}}/run
        state_dir = {{_root}}/state
        log_path = {{_dovecotLog}}
        protocols = imap lmtp
        listen = 127.0.0.1
        ssl = no
        disable_plaintext_auth = no
        auth_mechanisms = plain login
        default_internal_user = {{internalUser}}
        default_internal_group = {{internalGroup}}
        default_login_user = {{internalUser}}
        first_valid_uid = 1
        first_valid_gid = 1
        mail_location = maildir:~/Maildir
        recipient_delimiter = +
        lmtp_save_to_detail_mailbox = no
        passdb {
          driver = passwd-file
          args = scheme=PLAIN username_format=%u {{_users}}/%u
        }
        userdb {
          driver = passwd-file
          args = username_format=%u {{_users}}/%u
        }
        service imap-login {
          chroot =
          inet_listener imap {
            address = 127.0.0.1
            port = {{ImapPort}}
          }
          inet_listener imaps {
            port = 0
          }
        }
        service lmtp {
          inet_listener lmtp {
            address = 127.0.0.1
            port = {{LmtpPort}}
          }
        }
        service anvil {
          chroot =
        }
        service pop3-login {
          chroot =
        }

        """;

    private static List<int> FreePorts(int count)
    {
        var listeners = Enumerable.Range(0, count).Select(_ => new TcpListener(IPAddress.Loopback, 0)).ToList();
        try
        {
            foreach (var listener in listeners)
            {
                listener.Start();
            }
            return listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port).ToList();
        }
        finally
        {
            foreach (var listener in listeners)
            {
                listener.Stop();
            }
        }
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task WaitUntilClosedAsync(params int[] ports)
    {
        var clock = Stopwatch.StartNew();
        foreach (var port in ports)
        {
            while (await AcceptsAsync(port))
            {
                if (clock.Elapsed > TimeSpan.FromSeconds(5))
                {
                    throw new InvalidOperationException($"Port {port} still accepts connections after the server was killed.");
                }
                await Task.Delay(10);
            }
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await stdout) + (await stderr));
    }

    private static string Tail(string text, int lines) => string.Join('\n', text.Split('\n').TakeLast(lines));

    private static string ReadLog(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            return reader.ReadToEnd();
        }
        catch (IOException)
        {
            return "(no log)";
        }
    }

    private static (int Uid, int Gid) CurrentIds()
    {
        int? uid = null, gid = null;
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            // "Uid:\treal\teffective\tsaved\tfs"
            var fields = line.Split('\t', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length > 2 && fields[0] == "Uid:")
            {
                uid = int.Parse(fields[2], CultureInfo.InvariantCulture);
            }
            else if (fields.Length > 2 && fields[0] == "Gid:")
            {
                gid = int.Parse(fields[2], CultureInfo.InvariantCulture);
            }
        }
        return (uid ?? throw new InvalidOperationException("No Uid in /proc/self/status."), gid ?? throw new InvalidOperationException("No Gid in /proc/self/status."));
    }

    private sealed record Passwd(string Name, int Uid, int Gid);

    private static IEnumerable<Passwd> PasswdEntries() =>
        File.ReadLines("/etc/passwd")
            .Select(line => line.Split(':'))
            .Where(f => f.Length > 3 && int.TryParse(f[2], CultureInfo.InvariantCulture, out _) && int.TryParse(f[3], CultureInfo.InvariantCulture, out _))
            .Select(f => new Passwd(f[0], int.Parse(f[2], CultureInfo.InvariantCulture), int.Parse(f[3], CultureInfo.InvariantCulture)));

    private static Passwd? PasswdEntry(string name) => PasswdEntries().FirstOrDefault(p => p.Name == name);

    private static string? PasswdName(int uid) => PasswdEntries().FirstOrDefault(p => p.Uid == uid)?.Name;

    private static string? GroupName(int gid) =>
        File.ReadLines("/etc/group")
            .Select(line => line.Split(':'))
            .FirstOrDefault(f => f.Length > 2 && f[2] == gid.ToString(CultureInfo.InvariantCulture))?[0];

    /// <summary>A child process whose output is collected, which can wait for a line and be killed with its descendants.</summary>
    private sealed class ServerProcess
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly object _gate = new();
        private readonly List<(string Line, TaskCompletionSource<bool> Seen)> _waiters = [];

        private ServerProcess(Process process) => _process = process;

        public bool HasExited => _process.HasExited;

        public string Output
        {
            get
            {
                lock (_gate)
                {
                    return _output.ToString();
                }
            }
        }

        public static ServerProcess Start(string fileName, IEnumerable<string> arguments)
        {
            var start = new ProcessStartInfo(fileName)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }
            var process = new Process { StartInfo = start, EnableRaisingEvents = true };
            var server = new ServerProcess(process);
            process.OutputDataReceived += (_, e) => server.Append(e.Data);
            process.ErrorDataReceived += (_, e) => server.Append(e.Data);
            process.Exited += (_, _) => server.Append(null);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return server;
        }

        public async Task<bool> WaitForLineAsync(string line, TimeSpan timeout)
        {
            var seen = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                if (_output.ToString().Split('\n').Any(l => l == line))
                {
                    return true;
                }
                if (_process.HasExited)
                {
                    return false;
                }
                _waiters.Add((line, seen));
            }
            var finished = await Task.WhenAny(seen.Task, Task.Delay(timeout));
            return finished == seen.Task && await seen.Task;
        }

        public async Task KillAsync()
        {
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Already gone.
            }
            try
            {
                _process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // Already exited.
            }
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(cts.Token);
            _process.Dispose();
        }

        private void Append(string? line)
        {
            lock (_gate)
            {
                if (line is not null)
                {
                    _output.Append(line).Append('\n');
                }
                for (var i = _waiters.Count - 1; i >= 0; i--)
                {
                    if (line is null || _waiters[i].Line == line)
                    {
                        _waiters[i].Seen.TrySetResult(line is not null);
                        _waiters.RemoveAt(i);
                    }
                }
            }
        }
    }
}
