using System.Net;
using System.Net.Http.Json;
using Crm.Hub.Reminders;
using Crm.Hub.Storage;
using Crm.Hub.Tests.OptOut;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Reminders;

/// <summary>A cancel, a reschedule and the firing of the same reminder at the same moment: exactly one of them wins, and the loser says so.</summary>
public sealed class ReminderRaceTests(HubServer hub) : IClassFixture<HubServer>
{
    private const int Rounds = 40;

    /// <summary>Follow-ups set an hour ahead, then made due in the database, so the test fires them itself while it cancels them.</summary>
    private async Task<(List<Guid> Ids, HttpClient Api)> DueRemindersAsync(string name, string address)
    {
        var (_, token) = await hub.CreateAgentAsync(name);
        var (contactId, _) = await OptOutSeed.ContactAsync(hub, name, ("sms", "+15550001111", address));
        var api = hub.Client(token);
        var ids = new List<Guid>();
        for (var i = 0; i < Rounds; i++)
        {
            var created = await api.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = TimeProvider.System.GetUtcNow().AddHours(1) });
            ids.Add((await created.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json))!.Id);
        }
        await using var scope = hub.Services.CreateAsyncScope();
        var due = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        await scope.ServiceProvider.GetRequiredService<HubDbContext>().Reminders.Where(r => ids.Contains(r.Id))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, due));
        return (ids, api);
    }

    private async Task FireAsync(Guid id, int delayMs)
    {
        await Task.Delay(delayMs);
        await using var scope = hub.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ReminderRunner>().FireAsync(id, CancellationToken.None);
    }

    private async Task<Reminder> StoredAsync(Guid id)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Reminders.AsNoTracking().FirstAsync(r => r.Id == id);
    }

    [Fact]
    public async Task ACancelRacingTheFiringEitherStopsItOrIsRefusedNeverBoth()
    {
        var (ids, api) = await DueRemindersAsync("Cancel Racer", "+15553339001");
        using var _ = api;
        for (var i = 0; i < Rounds; i++)
        {
            var id = ids[i];
            var fire = FireAsync(id, i % 4);
            var cancel = api.PostAsync($"/api/v1/reminders/{id}/cancel", null);
            await fire;
            var response = await cancel;
            var stored = await StoredAsync(id);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Assert.Equal(ReminderState.Cancelled, stored.State);
                Assert.Null(stored.FiredAt);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                var problem = await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>();
                Assert.Equal("Already fired", problem!.Title);
                Assert.Contains("nothing to cancel", problem.Detail);
                Assert.Equal(ReminderState.Done, stored.State);
                Assert.NotNull(stored.FiredAt);
                Assert.Null(stored.CancelledAt);
            }
        }
    }

    [Fact]
    public async Task ARescheduleRacingTheFiringNeverMovesAFiredReminder()
    {
        var (ids, api) = await DueRemindersAsync("Move Racer", "+15553339002");
        using var _ = api;
        var later = TimeProvider.System.GetUtcNow().AddDays(1);
        for (var i = 0; i < Rounds; i++)
        {
            var id = ids[i];
            var fire = FireAsync(id, i % 4);
            var move = api.PutAsJsonAsync($"/api/v1/reminders/{id}", new { dueAt = later, note = "moved" });
            await fire;
            var response = await move;
            var stored = await StoredAsync(id);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                // Moved before the firing claimed it: the firing found it later than now and left it scheduled.
                Assert.Equal(ReminderState.Scheduled, stored.State);
                Assert.Null(stored.FiredAt);
                Assert.Equal("moved", stored.Note);
            }
            else
            {
                Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
                Assert.Equal(ReminderState.Done, stored.State);
                Assert.Null(stored.Note);
            }
        }
    }
}
