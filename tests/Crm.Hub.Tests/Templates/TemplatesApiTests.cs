using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Contacts;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Templates;

public sealed class TemplatesApiTests(HubServer hub) : IClassFixture<HubServer>
{
    private static readonly string[] BuiltIns = ["appointment-reminder", "renewal-reminder", "survey-invitation", "welcome"];

    private async Task<HttpClient> AdminAsync() => hub.Client(await hub.TokenAsync());

    private async Task<Guid> ContactAsync(string name, string? email = null, string? phone = null)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var contact = new Contact { Id = Guid.NewGuid(), DisplayName = name, Email = email, Phone = phone, CreatedAt = DateTimeOffset.UnixEpoch };
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return contact.Id;
    }

    private static async Task<JsonElement> PreviewAsync(HttpClient api, object request, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var response = await api.PostAsJsonAsync("/api/v1/templates/preview", request);
        Assert.Equal(expected, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task SmsPreviewRendersForARealContactWithSegmentsAndCost()
    {
        using var api = await AdminAsync();
        var contactId = await ContactAsync("Nima Karimi", phone: "+15555550111");

        var preview = await PreviewAsync(api, new { body = "Hi {{ contact.first_name }}, your number is {{ contact.phone }}.", channel = "sms", contactId });

        Assert.Equal("Hi Nima, your number is +15555550111.", preview.GetProperty("text").GetString());
        var sms = preview.GetProperty("sms");
        Assert.Equal("gsm7", sms.GetProperty("encoding").GetString());
        Assert.Equal(1, sms.GetProperty("segments").GetInt32());
        Assert.Equal(0.0079m, sms.GetProperty("cost").GetDecimal());
        Assert.Equal("USD", sms.GetProperty("currency").GetString());
    }

    [Fact]
    public async Task PersianSmsPreviewCountsUcs2Segments()
    {
        using var api = await AdminAsync();
        var templates = await api.GetFromJsonAsync<JsonElement>("/api/v1/templates");
        var reminder = templates.EnumerateArray().Single(t => t.GetProperty("name").GetString() == "appointment-reminder");
        var body = reminder.GetProperty("locales").GetProperty("fa").GetProperty("body").GetString();

        var preview = await PreviewAsync(api, new { body, channel = "sms", locale = "fa" });

        var text = preview.GetProperty("text").GetString()!;
        Assert.StartsWith("سلام مریم،", text, StringComparison.Ordinal);
        var sms = preview.GetProperty("sms");
        Assert.Equal("ucs2", sms.GetProperty("encoding").GetString());
        Assert.Equal((text.Length + 66) / 67, sms.GetProperty("segments").GetInt32());
        Assert.Equal(sms.GetProperty("segments").GetInt32() * 0.0079m, sms.GetProperty("cost").GetDecimal());
    }

    [Fact]
    public async Task EmailPreviewEncodesTheContactsNameButKeepsTheTemplatesMarkup()
    {
        using var api = await AdminAsync();
        var contactId = await ContactAsync("<script>alert('x')</script>", email: "x@example.com");

        var preview = await PreviewAsync(api, new
        {
            body = "<p>Hello <b>{{ contact.name }}</b></p>",
            subject = "For {{ contact.email }}",
            channel = "email",
            contactId,
        });

        Assert.Equal("<p>Hello <b>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;</b></p>", preview.GetProperty("html").GetString());
        Assert.Equal("For x@example.com", preview.GetProperty("subject").GetString());
        Assert.Equal(JsonValueKind.Null, preview.GetProperty("text").ValueKind);
    }

    [Fact]
    public async Task TemplateWithAnErrorIsAValidationProblemWithLineAndColumn()
    {
        using var api = await AdminAsync();

        var problem = await PreviewAsync(api, new { body = "Hello\n{{ if }}", channel = "sms" }, HttpStatusCode.BadRequest);

        var error = problem.GetProperty("templateErrors")[0];
        Assert.Equal(2, error.GetProperty("line").GetInt32());
        Assert.True(error.GetProperty("column").GetInt32() >= 1);
        Assert.StartsWith("Line 2, column ", problem.GetProperty("errors").GetProperty("body")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspelledVariableIsNamedInThePreview()
    {
        using var api = await AdminAsync();

        var problem = await PreviewAsync(api, new { body = "Hi {{ contcat.name }}", channel = "telegram", syntax = "liquid" }, HttpStatusCode.BadRequest);

        Assert.Contains("contcat", problem.GetProperty("templateErrors")[0].GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadChannelLocaleAndSyntaxAreNamed()
    {
        using var api = await AdminAsync();

        var problem = await PreviewAsync(api, new { body = "x", channel = "pigeon", locale = "de", syntax = "jinja" }, HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("channel", out _));
        Assert.True(errors.TryGetProperty("locale", out _));
        Assert.True(errors.TryGetProperty("syntax", out _));
    }

    [Fact]
    public async Task UnknownContactIsNotFound()
    {
        using var api = await AdminAsync();
        var response = await api.PostAsJsonAsync("/api/v1/templates/preview", new { body = "x", channel = "sms", contactId = Guid.NewGuid() });
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task MarketersMayPreviewButAgentsMayNot()
    {
        var (_, marketerToken) = await hub.CreateAgentAsync("Mina", role: "marketer");
        var (_, agentToken) = await hub.CreateAgentAsync("Arash");
        using var marketer = hub.Client(marketerToken);
        using var agent = hub.Client(agentToken);
        var request = new { body = "Hi", channel = "sms" };

        Assert.Equal(HttpStatusCode.OK, (await marketer.PostAsJsonAsync("/api/v1/templates/preview", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/v1/templates/preview", request)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/templates")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await hub.Client().GetAsync("/api/v1/templates")).StatusCode);
    }

    [Fact]
    public async Task BuiltInTemplatesComeInEnglishAndPersianAndAllRender()
    {
        using var api = await AdminAsync();

        var templates = await api.GetFromJsonAsync<JsonElement>("/api/v1/templates");

        Assert.Equal(BuiltIns, templates.EnumerateArray().Select(t => t.GetProperty("name").GetString()));
        foreach (var template in templates.EnumerateArray())
        {
            foreach (var locale in new[] { "en", "fa" })
            {
                var text = template.GetProperty("locales").GetProperty(locale);
                var body = text.GetProperty("body").GetString()!;
                var subject = text.GetProperty("subject").GetString()!;
                Assert.DoesNotContain('\n', body);
                var preview = await PreviewAsync(api, new { body, subject, channel = "email", locale });
                Assert.DoesNotContain("{{", preview.GetProperty("html").GetString()!, StringComparison.Ordinal);
                Assert.False(string.IsNullOrWhiteSpace(preview.GetProperty("subject").GetString()));
                if (locale == "fa")
                {
                    Assert.Contains("مریم", preview.GetProperty("html").GetString()! + preview.GetProperty("subject").GetString(), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task TemplateEndpointsAreInTheOpenApiDocument()
    {
        using var client = hub.Client();

        var document = await client.GetStringAsync("/openapi/v1.json");

        Assert.Contains("\"/api/v1/templates/preview\"", document, StringComparison.Ordinal);
        Assert.Contains("\"/api/v1/templates\"", document, StringComparison.Ordinal);
    }
}
