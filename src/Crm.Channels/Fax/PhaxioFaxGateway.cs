using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Crm.Channels.Fax;

/// <summary>
/// Phaxio's v2.1 REST API over HttpClient (Basic api_key:api_secret). 429, 5xx, network errors and timeouts are
/// transient; other 4xx are permanent with Phaxio's message.
/// </summary>
public sealed class PhaxioFaxGateway(HttpClient http, FaxOptions options) : IFaxGateway
{
    public FaxCapabilities Capabilities { get; } = new(MaxRecipients: 15, MaxDocumentBytes: 20 * 1024 * 1024, SignedCallbacks: true, Cancel: true);

    public async Task<SendResult> SendAsync(FaxSendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(request.To), "to");
        foreach (var document in request.Documents)
        {
            var file = new ByteArrayContent(document.Pdf);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            form.Add(file, "file", document.FileName);
        }
        if (!string.IsNullOrWhiteSpace(request.HeaderText))
        {
            form.Add(new StringContent(request.HeaderText.Length > 50 ? request.HeaderText[..50] : request.HeaderText), "header_text");
        }
        if (request.CallbackUrl is not null)
        {
            form.Add(new StringContent(request.CallbackUrl.AbsoluteUri), "callback_url");
        }
        form.Add(new StringContent(request.ClientReference), "tag[client_ref]");
        using var message = new HttpRequestMessage(HttpMethod.Post, Url("faxes")) { Content = form };
        var (response, error) = await SendAsync(message, cancellationToken);
        if (error is not null)
        {
            return error;
        }
        using (response)
        {
            var json = await response!.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode && Read(json) is { } body && body.TryGetProperty("success", out var ok) && ok.ValueKind == JsonValueKind.True
                && body.TryGetProperty("data", out var data) && data.TryGetProperty("id", out var id))
            {
                return SendResult.Sent(id.ValueKind == JsonValueKind.Number ? id.GetRawText() : id.GetString());
            }
            return Classify(response.StatusCode, json);
        }
    }

    public async Task<FaxStatusChanged?> GetStatusAsync(string providerFaxId, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Url($"faxes/{Uri.EscapeDataString(providerFaxId)}"));
        var (response, _) = await SendAsync(message, cancellationToken);
        if (response is null)
        {
            return null;
        }
        using (response)
        {
            var json = await response.Content.ReadAsStringAsync(cancellationToken);
            if (!response.IsSuccessStatusCode || Read(json) is not { } body || !body.TryGetProperty("data", out var data))
            {
                return null;
            }
            var fields = new Dictionary<string, string> { ["direction"] = "sent", ["fax"] = data.GetRawText() };
            return PhaxioWebhook.Parse(fields, null, DateTimeOffset.UnixEpoch).Value as FaxStatusChanged;
        }
    }

    public async Task<bool> CancelAsync(string providerFaxId, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, Url($"faxes/{Uri.EscapeDataString(providerFaxId)}/cancel"));
        var (response, _) = await SendAsync(message, cancellationToken);
        using (response)
        {
            return response?.IsSuccessStatusCode == true;
        }
    }

    public async Task<byte[]?> DownloadAsync(string providerFaxId, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, Url($"faxes/{Uri.EscapeDataString(providerFaxId)}/file"));
        var (response, _) = await SendAsync(message, cancellationToken);
        using (response)
        {
            return response?.IsSuccessStatusCode == true ? await response.Content.ReadAsByteArrayAsync(cancellationToken) : null;
        }
    }

    private Uri Url(string path) => new($"{options.ApiBaseUrl.TrimEnd('/')}/v2.1/{path}");

    private async Task<(HttpResponseMessage? Response, SendResult? Error)> SendAsync(HttpRequestMessage message, CancellationToken ct)
    {
        message.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.ApiKey}:{options.ApiSecret}")));
        try
        {
            return (await http.SendAsync(message, ct), null);
        }
        catch (HttpRequestException ex)
        {
            return (null, SendResult.Transient($"network: {ex.Message}"));
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            return (null, SendResult.Transient($"timeout: {ex.Message}"));
        }
    }

    private static SendResult Classify(HttpStatusCode status, string json)
    {
        var message = Read(json) is { } body && body.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
            ? m.GetString()
            : json.Length > 200 ? json[..200] : json;
        var error = $"HTTP {(int)status}: {message}";
        return status == HttpStatusCode.TooManyRequests || (int)status >= 500 || status == HttpStatusCode.RequestTimeout
            ? SendResult.Transient(error)
            : SendResult.Permanent(error);
    }

    private static JsonElement? Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
