using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Segments;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Segments;

/// <summary>
/// Each condition and AND/OR combinations over the seeded contacts (<see cref="SegmentsHub"/>): exactly the expected contacts,
/// never the merged-away one, counted in SQL; bad definitions answered 400 with the path of the bad condition.
/// </summary>
public sealed class SegmentsApiTests(SegmentsHub hub) : IClassFixture<SegmentsHub>
{
    /// <summary>"{d-30}" in a definition is the hub's seeding time minus 30 days.</summary>
    private SegmentDefinition Parse(string json)
    {
        var text = System.Text.RegularExpressions.Regex.Replace(json.Replace('\'', '"'), @"\{d-(\d+)\}",
            m => hub.Now.AddDays(-int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToString("O", CultureInfo.InvariantCulture));
        return JsonSerializer.Deserialize<SegmentDefinition>(text, HubServer.Json)!;
    }

    private async Task<string> MatchAsync(SegmentDefinition definition)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var ids = await SegmentQuery.Build(db, definition, scope.ServiceProvider.GetRequiredService<TimeProvider>()).Select(c => c.Id).ToListAsync();
        return string.Join(",", ids.Select(id => hub.Names[id]).Order(StringComparer.Ordinal));
    }

    private async Task<HttpClient> MarketerAsync()
    {
        var (_, token) = await hub.CreateAgentAsync("Marketer", role: "marketer");
        return hub.Client(token);
    }

    [Theory]
    [InlineData("{'field':'tag','operator':'has','value':'VIP'}", "Ana,Eve")]
    [InlineData("{'field':'tag','operator':'lacks','value':'vip'}", "Bob,Cyd")]
    [InlineData("{'field':'attribute','operator':'equals','key':'plan','value':'gold'}", "Ana")]
    [InlineData("{'field':'attribute','operator':'contains','key':'plan','value':'gold'}", "Ana,Cyd")]
    [InlineData("{'field':'attribute','operator':'exists','key':'city'}", "Ana")]
    [InlineData("{'field':'channel','operator':'available','value':'sms'}", "Ana")]
    [InlineData("{'field':'channel','operator':'available','value':'email'}", "Bob")]
    [InlineData("{'field':'channel','operator':'available','value':'telegram'}", "Cyd")]
    [InlineData("{'field':'channel','operator':'available','value':'fax'}", "Eve")]
    [InlineData("{'field':'consent','operator':'granted','value':'sms'}", "Ana")]
    [InlineData("{'field':'consent','operator':'granted','value':'email'}", "Bob")]
    [InlineData("{'field':'lastContact','operator':'within','days':7}", "Ana")]
    [InlineData("{'field':'lastContact','operator':'after','date':'{d-50}'}", "Ana,Bob")]
    [InlineData("{'field':'lastContact','operator':'before','date':'{d-30}'}", "Bob,Eve")]
    [InlineData("{'field':'lastContact','operator':'notWithin','days':30}", "Bob,Cyd,Eve")]
    [InlineData("{'field':'complained','operator':'within','days':30}", "Ana")]
    [InlineData("{'field':'complained','operator':'within','days':90}", "Ana,Cyd")]
    [InlineData("{'field':'created','operator':'within','days':30}", "Bob,Cyd")]
    [InlineData("{'field':'created','operator':'before','date':'{d-365}'}", "Eve")]
    [InlineData("{'field':'created','operator':'after','date':'{d-50}'}", "Bob,Cyd")]
    [InlineData("{'field':'locale','operator':'is','value':'fa'}", "Ana,Eve")]
    public async Task EachConditionMatchesExactlyTheExpectedContacts(string condition, string expected)
    {
        await hub.SeededAsync();
        var definition = Parse($"{{'match':'all','conditions':[{condition}]}}");

        Assert.Equal(expected, await MatchAsync(definition));
        using var api = await MarketerAsync();
        using var response = await api.PostAsJsonAsync("/api/v1/segments/count", definition, HubServer.Json);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(expected.Split(',').Length, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32());
    }

    [Theory]
    [InlineData("{'match':'all','conditions':[{'field':'tag','operator':'has','value':'vip'},{'field':'locale','operator':'is','value':'fa'}]}", "Ana,Eve")]
    [InlineData("{'match':'any','conditions':[{'field':'consent','operator':'granted','value':'email'},{'field':'channel','operator':'available','value':'telegram'}]}", "Bob,Cyd")]
    [InlineData("{'match':'all','conditions':[{'field':'tag','operator':'has','value':'vip'},{'match':'any','conditions':[{'field':'channel','operator':'available','value':'sms'},{'field':'complained','operator':'within','days':90}]}]}", "Ana")]
    [InlineData("{'match':'any','conditions':[{'field':'consent','operator':'granted','value':'email'},{'match':'all','conditions':[{'field':'tag','operator':'has','value':'vip'},{'field':'created','operator':'before','date':'{d-365}'}]}]}", "Bob,Eve")]
    [InlineData("{'match':'all','conditions':[{'field':'tag','operator':'lacks','value':'nobody-has-this'},{'match':'any','conditions':[{'field':'locale','operator':'is','value':'en'},{'match':'all','conditions':[{'field':'locale','operator':'is','value':'fa'},{'field':'attribute','operator':'exists','key':'city'}]}]}]}", "Ana,Bob")]
    public async Task AndOrAndNestedGroupsCombineExactly(string json, string expected)
    {
        await hub.SeededAsync();
        Assert.Equal(expected, await MatchAsync(Parse(json)));
    }

