using System.Net.Http.Json;
using System.Text.Json;
using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using WireMock;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;

namespace Crm.Hub.Tests.Campaigns;

/// <summary>A hub with SMS through an emulated Twilio that answers every send with a fresh message SID, as Twilio does.</summary>
public sealed class CampaignsHub : HubServer
{
    public const string MessagesPath = $"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json";

    public WireMockServer Twilio { get; } = WireMockServer.Start();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:PublicBaseUrl"] = SmsHub.PublicBaseUrl,
        ["Crm:Channels:Sms:AccountSid"] = SmsHub.AccountSid,
        ["Crm:Channels:Sms:AuthToken"] = SmsHub.AuthToken,
        ["Crm:Channels:Sms:From"] = SmsHub.BusinessNumber,
        ["Crm:Channels:Sms:ApiBaseUrl"] = Twilio.Url,
        ["Crm:Campaigns:MaxPaceSms"] = "1000",
        // Small import batches, so a file's duplicate row lands in a later batch than its first (ImportAudienceTests).
        ["Crm:Imports:BatchSize"] = "2",
    };

    protected override Task BeforeStartAsync()
    {
        Twilio.Given(Request.Create().WithPath(MessagesPath).UsingPost()).RespondWith(TwilioAccepts());
        return Task.CompletedTask;
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        Twilio.Stop();
    }

    /// <summary>Twilio's 201 for a created message, each with its own SID.</summary>
    public static IResponseBuilder TwilioAccepts() => Response.Create().WithCallback(request => new ResponseMessage
    {
        StatusCode = 201,
        Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
        BodyData = new BodyData
        {
            DetectedBodyType = BodyType.String,
            BodyAsString = $$"""{"sid":"SM{{Guid.NewGuid():N}}","status":"queued","direction":"outbound-api","num_segments":"1","error_code":null,"error_message":null}""",
        },
    });

    /// <summary>The form fields of every send Twilio received (To, Body...).</summary>
    public static List<Dictionary<string, string>> Sends(IEnumerable<ILogEntry> log) =>
        [.. log.Where(l => l.RequestMessage?.Path == MessagesPath && l.RequestMessage.Method == "POST")
            .Select(l => l.RequestMessage!.Body!.Split('&').Select(p => p.Split('=', 2))
                .ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString(p[1].Replace('+', ' '))))];

    public List<Dictionary<string, string>> Sends() => Sends(Twilio.LogEntries);

    private int _seedings;

    /// <summary>Contacts tagged <paramref name="tag"/>, each with an SMS number; returns their numbers in order.</summary>
    public async Task<List<string>> SeedAsync(string tag, int count, Func<int, SeedOptions>? each = null)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var numbers = new List<string>();
        // One number range per call: random ranges collided between two tests of the fixture now and then.
        var prefix = 100 + Interlocked.Increment(ref _seedings);
        for (var i = 0; i < count; i++)
        {
            var options = each?.Invoke(i) ?? new SeedOptions();
            var number = $"+1555{prefix}{i:0000}";
            var contact = new Contact
            {
                Id = Guid.NewGuid(), DisplayName = options.Name ?? $"Customer {i}", Locale = options.Locale, TimeZone = options.TimeZone, CreatedAt = now,
                Tags = [new ContactTag { Tag = tag }],
            };
            db.Contacts.Add(contact);
            if (!options.NoSms)
            {
                db.ChannelIdentities.Add(new ChannelIdentity
                {
                    Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Sms, AccountId = SmsHub.BusinessNumber, Address = number,
                    CreatedAt = now, LastSeenAt = now, OptedOutAt = options.OptedOut ? now : null,
                });
            }
            numbers.Add(number);
        }
        await db.SaveChangesAsync();
        return numbers;
    }

    public static async Task<Guid> SegmentAsync(HttpClient api, string tag)
    {
        var response = await api.PostAsJsonAsync("/api/v1/segments", new
        {
            name = $"segment {tag}",
            definition = new { match = "all", conditions = new[] { new { field = "tag", @operator = "has", value = tag } } },
        });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    /// <summary>Polls the campaign until <paramref name="done"/> holds.</summary>
    public static async Task<JsonElement> WaitForAsync(HttpClient api, Guid campaignId, Func<JsonElement, bool> done, TimeSpan? timeout = null)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        JsonElement last = default;
        while (clock.Elapsed < (timeout ?? TimeSpan.FromSeconds(30)))
        {
            last = await api.GetFromJsonAsync<JsonElement>($"/api/v1/campaigns/{campaignId}");
            if (done(last))
            {
                return last;
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The campaign did not get there; last seen: {last}");
    }
}

public sealed record SeedOptions(bool OptedOut = false, bool NoSms = false, string? Locale = null, string? TimeZone = null, string? Name = null);
