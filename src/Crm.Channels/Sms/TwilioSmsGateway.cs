using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Crm.Channels.Sms;

/// <summary>
/// Sends through Twilio's Messages resource. Throttling, 5xx, network errors and timeouts are transient;
/// an opted-out recipient (21610) is permanent with an error starting <c>opted-out:</c>; other 4xx are permanent.
/// </summary>
public sealed class TwilioSmsGateway(HttpClient http, SmsOptions options) : ISmsGateway
{
    public const string OptedOutPrefix = "opted-out:";

    public async Task<SendResult> SendAsync(string to, string body, Uri? statusCallback, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(to);
        ArgumentNullException.ThrowIfNull(body);
        if (!options.IsConfigured)
        {
            throw new InvalidOperationException(
                $"{SmsOptions.Section} needs AccountSid, AuthToken and From or MessagingServiceSid to send SMS.");
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, MessagesUrl())
        {
            Content = new FormUrlEncodedContent(Form(to, body, statusCallback)),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            var json = await response.Content.ReadAsStringAsync(cancellationToken);
            return response.IsSuccessStatusCode ? SendResult.Sent(ReadString(json, "sid")) : Classify(response, json);
        }
        catch (HttpRequestException ex)
        {
            return SendResult.Transient($"network: {ex.Message}");
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return SendResult.Transient($"timeout: {ex.Message}");
        }
    }

    public async Task<MediaDownload> DownloadMediaAsync(Uri url, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        // Credentials only go to Twilio's own API host; the media itself is then served by a redirect to storage,
        // and HttpClient drops the Authorization header when a redirect leaves the host.
        if (Uri.TryCreate(options.ApiBaseUrl, UriKind.Absolute, out var api) && string.Equals(api.Authority, url.Authority, StringComparison.OrdinalIgnoreCase))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue(
                "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.AccountSid}:{options.AuthToken}")));
        }
        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                var error = $"HTTP {(int)response.StatusCode} fetching {url.AbsolutePath}";
                response.Dispose();
                return MediaDownload.Failed(error);
            }
            var content = await response.Content.ReadAsStreamAsync(cancellationToken);
            return new MediaDownload(new OwningStream(content, response), response.Content.Headers.ContentType?.MediaType, null);
        }
        catch (HttpRequestException ex)
        {
            response?.Dispose();
            return MediaDownload.Failed($"network: {ex.Message}");
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            return MediaDownload.Failed($"timeout: {ex.Message}");
        }
    }

    private Uri MessagesUrl() =>
        new($"{options.ApiBaseUrl.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(options.AccountSid!)}/Messages.json");

    private List<KeyValuePair<string, string>> Form(string to, string body, Uri? statusCallback)
    {
        var form = new List<KeyValuePair<string, string>> { new("To", to) };
        form.Add(string.IsNullOrWhiteSpace(options.From)
            ? new("MessagingServiceSid", options.MessagingServiceSid!)
            : new("From", options.From));
        form.Add(new("Body", body));
        if (statusCallback is not null)
        {
            form.Add(new("StatusCallback", statusCallback.AbsoluteUri));
        }
        return form;
    }

    private static SendResult Classify(HttpResponseMessage response, string json)
    {
        var status = (int)response.StatusCode;
        var code = ReadCode(json);
        var message = ReadString(json, "message") ?? (json.Length > 200 ? json[..200] : json);
        var error = code is null ? $"HTTP {status}: {message}" : $"{code}: {message}";

        // 20429 is Twilio's concurrency limit (the 429); 21611 is the sender's queue being full, which drains.
        if (response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout
            || status >= 500 || code is 20429 or 21611)
        {
            return SendResult.Transient(error, RetryAfter(response));
        }
        if (code == 21610)
        {
            return SendResult.Permanent($"{OptedOutPrefix} {message}");
        }
        return status is >= 400 and < 500 ? SendResult.Permanent(error) : SendResult.Transient(error, RetryAfter(response));
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var retryAfter = response.Headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta;
        }
        // A date is measured against the response's own Date header, which keeps this free of a clock.
        if (retryAfter?.Date is { } at && response.Headers.Date is { } now)
        {
            return at > now ? at - now : TimeSpan.Zero;
        }
        return null;
    }

    private static int? ReadCode(string json)
    {
        var code = Read(json, "code");
        return code?.ValueKind switch
        {
            JsonValueKind.Number when code.Value.TryGetInt32(out var number) => number,
            JsonValueKind.String when int.TryParse(code.Value.GetString(), out var number) => number,
            _ => null,
        };
    }

    private static string? ReadString(string json, string property) =>
        Read(json, property) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;

    private static JsonElement? Read(string json, string property)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty(property, out var value)
                ? value.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The response body, which disposes its response when it is disposed.</summary>
    private sealed class OwningStream(Stream inner, HttpResponseMessage owner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
                owner.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
