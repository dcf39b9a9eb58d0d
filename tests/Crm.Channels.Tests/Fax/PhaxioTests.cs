using System.Text;
using Crm.Channels.Fax;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Channels.Tests.Fax;

public sealed class PhaxioTests
{
    private static readonly Dictionary<string, string> VectorFields = new()
    {
        ["success"] = "true", ["is_test"] = "true", ["direction"] = "received", ["event_type"] = "fax_completed",
    };

    private static readonly KeyValuePair<string, byte[]>[] VectorFile = [new("file", Encoding.ASCII.GetBytes("%PDF-1.4\n%test\n"))];

    [Fact]
    public void SignatureMatchesTheDossierVector() =>
        Assert.Equal("07e2c420ba6d5870ad22937ad77c42f6b60fd2b6",
            PhaxioSignature.Compute("https://crm.example.test/webhooks/fax/phaxio", VectorFields, VectorFile, "phaxio-test-token"));

    [Fact]
    public void SignatureRejectsAnyChange()
    {
        const string url = "https://crm.example.test/webhooks/fax/phaxio";
        const string good = "07e2c420ba6d5870ad22937ad77c42f6b60fd2b6";
        Assert.True(PhaxioSignature.IsValid(url, VectorFields, VectorFile, good.ToUpperInvariant(), "phaxio-test-token"));
        Assert.False(PhaxioSignature.IsValid(url, VectorFields, VectorFile, good, "another-token"));
        Assert.False(PhaxioSignature.IsValid(url + "x", VectorFields, VectorFile, good, "phaxio-test-token"));
        Assert.False(PhaxioSignature.IsValid(url, VectorFields, [new("file", Encoding.ASCII.GetBytes("%PDF-1.4\n%tost\n"))], good, "phaxio-test-token"));
        Assert.False(PhaxioSignature.IsValid(url, new Dictionary<string, string>(VectorFields) { ["success"] = "false" }, VectorFile, good, "phaxio-test-token"));
        Assert.False(PhaxioSignature.IsValid(url, VectorFields, VectorFile, null, "phaxio-test-token"));
        // The provider may have been given the URL with the default port spelled out.
        Assert.True(PhaxioSignature.IsValid("https://crm.example.test:443/webhooks/fax/phaxio", VectorFields, VectorFile, good, "phaxio-test-token"));
    }

