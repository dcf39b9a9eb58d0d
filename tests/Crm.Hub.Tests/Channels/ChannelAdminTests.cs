using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Crm.Hub.Tests.Channels;

/// <summary>A hub that starts without SMS; the admin turns it on from the admin API.</summary>
public sealed class UnconfiguredHub : HubServer
{
    public WireMockServer Twilio { get; } = WireMockServer.Start();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Crm:PublicBaseUrl"] = SmsHub.PublicBaseUrl };

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Twilio.Stop();
    }
}

/// <summary>Channel settings entered by an admin: validated like start-up, secret on the way out, live without a restart.</summary>
public sealed class ChannelAdminTests(UnconfiguredHub hub) : IClassFixture<UnconfiguredHub>
{
    private const string NewToken = "entered-on-the-admin-page";

    private static JsonElement Channel(JsonElement list, string name) => list.EnumerateArray().Single(c => c.GetProperty("channel").GetString() == name);

    [Fact]
    public async Task AdminTurnsSmsOnWithoutARestartAndTestsIt()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/channels");
        Assert.False(Channel(before, "sms").GetProperty("configured").GetBoolean());
        Assert.Contains("https://crm.example.test/webhooks/sms/twilio", Channel(before, "sms").GetProperty("webhookUrls").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(["webchat", "sms", "telegram", "fax", "email"], before.EnumerateArray().Select(c => c.GetProperty("channel").GetString()));
        Assert.Empty(Channel(before, "email").GetProperty("webhookUrls").EnumerateArray());
        Assert.Contains("off", await Ready("sms"), StringComparison.Ordinal);

        var partial = await admin.PutAsJsonAsync("/api/v1/admin/channels/sms/settings", new { values = new Dictionary<string, string?> { ["AccountSid"] = SmsHub.AccountSid } });
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        var missing = Errors(await partial.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Contains("AuthToken", missing.Keys);
        Assert.DoesNotContain("AccountSid", missing.Keys);
        Assert.False(Channel(await admin.GetFromJsonAsync<JsonElement>("/api/v1/admin/channels"), "sms").GetProperty("configured").GetBoolean());

        var unknown = await admin.PutAsJsonAsync("/api/v1/admin/channels/sms/settings", new { values = new Dictionary<string, string?> { ["Password"] = "x" } });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        var saved = await admin.PutAsJsonAsync("/api/v1/admin/channels/sms/settings", new
        {
            values = new Dictionary<string, string?>
            {
                ["AccountSid"] = SmsHub.AccountSid, ["AuthToken"] = NewToken, ["From"] = SmsHub.BusinessNumber, ["ApiBaseUrl"] = hub.Twilio.Url,
            },
        });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        Assert.True((await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("configured").GetBoolean());
        Assert.Equal("on", await Ready("sms"));

        var after = await admin.GetStringAsync("/api/v1/admin/channels");
        Assert.DoesNotContain(NewToken, after, StringComparison.Ordinal);
        var sms = Channel(JsonDocument.Parse(after).RootElement, "sms");
        Assert.True(sms.GetProperty("configured").GetBoolean());
        var token = sms.GetProperty("settings").EnumerateArray().Single(s => s.GetProperty("key").GetString() == "AuthToken");
        Assert.True(token.GetProperty("isSet").GetBoolean());
        Assert.Equal("admin", token.GetProperty("source").GetString());

        // Twilio signs with the token the admin just entered; the webhook takes it without a restart.
        var form = new Dictionary<string, string>
        {
            ["MessageSid"] = $"SM{Guid.NewGuid():N}", ["AccountSid"] = SmsHub.AccountSid, ["From"] = "+15550004321",
            ["To"] = SmsHub.BusinessNumber, ["Body"] = "first text after setup", ["NumMedia"] = "0",
        };
        using var client = hub.Client();
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/webhooks/sms/twilio") { Content = new FormUrlEncodedContent(form) };
        webhook.Headers.Add("X-Twilio-Signature", SignWith(NewToken, "/webhooks/sms/twilio", form));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(webhook)).StatusCode);

        hub.Twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost()
                .WithBody(b => b?.Contains("To=%2B14155550100", StringComparison.Ordinal) == true))
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody("""{"sid":"SMtest0001","status":"queued"}"""));
        var test = await admin.PostAsJsonAsync("/api/v1/admin/channels/sms/test", new { to = "(415) 555-0100" });
        var result = await test.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("sent", result.GetProperty("outcome").GetString());
        Assert.Equal("SMtest0001", result.GetProperty("providerMessageId").GetString());

        hub.Twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost()
                .WithBody(b => b?.Contains("To=%2B14155550101", StringComparison.Ordinal) == true))
            .RespondWith(Response.Create().WithStatusCode(400).WithHeader("Content-Type", "application/json")
                .WithBody("""{"code":21211,"message":"The 'To' number +14155550101 is not a valid phone number.","status":400}"""));
        var refused = await (await admin.PostAsJsonAsync("/api/v1/admin/channels/sms/test", new { to = "+14155550101" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("permanent", refused.GetProperty("outcome").GetString());
        Assert.Contains("21211", refused.GetProperty("error").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/admin/channels/sms/test", new { to = "not a number" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/admin/channels/fax/test", new { to = "+14155550100" })).StatusCode);

        // Removing one override leaves a half-configured channel: refused, named; removing them all turns SMS off again.
        var half = await admin.PutAsJsonAsync("/api/v1/admin/channels/sms/settings", new { values = new Dictionary<string, string?> { ["AuthToken"] = null } });
        Assert.Equal(HttpStatusCode.BadRequest, half.StatusCode);
        Assert.Contains("AuthToken", Errors(await half.Content.ReadFromJsonAsync<JsonElement>()).Keys);
        var off = await admin.PutAsJsonAsync("/api/v1/admin/channels/sms/settings", new
        {
            values = new Dictionary<string, string?> { ["AccountSid"] = null, ["AuthToken"] = null, ["From"] = null, ["ApiBaseUrl"] = null },
        });
        Assert.Equal(HttpStatusCode.OK, off.StatusCode);
        Assert.False((await off.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("configured").GetBoolean());
    }

    [Fact]
    public async Task AnApiBaseUrlThatIsNotAUrlIsRefusedByName()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var bad = await admin.PutAsJsonAsync("/api/v1/admin/channels/fax/settings", new { values = new Dictionary<string, string?> { ["ApiBaseUrl"] = "not a url" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("ApiBaseUrl", Errors(await bad.Content.ReadFromJsonAsync<JsonElement>()).Keys);
        var email = await admin.PutAsJsonAsync("/api/v1/admin/channels/email/settings", new { values = new Dictionary<string, string?> { ["Address"] = "not an address" } });
        Assert.Equal(HttpStatusCode.BadRequest, email.StatusCode);
        Assert.Contains("Address", Errors(await email.Content.ReadFromJsonAsync<JsonElement>()).Keys);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync("/api/v1/admin/channels/email/test", new { to = "a@example.test" })).StatusCode);
    }

    [Fact]
    public async Task OnlyAdminsSeeOrChangeChannelSettings()
    {
        var (_, token) = await hub.CreateAgentAsync("Curious");
        using var agent = hub.Client(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/admin/channels")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync("/api/v1/admin/channels/sms/settings", new { values = new { } })).StatusCode);
        using var anonymous = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/admin/channels")).StatusCode);
    }

    private async Task<string?> Ready(string channel)
    {
        using var client = hub.Client();
        var ready = await client.GetFromJsonAsync<JsonElement>("/health/ready");
        return ready.GetProperty("checks").GetProperty("channels").GetProperty("data").GetProperty(channel).GetString();
    }

    private static Dictionary<string, string[]> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString() ?? "").ToArray());

    private static string SignWith(string authToken, string path, Dictionary<string, string> form) =>
        Crm.Channels.Sms.TwilioSignature.Compute(SmsHub.PublicBaseUrl + path, form, authToken);
}
