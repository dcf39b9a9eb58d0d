using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Contacts;

/// <summary>
/// Phone numbers keyed by E.164 across SMS and fax, a verified phone linking a Telegram contact, and an agent merging
/// two contacts and undoing it exactly. Every test writes from its own numbers, so they share one hub.
/// </summary>
public sealed class ContactMergeTests(SmsHub hub) : IClassFixture<SmsHub>
{
    private async Task<IngestResult> IngestAsync(string channel, string address, string body, string? name = null, string? email = null)
    {
        var ingest = hub.Services.GetRequiredService<IngestPipeline>();
        return await ingest.IngestAsync(new InboundMessage(new ChannelAddress(channel, "default", address), Guid.NewGuid().ToString("N"), body,
            DateTimeOffset.UnixEpoch, SenderName: name, SenderEmail: email), CancellationToken.None);
    }

    private async Task<Guid> ContactOfAsync(string channel, string address, string body, string? name = null, string? email = null) =>
        (await IngestAsync(channel, address, body, name, email)).ContactId;

    private static string[] Channels(JsonElement contact) =>
        [.. contact.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("channel").GetString()!).Order()];

    private static Guid[] Timeline(JsonElement contact) =>
        [.. contact.GetProperty("timeline").EnumerateArray().Select(i => i.GetProperty("conversationId").GetGuid()).Order()];

    private static async Task<JsonElement> ContactAsync(HttpClient api, Guid id) => await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{id}");

    private static async Task<Guid> MergeAsync(HttpClient api, Guid survivor, Guid other)
    {
        using var merged = await api.PostAsJsonAsync($"/api/v1/contacts/{survivor}/merge", new { otherContactId = other });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        return (await merged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task LinkAsync(Guid contactId, string phone)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ContactLinker>()
            .LinkVerifiedPhoneAsync(contactId, phone, "shared their own phone number on Telegram", CancellationToken.None);
    }

    [Fact]
    public async Task SignedTextFromANationalNumberIsKeyedByE164AndKeepsItsRawForm()
    {
        await SmsHub.TextAsync(hub, "(415) 555-0180", "national format");
        await SmsHub.TextAsync(hub, "+14155550180", "international format");
        using var admin = hub.Client(await hub.TokenAsync());

        var found = await admin.GetFromJsonAsync<JsonElement>("/api/v1/contacts?search=%2B14155550180");
        var contact = await ContactAsync(admin, Assert.Single(found.EnumerateArray()).GetProperty("id").GetGuid());
        var identity = Assert.Single(contact.GetProperty("identities").EnumerateArray());
        Assert.Equal("+14155550180", identity.GetProperty("address").GetString());
        Assert.Equal("(415) 555-0180", identity.GetProperty("rawAddress").GetString());
        Assert.Equal("+14155550180", contact.GetProperty("phone").GetString());
        Assert.Single(contact.GetProperty("timeline").EnumerateArray());
    }

    [Fact]
    public async Task TextThenFaxFromTheSameNumberIsOneContactInOneConversation()
    {
        await SmsHub.TextAsync(hub, "+14155550181", "I'll fax the form");
        var fax = await IngestAsync(ChannelNames.Fax, "415.555.0181", "[fax, 2 pages]");
        using var admin = hub.Client(await hub.TokenAsync());

        var contact = await ContactAsync(admin, fax.ContactId);
        Assert.Equal(["fax", "sms"], Channels(contact));
        Assert.Equal([fax.ConversationId], Timeline(contact));
        var faxIdentity = contact.GetProperty("identities").EnumerateArray().Single(i => i.GetProperty("channel").GetString() == "fax");
        Assert.Equal("+14155550181", faxIdentity.GetProperty("address").GetString());
        Assert.Equal("415.555.0181", faxIdentity.GetProperty("rawAddress").GetString());
    }

    [Fact]
    public async Task FirstTextsAndFaxesArrivingInABurstAreOneContactPerNumber()
    {
        // A burst fills group-commit batches, so the batch prefetch decides most of these; a verified phone joins in too.
        var verified = await ContactOfAsync(ChannelNames.Telegram, "700000187", "hi", "Burst Verified");
        await LinkAsync(verified, "+14155550187");
        var numbers = Enumerable.Range(0, 8).Select(i => $"+1415555030{i}").ToList();
        var burst = numbers.SelectMany(n => new[]
            {
                IngestAsync(ChannelNames.Fax, n, "fax"),
                IngestAsync(ChannelNames.Sms, n[2..], "text, national format"),
                IngestAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "someone else"),
            })
            .Append(IngestAsync(ChannelNames.Sms, "+14155550187", "text from the verified number"))
            .Append(IngestAsync(ChannelNames.Fax, "+14155550187", "fax from the verified number"))
            .ToList();
        var results = await Task.WhenAll(burst);

        for (var i = 0; i < numbers.Count; i++)
        {
            var (fax, sms, chat) = (results[3 * i], results[(3 * i) + 1], results[(3 * i) + 2]);
            Assert.Equal(fax.ContactId, sms.ContactId);
            Assert.Equal(fax.ConversationId, sms.ConversationId);
            Assert.NotEqual(fax.ContactId, chat.ContactId);
        }
        Assert.Equal(numbers.Count, results.Take(3 * numbers.Count).Where((_, i) => i % 3 == 0).Select(r => r.ContactId).Distinct().Count());
        Assert.Equal(verified, results[^2].ContactId);
        Assert.Equal(verified, results[^1].ContactId);
    }

    [Fact]
    public async Task ANumberOnlySuggestedByNameIsNotLinked()
    {
        var chat = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "my number is +14155550183", "Sam Namesake");
        var sms = await ContactOfAsync(ChannelNames.Sms, "+14155550183", "hello", "Sam Namesake");
        Assert.NotEqual(chat, sms);
        using var admin = hub.Client(await hub.TokenAsync());
        var suggestion = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}/merge-suggestions")).EnumerateArray());
        Assert.Equal(chat, suggestion.GetProperty("contact").GetProperty("id").GetGuid());
        Assert.Equal("weak", suggestion.GetProperty("strength").GetString());
        Assert.Contains("same name", suggestion.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SharedPhoneMergesTheTelegramContactIntoTheOlderSmsContactAndIsUndoable()
    {
        var sms = await ContactOfAsync(ChannelNames.Sms, "+14155550184", "texting first");
        var telegram = await ContactOfAsync(ChannelNames.Telegram, "700000184", "now on telegram", "Tara Telegram");
        await LinkAsync(telegram, "14155550184"); // Telegram leaves out the '+'
        using var admin = hub.Client(await hub.TokenAsync());

        var viaTelegram = await ContactAsync(admin, telegram);
        Assert.Equal(sms, viaTelegram.GetProperty("id").GetGuid());
        Assert.Equal(telegram, viaTelegram.GetProperty("mergedFrom").GetGuid());
        Assert.Equal(["sms", "telegram"], Channels(viaTelegram));
        Assert.Equal("Tara Telegram", viaTelegram.GetProperty("displayName").GetString());
        var merge = Assert.Single(viaTelegram.GetProperty("merges").EnumerateArray());
        Assert.Equal("shared their own phone number on Telegram", merge.GetProperty("reason").GetString());
        Assert.Equal(telegram, merge.GetProperty("otherContactId").GetGuid());
        Assert.True(merge.GetProperty("automatic").GetBoolean());
        Assert.Equal(JsonValueKind.Null, merge.GetProperty("mergedBy").ValueKind);
        Assert.Equal(JsonValueKind.Null, merge.GetProperty("undoneAt").ValueKind);
        // The Telegram user's next message threads to the survivor.
        Assert.Equal(sms, await ContactOfAsync(ChannelNames.Telegram, "700000184", "still me"));

        using var undo = await admin.PostAsync($"/api/v1/contacts/merges/{merge.GetProperty("id").GetGuid()}/undo", null);
        Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        var restored = await ContactAsync(admin, telegram);
        Assert.Equal(telegram, restored.GetProperty("id").GetGuid());
        Assert.Equal(["telegram"], Channels(restored));
        var smsAgain = await ContactAsync(admin, sms);
        Assert.Equal(["sms"], Channels(smsAgain));
        Assert.Equal(JsonValueKind.Null, smsAgain.GetProperty("displayName").ValueKind);
        Assert.Equal("+14155550184", smsAgain.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task AVerifiedPhoneWithoutAnSmsContactCatchesTheFirstText()
    {
        var telegram = await ContactOfAsync(ChannelNames.Telegram, "700000185", "hi", "Vera Verified");
        await LinkAsync(telegram, "+۱ ۴۱۵ ۵۵۵ ۰۱۸۵");
        Assert.Equal(telegram, await ContactOfAsync(ChannelNames.Sms, "+14155550185", "texting now"));
        Assert.Equal(telegram, await ContactOfAsync(ChannelNames.Fax, "+14155550185", "faxing too"));
        using var admin = hub.Client(await hub.TokenAsync());
        var contact = await ContactAsync(admin, telegram);
        Assert.Equal(["fax", "sms", "telegram"], Channels(contact));
        Assert.Equal("+14155550185", contact.GetProperty("phone").GetString());
    }

    [Fact]
    public async Task APhoneThatIsNotANumberLinksNothing()
    {
        var shortCode = await ContactOfAsync(ChannelNames.Sms, "22395", "from a short code");
        var telegram = await ContactOfAsync(ChannelNames.Telegram, "700000186", "hi");
        await LinkAsync(telegram, "22395");
        using var admin = hub.Client(await hub.TokenAsync());
        Assert.Equal(telegram, (await ContactAsync(admin, telegram)).GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, (await ContactAsync(admin, telegram)).GetProperty("phone").ValueKind);
        Assert.Equal(["sms"], Channels(await ContactAsync(admin, shortCode)));
    }

    [Fact]
    public async Task AgentMergesTwoContactsAndUndoesItExactly()
    {
        var chat = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "hi from the website", "Parisa Ahmadi");
        var sms = await ContactOfAsync(ChannelNames.Sms, "+14155550191", "hi by text");
        using var admin = hub.Client(await hub.TokenAsync());
        await using var console = hub.AgentConnection(await hub.TokenAsync());
        var pushed = new Inbox<PushedEvent>();
        console.On<PushedEvent>("ConversationUpdated", pushed.Add);
        await console.StartAsync();
        var before = (await ContactAsync(admin, chat), await ContactAsync(admin, sms));

        var suggestions = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}/merge-suggestions");
        Assert.DoesNotContain(suggestions.EnumerateArray(), s => s.GetProperty("contact").GetProperty("id").GetGuid() == chat);
        var found = await admin.GetFromJsonAsync<JsonElement>("/api/v1/contacts?search=parisa");
        Assert.Contains(found.EnumerateArray(), c => c.GetProperty("id").GetGuid() == chat);

        var mergeId = await MergeAsync(admin, chat, sms);
        var survivor = await ContactAsync(admin, chat);
        Assert.Equal("merged by an agent", survivor.GetProperty("merges")[0].GetProperty("reason").GetString());
        Assert.Equal(["sms", "webchat"], Channels(survivor));
        // Both open conversations stay open, side by side: a merge never fuses conversations.
        Assert.Equal([.. Timeline(before.Item1), .. Timeline(before.Item2)], Timeline(survivor).Order());
        Assert.All(survivor.GetProperty("timeline").EnumerateArray(), c => Assert.NotEqual("resolved", c.GetProperty("status").GetString()));
        Assert.Equal("+14155550191", survivor.GetProperty("phone").GetString());
        var smsConversation = Timeline(before.Item2).Single();
        var moved = await pushed.WaitForAsync(e => e.ConversationId == smsConversation && e.Data.GetProperty("contactId").GetGuid() == chat);
        Assert.Equal("Parisa Ahmadi", moved.Data.GetProperty("contactName").GetString());
        var viaOldId = await ContactAsync(admin, sms);
        Assert.Equal(chat, viaOldId.GetProperty("id").GetGuid());
        Assert.Equal(sms, viaOldId.GetProperty("mergedFrom").GetGuid());
        // A new text from the merged number threads to the survivor; a new identity of the survivor stays there on undo.
        Assert.Equal(chat, await ContactOfAsync(ChannelNames.Sms, "+14155550191", "after the merge"));
        Assert.Equal(chat, await ContactOfAsync(ChannelNames.Fax, "+14155550191", "a fax after the merge"));

        using (var undo = await admin.PostAsync($"/api/v1/contacts/merges/{mergeId}/undo", null))
        {
            Assert.Equal(HttpStatusCode.OK, undo.StatusCode);
        }
        var restored = await ContactAsync(admin, sms);
        Assert.Equal(sms, restored.GetProperty("id").GetGuid());
        Assert.Equal(JsonValueKind.Null, restored.GetProperty("mergedFrom").ValueKind);
        Assert.Equal(Channels(before.Item2), Channels(restored));
        Assert.Equal(Timeline(before.Item2), Timeline(restored));
        Assert.Equal(before.Item2.GetProperty("phone").GetString(), restored.GetProperty("phone").GetString());
        var back = await ContactAsync(admin, chat);
        Assert.Equal(JsonValueKind.Null, back.GetProperty("phone").ValueKind);
        Assert.Equal(["fax", "webchat"], Channels(back));
        Assert.Equal(Timeline(before.Item1), Timeline(back));
        await pushed.WaitForAsync(e => e.ConversationId == smsConversation && e.Data.GetProperty("contactId").GetGuid() == sms);
        var history = Assert.Single(back.GetProperty("merges").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, history.GetProperty("undoneAt").ValueKind);
        Assert.Equal("Administrator", history.GetProperty("undoneBy").GetString());
        Assert.Equal("Administrator", history.GetProperty("mergedBy").GetString());
        Assert.False(history.GetProperty("automatic").GetBoolean());

        using var again = await admin.PostAsync($"/api/v1/contacts/merges/{mergeId}/undo", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already undone", (await again.Content.ReadAsStringAsync()).ToLowerInvariant(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UndoingAMergeWhoseSurvivorWasMergedAgainWaitsForTheLaterUndo()
    {
        var a = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "a", "Chain A");
        var b = await ContactOfAsync(ChannelNames.Sms, "+14155550192", "b", email: "b@example.test");
        var c = await ContactOfAsync(ChannelNames.Sms, "+14155550193", "c");
        using var admin = hub.Client(await hub.TokenAsync());
        var first = await MergeAsync(admin, a, b);
        var second = await MergeAsync(admin, c, a);

        using var blocked = await admin.PostAsync($"/api/v1/contacts/merges/{first}/undo", null);
        Assert.Equal(HttpStatusCode.Conflict, blocked.StatusCode);
        Assert.Contains(second.ToString(), await blocked.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/contacts/merges/{second}/undo", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/contacts/merges/{first}/undo", null)).StatusCode);
        Assert.Equal(["webchat"], Channels(await ContactAsync(admin, a)));
        Assert.Equal(["sms"], Channels(await ContactAsync(admin, b)));
        var cAgain = await ContactAsync(admin, c);
        Assert.Equal(["sms"], Channels(cAgain));
        Assert.Equal(JsonValueKind.Null, cAgain.GetProperty("email").ValueKind);
        Assert.Equal(JsonValueKind.Null, cAgain.GetProperty("displayName").ValueKind);
    }

    [Fact]
    public async Task UndoRestoresOnlyTheFieldsThatMergeFilled()
    {
        var a = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "a", "Fields A");
        var b = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "b", email: "fields-b@example.test");
        var c = await ContactOfAsync(ChannelNames.Sms, "+14155550194", "c");
        using var admin = hub.Client(await hub.TokenAsync());
        var first = await MergeAsync(admin, a, b);
        await MergeAsync(admin, a, c);

        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsync($"/api/v1/contacts/merges/{first}/undo", null)).StatusCode);
        var contact = await ContactAsync(admin, a);
        Assert.Equal(JsonValueKind.Null, contact.GetProperty("email").ValueKind);
        Assert.Equal("+14155550194", contact.GetProperty("phone").GetString());
        Assert.Equal(["sms", "webchat"], Channels(contact));
    }

    [Fact]
    public async Task BadMergesAreRefusedWithReasons()
    {
        var a = await ContactOfAsync(ChannelNames.Sms, "+14155550195", "a");
        var b = await ContactOfAsync(ChannelNames.Sms, "+14155550196", "b");
        var c = await ContactOfAsync(ChannelNames.Sms, "+14155550197", "c");
        using var admin = hub.Client(await hub.TokenAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { otherContactId = a })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { otherContactId = b, reason = new string('x', 201) })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/v1/contacts/{a}/merge", new { otherContactId = Guid.NewGuid() })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync($"/api/v1/contacts/{Guid.NewGuid()}/merge", new { otherContactId = a })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/v1/contacts/merges/{Guid.NewGuid()}/undo", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/v1/contacts/{Guid.NewGuid()}")).StatusCode);

        await MergeAsync(admin, a, b);
        using var mergedAway = await admin.PostAsJsonAsync($"/api/v1/contacts/{c}/merge", new { otherContactId = b });
        Assert.Equal(HttpStatusCode.Conflict, mergedAway.StatusCode);
        Assert.Contains(a.ToString(), await mergedAway.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var anonymous = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync($"/api/v1/contacts/{c}/merge", new { otherContactId = a })).StatusCode);
    }

    [Fact]
    public async Task SamePhoneOrEmailIsSuggestedAsStrongEvidence()
    {
        var sms = await ContactOfAsync(ChannelNames.Sms, "+14155550198", "text", email: null);
        var chat = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "chat", "Same Phone", "Same.Phone@Example.test");
        var other = await ContactOfAsync(ChannelNames.WebChat, $"visitor-{Guid.NewGuid():N}", "chat", "Someone", "same.phone@example.test");
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            (await db.Contacts.FindAsync(chat))!.Phone = "+14155550198";
            await db.SaveChangesAsync();
        }
        using var admin = hub.Client(await hub.TokenAsync());
        var bySms = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{sms}/merge-suggestions")).EnumerateArray());
        Assert.Equal(chat, bySms.GetProperty("contact").GetProperty("id").GetGuid());
        Assert.Equal("strong", bySms.GetProperty("strength").GetString());
        Assert.Equal("same phone number +14155550198", bySms.GetProperty("evidence").GetString());

        var byChat = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts/{chat}/merge-suggestions");
        var byEmail = byChat.EnumerateArray().Single(s => s.GetProperty("contact").GetProperty("id").GetGuid() == other);
        Assert.Equal("strong", byEmail.GetProperty("strength").GetString());
        Assert.Contains("same email", byEmail.GetProperty("evidence").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SearchFindsNumbersAsAgentsTypeThemAndPages()
    {
        var sms = await ContactOfAsync(ChannelNames.Sms, "+14155550199", "text");
        using var admin = hub.Client(await hub.TokenAsync());
        foreach (var typed in new[] { "(415) 555-0199", "+1415555019", "1 415 555", "+14155550199" })
        {
            var found = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?search={Uri.EscapeDataString(typed)}");
            Assert.Contains(found.EnumerateArray(), c => c.GetProperty("id").GetGuid() == sms);
        }
        // Paging needs more than one page of contacts, whatever ran before in this class.
        await ContactOfAsync(ChannelNames.Sms, "+14155550198", "second");
        await ContactOfAsync(ChannelNames.Sms, "+14155550197", "third");
        var page = await admin.GetFromJsonAsync<JsonElement>("/api/v1/contacts?limit=2&offset=1");
        Assert.Equal(2, page.GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/contacts?limit=51")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/contacts?offset=-1")).StatusCode);
    }
}
