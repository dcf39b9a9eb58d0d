using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>What a marketer gets wrong comes back as a 400 naming the field and the reason, and nothing is launched.</summary>
public sealed class CampaignBadInputTests(CampaignsHub hub) : IClassFixture<CampaignsHub>
{
    private static object Request(Guid segmentId, object? template = null, double pace = 10, object? schedule = null, string channel = "sms",
        object? quietHours = null, string? sender = null, string? name = "bad input") => new
    {
        name,
        channel,
        sender,
        segmentId,
        template = template ?? new { bodyEn = "Hello {{ contact.first_name }}" },
        schedule = schedule ?? new { kind = "now" },
        pace,
        quietHours,
    };

    private static async Task<Dictionary<string, string[]>> ProblemAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        return problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    private async Task<(HttpClient Api, Guid Segment)> AudienceAsync(int contacts)
    {
        var api = hub.Client(await hub.TokenAsync());
        var tag = $"b{Guid.NewGuid():N}"[..12];
        await hub.SeedAsync(tag, contacts);
        return (api, await CampaignsHub.SegmentAsync(api, tag));
    }

    [Fact]
    public async Task ATemplateThatDoesNotParseIsRefusedWithLineAndColumn()
    {
        var (api, segment) = await AudienceAsync(1);
        using var _ = api;
        var errors = await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, new { bodyEn = "Hello\n{{ if contact.name }} unclosed", bodyFa = "سلام {{ for }}" })));
        Assert.Matches("^line 2, column \\d+: ", Assert.Single(errors["template.bodyEn"]));
        Assert.StartsWith("line 1, column ", errors["template.bodyFa"][0], StringComparison.Ordinal);
        Assert.Equal(["The message is empty: write it in English, Persian or both."],
            (await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns", Request(segment, new { bodyEn = "  " }))))["template"]);
        Assert.Contains("no built-in template", (await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, new { key = "no-such-template" }))))["template.key"][0], StringComparison.Ordinal);
        Assert.Contains("subject", (await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, channel: "email"))))["template.subjectEn"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaceAboveTheChannelsLimitQuietHoursScheduleAndNameAreChecked()
    {
        var (api, segment) = await AudienceAsync(1);
        using var _ = api;
        Assert.Contains("at most 30 messages per second", (await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, channel: "telegram", pace: 31))))["pace"][0], StringComparison.Ordinal);
        Assert.Contains("at most 1000 messages per second", (await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, pace: 5000))))["pace"][0], StringComparison.Ordinal);
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns", Request(segment, pace: 0)))).ContainsKey("pace"));
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, quietHours: new { start = "25:00", end = "08:00" })))).ContainsKey("quietHours"));
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, quietHours: new { start = "08:00", end = "08:00" })))).ContainsKey("quietHours"));
        Assert.Contains("does not parse", (await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, schedule: new { kind = "recurring", cron = "every monday" }))))["schedule.cron"][0], StringComparison.Ordinal);
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns",
            Request(segment, schedule: new { kind = "recurring", cron = "0 0 9 ? * MON", timeZone = "Mars/Olympus" })))).ContainsKey("schedule.timeZone"));
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns", Request(segment, schedule: new { kind = "at" })))).ContainsKey("schedule.at"));
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns", Request(segment, channel: "pigeon")))).ContainsKey("channel"));
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns", Request(segment, name: "")))).ContainsKey("name"));
    }

    [Fact]
    public async Task LaunchRefusesAPastStartAnEmptyOrUnknownSegmentAndAnUnknownSenderAndLaunchesNothing()
    {
        var (api, segment) = await AudienceAsync(2);
        using var _ = api;
        var (_, empty) = (api, await CampaignsHub.SegmentAsync(api, $"empty{Guid.NewGuid():N}"[..12]));
        var past = TimeProvider.System.GetUtcNow().AddMinutes(-5);

        async Task<Dictionary<string, string[]>> LaunchAsync(object request)
        {
            var created = await api.PostAsJsonAsync("/api/v1/campaigns", request);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var errors = await ProblemAsync(await api.PostAsync($"/api/v1/campaigns/{id}/launch", null));
            var after = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
            Assert.Equal("draft", after.GetProperty("state").GetString());
            Assert.Equal(0, after.GetProperty("counters").GetProperty("total").GetInt32());
            return errors;
        }

        Assert.Contains("in the past", (await LaunchAsync(Request(segment, schedule: new { kind = "at", at = past })))["schedule.at"][0], StringComparison.Ordinal);
        Assert.Contains("has no contacts", (await LaunchAsync(Request(empty)))["segmentId"][0], StringComparison.Ordinal);
        Assert.Contains("There is no segment", (await LaunchAsync(Request(Guid.NewGuid())))["segmentId"][0], StringComparison.Ordinal);
        Assert.Contains("is not a sending number", (await LaunchAsync(Request(segment, sender: "+15559999999")))["sender"][0], StringComparison.Ordinal);

        var validate = await api.PostAsJsonAsync("/api/v1/campaigns/validate", Request(segment));
        Assert.Equal(HttpStatusCode.OK, validate.StatusCode);
        Assert.Equal(2, (await validate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("audienceCount").GetInt32());
        Assert.True((await ProblemAsync(await api.PostAsJsonAsync("/api/v1/campaigns/validate", Request(empty)))).ContainsKey("segmentId"));
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync($"/api/v1/campaigns/{Guid.NewGuid()}/launch", null)).StatusCode);
    }

    [Fact]
    public async Task AnAgentMayNotRunCampaigns()
    {
        var (_, token) = await hub.CreateAgentAsync("Plain");
        using var agent = hub.Client(token);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/campaigns")).StatusCode);
    }
}
