using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Sms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>Campaigns end to end through the running hub and an emulated Twilio: who gets what, how often, and when.</summary>
public sealed class CampaignExecutionTests(CampaignsHub hub) : IClassFixture<CampaignsHub>
{
    private static object Sms(string name, Guid segmentId, double pace = 200, object? schedule = null, object? quietHours = null,
        string bodyEn = "Hi {{ contact.first_name }}, your renewal is due.", string? bodyFa = "سلام {{ contact.first_name }}، تمدید شما نزدیک است.") => new
    {
        name,
        channel = "sms",
        segmentId,
        template = new { bodyEn, bodyFa },
        schedule = schedule ?? new { kind = "now" },
        pace,
        quietHours,
    };

    private async Task<(HttpClient Api, Guid Segment, List<string> Numbers)> AudienceAsync(int count, Func<int, SeedOptions>? each = null)
    {
        var api = hub.Client(await hub.TokenAsync());
        var tag = $"t{Guid.NewGuid():N}"[..12];
        var numbers = await hub.SeedAsync(tag, count, each);
        return (api, await CampaignsHub.SegmentAsync(api, tag), numbers);
    }

    private static async Task<Guid> CreateAsync(HttpClient api, object request)
    {
        var response = await api.PostAsJsonAsync("/api/v1/campaigns", request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> LaunchAsync(HttpClient api, Guid id)
    {
        var response = await api.PostAsync($"/api/v1/campaigns/{id}/launch", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static int Counter(JsonElement campaign, string name) => campaign.GetProperty("counters").GetProperty(name).GetInt32();

    [Fact]
    public async Task LaunchSendsEveryEligibleRecipientExactlyOnceInTheirLanguageAndNoneToTheOptedOut()
    {
        var (api, segment, numbers) = await AudienceAsync(20, i => new SeedOptions(OptedOut: i % 7 == 3, NoSms: i is 5 or 6, Locale: i % 4 == 0 ? "fa" : "en",
            Name: $"Name{i} Family"));
        using var _ = api;
        var id = await CreateAsync(api, Sms("renewals", segment));
        await LaunchAsync(api, id);

        var done = await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("state").GetString() == "completed" && Counter(c, "queued") == 0);
        var optedOut = numbers.Where((_, i) => i % 7 == 3).ToHashSet();
        var noSms = numbers.Where((_, i) => i is 5 or 6).ToHashSet();
        var eligible = numbers.Except(optedOut).Except(noSms).ToList();
        Assert.Equal(20, Counter(done, "total"));
        Assert.Equal(eligible.Count, Counter(done, "sent"));
        Assert.Equal(optedOut.Count + noSms.Count, Counter(done, "suppressed"));
        Assert.Equal(0, Counter(done, "failed"));
        Assert.Equal(100, done.GetProperty("counters").GetProperty("percent").GetDouble());

        var sends = hub.Sends().Where(s => numbers.Contains(s["To"])).ToList();
        Assert.Equal(eligible.Order(), sends.Select(s => s["To"]).Order());
        Assert.All(sends, s => Assert.Equal(SmsHub.BusinessNumber, s["From"]));
        var byNumber = sends.ToDictionary(s => s["To"], s => s["Body"]);
        Assert.Equal("Hi Name1, your renewal is due.", byNumber[numbers[1]]);
        Assert.Equal("سلام Name4، تمدید شما نزدیک است.", byNumber[numbers[4]]);

        var report = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report");
        var failures = report.GetProperty("failures").EnumerateArray().ToDictionary(f => f.GetProperty("reason").GetString()!, f => f.GetProperty("count").GetInt32());
        Assert.Equal(optedOut.Count, failures["Opted out of sms messages."]);
        Assert.Equal(noSms.Count, failures["The contact has no sms address."]);
        Assert.Equal(eligible.Count, report.GetProperty("funnel").EnumerateArray().First(s => s.GetProperty("step").GetString() == "sent").GetProperty("count").GetInt32());

        var csv = await api.GetStringAsync($"/api/v1/campaigns/{id}/recipients.csv");
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("contact_id,name,address,state,error,queued_at,sent_at,delivered_at,replied_at,opted_out_at", lines[0].TrimEnd('\r'));
        Assert.Equal(21, lines.Length);
        Assert.Equal(eligible.Count, lines.Count(l => l.Contains(",sent,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task TwoContactsSharingANumberGetTheCampaignOnce()
    {
        var (api, segment, numbers) = await AudienceAsync(4);
        using var _ = api;
        // A fifth contact (a family member, an unmerged duplicate) on the first one's number, seen through another account.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var now = hub.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var tag = await db.ContactTags.Where(t => db.ChannelIdentities.Any(i => i.ContactId == t.ContactId && i.Address == numbers[0]))
                .Select(t => t.Tag).FirstAsync();
            var contact = new Contact { Id = Guid.NewGuid(), DisplayName = "Twin", CreatedAt = now, Tags = [new ContactTag { Tag = tag }] };
            db.Contacts.Add(contact);
            db.ChannelIdentities.Add(new ChannelIdentity
            {
                Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Sms, AccountId = "+15550009999", Address = numbers[0],
                CreatedAt = now, LastSeenAt = now,
            });
            await db.SaveChangesAsync();
        }
        var id = await CreateAsync(api, Sms("shared phones", segment));
        await LaunchAsync(api, id);

        var done = await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("state").GetString() == "completed" && Counter(c, "queued") == 0);
        Assert.Equal(5, Counter(done, "total"));
        Assert.Equal(4, Counter(done, "sent"));
        Assert.Equal(1, Counter(done, "suppressed"));
        Assert.Single(hub.Sends(), s => s["To"] == numbers[0]);
        var report = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report");
        Assert.Contains(report.GetProperty("failures").EnumerateArray(), f =>
            f.GetProperty("reason").GetString() == "Another recipient of this campaign has the same sms address." && f.GetProperty("count").GetInt32() == 1);
    }

    [Fact]
    public async Task EveryMessageIsRenderedBeforeTheFirstSendSoATemplateFailureShowsUpFront()
    {
        // The third contact has no name, so a message of just "{{ contact.first_name }}" is empty for them: a failure, found while preparing.
        var (api, segment, numbers) = await AudienceAsync(5, i => new SeedOptions(Name: i == 2 ? "" : $"Guest{i} Family"));
        using var _ = api;
        // Two attributes each for the fourth and fifth contact, none for the others.
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var contacts = await db.ChannelIdentities.Where(i => numbers.Contains(i.Address)).ToDictionaryAsync(i => i.Address, i => i.ContactId);
            foreach (var n in new[] { 3, 4 })
            {
                db.ContactAttributes.Add(new ContactAttribute { ContactId = contacts[numbers[n]], Key = "table", Value = $"T{n}" });
                db.ContactAttributes.Add(new ContactAttribute { ContactId = contacts[numbers[n]], Key = "time", Value = $"19:0{n}" });
            }
            await db.SaveChangesAsync();
        }
        var id = await CreateAsync(api, Sms("prepared first", segment, pace: 1, bodyFa: null,
            bodyEn: "{{ contact.first_name }}{{ if contact.attributes.table }}: table {{ contact.attributes.table }} at {{ contact.attributes.time }}{{ end }}"));
        await LaunchAsync(api, id);

        // At one message a second the hand-off takes seconds; by the first send every message is rendered already.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!hub.Sends().Any(s => numbers.Contains(s["To"])))
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "No message was sent.");
            await Task.Delay(20);
        }
        var early = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
        Assert.Equal(1, Counter(early, "failed"));
        Assert.Equal(Counter(early, "pending"), Counter(early, "prepared"));
        Assert.True(Counter(early, "pending") >= 2, $"Expected most recipients still waiting for their turn: {early}");

        var done = await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("state").GetString() == "completed" && Counter(c, "queued") == 0);
        Assert.Equal((4, 1, 0), (Counter(done, "sent"), Counter(done, "failed"), Counter(done, "prepared")));
        var sends = hub.Sends().Where(s => numbers.Contains(s["To"])).ToDictionary(s => s["To"], s => s["Body"]);
        Assert.Equal(numbers.Where((_, i) => i != 2).Order(), sends.Keys.Order());
        Assert.Equal("Guest4: table T4 at 19:04", sends[numbers[4]]);
        Assert.Equal("Guest3: table T3 at 19:03", sends[numbers[3]]);
        Assert.Equal("Guest1", sends[numbers[1]]);
        var report = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}/report");
        Assert.Contains(report.GetProperty("failures").EnumerateArray(), f => f.GetProperty("reason").GetString() == "The template rendered an empty message.");
    }