    [Fact]
    public void ReceivedFaxCarriesSenderPagesAndPdf()
    {
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n");
        var parsed = PhaxioWebhook.Parse(new Dictionary<string, string>
        {
            ["direction"] = "received", ["event_type"] = "fax_completed", ["success"] = "true",
            ["fax"] = """{"id":123456,"direction":"received","num_pages":3,"status":"success","from_number":"+15551230000","to_number":"+15550009999","completed_at":"2026-11-23T10:00:00.000Z"}""",
        }, pdf, DateTimeOffset.UnixEpoch);
        var received = Assert.IsType<FaxReceived>(parsed.Value);
        Assert.Equal(new FaxReceived("123456", "+15551230000", "+15550009999", 3, new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero), pdf) with { Pdf = received.Pdf }, received);
        Assert.Same(pdf, received.Pdf);
    }

    [Theory]
    [InlineData("queued", DeliveryStatus.Sent)]
    [InlineData("inprogress", DeliveryStatus.Sent)]
    [InlineData("success", DeliveryStatus.Delivered)]
    [InlineData("failure", DeliveryStatus.Failed)]
    [InlineData("partialsuccess", DeliveryStatus.Failed)]
    public void SentStatusesMapForwardOnly(string status, DeliveryStatus expected)
    {
        var parsed = PhaxioWebhook.Parse(new Dictionary<string, string>
        {
            ["direction"] = "sent",
            ["fax"] = $$"""{"id":77,"num_pages":2,"status":"{{status}}","recipients":[{"phone_number":"+15551230000","status":"{{status}}","error_type":"lineError","error_message":"Busy signal"}]}""",
        }, null, DateTimeOffset.UnixEpoch);
        var changed = Assert.IsType<FaxStatusChanged>(parsed.Value);
        Assert.Equal(expected, changed.Status);
        Assert.Equal(expected == DeliveryStatus.Failed ? "lineError: Busy signal" : null, changed.Error);
    }

    [Fact]
    public void RandomFieldsNeverThrow()
    {
        string[] values = ["", "{", "null", "[]", "{}", """{"id":1}""", """{"id":"x","status":"success"}""", """{"id":1,"num_pages":"-4"}""",
            "received", "sent", "bogus", """{"id":{"a":1}}""", """{"id":1,"recipients":"no"}"""];
        string[] keys = ["fax", "direction", "success", "event_type", ""];
        var random = new Random(7);
        for (var round = 0; round < 3000; round++)
        {
            var fields = new Dictionary<string, string>();
            for (var i = random.Next(0, 5); i > 0; i--)
            {
                fields[keys[random.Next(keys.Length)]] = values[random.Next(values.Length)];
            }
            var parsed = PhaxioWebhook.Parse(fields, null, DateTimeOffset.UnixEpoch);
            Assert.True(parsed.Value is null != parsed.Error is null);
        }
    }

    [Fact]
    public void ArbitraryBytesNeverThrow()
    {
        var random = new Random(11);
        string[] directions = ["sent", "received", ""];
        for (var round = 0; round < 2000; round++)
        {
            var bytes = new byte[random.Next(0, 200)];
            random.NextBytes(bytes);
            // Raw bytes, and bytes spliced into an otherwise plausible Fax object.
            var raw = round % 2 == 0 ? System.Text.Encoding.UTF8.GetString(bytes) : System.Text.Encoding.Latin1.GetString(bytes);
            var spliced = $$"""{"id":{{raw}},"status":"{{raw}}","num_pages":{{raw}},"recipients":[{{raw}}]}""";
            foreach (var fax in new[] { raw, spliced })
            {
                var parsed = PhaxioWebhook.Parse(new Dictionary<string, string>
                {
                    ["direction"] = directions[random.Next(directions.Length)], ["fax"] = fax,
                }, bytes, DateTimeOffset.UnixEpoch);
                Assert.True(parsed.Value is null != parsed.Error is null);
            }
        }
    }

    [Fact]
    public async Task SendPostsMultipartWithBasicAuthAndReturnsTheFaxId()
    {
        using var phaxio = WireMockServer.Start();
        phaxio.Given(Request.Create().WithPath("/v2.1/faxes").UsingPost()
                .WithHeader("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("key:secret"))))
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"success":true,"message":"Fax queued for sending","data":{"id":98765}}"""));
        using var http = new HttpClient();
        var gateway = new PhaxioFaxGateway(http, new FaxOptions { ApiKey = "key", ApiSecret = "secret", ApiBaseUrl = phaxio.Url! });
        var result = await gateway.SendAsync(new FaxSendRequest("+15551230000", null, [new FaxDocument("reply.pdf", Encoding.ASCII.GetBytes("%PDF-1.4 x"))],
            "ACME support", "msg-1", new Uri("https://crm.example.test/webhooks/fax/phaxio")), CancellationToken.None);

        Assert.Equal(SendResult.Sent("98765"), result);
        var body = Assert.Single(phaxio.LogEntries).RequestMessage!.Body!;
        Assert.Contains("name=to", body, StringComparison.Ordinal);
        Assert.Contains("+15551230000", body, StringComparison.Ordinal);
        Assert.Contains("filename=reply.pdf", body, StringComparison.Ordinal);
        Assert.Contains("https://crm.example.test/webhooks/fax/phaxio", body, StringComparison.Ordinal);
        Assert.Contains("tag[client_ref]", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(422, """{"success":false,"message":"Phone number is not formatted correctly"}""", SendOutcome.PermanentFailure)]
    [InlineData(429, """{"success":false,"message":"Rate limit exceeded"}""", SendOutcome.TransientFailure)]
    [InlineData(500, "oops", SendOutcome.TransientFailure)]
    public async Task FailuresAreClassified(int status, string body, SendOutcome outcome)
    {
        using var phaxio = WireMockServer.Start();
        phaxio.Given(Request.Create().WithPath("/v2.1/faxes").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(status).WithBody(body));
        using var http = new HttpClient();
        var gateway = new PhaxioFaxGateway(http, new FaxOptions { ApiKey = "k", ApiSecret = "s", ApiBaseUrl = phaxio.Url! });
        var result = await gateway.SendAsync(new FaxSendRequest("+1555", null, [], null, "m", null), CancellationToken.None);
        Assert.Equal(outcome, result.Outcome);
        if (status == 422)
        {
            Assert.Contains("not formatted correctly", result.Error, StringComparison.Ordinal);
        }
    }
}
