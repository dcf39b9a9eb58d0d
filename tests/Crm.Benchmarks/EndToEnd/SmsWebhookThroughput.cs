using System.Collections.Concurrent;
using System.Diagnostics;
using Crm.Channels.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crm.Benchmarks.EndToEnd;

/// <summary>
/// Signed Twilio inbound webhooks at a fixed arrival rate: the time from each request's scheduled start to its
/// 200 (signature checked, message committed, empty TwiML). The baseline is bare Kestrel answering an empty POST
/// with the same forms, driven the same way in the same run. Requests are signed before the run starts.
/// </summary>
internal static class SmsWebhookThroughput
{
    private const string AuthToken = "bench-auth-token";
    private const string AccountSid = "AC00000000000000000000000000000099";
    private const string PublicBaseUrl = "https://bench.example.test";
    private const string Path = "/webhooks/sms/twilio";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = OpenLoop.Option(args, "--rate", 500);
        var messages = OpenLoop.Option(args, "--messages", 10_000);
        var senders = OpenLoop.Option(args, "--senders", 500);
        Console.WriteLine($"SMS webhooks: {messages} signed requests at {rate}/s from {senders} numbers; machine: {Environment.ProcessorCount} cores, .NET {Environment.Version}");

        var forms = Enumerable.Range(0, messages).Select(i => Form(i, senders)).ToArray();
        var signatures = forms.Select(f => TwilioSignature.Compute(PublicBaseUrl + Path, f, AuthToken)).ToArray();

        OpenLoop.Report("bare Kestrel, empty POST (baseline)", await RunBaselineAsync(rate, forms), messages);
        OpenLoop.Report("Crm.Hub signed SMS webhook -> committed -> 200", await RunHubAsync(rate, forms, signatures), messages);
        return 0;
    }

    private static List<KeyValuePair<string, string>> Form(int i, int senders) =>
    [
        new("MessageSid", $"SM{i:D32}"),
        new("AccountSid", AccountSid),
        new("From", $"+1555{i % senders:D7}"),
        new("To", "+15550001111"),
        new("Body", $"m-{i} Is my order ready?"),
        new("NumMedia", "0"),
        new("NumSegments", "1"),
    ];

    private static async Task<OpenLoop.Result> RunBaselineAsync(int rate, List<KeyValuePair<string, string>>[] forms)
    {
        var port = OpenLoop.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        await using var app = builder.Build();
        app.MapPost(Path, () => Results.Empty);
        await app.StartAsync();
        using var http = Client(new Uri($"http://127.0.0.1:{port}"));
        var result = await DriveAsync(http, rate, forms, null);
        await app.StopAsync();
        return result;
    }

    private static async Task<OpenLoop.Result> RunHubAsync(int rate, List<KeyValuePair<string, string>>[] forms, string[] signatures)
    {
        var dataDirectory = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "crm-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var process = new HubProcess(dataDirectory, new Dictionary<string, string>
        {
            ["Crm__PublicBaseUrl"] = PublicBaseUrl,
            ["Crm__Channels__Sms__AccountSid"] = AccountSid,
            ["Crm__Channels__Sms__AuthToken"] = AuthToken,
            ["Crm__Channels__Sms__From"] = "+15550001111",
            ["Crm__Bootstrap__AdminEmail"] = "bench@localhost",
            ["Crm__Bootstrap__AdminPassword"] = "Bench-Password-1",
        });
        try
        {
            await process.StartAsync();
            using var http = Client(process.BaseAddress);
            // Warm-up outside the measurement: JIT, connection pool, first contacts.
            for (var i = 0; i < 200; i++)
            {
                using var warm = Request(Form(1_000_000 + i, 200), TwilioSignature.Compute(PublicBaseUrl + Path, Form(1_000_000 + i, 200), AuthToken));
                (await http.SendAsync(warm)).EnsureSuccessStatusCode();
            }
            return await DriveAsync(http, rate, forms, signatures);
        }
        finally
        {
            await process.DisposeAsync();
            try
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static Task<OpenLoop.Result> DriveAsync(HttpClient http, int rate, List<KeyValuePair<string, string>>[] forms, string[]? signatures)
    {
        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<int, long>();
        return OpenLoop.DriveAsync(rate, forms.Length, async i =>
        {
            using var request = Request(forms[i], signatures?[i]);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            received[i] = clock.ElapsedTicks;
        }, received, new ConcurrentDictionary<int, long>(), clock);
    }

    private static HttpRequestMessage Request(List<KeyValuePair<string, string>> form, string? signature)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = new FormUrlEncodedContent(form) };
        if (signature is not null)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }
        return request;
    }

    private static HttpClient Client(Uri baseAddress) => new(new SocketsHttpHandler { MaxConnectionsPerServer = 512, PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromSeconds(30),
    };
}
