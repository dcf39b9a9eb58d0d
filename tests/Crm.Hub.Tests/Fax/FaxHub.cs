using System.Net.Http.Headers;
using System.Text;
using Crm.Channels.Fax;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace Crm.Hub.Tests.Fax;

/// <summary>A hub with fax (and SMS, for the same-number contact), the Phaxio API emulated by WireMock.Net.</summary>
public sealed class FaxHub : HubServer
{
    public const string CallbackToken = "phaxio-test-token";
    public const string FaxNumber = "+15550002222";
    public const string CallbackPath = "/webhooks/fax/phaxio";

    public WireMockServer Phaxio { get; } = WireMockServer.Start();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:PublicBaseUrl"] = SmsHub.PublicBaseUrl,
        ["Crm:Channels:Fax:ApiKey"] = "fax-key",
        ["Crm:Channels:Fax:ApiSecret"] = "fax-secret",
        ["Crm:Channels:Fax:CallbackToken"] = CallbackToken,
        ["Crm:Channels:Fax:From"] = FaxNumber,
        ["Crm:Channels:Fax:ApiBaseUrl"] = Phaxio.Url,
        ["Crm:Channels:Fax:BusinessName"] = "ACME Support",
        ["Crm:Channels:Sms:AccountSid"] = SmsHub.AccountSid,
        ["Crm:Channels:Sms:AuthToken"] = SmsHub.AuthToken,
        ["Crm:Channels:Sms:From"] = SmsHub.BusinessNumber,
        ["Crm:Channels:Sms:ApiBaseUrl"] = Phaxio.Url,
    };

    /// <summary>Posts a callback signed exactly as Phaxio signs it (public URL + sorted fields + sorted file SHA-1s).</summary>
    public async Task<HttpResponseMessage> PostCallbackAsync(Dictionary<string, string> fields, byte[]? pdf = null, string? signature = null)
    {
        using var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields)
        {
            content.Add(new StringContent(value), name);
        }
        var files = new List<KeyValuePair<string, byte[]>>();
        if (pdf is not null)
        {
            var file = new ByteArrayContent(pdf);
            file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
            content.Add(file, "file", "fax.pdf");
            files.Add(new("file", pdf));
        }
        using var client = Client();
        using var request = new HttpRequestMessage(HttpMethod.Post, CallbackPath) { Content = content };
        request.Headers.Add("X-Phaxio-Signature", signature ?? PhaxioSignature.Compute(SmsHub.PublicBaseUrl + CallbackPath, fields, files, CallbackToken));
        return await client.SendAsync(request);
    }

    /// <summary>Phaxio's send endpoint, for a fax to <paramref name="to"/> only (the multipart body holds the number as the "to" part).</summary>
    public static IRequestBuilder SendTo(string to) => Request.Create().WithPath("/v2.1/faxes").UsingPost()
        .WithBody((byte[]? body) => body is not null && Encoding.Latin1.GetString(body).Contains($"name=to\r\n\r\n{to}\r\n", StringComparison.Ordinal));

    /// <summary>The multipart bodies (Latin-1, so the PDF bytes survive) of the sends WireMock saw for a fax to <paramref name="to"/>.</summary>
    public IReadOnlyList<string> SendsTo(string to) => Phaxio.LogEntries
        .Where(l => l.RequestMessage?.Path == "/v2.1/faxes")
        .Select(l => l.RequestMessage?.BodyAsBytes is { } bytes ? Encoding.Latin1.GetString(bytes) : "")
        .Where(b => b.Contains($"name=to\r\n\r\n{to}\r\n", StringComparison.Ordinal))
        .ToList();

    public static Dictionary<string, string> Received(string faxId, string from, int pages) => new()
    {
        ["success"] = "true",
        ["is_test"] = "false",
        ["direction"] = "received",
        ["event_type"] = "fax_completed",
        ["fax"] = $$"""{"id":{{faxId}},"direction":"received","num_pages":{{pages}},"status":"success","from_number":"{{from}}","to_number":"{{FaxNumber}}","completed_at":"2026-11-23T09:00:00Z"}""",
    };

    public static Dictionary<string, string> Sent(string faxId, string status, string? error = null) => new()
    {
        ["success"] = status == "success" ? "true" : "false",
        ["is_test"] = "false",
        ["direction"] = "sent",
        ["event_type"] = "fax_completed",
        ["fax"] = $$"""{"id":{{faxId}},"direction":"sent","num_pages":2,"status":"{{status}}","error_type":{{(error is null ? "null" : "\"lineError\"")}},"error_message":{{(error is null ? "null" : $"\"{error}\"")}}}""",
    };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Phaxio.Stop();
    }
}
