using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Hub.Campaigns.Pacing;
using Crm.Hub.Tests.Support;
using Microsoft.Data.Sqlite;

namespace Crm.Benchmarks.Pacing;

/// <summary>
/// <c>pacing [--rates 1,30,100] [--seconds 60]</c>: how close a campaign's sends reach the provider to the configured pace.
/// A real hub process (SQLite in a temp folder) sends an SMS campaign at each rate to a local Twilio stand-in that stamps
/// each request on arrival; contacts (a CSV import), the segment and the campaign are made through the public API. Every
/// send of the campaign is measured, none dropped: achieved rate = (n - 1) / (t_last - t_first) and the gaps between
/// arrivals. The baseline in the same run is the pacer alone, a <see cref="SenderPacer.WaitAsync"/> loop at the same rate on
/// the real clock, so the hub's figure reads as a ratio of what the pacer itself achieves.
/// </summary>
internal static class PacingAccuracy
{
    private const string AdminEmail = "bench@localhost";
    private const string AdminPassword = "Bench-Password-1";
    private const string From = "+15550001111";

    public static async Task<int> RunAsync(string[] args)
    {
        var rates = Rates(args);
        var seconds = Seconds(args);
        if (rates is null || seconds is null)
        {
            Console.Error.WriteLine("usage: pacing [--rates 1,30,100] [--seconds 60]   (rates > 0 messages/s, seconds >= 5)");
            return 2;
        }
        Console.WriteLine($"Campaign pacing: rates {string.Join(", ", rates)} msg/s, {seconds} s of sends each; machine: {Environment.ProcessorCount} cores, "
            + $".NET {Environment.Version}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}");

        var baseline = new List<Measured>();
        foreach (var rate in rates)
        {
            baseline.Add(await PacerAloneAsync(rate, Messages(rate, seconds.Value)));
        }

        var hub = new List<(Measured Staged, Measured Arrived, Measured FromSecond)>();
        await using (var twilio = await RecordingTwilio.StartAsync())
        {
            var data = Path.Combine(Path.GetTempPath(), "crm-bench", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(data);
            try
            {
                await using var process = new HubProcess(data, Settings(twilio.Url));
                await process.StartAsync();
                using var api = await ApiAsync(process.BaseAddress);
                // Warm-up outside the measurement: JIT of the send path and the connection to Twilio, so a cold first send
                // does not stretch the first gap of a measured campaign.
                await CampaignAsync(api, twilio, 9, 100, 100, Path.Combine(data, "crm.db"), null, "warm-up (not measured)");
                for (var i = 0; i < rates.Count; i++)
                {
                    hub.Add(await CampaignAsync(api, twilio, i, rates[i], Messages(rates[i], seconds.Value), Path.Combine(data, "crm.db"),
                        args.Contains("--keep") ? data : null, "hub campaign"));
                }
            }
            finally
            {
                try
                {
                    if (args.Contains("--keep"))
                    {
                        Console.WriteLine($"(the hub's data folder is kept: {data})");
                    }
                    else
                    {
                        Directory.Delete(data, recursive: true);
                    }
                }
                catch (IOException)
                {
                }
            }
        }

        Console.WriteLine();
        Console.WriteLine("| configured | path | messages | achieved msg/s | error | gap p50 ms | gap p99 ms | gap max ms | hub / pacer-only |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        for (var i = 0; i < rates.Count; i++)
        {
            Console.WriteLine(Row(rates[i], "pacer alone (baseline)", baseline[i], null));
            Console.WriteLine(Row(rates[i], "hub: runner staged (outbox row written)", hub[i].Staged, baseline[i]));
            Console.WriteLine(Row(rates[i], "hub: arrived at Twilio", hub[i].Arrived, baseline[i]));
            // The runner commits a staged send once 50 ms have passed since its batch began, checked after the next send's
            // wait: the first send of a page is released with the second, an interval late (1 s at 1/s).
            Console.WriteLine(Row(rates[i], "hub: arrived at Twilio, 2nd send on", hub[i].FromSecond, baseline[i]));
        }
        return 0;
    }

    /// <summary>Enough sends that one interval's timing error is well under 1 % of the whole: <c>rate × seconds + 1</c>, at least 61.</summary>
    private static int Messages(double rate, int seconds) => Math.Max(61, (int)Math.Round(rate * seconds) + 1);

    private static Dictionary<string, string> Settings(Uri twilio) => new()
    {
        ["Crm__Bootstrap__AdminEmail"] = AdminEmail,
        ["Crm__Bootstrap__AdminPassword"] = AdminPassword,
        ["Crm__PublicBaseUrl"] = "https://bench.example.test",
        ["Crm__Channels__Sms__AccountSid"] = RecordingTwilio.AccountSid,
        ["Crm__Channels__Sms__AuthToken"] = "bench-auth-token",
        ["Crm__Channels__Sms__From"] = From,
        ["Crm__Channels__Sms__ApiBaseUrl"] = twilio.ToString(),
        ["Crm__Campaigns__MaxPaceSms"] = "1000",
    };

    /// <summary>The pacer on its own: the same rate, the real clock, a stamp after each wait.</summary>
    private static async Task<Measured> PacerAloneAsync(double rate, int messages)
    {
        var pacer = new SenderPacer(TimeProvider.System);
        var sender = $"bench:{rate.ToString(CultureInfo.InvariantCulture)}";
        pacer.SetPace(sender, rate);
        var stamps = new long[messages];
        for (var i = 0; i < messages; i++)
        {
            await pacer.WaitAsync(sender, CancellationToken.None);
            stamps[i] = Stopwatch.GetTimestamp();
        }
        var measured = Measured.Of(stamps, Stopwatch.Frequency);
        Console.WriteLine($"pacer alone at {rate}/s: {Describe(measured, rate)}");
        return measured;
    }

    private static async Task<(Measured Staged, Measured Arrived, Measured FromSecond)> CampaignAsync(HttpClient api, RecordingTwilio twilio, int index, double rate, int messages, string database, string? keepIn, string label)
    {
        var tag = $"pace-{index}";
        var numbers = Enumerable.Range(0, messages).Select(i => $"+98912{index}{i:000000}").ToList();
        await ImportAsync(api, tag, numbers);
        var segment = await PostAsync(api, "/api/v1/segments", new
        {
            name = $"pacing {index}: {rate}/s",
            definition = new { match = "all", conditions = new[] { new { field = "tag", @operator = "has", value = tag } } },
        });
        var campaign = await PostAsync(api, "/api/v1/campaigns", new
        {
            name = $"pacing {index}: {rate}/s",
            channel = "sms",
            segmentId = segment,
            template = new { bodyEn = "Hello {{ contact.first_name }}, your plan renews soon." },
            pace = rate,
        });
        twilio.Reset();
        var launchedAt = Stopwatch.GetTimestamp();
        using (var launched = await api.PostAsync($"/api/v1/campaigns/{campaign}/launch", null))
        {
            await EnsureAsync(launched);
        }
        var deadline = Stopwatch.StartNew();
        var allowed = TimeSpan.FromSeconds(messages / rate * 1.5 + 60);
        while (twilio.Count < messages)
        {
            if (deadline.Elapsed > allowed)
            {
                throw new TimeoutException($"At {rate}/s only {twilio.Count} of {messages} sends reached Twilio in {allowed.TotalSeconds:F0} s.");
            }
            await Task.Delay(200);
        }
        var state = await WaitCompletedAsync(api, campaign);
        var arrivals = twilio.Reset();
        var expected = numbers.ToHashSet();
        var distinct = arrivals.Select(a => a.To).Distinct().Count();
        if (arrivals.Count != messages || distinct != messages || !arrivals.All(a => expected.Contains(a.To)))
        {
            throw new InvalidOperationException($"At {rate}/s Twilio got {arrivals.Count} sends to {distinct} numbers; expected {messages}, one each.");
        }
        long[] stamps = [.. arrivals.Select(a => a.Timestamp).Order()];
        var measured = Measured.Of(stamps, Stopwatch.Frequency);
        var staged = await StagedAsync(database, campaign);
        if (keepIn is not null)
        {
            // Each arrival in ms after the launch request, to set beside the hub's own outbox times.
            await File.WriteAllLinesAsync(Path.Combine(keepIn, $"arrivals-{index}.csv"),
                arrivals.Select(a => FormattableString.Invariant($"{a.To},{(a.Timestamp - launchedAt) * 1000.0 / Stopwatch.Frequency:F3}")));
        }
        Console.WriteLine($"{label} at {rate}/s: staged {Describe(staged, rate)}");
        Console.WriteLine($"{label} at {rate}/s: at Twilio {Describe(measured, rate)}; campaign {state}");
        return (staged, measured, Measured.Of(stamps[1..], Stopwatch.Frequency));
    }

    /// <summary>
    /// When the runner staged each send (its outbox row's CreatedAt: the moment its pacer slot came), read from the hub's
    /// SQLite file. Stored by EF's DateTimeOffsetToBinaryConverter: UTC ticks / 1000 shifted left 11 bits (offset 0 below).
    /// </summary>
    private static async Task<Measured> StagedAsync(string database, Guid campaign)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT o.CreatedAt FROM Outbox o JOIN CampaignRecipients r ON r.MessageId = o.MessageId
            WHERE r.CampaignId = $campaign ORDER BY o.CreatedAt
            """;
        command.Parameters.AddWithValue("$campaign", campaign.ToString().ToUpperInvariant());
        var stamps = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            stamps.Add(reader.GetInt64(0) >> 11);
        }
        // Units of 1000 ticks: 10,000 a second.
        return Measured.Of([.. stamps], TimeSpan.TicksPerSecond / 1000);
    }

    private static async Task ImportAsync(HttpClient api, string tag, List<string> numbers)
    {
        var csv = new StringBuilder("name,phone,tags\n");
        for (var i = 0; i < numbers.Count; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"Customer {tag} {i},{numbers[i]},{tag}\n");
        }
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", $"{tag}.csv");
        using var uploaded = await api.PostAsync("/api/v1/contact-imports", form);
        await EnsureAsync(uploaded);
        var id = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var started = await api.PostAsJsonAsync($"/api/v1/contact-imports/{id}/start", new
        {
            hasHeader = true,
            columns = new object[] { new { column = 0, field = "name" }, new { column = 1, field = "phone" }, new { column = 2, field = "tags" } },
        });
        await EnsureAsync(started);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contact-imports/{id}");
            var status = view.GetProperty("status").GetString();
            if (status == "completed")
            {
                var created = view.GetProperty("created").GetInt32();
                if (created != numbers.Count)
                {
                    throw new InvalidOperationException($"The import created {created} of {numbers.Count} contacts: {view}");
                }
                return;
            }
            if (status == "failed" || clock.Elapsed > TimeSpan.FromMinutes(5))
            {
                throw new InvalidOperationException($"The contact import did not complete: {view}");
            }
            await Task.Delay(200);
        }
    }

    private static async Task<string> WaitCompletedAsync(HttpClient api, Guid campaign)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var view = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaign}");
            var counters = view.GetProperty("counters");
            var summary = $"{view.GetProperty("state").GetString()}, sent {counters.GetProperty("sent").GetInt32()} of {counters.GetProperty("total").GetInt32()}";
            if ((view.GetProperty("state").GetString() == "completed" && counters.GetProperty("queued").GetInt32() == 0) || clock.Elapsed > TimeSpan.FromSeconds(60))
            {
                return summary;
            }
            await Task.Delay(250);
        }
    }

    private static async Task<Guid> PostAsync(HttpClient api, string path, object body)
    {
        using var response = await api.PostAsJsonAsync(path, body);
        await EnsureAsync(response);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: "
                + await response.Content.ReadAsStringAsync());
        }
    }

    private static async Task<HttpClient> ApiAsync(Uri baseAddress)
    {
        var api = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        using var login = await api.PostAsJsonAsync("/api/v1/auth/token", new { email = AdminEmail, password = AdminPassword });
        await EnsureAsync(login);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static string Describe(Measured m, double rate) =>
        $"{m.Messages} messages, {m.AchievedRate:F4}/s ({Error(m, rate)}), gaps p50 {m.GapP50Ms:F2} ms, p99 {m.GapP99Ms:F2} ms, max {m.GapMaxMs:F2} ms";

    private static string Error(Measured m, double rate) => $"{(m.AchievedRate - rate) / rate * 100:+0.000;-0.000;0.000} %";

    private static string Row(double rate, string path, Measured m, Measured? baseline) =>
        $"| {rate} msg/s | {path} | {m.Messages} | {m.AchievedRate:F4} | {Error(m, rate)} | {m.GapP50Ms:F2} | {m.GapP99Ms:F2} | {m.GapMaxMs:F2} | "
        + (baseline is null ? "1 (itself)" : $"{m.AchievedRate / baseline.AchievedRate:F4}") + " |";

    private static List<double>? Rates(string[] args)
    {
        var i = Array.IndexOf(args, "--rates");
        if (i < 0)
        {
            return [1, 30, 100];
        }
        if (i + 1 >= args.Length)
        {
            return null;
        }
        var rates = new List<double>();
        foreach (var part in args[i + 1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) || !double.IsFinite(rate) || rate <= 0 || rate > 1000)
            {
                return null;
            }
            rates.Add(rate);
        }
        return rates.Count == 0 || rates.Count > 9 ? null : rates;
    }

    private static int? Seconds(string[] args)
    {
        var i = Array.IndexOf(args, "--seconds");
        if (i < 0)
        {
            return 60;
        }
        return i + 1 < args.Length && int.TryParse(args[i + 1], out var seconds) && seconds >= 5 ? seconds : null;
    }

    /// <summary>Time stamps (in order, <c>frequency</c> a second) reduced to the achieved rate and the gaps between them.</summary>
    private sealed record Measured(int Messages, double AchievedRate, double GapP50Ms, double GapP99Ms, double GapMaxMs)
    {
        public static Measured Of(long[] stamps, long frequency)
        {
            var gaps = new double[stamps.Length - 1];
            for (var i = 1; i < stamps.Length; i++)
            {
                gaps[i - 1] = (stamps[i] - stamps[i - 1]) * 1000.0 / frequency;
            }
            Array.Sort(gaps);
            double P(double q) => gaps[Math.Min(gaps.Length - 1, (int)Math.Ceiling(q * gaps.Length) - 1)];
            var span = (stamps[^1] - stamps[0]) / (double)frequency;
            return new Measured(stamps.Length, (stamps.Length - 1) / span, P(0.50), P(0.99), gaps[^1]);
        }
    }
}
