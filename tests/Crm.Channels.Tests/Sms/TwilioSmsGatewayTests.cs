using System.Net;
using System.Net.Sockets;
using System.Text;
using Crm.Channels.Sms;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Channels.Tests.Sms;

/// <summary>The gateway against an in-process Twilio speaking the Messages resource's wire format.</summary>
public sealed class TwilioSmsGatewayTests : IDisposable
{
    private const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    private const string AuthToken = "test-auth-token";
    private const string MessagesPath = $"/2010-04-01/Accounts/{AccountSid}/Messages.json";
    private const string MessageSid = "SM9f8e7d6c5b4a39281706f5e4d3c2b1a0";

    private static readonly Uri Callback = new("https://crm.example.test/webhooks/sms/status");

    private readonly WireMockServer _twilio = WireMockServer.Start();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _twilio.Stop();
        _twilio.Dispose();
    }

    private TwilioSmsGateway Gateway(string? from = "+14155550100", string? messagingServiceSid = null, HttpClient? http = null) =>
        new(http ?? _http, new SmsOptions
        {
            AccountSid = AccountSid,
            AuthToken = AuthToken,
            From = from,
            MessagingServiceSid = messagingServiceSid,
            ApiBaseUrl = _twilio.Url!,
        });

    private void Reply(int status, string json, params (string Name, string Value)[] headers)
    {
        var response = Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json; charset=utf-8").WithBody(json);
        foreach (var (name, value) in headers)
        {
            response = response.WithHeader(name, value);
        }
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(response);
    }

    private static string Created(string status = "queued") => $$"""
        {
          "account_sid": "{{AccountSid}}",
          "api_version": "2010-04-01",
          "body": "Your order has shipped",
          "date_created": "Sun, 01 Mar 2026 12:00:00 +0000",
          "date_sent": null,
          "date_updated": "Sun, 01 Mar 2026 12:00:00 +0000",
          "direction": "outbound-api",
          "error_code": null,
          "error_message": null,
          "from": "+14155550100",
          "messaging_service_sid": null,
          "num_media": "0",
          "num_segments": "1",
          "price": null,
          "price_unit": "USD",
          "sid": "{{MessageSid}}",
          "status": "{{status}}",
          "subresource_uris": {"media": "/2010-04-01/Accounts/{{AccountSid}}/Messages/{{MessageSid}}/Media.json"},
          "to": "+14155550123",
          "uri": "/2010-04-01/Accounts/{{AccountSid}}/Messages/{{MessageSid}}.json"
        }
        """;

    private static string Error(int code, string message, int status) =>
        $$"""{"code": {{code}}, "message": "{{message}}", "more_info": "https://www.twilio.com/docs/errors/{{code}}", "status": {{status}}}""";

    private ILogEntry SingleRequest() => Assert.Single(_twilio.LogEntries);

    private static Dictionary<string, string> FormOf(ILogEntry entry) =>
        (entry.RequestMessage?.Body ?? "").Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(kv => WebUtility.UrlDecode(kv[0]), kv => WebUtility.UrlDecode(kv[1]));

    [Fact]
    public async Task CreatedMessageIsSentWithTwilioSid()
    {
        Reply(201, Created());

        var result = await Gateway().SendAsync("+14155550123", "Your order has shipped", Callback, CancellationToken.None);

        Assert.Equal(SendResult.Sent(MessageSid), result);
    }

    [Fact]
    public async Task RequestIsAFormPostWithBasicAuth()
    {
        Reply(201, Created());

        await Gateway().SendAsync("+14155550123", "Ünïcode & ampersands = fine", Callback, CancellationToken.None);

        var request = SingleRequest().RequestMessage;
        Assert.NotNull(request);
        Assert.Equal("POST", request.Method);
        Assert.Equal(MessagesPath, request.Path);
        Assert.StartsWith("application/x-www-form-urlencoded", request.Headers!["Content-Type"].Single(), StringComparison.Ordinal);
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{AccountSid}:{AuthToken}"));
        Assert.Equal($"Basic {basic}", request.Headers["Authorization"].Single());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["To"] = "+14155550123",
                ["From"] = "+14155550100",
                ["Body"] = "Ünïcode & ampersands = fine",
                ["StatusCallback"] = Callback.AbsoluteUri,
            },
            FormOf(SingleRequest()));
    }

    [Fact]
    public async Task MessagingServiceIsUsedWhenThereIsNoFromNumber()
    {
        Reply(201, Created("accepted"));

        await Gateway(from: null, messagingServiceSid: "MG0123456789abcdef0123456789abcdef").SendAsync("+14155550123", "Hi", null, CancellationToken.None);

        Assert.Equal(
            new Dictionary<string, string> { ["To"] = "+14155550123", ["MessagingServiceSid"] = "MG0123456789abcdef0123456789abcdef", ["Body"] = "Hi" },
            FormOf(SingleRequest()));
    }

    [Fact]
    public async Task ConcurrencyLimitIsTransientHonouringRetryAfter()
    {
        Reply(429, Error(20429, "Too Many Requests", 429), ("Retry-After", "7"));

        var result = await Gateway().SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromSeconds(7), result.RetryAfter);
        Assert.Equal("20429: Too Many Requests", result.Error);
    }

    [Fact]
    public async Task ServiceUnavailableIsTransient()
    {
        Reply(503, Error(20503, "Service Unavailable", 503));

        var result = await Gateway().SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Null(result.RetryAfter);
    }

    [Fact]
    public async Task ServiceUnavailableWithRetryAfterIsTransientHonouringIt()
    {
        Reply(503, "<html>upstream unavailable</html>", ("Retry-After", "120"));

        var result = await Gateway().SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.Equal(TimeSpan.FromMinutes(2), result.RetryAfter);
        Assert.StartsWith("HTTP 503:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OptedOutRecipientIsPermanentAndSaysOptedOut()
    {
        Reply(400, Error(21610, "Attempt to send to unsubscribed recipient", 400));

        var result = await Gateway().SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.PermanentFailure, result.Outcome);
        Assert.StartsWith("opted-out:", result.Error, StringComparison.Ordinal);
        Assert.Contains("unsubscribed recipient", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvalidToNumberIsPermanentWithTwilioCode()
    {
        Reply(400, Error(21211, "The 'To' number +1555 is not a valid phone number.", 400));

        var result = await Gateway().SendAsync("+1555", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendResult.Permanent("21211: The 'To' number +1555 is not a valid phone number."), result);
    }

    [Fact]
    public async Task FullSenderQueueIsTransient()
    {
        Reply(400, Error(21611, "This 'From' number has exceeded the maximum number of queued messages", 400));

        var result = await Gateway().SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
    }

    [Fact]
    public async Task RefusedConnectionIsTransient()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var gateway = new TwilioSmsGateway(_http, new SmsOptions
        {
            AccountSid = AccountSid,
            AuthToken = AuthToken,
            From = "+14155550100",
            ApiBaseUrl = $"http://127.0.0.1:{port}",
        });

        var result = await gateway.SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.StartsWith("network:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutIsTransient()
    {
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(Created()).WithDelay(TimeSpan.FromSeconds(3)));
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(200) };

        var result = await Gateway(http: impatient).SendAsync("+14155550123", "Hi", Callback, CancellationToken.None);

        Assert.Equal(SendOutcome.TransientFailure, result.Outcome);
        Assert.StartsWith("timeout:", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CallerCancellationIsNotSwallowed()
    {
        _twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithBody(Created()).WithDelay(TimeSpan.FromSeconds(3)));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Gateway().SendAsync("+14155550123", "Hi", Callback, cancel.Token));
    }

    [Fact]
    public async Task UnconfiguredGatewayRefusesToSend()
    {
        var gateway = new TwilioSmsGateway(_http, new SmsOptions { AccountSid = AccountSid, AuthToken = AuthToken });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => gateway.SendAsync("+14155550123", "Hi", null, CancellationToken.None));
        Assert.Contains(SmsOptions.Section, error.Message, StringComparison.Ordinal);
    }
}
