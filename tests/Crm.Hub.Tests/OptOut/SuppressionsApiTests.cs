using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Crm.Hub.OptOut;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.OptOut;

/// <summary>The admin's suppression list: who cannot be messaged and why, the CSV export, opting out and re-subscribing by hand.</summary>
public sealed class SuppressionsApiTests(HubServer hub) : IClassFixture<HubServer>
{
    private static string Tag() => Guid.NewGuid().ToString("N")[..10];

    private async Task<HttpClient> AdminAsync() => hub.Client(await hub.TokenAsync());

    [Fact]
    public async Task ListNamesTheSourceOfEverySuppressedAddressAndFilters()
    {
        var tag = Tag();
        var phone = $"+1555{Random.Shared.Next(1000000, 9999999)}";
        var (stopContact, stopIds) = await OptOutSeed.ContactAsync(hub, $"Stop {tag}", ("sms", "+15550001111", phone));
        var (_, blockIds) = await OptOutSeed.ContactAsync(hub, $"Block {tag}", ("telegram", "bot1", $"tg{tag}"));
        var (_, bounceIds) = await OptOutSeed.ContactAsync(hub, $"Bounce {tag}", ("email", "news@shop.test", $"gone-{tag}@example.test"));
        var (_, linkIds) = await OptOutSeed.ContactAsync(hub, $"Link {tag}", ("email", "news@shop.test", $"link-{tag}@example.test"));
        await OptOutSeed.ContactAsync(hub, $"Fine {tag}", ("email", "news@shop.test", $"fine-{tag}@example.test"));
        await OptOutSeed.MarkAsync(hub, stopIds[0], optedOut: true);
        await OptOutSeed.MarkAsync(hub, blockIds[0], optedOut: true);
        await OptOutSeed.MarkAsync(hub, bounceIds[0], optedOut: false, bounced: true);
        var campaign = Guid.NewGuid();
        using (var anonymous = hub.Client())
        {
            (await anonymous.PostAsync($"/u/{OptOutSeed.Token(hub, linkIds[0], campaign)}", null)).EnsureSuccessStatusCode();
        }
        using var admin = await AdminAsync();

        var page = await admin.GetFromJsonAsync<SuppressionPage>($"/api/v1/suppressions?q={tag}", HubServer.Json);

        Assert.Equal(4, page!.Total);
        var bySource = page.Entries.ToDictionary(e => e.Source);
        Assert.Equal(phone, bySource[OptOutSources.Stop].Address);
        Assert.Equal(stopContact, bySource[OptOutSources.Stop].ContactId);
        Assert.Equal("telegram", bySource[OptOutSources.TelegramBlock].Channel);
        Assert.Equal("550 5.1.1 mailbox unknown", bySource[OptOutSources.Bounce].Reason);
        Assert.Equal(campaign, bySource[OptOutSources.UnsubscribeLink].CampaignId);
        Assert.DoesNotContain(page.Entries, e => e.Address.StartsWith("fine-", StringComparison.Ordinal));

        var emailOnly = await admin.GetFromJsonAsync<SuppressionPage>($"/api/v1/suppressions?q={tag}&channel=email", HubServer.Json);
        Assert.Equal(2, emailOnly!.Total);
        var byName = await admin.GetFromJsonAsync<SuppressionPage>($"/api/v1/suppressions?q=Block%20{tag}", HubServer.Json);
        Assert.Equal($"tg{tag}", Assert.Single(byName!.Entries).Address);
        var paged = await admin.GetFromJsonAsync<SuppressionPage>($"/api/v1/suppressions?q={tag}&pageSize=3&page=2", HubServer.Json);
        Assert.Equal(4, paged!.Total);
        Assert.Single(paged.Entries);
    }

