using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Sms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>
/// "An uploaded CSV of contacts" as a campaign's audience: the import records whom it created or merged rows into, a segment
/// of exactly those is one call away, composes with other conditions, follows a merge, and a campaign on it messages exactly them.
/// </summary>
public sealed class ImportAudienceTests(CampaignsHub hub) : IClassFixture<CampaignsHub>
{
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient api, string csv, string fileName)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        return await api.PostAsync("/api/v1/contact-imports", form);
    }

    private static async Task<JsonElement> WaitDoneAsync(HttpClient api, Guid id)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var view = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contact-imports/{id}");
            if (view.GetProperty("status").GetString() is "completed" or "failed" || clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return view;
            }
            await Task.Delay(100);
        }
    }

    private static async Task<int> CountAsync(HttpClient api, object definition)
    {
        using var response = await api.PostAsJsonAsync("/api/v1/segments/count", definition);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("count").GetInt32();
    }

    private static async Task<HashSet<Guid>> MembersAsync(HttpClient api, Guid segmentId)
    {
        var page = await api.GetFromJsonAsync<JsonElement>($"/api/v1/segments/{segmentId}/contacts");
        return [.. page.GetProperty("contacts").EnumerateArray().Select(c => c.GetProperty("id").GetGuid())];
    }

    /// <summary>A contact who texted in before the list arrived: tagged, with its number on the business's SMS account.</summary>
    private async Task<Guid> ExistingAsync(string number, string tag)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var contact = new Contact { Id = Guid.NewGuid(), DisplayName = "Already Here", CreatedAt = now, Tags = [new ContactTag { Tag = tag }] };
        db.Contacts.Add(contact);
        db.ChannelIdentities.Add(new ChannelIdentity
        {
            Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Sms, AccountId = SmsHub.BusinessNumber, Address = number, CreatedAt = now, LastSeenAt = now,
        });
        await db.SaveChangesAsync();
        return contact.Id;
    }

    private static async Task<Guid> ContactByAsync(HttpClient api, string number)
    {
        var found = await api.GetFromJsonAsync<JsonElement>($"/api/v1/contacts?search={Uri.EscapeDataString(number)}");
        return Assert.Single(found.EnumerateArray()).GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task ASegmentOfTheImportHoldsExactlyItsCreatedAndMergedContactsAndACampaignOnItMessagesExactlyThem()
    {
        using var api = hub.Client(await hub.TokenAsync());
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var start = Random.Shared.Next(1_000_000, 8_000_000);
        string Number(int i) => $"+98935{(start + i).ToString(CultureInfo.InvariantCulture)}";
        var existing = await ExistingAsync(Number(0), tag);
        // Not in the file: must stay out of the segment until it absorbs an imported contact.
        var bystander = await ExistingAsync(Number(9), tag);

        // Batches of two (CampaignsHub): the duplicate of row 2 is in the second batch, the bad row next to it.
        var csv = $"name,phone\nExisting Zero,{Number(0)}\nNew A,{Number(1)}\nNew A Again,{Number(1)}\nBroken,not a number\nNew B,{Number(2)}\nNew C,{Number(3)}\n";
        using var uploaded = await UploadAsync(api, csv, "spring-list.csv");
        Assert.Equal(HttpStatusCode.OK, uploaded.StatusCode);
        var importId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        // Before it starts there is no audience: the segment call says so, and so does a hand-written condition.
        using (var early = await api.PostAsync($"/api/v1/contact-imports/{importId}/segment", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        }
        using (var notStarted = await api.PostAsJsonAsync("/api/v1/segments/count",
            new { match = "all", conditions = new[] { new { field = "import", @operator = "is", value = importId.ToString() } } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notStarted.StatusCode);
            Assert.Contains("never started", (await notStarted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")
                .GetProperty("conditions[0].value")[0].GetString(), StringComparison.Ordinal);
        }

        using var started = await api.PostAsJsonAsync($"/api/v1/contact-imports/{importId}/start",
            new { hasHeader = true, columns = new object[] { new { column = 0, field = "name" }, new { column = 1, field = "phone" } } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var done = await WaitDoneAsync(api, importId);
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal((3, 2, 1), (done.GetProperty("created").GetInt32(), done.GetProperty("updated").GetInt32(), done.GetProperty("skipped").GetInt32()));

        var newA = await ContactByAsync(api, Number(1));
        var newB = await ContactByAsync(api, Number(2));
        var newC = await ContactByAsync(api, Number(3));
        HashSet<Guid> expected = [existing, newA, newB, newC];
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            // One membership per contact, however many rows named it; "created" only for the ones the import made.
            var members = await scope.ServiceProvider.GetRequiredService<HubDbContext>().ContactImportMembers.AsNoTracking()
                .Where(m => m.ImportId == importId).ToListAsync();
            Assert.Equal(expected.Order(), members.Select(m => m.ContactId).Order());
            Assert.Equal([existing], members.Where(m => !m.Created).Select(m => m.ContactId));
        }

        using var made = await api.PostAsync($"/api/v1/contact-imports/{importId}/segment", null);
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var segment = await made.Content.ReadFromJsonAsync<JsonElement>();
        var segmentId = segment.GetProperty("id").GetGuid();
        var day = done.GetProperty("finishedAt").GetDateTimeOffset().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal($"spring-list.csv ({day})", segment.GetProperty("name").GetString());
        // Asked again (a double click): the same segment, not a copy.
        using (var again = await api.PostAsync($"/api/v1/contact-imports/{importId}/segment", null))
        {
            Assert.Equal(segmentId, (await again.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        }

        Assert.Equal(expected.Order(), (await MembersAsync(api, segmentId)).Order());
        var ofImport = new { field = "import", @operator = "is", value = importId.ToString() };
        Assert.Equal(4, await CountAsync(api, new { match = "all", conditions = new object[] { ofImport } }));
        Assert.Equal(1, await CountAsync(api, new { match = "all", conditions = new object[] { ofImport, new { field = "tag", @operator = "has", value = tag } } }));
        Assert.Equal(5, await CountAsync(api, new { match = "any", conditions = new object[] { ofImport, new { field = "tag", @operator = "has", value = tag } } }));
        Assert.Equal(4, await CountAsync(api, new { match = "all", conditions = new object[] { ofImport, new { field = "channel", @operator = "available", value = "sms" } } }));
        Assert.Equal(0, await CountAsync(api, new { match = "all", conditions = new object[] { ofImport, new { field = "channel", @operator = "available", value = "email" } } }));

        // A campaign on the segment materialises exactly the imported contacts and texts each of them once.
        using var created = await api.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = $"spring {tag}", channel = "sms", segmentId, template = new { bodyEn = "Spring sale for {{ contact.first_name }}." },
            schedule = new { kind = "now" }, pace = 200,
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaignId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using (var launched = await api.PostAsync($"/api/v1/campaigns/{campaignId}/launch", null))
        {
            Assert.Equal(HttpStatusCode.OK, launched.StatusCode);
        }
        var finished = await CampaignsHub.WaitForAsync(api, campaignId, c => c.GetProperty("state").GetString() == "completed"
            && c.GetProperty("counters").GetProperty("queued").GetInt32() == 0);
        Assert.Equal(4, finished.GetProperty("counters").GetProperty("total").GetInt32());
        Assert.Equal(4, finished.GetProperty("counters").GetProperty("sent").GetInt32());
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var recipients = await scope.ServiceProvider.GetRequiredService<HubDbContext>().CampaignRecipients.AsNoTracking()
                .Where(r => r.CampaignId == campaignId).Select(r => r.ContactId).ToListAsync();
            Assert.Equal(expected.Order(), recipients.Order());
        }
        string[] texted = [Number(0), Number(1), Number(2), Number(3)];
        Assert.Equal(texted, hub.Sends().Select(s => s["To"]).Where(n => n.StartsWith("+98935", StringComparison.Ordinal)
            && int.Parse(n[6..], CultureInfo.InvariantCulture) - start is >= 0 and < 10).Order(StringComparer.Ordinal));

        // The bystander absorbs New B in a merge: the person the list named is now the bystander, and New B is gone from the audience.
        using (var merged = await api.PostAsJsonAsync($"/api/v1/contacts/{bystander}/merge", new { otherContactId = newB }))
        {
            Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        }
        Assert.Equal(new[] { existing, newA, newC, bystander }.Order(), (await MembersAsync(api, segmentId)).Order());
        // And when the bystander is merged on in turn, the contact it went into carries New B's place.
        var keeper = await ExistingAsync(Number(8), tag);
        using (var mergedAgain = await api.PostAsJsonAsync($"/api/v1/contacts/{keeper}/merge", new { otherContactId = bystander }))
        {
            Assert.Equal(HttpStatusCode.OK, mergedAgain.StatusCode);
        }
        Assert.Equal(new[] { existing, newA, newC, keeper }.Order(), (await MembersAsync(api, segmentId)).Order());
    }

    [Fact]
    public async Task AnUnknownImportIsRefusedWithTheReasonAndAnImportWithoutContactsHasNoAudience()
    {
        using var api = hub.Client(await hub.TokenAsync());
        var unknown = Guid.CreateVersion7();
        using (var saved = await api.PostAsJsonAsync("/api/v1/segments", new
        {
            name = "from nowhere",
            definition = new { match = "all", conditions = new object[] { new { field = "tag", @operator = "has", value = "x" }, new { field = "import", @operator = "is", value = unknown.ToString() } } },
        }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, saved.StatusCode);
            var errors = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
            Assert.Equal($"There is no contact import {unknown}.", errors.GetProperty("definition.conditions[1].value")[0].GetString());
        }
        using (var junk = await api.PostAsJsonAsync("/api/v1/segments/count",
            new { match = "all", conditions = new[] { new { field = "import", @operator = "is", value = "last week's list" } } }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, junk.StatusCode);
            Assert.Contains("is not an import id", (await junk.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors")
                .GetProperty("conditions[0].value")[0].GetString(), StringComparison.Ordinal);
        }
        using (var missing = await api.PostAsync($"/api/v1/contact-imports/{unknown}/segment", null))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        // Every row bad: the import finishes, but there is nobody to send to.
        using var uploaded = await UploadAsync(api, "name,phone\nNobody,12\nNo One,not a number\n", "all-bad.csv");
        var importId = (await uploaded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        using var started = await api.PostAsJsonAsync($"/api/v1/contact-imports/{importId}/start",
            new { hasHeader = true, columns = new object[] { new { column = 0, field = "name" }, new { column = 1, field = "phone" } } });
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        Assert.Equal(2, (await WaitDoneAsync(api, importId)).GetProperty("skipped").GetInt32());
        using var empty = await api.PostAsync($"/api/v1/contact-imports/{importId}/segment", null);
        Assert.Equal(HttpStatusCode.Conflict, empty.StatusCode);
        Assert.Contains("imported no contacts", (await empty.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync(api, new { match = "all", conditions = new[] { new { field = "import", @operator = "is", value = importId.ToString() } } }));
        var listed = await api.GetFromJsonAsync<JsonElement>("/api/v1/contact-imports");
        Assert.Contains(listed.EnumerateArray(), i => i.GetProperty("id").GetGuid() == importId);
    }
}
