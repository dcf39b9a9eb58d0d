using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using WireMock.RequestBuilders;
using WireMock.Server;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>
/// The promise under the worst fault: a real hub process sending a 10,000-recipient SMS campaign is SIGKILLed three times
/// mid-run and restarted on the same data. At the end every eligible recipient got exactly one message — except those the
/// campaign reports as unknown (killed while Twilio had the request), which got at most one — and no opted-out contact any.
/// </summary>
public sealed class CampaignKillTests : IDisposable
{
    /// <summary>10,000 as the issue asks; <c>CRM_KILL_TEST_RECIPIENTS</c> scales it down on a machine too busy to send that many in time.</summary>
    private static readonly int Recipients = int.TryParse(Environment.GetEnvironmentVariable("CRM_KILL_TEST_RECIPIENTS"), out var n) && n >= 100 ? n : 10_000;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-campaign-kill", Guid.NewGuid().ToString("N"));
    private readonly WireMockServer _twilio = WireMockServer.Start();

    public CampaignKillTests()
    {
        Directory.CreateDirectory(_dataDirectory);
        _twilio.Given(Request.Create().WithPath(CampaignsHub.MessagesPath).UsingPost()).RespondWith(CampaignsHub.TwilioAccepts());
    }

    public void Dispose()
    {
        _twilio.Stop();
        _twilio.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private Dictionary<string, string> Settings => new()
    {
        ["Crm__Bootstrap__AdminEmail"] = HubServer.AdminEmail,
        ["Crm__Bootstrap__AdminPassword"] = HubServer.AdminPassword,
        ["Crm__PublicBaseUrl"] = SmsHub.PublicBaseUrl,
        ["Crm__Channels__Sms__AccountSid"] = SmsHub.AccountSid,
        ["Crm__Channels__Sms__AuthToken"] = SmsHub.AuthToken,
        ["Crm__Channels__Sms__From"] = SmsHub.BusinessNumber,
        ["Crm__Channels__Sms__ApiBaseUrl"] = _twilio.Url!,
        ["Crm__Campaigns__MaxPaceSms"] = "5000",
    };

    private string HubLog()
    {
        var path = Path.Combine(_dataDirectory, "hub.log");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.Length > 3000 ? text[^3000..] : text;
    }

    private int SentToTwilio => _twilio.LogEntries.Count(l => l.RequestMessage?.Path == CampaignsHub.MessagesPath);

    [Fact]
    public async Task SigkilledThreeTimesMidCampaignEveryEligibleRecipientGetsExactlyOneMessageAndNoOptedOutAny()
    {
        var hub = new HubProcess(_dataDirectory, Settings);
        await hub.StartAsync();
        var (numbers, optedOut) = await SeedAsync();
        var api = await ApiAsync(hub);
        var segment = await CampaignsHub.SegmentAsync(api, "kill-test");
        var created = await api.PostAsJsonAsync("/api/v1/campaigns", new
        {
            name = "ten thousand",
            channel = "sms",
            segmentId = segment,
            template = new { bodyEn = "Hello {{ contact.first_name }}, your plan renews soon." },
            pace = 2000,
        });
        created.EnsureSuccessStatusCode();
        var id = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await api.PostAsync($"/api/v1/campaigns/{id}/launch", null)).EnsureSuccessStatusCode();

        foreach (var killAt in new[] { Recipients * 15 / 100, Recipients * 40 / 100, Recipients * 65 / 100 })
        {
            await WaitUntilAsync(() => SentToTwilio >= killAt, TimeSpan.FromSeconds(240), () => $"{killAt} sends before kill (got {SentToTwilio}); hub log: {HubLog()}");
            await hub.KillAsync();
            await hub.DisposeAsync();
            api.Dispose();
            hub = new HubProcess(_dataDirectory, Settings);
            await hub.StartAsync();
            api = await ApiAsync(hub);
        }

        var done = await CampaignsHub.WaitForAsync(api, id, c => c.GetProperty("state").GetString() == "completed"
            && c.GetProperty("counters").GetProperty("queued").GetInt32() == 0, TimeSpan.FromSeconds(180));
        var counters = done.GetProperty("counters");
        var csv = (await api.GetStringAsync($"/api/v1/campaigns/{id}/recipients.csv")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => l.TrimEnd('\r').Split(',')).ToList();
        api.Dispose();
        await hub.DisposeAsync();

        var sends = CampaignsHub.Sends(_twilio.LogEntries).GroupBy(s => s["To"]).ToDictionary(g => g.Key, g => g.Count());
        var unknown = csv.Where(r => r[3] == "unknown").Select(r => r[2]).ToHashSet();
        Assert.Equal(Recipients, counters.GetProperty("total").GetInt32());
        Assert.Equal(Recipients, csv.Count);
        Assert.Equal(unknown.Count, counters.GetProperty("unknown").GetInt32());
        Assert.Equal(optedOut.Count, counters.GetProperty("suppressed").GetInt32());
        Assert.Equal(0, counters.GetProperty("failed").GetInt32());
        Assert.Equal(0, counters.GetProperty("pending").GetInt32());
        Assert.Equal(Recipients - optedOut.Count - unknown.Count, counters.GetProperty("sent").GetInt32());
        // Nobody opted out was messaged; nobody was messaged twice; everyone eligible was messaged, unless reported unknown.
        Assert.DoesNotContain(optedOut, sends.ContainsKey);
        Assert.DoesNotContain(sends, s => s.Value > 1);
        Assert.DoesNotContain(numbers, n => !optedOut.Contains(n) && !unknown.Contains(n) && !sends.ContainsKey(n));
        Assert.True(unknown.Count <= 3 * 8, $"{unknown.Count} unknown outcomes after three kills");
        Assert.All(csv.Where(r => r[3] == "sent"), r => Assert.True(sends.ContainsKey(r[2])));
    }

    private async Task<(List<string> Numbers, HashSet<string> OptedOut)> SeedAsync()
    {
        var options = new DbContextOptionsBuilder<HubDbContext>().UseSqlite($"Data Source={Path.Combine(_dataDirectory, "crm.db")}").Options;
        await using var db = new HubDbContext(options);
        var now = TimeProvider.System.GetUtcNow();
        var numbers = new List<string>(Recipients);
        var optedOut = new HashSet<string>();
        for (var i = 0; i < Recipients; i++)
        {
            var number = $"+1555{i:0000000}";
            var contact = new Contact { Id = Guid.NewGuid(), DisplayName = $"Customer {i}", CreatedAt = now, Tags = [new ContactTag { Tag = "kill-test" }] };
            db.Contacts.Add(contact);
            var opted = i % 50 == 7;
            db.ChannelIdentities.Add(new ChannelIdentity
            {
                Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Sms, AccountId = SmsHub.BusinessNumber, Address = number,
                CreatedAt = now, LastSeenAt = now, OptedOutAt = opted ? now : null,
            });
            numbers.Add(number);
            if (opted)
            {
                optedOut.Add(number);
            }
        }
        await db.SaveChangesAsync();
        return (numbers, optedOut);
    }

    private static async Task<HttpClient> ApiAsync(HubProcess hub)
    {
        var api = new HttpClient { BaseAddress = hub.BaseAddress };
        var token = (await (await api.PostAsJsonAsync("/api/v1/auth/token", new { email = HubServer.AdminEmail, password = HubServer.AdminPassword }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return api;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, Func<string> what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out waiting for {what()}.");
            }
            await Task.Delay(20);
        }
    }
}
