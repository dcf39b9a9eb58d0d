using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Crm.Hub.Tests.Support;

/// <summary>
/// The hub as a separate process, as a user runs it (so a test can kill it the hard way, and the load driver
/// measures it without sharing its process). Also compiled into Crm.Benchmarks.
/// </summary>
public sealed class HubProcess : IAsyncDisposable
{
    private readonly string _dataDirectory;
    private readonly IReadOnlyDictionary<string, string> _settings;
    private Process? _process;
    private TextWriter? _log;

    /// <param name="dataDirectory">Database and key ring; reused by a second process to restart "the same" hub.</param>
    /// <param name="settings">Configuration in environment form (<c>Crm__Bootstrap__AdminEmail</c>...), on top of the data paths.</param>
    public HubProcess(string dataDirectory, IReadOnlyDictionary<string, string> settings)
    {
        _dataDirectory = dataDirectory;
        _settings = settings;
        Port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{Port}/");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    /// <summary>Generous: a cold start on a loaded 2-core CI machine (JIT, migrations) can take most of a minute.</summary>
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    public async Task StartAsync()
    {
        // The hub's own build output sits next to ours: the test project references it.
        var dll = Path.Combine(AppContext.BaseDirectory, "Crm.Hub.dll");
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = _dataDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_URLS"] = BaseAddress.ToString();
        start.Environment["ASPNETCORE_CONTENTROOT"] = _dataDirectory;
        start.Environment["Crm__Database__ConnectionString"] = $"Data Source={Path.Combine(_dataDirectory, "crm.db")}";
        start.Environment["Crm__DataDirectory"] = _dataDirectory;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in _settings)
        {
            start.Environment[key] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the hub.");
        // The hub's console log goes to hub.log in its data folder, to read when a test or a benchmark run goes wrong.
        var log = TextWriter.Synchronized(new StreamWriter(Path.Combine(_dataDirectory, "hub.log"), append: true) { AutoFlush = true });
        _log = log;
        _process.OutputDataReceived += (_, e) => log.WriteLine(e.Data);
        _process.ErrorDataReceived += (_, e) => log.WriteLine(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The hub exited with code {_process.ExitCode} during start-up.");
            }
            try
            {
                if ((await client.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The hub did not become ready within {ReadyTimeout.TotalSeconds:F0} s.");
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, as in a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
        _log?.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
