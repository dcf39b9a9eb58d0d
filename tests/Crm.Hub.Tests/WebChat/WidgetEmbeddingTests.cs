using System.Net;
using System.Text.Json;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.WebChat;

/// <summary>The widget on another site: CORS for listed origins only; the script, demo page and API document are served.</summary>
public sealed class WidgetEmbeddingTests(HubServer hub) : IClassFixture<HubServer>
{
    private async Task<HttpResponseMessage> PreflightAsync(string origin)
    {
        using var client = hub.Client();
        using var request = new HttpRequestMessage(HttpMethod.Options, "/api/v1/widget/session");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", "POST");
        request.Headers.Add("Access-Control-Request-Headers", "content-type");
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task ListedOriginMayCallTheWidgetApi()
    {
        // HubServer lists http://127.0.0.1:1 in Crm:Channels:WebChat:AllowedOrigins.
        var response = await PreflightAsync("http://127.0.0.1:1");
        Assert.Equal("http://127.0.0.1:1", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task UnlistedOriginGetsNoCorsGrant()
    {
        var response = await PreflightAsync("https://evil.example");
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task WidgetScriptDemoPageAndApiDocumentAreServed()
    {
        using var client = hub.Client();
        var script = await client.GetAsync("/widget.js");
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.Contains("javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/widget.js", await client.GetStringAsync("/demo"));

        using var openApi = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var paths = openApi.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var path in new[] { "/api/v1/auth/token", "/api/v1/conversations", "/api/v1/conversations/{id}/messages",
                     "/api/v1/conversations/{id}/decisions", "/api/v1/contacts/{id}", "/api/v1/sync", "/api/v1/agents", "/api/v1/teams" })
        {
            Assert.Contains(path, paths);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/docs/index.html")).StatusCode);
    }
}
