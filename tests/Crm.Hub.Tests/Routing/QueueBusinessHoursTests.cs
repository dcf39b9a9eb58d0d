using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Routing;

/// <summary>A queue's business hours and resolution SLA: validated on save, kept normalized, and used for the waiting conversation's SLA due time.</summary>
public sealed class QueueBusinessHoursTests(HubServer hub) : IClassFixture<HubServer>
{
    private static object Calendar(string timeZone, string day, string open, string close, params string[] holidays) =>
        new { timeZone, hours = new[] { new { day, open, close } }, holidays };

    [Theory]
    [InlineData("Mars/Olympus", "monday", "09:00", "17:00", "2026-01-01", "'Mars/Olympus' is not a known time zone")]
    [InlineData("Europe/Berlin", "funday", "09:00", "17:00", "2026-01-01", "'funday' is not a weekday")]
    [InlineData("Europe/Berlin", "monday", "17:00", "09:00", "2026-01-01", "Monday: closes at 09:00, not after it opens at 17:00")]
    [InlineData("Europe/Berlin", "monday", "9am", "17:00", "2026-01-01", "must be times as HH:mm")]
    [InlineData("Europe/Berlin", "monday", "09:00", "17:00", "01/02/2026", "Holiday '01/02/2026' is not a date as yyyy-MM-dd")]
    public async Task ABadCalendarIsRefusedWithTheReason(string zone, string day, string open, string close, string holiday, string reason)
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var response = await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "Bad " + Guid.NewGuid(), calendar = Calendar(zone, day, open, close, holiday) });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(problem.GetProperty("errors").GetProperty("calendar").EnumerateArray(), e => e.GetString()!.Contains(reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task OverlappingHoursAnUnknownCategoryAndABadResolutionTargetAreRefused()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var response = await admin.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = "Overlap",
            resolutionSlaSeconds = 0,
            setsCategory = "gossip",
            calendar = new
            {
                timeZone = "Europe/Berlin",
                hours = new[] { new { day = "monday", open = "09:00", close = "13:00" }, new { day = "Monday", open = "12:00", close = "18:00" } },
            },
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.Equal("Monday: 09:00–13:00 and 12:00–18:00 overlap.", errors.GetProperty("calendar")[0].GetString());
        Assert.Contains("'gossip' is not a category", errors.GetProperty("setsCategory")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("resolution SLA is 1 second to 90 days", errors.GetProperty("resolutionSlaSeconds")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFirstResponseDueTimeRunsOnTheQueuesBusinessHours()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        // Open only two days from now, 10:00-12:00 UTC: an hour's SLA is due at 11:00 that day, however long until then.
        var now = TimeProvider.System.GetUtcNow();
        var openDay = now.UtcDateTime.Date.AddDays(2);
        var created = await admin.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = "Office hours",
            order = 0,
            keywords = new[] { "invoice" },
            firstResponseSlaSeconds = 3600,
            resolutionSlaSeconds = 4 * 3600,
            calendar = new
            {
                timeZone = "UTC",
                hours = new[] { new { day = openDay.DayOfWeek.ToString(), open = "10:00", close = "12:00" } },
                holidays = new[] { "2030-01-01", "2029-12-25", "2030-01-01" },
            },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var queue = await created.Content.ReadFromJsonAsync<JsonElement>();
        var calendar = queue.GetProperty("calendar");
        Assert.Equal(openDay.DayOfWeek.ToString().ToLowerInvariant(), calendar.GetProperty("hours")[0].GetProperty("day").GetString());
        Assert.Equal(["2029-12-25", "2030-01-01"], calendar.GetProperty("holidays").EnumerateArray().Select(h => h.GetString()!).ToArray());
        Assert.Equal(4 * 3600, queue.GetProperty("resolutionSlaSeconds").GetInt32());

        var conversation = await hub.VisitorWritesAsync("Question about my invoice");
        using var scope = hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var stored = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conversation);
        Assert.Equal(queue.GetProperty("id").GetGuid(), stored.QueueId);
        Assert.Equal(new DateTimeOffset(openDay.AddHours(11), TimeSpan.Zero), stored.SlaDueAt);
    }
}
