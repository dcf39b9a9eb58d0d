using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Reminders;
using Crm.Hub.Tests.OptOut;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Crm.Hub.Tests.Reminders;

/// <summary>A reminder is a row in Quartz's tables: it fires after a restart, even when its time passed while the hub was down.</summary>
public sealed class ReminderRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "crm-hub-reminders", Guid.NewGuid().ToString("N"));

    public ReminderRestartTests() => Directory.CreateDirectory(_dataDirectory);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public async Task ReminderDueWhileTheHubWasDownFiresOnceAfterRestart()
    {
        Guid reminderId;
        Guid agentId;
        await using (var first = await StartAsync())
        {
            var (id, token) = await first.CreateAgentAsync("Restarter");
            agentId = id;
            var (contactId, _) = await OptOutSeed.ContactAsync(first, "Later", ("sms", "+15550001111", "+15554440001"));
            using var api = first.Client(token);
            var created = await api.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = TimeProvider.System.GetUtcNow().AddSeconds(2), note = "after the deploy" });
            reminderId = (await created.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json))!.Id;
        }
        await Task.Delay(TimeSpan.FromSeconds(3));

        await using var second = await StartAsync();
        using var admin = second.Client(await second.TokenAsync());
        var fired = await Wait.UntilFoundAsync(async () =>
        {
            var view = await admin.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{reminderId}", HubServer.Json);
            return view!.State == "done" ? view : null;
        }, TimeSpan.FromSeconds(30));
        Assert.NotNull(fired.FiredAt);

        var sync = await admin.GetFromJsonAsync<JsonElement>("/api/v1/sync?since=0");
        var notice = Assert.Single(sync.GetProperty("events").EnumerateArray(), e => e.GetProperty("type").GetString() == "ReminderDue");
        Assert.Equal(reminderId, notice.GetProperty("data").GetProperty("reminderId").GetGuid());
        Assert.Equal(agentId, notice.GetProperty("data").GetProperty("agentId").GetGuid());
    }

    [Fact]
    public async Task ScheduledReminderWhoseJobWasLostIsScheduledAgainAtStart()
    {
        Guid reminderId;
        await using (var first = await StartAsync())
        {
            var (contactId, _) = await OptOutSeed.ContactAsync(first, "Lost", ("sms", "+15550001111", "+15554440002"));
            using var admin = first.Client(await first.TokenAsync());
            var created = await admin.PostAsJsonAsync("/api/v1/reminders", new { contactId, dueAt = TimeProvider.System.GetUtcNow().AddSeconds(3) });
            reminderId = (await created.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json))!.Id;
            // As if the hub died between committing the reminder and scheduling its job.
            var scheduler = await first.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
            Assert.True(await scheduler.DeleteJob(ReminderJob.KeyOf(reminderId)));
        }

        await using var second = await StartAsync();
        using var api = second.Client(await second.TokenAsync());
        var fired = await Wait.UntilFoundAsync(async () =>
        {
            var view = await api.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{reminderId}", HubServer.Json);
            return view!.State == "done" ? view : null;
        }, TimeSpan.FromSeconds(30));
        Assert.Equal("Notified.", fired.Outcome);
    }

    private async Task<HubOver> StartAsync()
    {
        var hub = new HubOver(_dataDirectory);
        await hub.InitializeAsync();
        return hub;
    }

    /// <summary>A hub over a data folder this test owns, so a second hub can start over what the first left.</summary>
    private sealed class HubOver(string dataDirectory) : HubServer, IAsyncDisposable
    {
        async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

        protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["Crm:Database:ConnectionString"] = $"Data Source={Path.Combine(dataDirectory, "crm.db")}",
            ["Crm:DataDirectory"] = dataDirectory,
            ["Crm:Scheduling:MisfireThresholdSeconds"] = "1",
        };
    }
}
