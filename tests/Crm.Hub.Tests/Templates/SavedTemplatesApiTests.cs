using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Tests.Support;

namespace Crm.Hub.Tests.Templates;

public sealed class SavedTemplatesApiTests(HubServer hub) : IClassFixture<HubServer>
{
    private async Task<HttpClient> AdminAsync() => hub.Client(await hub.TokenAsync());

    private static async Task<JsonElement> SendAsync(HttpClient api, HttpMethod method, string url, object? body, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        var response = await api.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{method} {url}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    [Fact]
    public async Task TemplateIsSavedListedEditedAndDeletedInBothLocales()
    {
        using var api = await AdminAsync();
        var created = await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", new
        {
            name = "Clinic reminder",
            channel = "email",
            syntax = "scriban",
            locales = new
            {
                en = new { body = "<p>Hi {{ contact.first_name }}</p>", subject = "Your visit" },
                fa = new { body = "<p>سلام {{ contact.first_name }}</p>", subject = "نوبت شما" },
            },
        }, HttpStatusCode.Created);
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("نوبت شما", created.GetProperty("locales").GetProperty("fa").GetProperty("subject").GetString());

        var list = await SendAsync(api, HttpMethod.Get, "/api/v1/templates/saved", null, HttpStatusCode.OK);
        Assert.Contains(list.EnumerateArray(), t => t.GetProperty("id").GetGuid() == id && t.GetProperty("channel").GetString() == "email");

        var edited = await SendAsync(api, HttpMethod.Put, $"/api/v1/templates/saved/{id}", new
        {
            name = "Clinic reminder (sms)",
            channel = "sms",
            syntax = "liquid",
            locales = new { en = new { body = "Hi {{ contact.first_name | upcase }}" } },
        }, HttpStatusCode.OK);
        Assert.Equal("liquid", edited.GetProperty("syntax").GetString());
        Assert.False(edited.GetProperty("locales").TryGetProperty("fa", out _));
        var read = await SendAsync(api, HttpMethod.Get, $"/api/v1/templates/saved/{id}", null, HttpStatusCode.OK);
        Assert.Equal("Hi {{ contact.first_name | upcase }}", read.GetProperty("locales").GetProperty("en").GetProperty("body").GetString());

        await SendAsync(api, HttpMethod.Delete, $"/api/v1/templates/saved/{id}", null, HttpStatusCode.NoContent);
        await SendAsync(api, HttpMethod.Get, $"/api/v1/templates/saved/{id}", null, HttpStatusCode.NotFound);
        await SendAsync(api, HttpMethod.Delete, $"/api/v1/templates/saved/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task TemplateThatDoesNotParseIsNotSavedAndTheErrorNamesLocaleLineAndColumn()
    {
        using var api = await AdminAsync();

        var problem = await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", new
        {
            name = "Broken",
            channel = "sms",
            locales = new { en = new { body = "Hi {{ contact.name }}" }, fa = new { body = "سلام\n{{ if contact.name }}" } },
        }, HttpStatusCode.BadRequest);

        var messages = problem.GetProperty("errors").GetProperty("locales.fa.body").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains(messages, m => m!.StartsWith("Line 2, column ", StringComparison.Ordinal));
        Assert.False(problem.GetProperty("errors").TryGetProperty("locales.en.body", out _));
        var structured = problem.GetProperty("templateErrors").GetProperty("locales.fa.body")[0];
        Assert.Equal(2, structured.GetProperty("line").GetInt32());
        var list = await SendAsync(api, HttpMethod.Get, "/api/v1/templates/saved", null, HttpStatusCode.OK);
        Assert.DoesNotContain(list.EnumerateArray(), t => t.GetProperty("name").GetString() == "Broken");
    }

    [Fact]
    public async Task BadRequestsSayWhatIsWrong()
    {
        using var api = await AdminAsync();

        var problem = await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", new
        {
            name = "",
            channel = "pigeon",
            syntax = "handlebars",
            locales = new Dictionary<string, object> { ["de"] = new { body = "Hallo" } },
        }, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "name", "channel", "syntax", "locales.de", "locales" })
        {
            Assert.True(errors.TryGetProperty(field, out _), field);
        }

        var email = await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", new
        {
            name = "No subject",
            channel = "email",
            locales = new { en = new { body = "<p>Hi</p>" } },
        }, HttpStatusCode.BadRequest);
        Assert.Equal("An email template needs a subject.", email.GetProperty("errors").GetProperty("locales.en.subject")[0].GetString());

        var sms = await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", new
        {
            name = "Sms with subject",
            channel = "sms",
            locales = new { en = new { body = "Hi", subject = "Hello" } },
        }, HttpStatusCode.BadRequest);
        Assert.Equal("Only email templates have a subject.", sms.GetProperty("errors").GetProperty("locales.en.subject")[0].GetString());

        await SendAsync(api, HttpMethod.Put, $"/api/v1/templates/saved/{Guid.NewGuid()}", new { name = "x", channel = "sms", locales = new { en = new { body = "x" } } },
            HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task NamesAreUnique()
    {
        using var api = await AdminAsync();
        var body = new { name = "Renewal nudge", channel = "telegram", locales = new { fa = new { body = "تمدید" } } };
        await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", body, HttpStatusCode.Created);

        var problem = await SendAsync(api, HttpMethod.Post, "/api/v1/templates/saved", body, HttpStatusCode.BadRequest);

        Assert.Equal("There is already a template named \"Renewal nudge\".", problem.GetProperty("errors").GetProperty("name")[0].GetString());
    }

    [Fact]
    public async Task MarketersKeepTemplatesButAgentsMayNot()
    {
        var (_, marketerToken) = await hub.CreateAgentAsync("Parisa", role: "marketer");
        var (_, agentToken) = await hub.CreateAgentAsync("Kian");
        using var marketer = hub.Client(marketerToken);
        using var agent = hub.Client(agentToken);
        var body = new { name = "Marketer's own", channel = "sms", locales = new { en = new { body = "Hi" } } };

        await SendAsync(marketer, HttpMethod.Post, "/api/v1/templates/saved", body, HttpStatusCode.Created);
        await SendAsync(agent, HttpMethod.Get, "/api/v1/templates/saved", null, HttpStatusCode.Forbidden);
        await SendAsync(agent, HttpMethod.Post, "/api/v1/templates/saved", body with { name = "Agent's" }, HttpStatusCode.Forbidden);
        using var anonymous = hub.Client(null);
        await SendAsync(anonymous, HttpMethod.Get, "/api/v1/templates/saved", null, HttpStatusCode.Unauthorized);
    }
}
