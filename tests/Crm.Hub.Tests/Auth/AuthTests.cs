using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Auth;

public sealed class AuthTests(HubServer hub) : IClassFixture<HubServer>
{
    [Fact]
    public async Task TokenFromPasswordAuthorizesTheApi()
    {
        using var anonymous = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/conversations")).StatusCode);

        using var api = hub.Client(await hub.TokenAsync());
        var me = await api.GetFromJsonAsync<JsonElement>("/api/v1/auth/me");
        Assert.Equal(HubServer.AdminEmail, me.GetProperty("email").GetString());
        Assert.Equal("admin", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task WrongPasswordIsUnauthorizedWithProblemDetails()
    {
        using var client = hub.Client();
        var response = await client.PostAsJsonAsync("/api/v1/auth/token", new { email = HubServer.AdminEmail, password = "wrong" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task CookieLoginOpensTheConsoleApi()
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var browser = new HttpClient(handler) { BaseAddress = hub.BaseAddress };
        var login = await browser.PostAsJsonAsync("/api/v1/auth/login", new { email = HubServer.AdminEmail, password = HubServer.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/api/v1/conversations")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await browser.PostAsync("/api/v1/auth/logout", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync("/api/v1/conversations")).StatusCode);
    }

    [Fact]
    public async Task AgentsCannotCreateAgentsButAdminsCan()
    {
        var (_, agentToken) = await hub.CreateAgentAsync("Plain");
        using var agent = hub.Client(agentToken);
        var body = new { email = "new@test.local", displayName = "New", password = "Long-enough-1", role = "agent" };
        var refused = await agent.PostAsJsonAsync("/api/v1/agents", body);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/teams", new { name = "Nope" })).StatusCode);

        using var admin = hub.Client(await hub.TokenAsync());
        var team = await (await admin.PostAsJsonAsync("/api/v1/teams", new { name = "Billing" })).Content.ReadFromJsonAsync<JsonElement>();
        var created = await admin.PostAsJsonAsync("/api/v1/agents", new
        {
            email = "new@test.local", displayName = "New", password = "Long-enough-1", role = "supervisor",
            teamIds = new[] { team.GetProperty("id").GetGuid() },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var view = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("supervisor", view.GetProperty("role").GetString());
        Assert.Equal(team.GetProperty("id").GetGuid(), view.GetProperty("teamIds")[0].GetGuid());

        var duplicate = await admin.PostAsJsonAsync("/api/v1/agents", new { email = "NEW@test.local", displayName = "Again", password = "Long-enough-1" });
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);
        Assert.Contains("already", await duplicate.Content.ReadAsStringAsync());
    }
}

/// <summary>A hub that allows three login attempts a minute.</summary>
public sealed class StrictLoginHub : HubServer
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?> { ["Crm:Auth:LoginAttemptsPerMinute"] = "3" };
}

public sealed class LoginRateLimitTests(StrictLoginHub hub) : IClassFixture<StrictLoginHub>
{
    [Fact]
    public async Task FourthLoginAttemptInAMinuteIsRateLimited()
    {
        using var client = hub.Client();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "guess@test.local", password = $"guess-{i}" })).StatusCode);
        }
        Assert.Equal([HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.TooManyRequests], statuses);
        var limited = await client.PostAsJsonAsync("/api/v1/auth/login", new { email = "guess@test.local", password = "again" });
        Assert.Equal("application/problem+json", limited.Content.Headers.ContentType?.MediaType);
        Assert.True(limited.Headers.RetryAfter is not null);
    }
}
