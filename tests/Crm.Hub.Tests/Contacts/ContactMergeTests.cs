using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Tests.Sms;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Contacts;

/// <summary>Phone numbers keyed by E.164, and an agent merging two contacts and undoing it exactly.</summary>
public sealed class ContactMergeTests(SmsHub hub) : IClassFixture<SmsHub>
{
    private async Task<Guid> IngestAsync(string channel, string address, string body, string? name = null)
    {
        var ingest = hub.Services.GetRequiredService<IngestPipeline>();
        var result = await ingest.IngestAsync(new InboundMessage(new ChannelAddress(channel, "default", address), Guid.NewGuid().ToString("N"), body,
            DateTimeOffset.UnixEpoch, SenderName: name), CancellationToken.None);
        return result.ContactId;
    }

    [Fact]
    public async Task NationalNumbersAreKeyedByE164AndKeepTheirRawForm()
    {
        var first = await IngestAsync(ChannelNames.Sms, "(415) 555-0190", "national format");
        var second = await IngestAsync(ChannelNames.Sms, "+14155550190", "international format");
        Assert.Equal(first, second);

        using var admin = hub.Client(await hub.TokenAsync());
        var contact = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{first}");
        var identity = Assert.Single(contact.GetProperty("identities").EnumerateArray());
        Assert.Equal("+14155550190", identity.GetProperty("address").GetString());
        Assert.Equal("(415) 555-0190", identity.GetProperty("rawAddress").GetString());
        Assert.Equal("+14155550190", contact.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task AgentMergesTwoContactsAndUndoesItExactly()
    {
        var chat = await IngestAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "hi from the website", "Parisa Ahmadi");
        var sms = await IngestAsync(ChannelNames.Sms, "+14155550191", "hi by text");
        using var admin = hub.Client(await hub.TokenAsync());

        var suggestions = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}/merge-suggestions");
        Assert.DoesNotContain(suggestions.EnumerateArray(), s => s.GetProperty("contact").GetProperty("id").GetGuid() == chat);
        var found = await admin.GetFromJsonAsync<JsonElement>("/api/v1/contacts?search=parisa");
        Assert.Contains(found.EnumerateArray(), c => c.GetProperty("id").GetGuid() == chat);

        var merged = await admin.PostAsJsonAsync($"/api/v1/contacts/{chat}/merge", new { otherContactId = sms });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        var mergeId = (await merged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var survivor = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{chat}");
        Assert.Equal(["sms", "webchat"], survivor.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()!).Order().ToArray());
        Assert.Equal(2, survivor.GetProperty("timeline").GetArrayLength());
        Assert.Equal("+14155550191", survivor.GetProperty("phone").GetString());
        var viaOldId = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}");
        Assert.Equal(chat, viaOldId.GetProperty("id").GetGuid());
        Assert.Equal(sms, viaOldId.GetProperty("mergedFrom").GetGuid());
        // A new text from the merged number threads to the survivor.
        Assert.Equal(chat, await IngestAsync(ChannelNames.Sms, "+14155550191", "after the merge"));

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/contacts/merges/{mergeId}/undo", null)).StatusCode);
        var restored = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}");
        Assert.Equal(sms, restored.GetProperty("id").GetGuid());
        Assert.Equal(["sms"], restored.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()!).ToArray());
        Assert.Equal(1, restored.GetProperty("timeline").GetArrayLength());
        var back = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{chat}");
        Assert.Equal(JsonValueKind.Null, back.GetProperty("phone").ValueKind);
        Assert.Equal(["webchat"], back.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()!).ToArray());

        var again = await admin.PostAsync($"/api/v1/contacts/merges/{mergeId}/undo", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already undone", (await again.Content.ReadAsStringAsync()).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadMergesAreRefusedWithReasons()
    {
        var a = await IngestAsync(ChannelNames.Sms, "+14155550192", "a");
        using var admin = hub.Client(await hub.TokenAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { otherContactId = a })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { otherContactId = Guid.NewGuid() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/contacts/merges/{Guid.NewGuid()}/undo", null)).StatusCode);
    }

    [Fact]
    public async Task SamePhoneIsSuggestedAsStrongEvidence()
    {
        var sms = await IngestAsync(ChannelNames.Sms, "+14155550193", "text");
        var chat = await IngestAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "chat", "Same Phone");
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Crm.Hub.Storage.HubDbContext>();
            (await db.Contacts.FindAsync(chat))!.Phone = "+14155550193";
            await db.SaveChangesAsync();
        }
        using var admin = hub.Client(await hub.TokenAsync());
        var suggestion = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}/merge-suggestions")).EnumerateArray());
        Assert.Equal(chat, suggestion.GetProperty("contact").GetProperty("id").GetGuid());
        Assert.Equal("strong", suggestion.GetProperty("strength").GetString());
    }
}
