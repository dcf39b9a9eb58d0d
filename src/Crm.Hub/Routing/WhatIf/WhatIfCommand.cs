using System.Globalization;
using System.Text.Json;
using Crm.Hub.Realtime;
using Crm.Routing.Replay;

namespace Crm.Hub.Routing.WhatIf;

/// <summary>
/// The command-line what-if: <c>dotnet run --project src/Crm.Hub -- replay --date 2026-11-20 [--time-zone Asia/Tehran] [--days 1]
/// [--policy-version 7] [--staffing agents.json] [--json]</c>. Reads the hub's own database (the same settings as the server), prints
/// the report as a table (or JSON) and exits; the server does not start.
/// </summary>
internal static class WhatIfCommand
{
    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == "replay";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var options = Parse(args[1..]);
        if (options is null)
        {
            await error.WriteLineAsync("usage: replay --date yyyy-MM-dd [--time-zone Zone] [--days N] [--policy-version N] [--staffing agents.json] [--json]");
            return 2;
        }
        IReadOnlyList<WhatIfAgent>? agents = null;
        if (options.GetValueOrDefault("staffing") is { } file)
        {
            try
            {
                agents = JsonSerializer.Deserialize<List<WhatIfAgent>>(await File.ReadAllTextAsync(file), WireJson.Options);
            }
            catch (Exception ex) when (ex is IOException or JsonException or UnauthorizedAccessException)
            {
                await error.WriteLineAsync($"staffing: cannot read {file}: {ex.Message}");
                return 2;
            }
        }
        var request = new WhatIfRequest(options.GetValueOrDefault("date"), options.GetValueOrDefault("time-zone"),
            Int(options.GetValueOrDefault("days")), Int(options.GetValueOrDefault("policy-version")), agents);
        await using var scope = services.CreateAsyncScope();
        var (report, errors) = await scope.ServiceProvider.GetRequiredService<WhatIfRunner>().RunAsync(request, CancellationToken.None);
        if (report is null)
        {
            foreach (var (key, messages) in errors)
            {
                await error.WriteLineAsync($"{key}: {string.Join(" ", messages)}");
            }
            return 2;
        }
        await output.WriteLineAsync(options.ContainsKey("json") ? JsonSerializer.Serialize(report, WireJson.Options) : Table(report));
        return 0;
    }

    private static readonly string[] Known = ["date", "time-zone", "days", "policy-version", "staffing", "json"];

    private static readonly string[] Numbers = ["days", "policy-version"];

    /// <summary>The options, or null when one is unknown, lacks its value, or a number is not one: a typo must not replay something else.</summary>
    private static Dictionary<string, string?>? Parse(string[] args)
    {
        var options = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            var key = args[i].StartsWith("--", StringComparison.Ordinal) ? args[i][2..] : null;
            if (key is null || !Known.Contains(key))
            {
                return null;
            }
            if (key == "json")
            {
                options[key] = null;
                continue;
            }
            if (i + 1 >= args.Length)
            {
                return null;
            }
            options[key] = args[++i];
        }
        var numbersOk = Numbers.All(k => !options.TryGetValue(k, out var v) || Int(v) is not null);
        return options.ContainsKey("date") && numbersOk ? options : null;
    }

    private static int? Int(string? value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    public static string Table(ReplayReport r)
    {
        var c = CultureInfo.InvariantCulture;
        var lines = new List<string>
        {
            string.Create(c, $"What-if replay {r.From:yyyy-MM-dd HH:mm} to {r.To:yyyy-MM-dd HH:mm} (UTC{r.From:zzz}), policy v{r.PolicyVersion}"),
            string.Create(c, $"{"queue",-24} {"conv",6} {"answered",8} {"SLA met",9} {"mean wait",10} {"p50",8} {"p90",8} {"max",8}"),
        };
        foreach (var q in r.Queues.Append(r.Overall))
        {
            var sla = q.SlaCompliance is double s ? s.ToString("P1", c) : "—";
            lines.Add(string.Create(c,
                $"{q.Queue,-24} {q.Conversations,6} {q.Answered,8} {sla,9} {Span(q.Waits.MeanSeconds),10} {Span(q.Waits.P50Seconds),8} {Span(q.Waits.P90Seconds),8} {Span(q.Waits.MaxSeconds),8}"));
        }
        lines.Add(string.Create(c, $"overflows {r.Overflows}, supervisor alerts {r.Escalations}, SLA at risk {r.SlaAtRisk}"));
        lines.Add(string.Create(c, $"{"agent",-24} {"conv",6} {"occupancy",10}"));
        lines.AddRange(r.Agents.Select(a => string.Create(c, $"{a.Name,-24} {a.Conversations,6} {(a.Occupancy is double o ? o.ToString("P1", c) : "—"),10}")));
        return string.Join(Environment.NewLine, lines);
    }

    private static string Span(double seconds) => seconds < 60
        ? string.Create(CultureInfo.InvariantCulture, $"{seconds:0}s")
        : seconds < 3600 ? string.Create(CultureInfo.InvariantCulture, $"{seconds / 60:0.#}m") : string.Create(CultureInfo.InvariantCulture, $"{seconds / 3600:0.#}h");
}
