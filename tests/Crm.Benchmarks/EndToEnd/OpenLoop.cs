using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Crm.Benchmarks.EndToEnd;

/// <summary>The open-loop pacing and reporting every end-to-end driver shares.</summary>
internal static class OpenLoop
{
    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) ? value : fallback;
    }

    public static void Report(string label, Result result, int expected)
    {
        var sorted = result.LatenciesMs.Order().ToArray();
        double P(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];
        Console.WriteLine($"| {label} | {sorted.Length}/{expected} | {result.AchievedRate:F0}/s | {P(0.50):F2} | {P(0.90):F2} | {P(0.99):F2} | {P(0.999):F2} | {sorted.LastOrDefault():F2} | {result.Errors} |");
    }

    public sealed record Result(List<double> LatenciesMs, double AchievedRate, int Errors);

    /// <summary>Fires message i at start + i/rate regardless of how earlier ones fare (no coordinated omission).</summary>
    public static async Task<Result> DriveAsync(int rate, int messages, Func<int, Task> send, ConcurrentDictionary<int, long> received,
        ConcurrentDictionary<int, long> scheduled, Stopwatch clock)
    {
        var errors = 0;
        clock.Restart();
        var inFlight = new List<Task>(messages);
        for (var i = 0; i < messages; i++)
        {
            var due = (long)(i * (double)Stopwatch.Frequency / rate);
            while (clock.ElapsedTicks < due)
            {
                var ahead = (due - clock.ElapsedTicks) * 1000 / Stopwatch.Frequency;
                if (ahead > 2)
                {
                    await Task.Delay((int)(ahead - 1));
                }
                else
                {
                    Thread.SpinWait(50);
                }
            }
            scheduled[i] = due;
            var index = i;
            inFlight.Add(Task.Run(async () =>
            {
                try
                {
                    await send(index);
                }
                catch (Exception)
                {
                    Interlocked.Increment(ref errors);
                }
            }));
        }
        await Task.WhenAll(inFlight);
        var sentIn = clock.Elapsed.TotalSeconds;
        var wait = Stopwatch.StartNew();
        while (received.Count < messages - errors && wait.Elapsed < TimeSpan.FromSeconds(30))
        {
            await Task.Delay(50);
        }
        var latencies = received.Where(r => scheduled.ContainsKey(r.Key))
            .Select(r => (r.Value - scheduled[r.Key]) * 1000.0 / Stopwatch.Frequency).ToList();
        return new Result(latencies, messages / sentIn, errors);
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
