using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Segments;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Contacts;

/// <summary>A merge hands the merged contact's tags, attributes and consent on to the survivor (segments see only the survivor); undo takes them back.</summary>
public sealed class ContactProfileMergeTests(HubServer hub) : IClassFixture<HubServer>
{
    private async Task<Guid> TextsAsync(string number)
    {
        var ingest = hub.Services.GetRequiredService<IngestPipeline>();
        return (await ingest.IngestAsync(new InboundMessage(new ChannelAddress(ChannelNames.Sms, "+15550001111", number), Guid.NewGuid().ToString("N"),
            "hello", DateTimeOffset.UnixEpoch), CancellationToken.None)).ContactId;
    }

    private async Task<Guid[]> TaggedAsync(string tag)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var definition = new SegmentDefinition(Match: "all", Conditions: [new SegmentDefinition(Field: "tag", Operator: "has", Value: tag)]);
        return [.. await SegmentQuery.Build(db, definition, TimeProvider.System).Select(c => c.Id).ToListAsync()];
    }

    [Fact]
    public async Task TheSurvivorCarriesTheMergedProfileUntilTheMergeIsUndone()
    {
        using var api = hub.Client(await hub.TokenAsync());
        var survivor = await TextsAsync("+15550107001");
        var merged = await TextsAsync("+15550107002");
        var tag = $"gold{Guid.NewGuid():N}"[..16];
        (await api.PutAsJsonAsync($"/api/v1/contacts/{survivor}/profile", new { consent = new Dictionary<string, bool> { ["sms"] = true } })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync($"/api/v1/contacts/{merged}/profile", new
        {
            tags = new[] { tag }, attributes = new Dictionary<string, string> { ["tier"] = "gold" }, locale = "fa",
            consent = new Dictionary<string, bool> { ["sms"] = false, ["email"] = true },
        })).EnsureSuccessStatusCode();
        Assert.Equal([merged], await TaggedAsync(tag));

        using var merge = await api.PostAsJsonAsync($"/api/v1/contacts/{survivor}/merge", new { otherContactId = merged });
        Assert.Equal(HttpStatusCode.OK, merge.StatusCode);
        var mergeId = (await merge.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        Assert.Equal([survivor], await TaggedAsync(tag));
        var profile = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{survivor}/profile");
        Assert.Equal("gold", profile.GetProperty("attributes").GetProperty("tier").GetString());
        Assert.Equal("fa", profile.GetProperty("locale").GetString());
        var consents = profile.GetProperty("consents").EnumerateArray().ToDictionary(c => c.GetProperty("channel").GetString()!, c => c.GetProperty("granted").GetBoolean());
        // A "no" on either record of the person is a no.
        Assert.Equal(new Dictionary<string, bool> { ["email"] = true, ["sms"] = false }, consents);

        using var undo = await api.PostAsync($"/api/v1/contacts/merges/{mergeId}/undo", null);
        Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        Assert.Equal([merged], await TaggedAsync(tag));
        var back = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{survivor}/profile");
        Assert.Empty(back.GetProperty("tags").EnumerateArray());
        Assert.Empty(back.GetProperty("attributes").EnumerateObject());
        Assert.Equal(JsonValueKind.Null, back.GetProperty("locale").ValueKind);
        var consent = Assert.Single(back.GetProperty("consents").EnumerateArray());
        Assert.True(consent.GetProperty("granted").GetBoolean());
    }
}
