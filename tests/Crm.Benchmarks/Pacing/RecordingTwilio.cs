using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Crm.Benchmarks.EndToEnd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Crm.Benchmarks.Pacing;

/// <summary>
/// A local stand-in for Twilio's Messages resource: answers each send with 201 and the message JSON Twilio returns, and
/// stamps every request with <see cref="Stopwatch.GetTimestamp"/> as it arrives (before routing or reading the body).
/// </summary>
internal sealed class RecordingTwilio : IAsyncDisposable
{
    public const string AccountSid = "AC00000000000000000000000000000077";
    private readonly WebApplication _app;
    private ConcurrentQueue<Arrival> _arrivals = new();
    private long _sids;

    public readonly record struct Arrival(long Timestamp, string To);

    private RecordingTwilio(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int Count => _arrivals.Count;

    /// <summary>Starts recording afresh; returns what was recorded before.</summary>
    public List<Arrival> Reset() => [.. Interlocked.Exchange(ref _arrivals, new ConcurrentQueue<Arrival>())];

    public static async Task<RecordingTwilio> StartAsync()
    {
        var port = OpenLoop.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        var twilio = new RecordingTwilio(app, new Uri($"http://127.0.0.1:{port}"));
        app.Use((context, next) =>
        {
            context.Items[typeof(Arrival)] = Stopwatch.GetTimestamp();
            return next(context);
        });
        app.MapPost("/2010-04-01/Accounts/{account}/Messages.json", twilio.CreateMessageAsync);
        await app.StartAsync();
        return twilio;
    }

    private async Task CreateMessageAsync(HttpContext context, string account)
    {
        var arrived = (long)context.Items[typeof(Arrival)]!;
        var form = await context.Request.ReadFormAsync();
        var to = form["To"].ToString();
        _arrivals.Enqueue(new Arrival(arrived, to));
        var sid = $"SM{Interlocked.Increment(ref _sids):x32}";
        var date = TimeProvider.System.GetUtcNow().ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
        // Twilio's exact wire shape for a created message (POST /2010-04-01/Accounts/{sid}/Messages.json).
        var message = new Dictionary<string, object?>
        {
            ["account_sid"] = account,
            ["api_version"] = "2010-04-01",
            ["body"] = form["Body"].ToString(),
            ["date_created"] = date,
            ["date_sent"] = null,
            ["date_updated"] = date,
            ["direction"] = "outbound-api",
            ["error_code"] = null,
            ["error_message"] = null,
            ["from"] = form["From"].ToString(),
            ["messaging_service_sid"] = form.TryGetValue("MessagingServiceSid", out var service) ? service.ToString() : null,
            ["num_media"] = "0",
            ["num_segments"] = "1",
            ["price"] = null,
            ["price_unit"] = "USD",
            ["sid"] = sid,
            ["status"] = "queued",
            ["subresource_uris"] = new Dictionary<string, string> { ["media"] = $"/2010-04-01/Accounts/{account}/Messages/{sid}/Media.json" },
            ["to"] = to,
            ["uri"] = $"/2010-04-01/Accounts/{account}/Messages/{sid}.json",
        };
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, message);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
