using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Crm.Benchmarks.EndToEnd;

/// <summary>
/// Open-loop end-to-end latency: visitors send at a fixed arrival rate; we time from each message's scheduled
/// send to the agent console receiving its MessageAdded frame. The baseline is a bare SignalR relay (one client
/// sends, the server forwards to another) driven the same way in the same run.
/// </summary>
internal static class EndToEndLatency
{
    private const string AdminEmail = "bench@localhost";
    private const string AdminPassword = "Bench-Password-1";

    public static async Task<int> RunAsync(string[] args)
    {
        var rate = OpenLoop.Option(args, "--rate", 200);
        var messages = OpenLoop.Option(args, "--messages", 10_000);
        var visitors = OpenLoop.Option(args, "--visitors", 50);
        Console.WriteLine($"End-to-end: {messages} messages at {rate}/s from {visitors} visitors; machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");

        var baseline = await RunBaselineAsync(rate, messages, visitors);
        OpenLoop.Report("bare SignalR relay (baseline)", baseline, messages);

        var hub = await RunHubAsync(rate, messages, visitors);
        OpenLoop.Report("Crm.Hub visitor Send -> agent MessageAdded", hub, messages);
        return 0;
    }

    private static async Task<OpenLoop.Result> RunBaselineAsync(int rate, int messages, int senders)
    {
        var port = OpenLoop.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Services.AddSignalR();
        await using var app = builder.Build();
        app.MapHub<RelayHub>("/relay");
        await app.StartAsync();

        var clock = Stopwatch.StartNew();
        var received = new ConcurrentDictionary<int, long>();
        var scheduled = new ConcurrentDictionary<int, long>();
        await using var receiver = Connection($"http://127.0.0.1:{port}/relay");
        receiver.On<int, string>("Relayed", (i, _) => received[i] = clock.ElapsedTicks);
        await receiver.StartAsync();
        await receiver.InvokeAsync("Listen");
        var clients = new List<HubConnection>();
        for (var v = 0; v < senders; v++)
        {
            var c = Connection($"http://127.0.0.1:{port}/relay");
            await c.StartAsync();
            clients.Add(c);
        }
        var result = await OpenLoop.DriveAsync(rate, messages, i => clients[i % senders].InvokeAsync("Relay", i, $"m-{i}"), received, scheduled, clock);
        foreach (var c in clients)
        {
            await c.DisposeAsync();
        }
        await app.StopAsync();
        return result;
    }

    private sealed class RelayHub : Microsoft.AspNetCore.SignalR.Hub
    {
        public Task Listen() => Groups.AddToGroupAsync(Context.ConnectionId, "agents");

        public Task Relay(int index, string body) => Clients.Group("agents").SendAsync("Relayed", index, body);
    }

    private static async Task<OpenLoop.Result> RunHubAsync(int rate, int messages, int visitorCount)
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), "crm-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var process = new HubProcess(dataDirectory, new Dictionary<string, string>
        {
            ["Crm__Bootstrap__AdminEmail"] = AdminEmail,
            ["Crm__Bootstrap__AdminPassword"] = AdminPassword,
            ["Crm__Channels__WebChat__SessionsPerMinute"] = "1000000",
        });
        var baseAddress = process.BaseAddress;
        try
        {
            await process.StartAsync();
            using var http = new HttpClient { BaseAddress = baseAddress };
            var token = (await (await http.PostAsJsonAsync("/api/v1/auth/token", new { email = AdminEmail, password = AdminPassword }))
                .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;

            var clock = Stopwatch.StartNew();
            var received = new ConcurrentDictionary<int, long>();
            var scheduled = new ConcurrentDictionary<int, long>();
            await using var agent = Connection(new Uri(baseAddress, "/hubs/agent").ToString(), token);
            agent.On<JsonElement>("MessageAdded", e =>
            {
                var body = e.GetProperty("data").GetProperty("body").GetString();
                if (body is not null && body.StartsWith("m-", StringComparison.Ordinal) && int.TryParse(body.AsSpan(2), out var i))
                {
                    received.TryAdd(i, clock.ElapsedTicks);
                }
            });
            await agent.StartAsync();

            var visitors = new List<HubConnection>();
            for (var v = 0; v < visitorCount; v++)
            {
                var session = await (await http.PostAsJsonAsync("/api/v1/widget/session", new { name = $"Visitor {v}" })).Content.ReadFromJsonAsync<JsonElement>();
                var visitorToken = session.GetProperty("visitorToken").GetString()!;
                var connection = Connection(new Uri(baseAddress, $"/hubs/visitor?visitor_token={Uri.EscapeDataString(visitorToken)}").ToString());
                await connection.StartAsync();
                visitors.Add(connection);
            }
            // Warm-up: one message per visitor opens its conversation, so the run measures steady-state threading.
            foreach (var (visitor, v) in visitors.Select((c, v) => (c, v)))
            {
                await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = $"warm-up {v}" });
            }

            var result = await OpenLoop.DriveAsync(rate, messages,
                i => visitors[i % visitorCount].InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = $"m-{i}" }),
                received, scheduled, clock);
            foreach (var v in visitors)
            {
                await v.DisposeAsync();
            }
            return result;
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

    private static HubConnection Connection(string url, string? token = null) => new HubConnectionBuilder()
        .WithUrl(url, o =>
        {
            o.Transports = HttpTransportType.WebSockets;
            o.SkipNegotiation = true;
            if (token is not null)
            {
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            }
        })
        .Build();
}