    [Fact]
    public async Task CsvExportHasAHeaderEveryEntryAndDefusedFormulas()
    {
        var tag = Tag();
        var (_, ids) = await OptOutSeed.ContactAsync(hub, $"=HYPERLINK(\"x\") {tag}", ("email", "news@shop.test", $"csv-{tag}@example.test"));
        await OptOutSeed.MarkAsync(hub, ids[0], optedOut: true);
        using var admin = await AdminAsync();

        var response = await admin.GetAsync($"/api/v1/suppressions.csv?q={tag}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("suppressions.csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var lines = (await response.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("channel,address,contact_id,contact_name,since,source,campaign_id,reason", lines[0]);
        var row = Assert.Single(lines.Skip(1));
        Assert.StartsWith($"email,csv-{tag}@example.test,", row);
        Assert.Contains($"\"'=HYPERLINK(\"\"x\"\") {tag}\"", row);
        Assert.Contains(",unknown,", row);
    }

    [Fact]
    public async Task CsvExportIsStreamedAndHoldsEveryEntryOnceWithWhereEachCameFrom()
    {
        var tag = Tag();
        const int count = 2_500;
        var identities = Enumerable.Range(0, count).Select(i => ("sms", "+15550001111", $"+1666{tag.GetHashCode() & 0xFFFF:00000}{i:00000}")).ToArray();
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, $"Bulk {tag}", identities);
        using var admin = await AdminAsync();
        // One address opted out by the admin, with a reason: its row says so. The rest by the channel (STOP), which leaves no record.
        var first = identities[0].Item3;
        (await admin.PostAsJsonAsync("/api/v1/suppressions", new { channel = "sms", address = first, reason = "@asked by phone" })).EnsureSuccessStatusCode();
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Crm.Hub.Storage.HubDbContext>();
            var now = TimeProvider.System.GetUtcNow();
            await db.ChannelIdentities.Where(i => i.ContactId == contactId && i.OptedOutAt == null).ExecuteUpdateAsync(u => u.SetProperty(i => i.OptedOutAt, now));
        }

        using var response = await admin.GetAsync($"/api/v1/suppressions.csv?q={tag}", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // Written as it is read, not built first: no length known up front.
        Assert.Null(response.Content.Headers.ContentLength);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("channel,address,contact_id,contact_name,since,source,campaign_id,reason", lines[0]);
        var rows = lines.Skip(1).ToList();
        Assert.Equal(count, rows.Count);
        Assert.Equal(count, rows.Select(r => r.Split(',')[1]).Distinct().Count());
        Assert.Contains(rows, r => r.StartsWith($"sms,{first},{contactId},", StringComparison.Ordinal) && r.EndsWith(",admin,,'@asked by phone", StringComparison.Ordinal));
        Assert.Contains(rows, r => r.StartsWith($"sms,{identities[1].Item3},", StringComparison.Ordinal) && r.EndsWith(",stop,,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\r=1", "\"'\r=1\"")]
    [InlineData("+15551234567", "+15551234567")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("-cmd", "'-cmd")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("", "")]
    public void CsvCellsKeepPhoneNumbersAndDefuseFormulas(string value, string cell) => Assert.Equal(cell, SuppressionsApi.Cell(value));

    [Fact]
    public async Task AdminOptsOutAContactsAddressThenReSubscribesItWithAReason()
    {
        var tag = Tag();
        var phone = $"+1666{Random.Shared.Next(1000000, 9999999)}";
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, $"Manual {tag}", ("sms", "+15550001111", phone), ("sms", "+15550002222", phone));
        using var admin = await AdminAsync();

        var added = await admin.PostAsJsonAsync("/api/v1/suppressions", new { contactId, channel = "sms", reason = "asked on the phone" });
        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        var result = await added.Content.ReadFromJsonAsync<SuppressionResult>(HubServer.Json);
        Assert.Equal(2, result!.Identities);
        Assert.True(result.Changed);
        Assert.All(await OptOutSeed.IdentitiesAsync(hub, "sms", phone), i => Assert.NotNull(i.OptedOutAt));
        var listed = await admin.GetFromJsonAsync<SuppressionPage>($"/api/v1/suppressions?q={Uri.EscapeDataString(phone)}", HubServer.Json);
        Assert.All(listed!.Entries, e => Assert.Equal(OptOutSources.Admin, e.Source));

        var again = await (await admin.PostAsJsonAsync("/api/v1/suppressions", new { channel = "sms", address = phone }))
            .Content.ReadFromJsonAsync<SuppressionResult>(HubServer.Json);
        Assert.False(again!.Changed);

        var noReason = await admin.PostAsJsonAsync("/api/v1/suppressions/resubscribe", new { channel = "sms", address = phone });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("reason", await noReason.Content.ReadAsStringAsync());

        var back = await admin.PostAsJsonAsync("/api/v1/suppressions/resubscribe", new { channel = "sms", address = phone, reason = "signed the form again" });
        Assert.Equal(HttpStatusCode.OK, back.StatusCode);
        Assert.All(await OptOutSeed.IdentitiesAsync(hub, "sms", phone), i => Assert.Null(i.OptedOutAt));
        var records = await OptOutSeed.RecordsAsync(hub, phone);
        Assert.Equal([OptOutAction.OptedOut, OptOutAction.Resubscribed], records.Select(r => r.Action));
        Assert.Equal("signed the form again", records[1].Reason);
        Assert.NotNull(records[1].AgentId);
    }

    [Fact]
    public async Task ReSubscribingABouncedAddressClearsTheBounce()
    {
        var address = $"bounced-{Tag()}@example.test";
        var (_, ids) = await OptOutSeed.ContactAsync(hub, "Bounced", ("email", "news@shop.test", address));
        await OptOutSeed.MarkAsync(hub, ids[0], optedOut: false, bounced: true);
        using var admin = await AdminAsync();

        (await admin.PostAsJsonAsync("/api/v1/suppressions/resubscribe", new { channel = "email", address, reason = "mailbox fixed" })).EnsureSuccessStatusCode();

        var identity = Assert.Single(await OptOutSeed.IdentitiesAsync(hub, "email", address));
        Assert.Null(identity.UndeliverableAt);
    }

    [Fact]
    public async Task BadInputIsExplained()
    {
        using var admin = await AdminAsync();
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/suppressions?channel=pigeon")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/suppressions?pageSize=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/suppressions?page=0")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/suppressions.csv?channel=pigeon")).StatusCode);

        var noChannel = await admin.PostAsJsonAsync("/api/v1/suppressions", new { address = "x@example.test" });
        Assert.Equal(HttpStatusCode.BadRequest, noChannel.StatusCode);
        var problem = await noChannel.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("channel", out _));