    [Fact]
    public async Task AReplyOpensAConversationLinkedToTheCampaign()
    {
        var (api, segment, numbers) = await AudienceAsync(2);
        using var _ = api;
        var id = await CreateAsync(api, Sms("reply to me", segment));
        await LaunchAsync(api, id);
        await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("state").GetString() == "completed" && Counter(c, "sent") == 2);

        await SmsHub.TextAsync(hub, numbers[0], "Yes please renew");
        var replied = await CampaignsHub.WaitForAsync(api, id, c => Counter(c, "replied") == 1);
        Assert.Equal(1, Counter(replied, "replied"));
        var waiting = await api.GetFromJsonAsync<JsonElement>("/api/v1/conversations?status=waiting");
        var opened = Assert.Single(waiting.EnumerateArray(), c => c.TryGetProperty("campaignId", out var campaign) && campaign.ValueKind == JsonValueKind.String
            && campaign.GetGuid() == id);
        Assert.Equal("sms", opened.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task PauseStopsSendingWithinASecondResumeFinishesAndCancelStopsForGood()
    {
        var (api, segment, numbers) = await AudienceAsync(30);
        using var _ = api;
        var id = await CreateAsync(api, Sms("paced", segment, pace: 10));
        await LaunchAsync(api, id);
        await CampaignsHub.WaitForAsync(api, id, c => Counter(c, "sent") >= 5);

        var paused = await api.PostAsync($"/api/v1/campaigns/{id}/pause", null);
        Assert.Equal(HttpStatusCode.OK, paused.StatusCode);
        await Task.Delay(1000);
        var atPause = hub.Sends().Count(s => numbers.Contains(s["To"]));
        await Task.Delay(1500);
        Assert.Equal(atPause, hub.Sends().Count(s => numbers.Contains(s["To"])));
        Assert.True(atPause < 30, $"{atPause} of 30 sent despite the pause");
        Assert.Equal("paused", (await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}")).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await api.PostAsync($"/api/v1/campaigns/{id}/pause", null)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/campaigns/{id}/resume", null)).StatusCode);
        await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("state").GetString() == "completed" && Counter(c, "sent") == 30);
        var sends = hub.Sends().Where(s => numbers.Contains(s["To"])).Select(s => s["To"]).ToList();
        Assert.Equal(numbers.Order(), sends.Order());

        var (api2, segment2, numbers2) = await AudienceAsync(30);
        using var __ = api2;
        var second = await CreateAsync(api2, Sms("cancelled", segment2, pace: 5));
        await LaunchAsync(api2, second);
        await CampaignsHub.WaitForAsync(api2, second, c => Counter(c, "sent") >= 2);
        Assert.Equal(HttpStatusCode.OK, (await api2.PostAsync($"/api/v1/campaigns/{second}/cancel", null)).StatusCode);
        await Task.Delay(1000);
        var atCancel = hub.Sends().Count(s => numbers2.Contains(s["To"]));
        await Task.Delay(1500);
        Assert.Equal(atCancel, hub.Sends().Count(s => numbers2.Contains(s["To"])));
        var cancelled = await api2.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{second}");
        Assert.Equal("cancelled", cancelled.GetProperty("state").GetString());
        Assert.True(Counter(cancelled, "pending") > 0);
        // What was never sent keeps no rendered text.
        Assert.Equal(0, Counter(cancelled, "prepared"));
        Assert.Equal(HttpStatusCode.Conflict, (await api2.PostAsync($"/api/v1/campaigns/{second}/resume", null)).StatusCode);
    }

    [Fact]
    public async Task QuietHoursDeferTheRecipientsInThemAndSendTheOthers()
    {
        var now = TimeProvider.System.GetUtcNow();
        // Quiet for two hours around now in UTC; in Tehran (UTC+3:30) it is mid-afternoon of the same window shifted out of it.
        var start = now.AddHours(-1);
        var end = now.AddHours(1);
        var (api, segment, numbers) = await AudienceAsync(4, i => new SeedOptions(TimeZone: i < 2 ? "UTC" : "Asia/Tehran"));
        using var _ = api;
        var id = await CreateAsync(api, Sms("quiet", segment, quietHours: new { start = $"{start:HH:mm}", end = $"{end:HH:mm}" }));
        await LaunchAsync(api, id);
        var running = await CampaignsHub.WaitForAsync(api, id, c => Counter(c, "sent") == 2);
        await Task.Delay(500);
        running = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
        Assert.Equal("running", running.GetProperty("state").GetString());
        Assert.Equal(2, Counter(running, "pending"));
        Assert.Equal([numbers[2], numbers[3]], hub.Sends().Where(s => numbers.Contains(s["To"])).Select(s => s["To"]).Order());
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/campaigns/{id}/cancel", null)).StatusCode);
    }

    [Fact]
    public async Task RecurringCampaignFiresTwiceEachRunMessagingEveryoneOnce()
    {
        var (api, segment, numbers) = await AudienceAsync(3);
        using var _ = api;
        var id = await CreateAsync(api, Sms("weekly-ish", segment, schedule: new { kind = "recurring", cron = "0/3 * * * * ?", timeZone = "Asia/Tehran" }));
        var launched = await LaunchAsync(api, id);
        Assert.Equal("scheduled", launched.GetProperty("state").GetString());
        Assert.True(launched.GetProperty("schedule").GetProperty("nextRunAt").GetDateTimeOffset() > TimeProvider.System.GetUtcNow().AddSeconds(-1));

        await CampaignsHub.WaitForAsync(api, id, c => Counter(c, "run") >= 2 && Counter(c, "sent") == 3 && c.GetProperty("state").GetString() == "scheduled",
            TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, (await api.PostAsync($"/api/v1/campaigns/{id}/cancel", null)).StatusCode);
        var runs = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{id}");
        var run = Counter(runs, "run");
        var sends = hub.Sends().Where(s => numbers.Contains(s["To"])).GroupBy(s => s["To"]).ToList();
        Assert.Equal(3, sends.Count);
        // Each run messages each recipient once: as many messages as finished runs (the last may have been cancelled midway).
        Assert.All(sends, g => Assert.InRange(g.Count(), run - 1, run));
        Assert.True(run >= 2);
    }
}