    [Fact]
    public async Task TheCountRunsAsOneSqlQueryWithTheConditionsInItsWhere()
    {
        await hub.SeededAsync();
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var definition = Parse("{'match':'all','conditions':[{'field':'tag','operator':'has','value':'vip'},"
            + "{'match':'any','conditions':[{'field':'lastContact','operator':'within','days':7},{'field':'complained','operator':'within','days':30}]}]}");

        var sql = SegmentQuery.Build(db, definition, TimeProvider.System).ToQueryString();

        Assert.Contains("WHERE", sql, StringComparison.Ordinal);
        Assert.Contains("EXISTS", sql, StringComparison.Ordinal);
        Assert.Contains("\"MergedIntoId\" IS NULL", sql, StringComparison.Ordinal);
        Assert.Contains("\"ContactTags\"", sql, StringComparison.Ordinal);
        Assert.Contains("\"Messages\"", sql, StringComparison.Ordinal);
        Assert.Contains(" OR ", sql, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryConditionTranslatesToPostgresSqlToo()
    {
        var options = new DbContextOptionsBuilder<HubDbContext>().UseNpgsql("Host=127.0.0.1;Database=crm_segment_check").Options;
        using var db = new HubDbContext(options);
        var conditions = SegmentFields.Operators.SelectMany(f => f.Value.Select(o => new SegmentDefinition(Field: f.Key, Operator: o, Value: f.Key switch
        {
            SegmentFields.Channel or SegmentFields.Consent => "sms",
            SegmentFields.Locale => "fa",
            _ => "x",
        }, Key: "plan", Days: 30, Date: DateTimeOffset.UnixEpoch))).ToList();

        var sql = SegmentQuery.Build(db, new SegmentDefinition(Match: "any", Conditions: conditions), TimeProvider.System).ToQueryString();

        Assert.Contains("EXISTS", sql, StringComparison.Ordinal);
        Assert.Contains("\"ContactConsents\"", sql, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ASavedSegmentListsItsContactsPagedAndCanBeRenamedAndDeleted()
    {
        await hub.SeededAsync();
        using var api = await MarketerAsync();
        var name = $"VIPs {Guid.NewGuid():N}";
        using var created = await api.PostAsJsonAsync("/api/v1/segments",
            new { name, definition = Parse("{'match':'all','conditions':[{'field':'tag','operator':'has','value':'vip'}]}") }, HubServer.Json);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{id}/contacts?page=1");
        Assert.Equal(2, page.GetProperty("total").GetInt32());
        Assert.Equal(["Ana", "Eve"], page.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("displayName").GetString()!).Order().ToArray());

        using var duplicate = await api.PostAsJsonAsync("/api/v1/segments",
            new { name, definition = Parse("{'match':'all','conditions':[{'field':'tag','operator':'has','value':'x'}]}") }, HubServer.Json);
        Assert.Equal(HttpStatusCode.BadRequest, duplicate.StatusCode);

        using var renamed = await api.PutAsJsonAsync($"/api/v1/segments/{id}",
            new { name = name + " (fa)", definition = Parse("{'match':'all','conditions':[{'field':'locale','operator':'is','value':'fa'}]}") }, HubServer.Json);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var list = await api.GetFromJsonAsync<JsonElement>("/api/v1/segments");
        Assert.Contains(list.EnumerateArray(), s => s.GetProperty("name").GetString() == name + " (fa)");

        using var deleted = await api.DeleteAsync($"/api/v1/segments/{id}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await api.GetAsync($"/api/v1/segments/{id}");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Theory]
    [InlineData("{'match':'all','conditions':[{'field':'tag','operator':'has','value':'a'},{'match':'any','conditions':[{'field':'shoeSize','operator':'is','value':'9'}]}]}", "definition.conditions[1].conditions[0].field")]
    [InlineData("{'match':'all','conditions':[{'field':'tag','operator':'equals','value':'a'}]}", "definition.conditions[0].operator")]
    [InlineData("{'match':'all','conditions':[{'field':'lastContact','operator':'within','days':0}]}", "definition.conditions[0].days")]
    [InlineData("{'match':'all','conditions':[{'field':'complained','operator':'within','days':99999}]}", "definition.conditions[0].days")]
    [InlineData("{'match':'all','conditions':[]}", "definition.conditions")]
    [InlineData("{'match':'some','conditions':[{'field':'tag','operator':'has','value':'a'}]}", "definition.match")]
    [InlineData("{'match':'all','conditions':[{'field':'channel','operator':'available','value':'pigeon'}]}", "definition.conditions[0].value")]
    [InlineData("{'match':'all','conditions':[{'field':'attribute','operator':'exists','key':'Bad Key!'}]}", "definition.conditions[0].key")]
    [InlineData("{'match':'all','conditions':[{'match':'any','conditions':[{'match':'all','conditions':[{'match':'all','conditions':[{'field':'tag','operator':'has','value':'a'}]}]}]}]}", "definition.conditions[0].conditions[0].conditions[0]")]
    public async Task ABadDefinitionIsRefusedWithThePathOfTheBadCondition(string json, string path)
    {
        using var api = await MarketerAsync();
        using var saved = await api.PostAsJsonAsync("/api/v1/segments", new { name = "bad", definition = Parse(json) }, HubServer.Json);
        Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
        var problem = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty(path, out _), $"expected an error at {path}: {problem}");

        using var counted = await api.PostAsJsonAsync("/api/v1/segments/count", Parse(json), HubServer.Json);
        Assert.Equal(HttpStatusCode.BadRequest, counted.StatusCode);
        var countProblem = await counted.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(countProblem.GetProperty("errors").TryGetProperty(path["definition.".Length..], out _), $"expected an error at {path}: {countProblem}");
    }

    [Fact]
    public async Task AgentsCannotWorkWithSegments()
    {
        var (_, token) = await hub.CreateAgentAsync("Agent");
        using var api = hub.Client(token);
        using var response = await api.GetAsync("/api/v1/segments");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