        var unknown = await admin.PostAsJsonAsync("/api/v1/suppressions", new { channel = "email", address = $"nobody-{Tag()}@example.test" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        var unknownBack = await admin.PostAsJsonAsync("/api/v1/suppressions/resubscribe",
            new { channel = "email", address = $"nobody-{Tag()}@example.test", reason = "x" });
        Assert.Equal(HttpStatusCode.NotFound, unknownBack.StatusCode);

        var (contactId, _) = await OptOutSeed.ContactAsync(hub, "Two numbers", ("sms", "+15550001111", "+15557770001"), ("sms", "+15550001111", "+15557770002"));
        var ambiguous = await admin.PostAsJsonAsync("/api/v1/suppressions", new { contactId, channel = "sms" });
        Assert.Equal(HttpStatusCode.BadRequest, ambiguous.StatusCode);
        Assert.Contains("say which one", await ambiguous.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task OnlyAdminsSeeOrChangeTheList()
    {
        var (_, agentToken) = await hub.CreateAgentAsync("Agent");
        var (_, supervisorToken) = await hub.CreateAgentAsync("Supervisor", role: "supervisor");
        foreach (var token in new[] { agentToken, supervisorToken })
        {
            using var client = hub.Client(token);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/suppressions")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/v1/suppressions.csv")).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, (await client.PostAsJsonAsync("/api/v1/suppressions", new { channel = "sms", address = "+1" })).StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden,
                (await client.PostAsJsonAsync("/api/v1/suppressions/resubscribe", new { channel = "sms", address = "+1", reason = "x" })).StatusCode);
        }
        using var anonymous = hub.Client();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/suppressions")).StatusCode);
    }
}
