using System.Globalization;
using System.Net.Http.Json;
using Crm.Hub.Tests.OptOut;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Crm.Hub.Tests.Browser;

/// <summary>An agent in Tehran sets a reminder from the conversation header and sees the notice when it fires; the admin's suppression list.</summary>
public sealed class RemindersConsoleTests(HubServer hub) : IClassFixture<HubServer>, IAsyncLifetime
{
    private const string Zone = "Asia/Tehran";
    private readonly Chromium _chromium = new();

    public Task InitializeAsync() => _chromium.InitializeAsync();

    public Task DisposeAsync() => _chromium.DisposeAsync();

    private async Task<IPage> SignInAsync()
    {
        var context = await _chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = hub.BaseAddress.ToString(), TimezoneId = Zone });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/app/");
        await page.Locator("#login-email").FillAsync(HubServer.AdminEmail);
        await page.Locator("#login-password").FillAsync(HubServer.AdminPassword);
        await page.GetByTestId("login-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("presence")).ToBeVisibleAsync();
        return page;
    }

    /// <summary>A datetime-local value for <paramref name="at"/> as a browser in Tehran shows it.</summary>
    /// <summary>
    /// The value a datetime-local input holds for that moment: Chromium writes whole minutes without seconds, and Playwright
    /// refuses a fill whose value the input would rewrite ("Malformed value"), so ":00" is left out.
    /// </summary>
    private static string TehranLocal(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById(Zone));
        return local.ToString(local.Second == 0 ? "yyyy-MM-dd'T'HH:mm" : "yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task AgentSetsAReminderFromTheConversationHeaderAndSeesTheNoticeWhenItFires()
    {
        var conversationId = await hub.VisitorWritesAsync("Can you call me back after lunch?", "Lunch Larry");
        var page = await SignInAsync();
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        await page.GotoAsync($"/app/c/{conversationId}");
        await Assertions.Expect(page.GetByTestId("conversation-header")).ToContainTextAsync("Lunch Larry");

        await page.GetByTestId("remind-me").ClickAsync();
        var dialog = page.GetByTestId("reminder-dialog");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync(Zone);
        // A time in the past is refused at its field, by the server's validation.
        await page.GetByTestId("reminder-when").FillAsync(TehranLocal(TimeProvider.System.GetUtcNow().AddHours(-2)));
        await page.GetByTestId("reminder-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reminder-when-error")).ToContainTextAsync("in the past");

        var due = TimeProvider.System.GetUtcNow().AddSeconds(8);
        await page.GetByTestId("reminder-when").FillAsync(TehranLocal(due));
        await page.GetByTestId("reminder-note").FillAsync("Call Larry about the refund");
        await page.GetByTestId("reminder-note").PressAsync("Tab");
        await page.GetByTestId("reminder-save").PressAsync("Enter");
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        // The server holds the instant the agent meant in Tehran, and the zone.
        using var admin = hub.Client(await hub.TokenAsync());
        var stored = (await admin.GetFromJsonAsync<List<Hub.Reminders.ReminderView>>("/api/v1/reminders?status=upcoming", HubServer.Json))!
            .Single(r => r.ConversationId == conversationId);
        Assert.Equal(Zone, stored.TimeZone);
        Assert.InRange((stored.DueAt - due).Duration(), TimeSpan.Zero, TimeSpan.FromSeconds(1));

        await page.GetByTestId("nav-reminders").ClickAsync();
        var row = page.GetByTestId("reminder-row").Filter(new() { HasText = "Call Larry about the refund" });
        await Assertions.Expect(row).ToContainTextAsync("Scheduled");

        var notice = page.GetByTestId("notice").Filter(new() { HasText = "Call Larry about the refund" });
        await Assertions.Expect(notice).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(notice).ToContainTextAsync("Lunch Larry");
        // Fired: it leaves the upcoming list by itself (the notice refreshes the page).
        await Assertions.Expect(row).ToHaveCountAsync(0);

        await notice.GetByTestId("notice-link").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex($"/app/c/{conversationId}$"));
        await Assertions.Expect(page.GetByTestId("conversation-header")).ToContainTextAsync("Lunch Larry");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AgentSchedulesAnAppointmentReminderToTheCustomerFromATemplate()
    {
        var conversationId = await hub.VisitorWritesAsync("Book me for Monday", "Booking Bea");
        using var admin = hub.Client(await hub.TokenAsync());
        var contactId = (await admin.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/v1/conversations/{conversationId}")).GetProperty("contactId").GetGuid();
        await using (var scope = hub.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Hub.Storage.HubDbContext>();
            var now = TimeProvider.System.GetUtcNow();
            db.ChannelIdentities.Add(new Hub.Contacts.ChannelIdentity
            {
                Id = Guid.NewGuid(), ContactId = contactId, Channel = "sms", AccountId = "+15550001111", Address = "+15559990001", CreatedAt = now, LastSeenAt = now,
            });
            await db.SaveChangesAsync();
        }
        var page = await SignInAsync();
        await page.GotoAsync($"/app/c/{conversationId}");
        await page.GetByTestId("remind-me").ClickAsync();
        await page.GetByTestId("reminder-for-customer").CheckAsync();
        await page.GetByTestId("reminder-template").SelectOptionAsync("appointment-reminder");
        await Assertions.Expect(page.GetByTestId("reminder-channel")).ToContainTextAsync("+15559990001");
        await page.GetByTestId("reminder-var-appointment_date").FillAsync("Monday 3 May");
        await page.GetByTestId("reminder-var-appointment_time").FillAsync("09:30");
        var due = TimeProvider.System.GetUtcNow().AddDays(1);
        await page.GetByTestId("reminder-when").FillAsync(TehranLocal(due));
        await page.GetByTestId("reminder-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("reminder-dialog")).ToHaveCountAsync(0);

        var reminder = (await admin.GetFromJsonAsync<List<Hub.Reminders.ReminderView>>("/api/v1/reminders?scope=all&status=upcoming", HubServer.Json))!
            .Single(r => r.ContactId == contactId);
        Assert.Equal("customer", reminder.Kind);
        Assert.Equal("sms", reminder.Channel);
        Assert.Equal("appointment-reminder", reminder.Template);
        Assert.Equal("Monday 3 May", reminder.Variables!["appointment_date"]);
        Assert.Equal("09:30", reminder.Variables["appointment_time"]);
    }

    [Fact]
    public async Task AdminFindsExportsAndReSubscribesASuppressedAddress()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var address = $"stop-{tag}@example.test";
        var (_, ids) = await OptOutSeed.ContactAsync(hub, $"Quiet {tag}", ("email", "news@shop.test", address));
        await OptOutSeed.MarkAsync(hub, ids[0], optedOut: true);
        var page = await SignInAsync();
        await page.GetByTestId("nav-admin").ClickAsync();
        var list = page.GetByTestId("suppressions");
        await list.ScrollIntoViewIfNeededAsync();

        await page.GetByTestId("suppressions-search").FillAsync($"nothing-{tag}");
        await Assertions.Expect(page.GetByTestId("suppressions-empty")).ToBeVisibleAsync();
        await page.GetByTestId("suppressions-search").FillAsync(tag);
        var row = page.GetByTestId("suppression-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row).ToContainTextAsync(address);
        await Assertions.Expect(row).ToContainTextAsync($"Quiet {tag}");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("suppressions-export").ClickAsync());
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!);
        Assert.Contains(address, csv);

        await row.GetByTestId("suppression-resubscribe").ClickAsync();
        await page.GetByTestId("resubscribe-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("resubscribe-reason-error")).ToContainTextAsync("why");
        await page.GetByTestId("resubscribe-reason").FillAsync("Customer asked on the phone");
        await page.GetByTestId("resubscribe-save").ClickAsync();
        await Assertions.Expect(page.GetByTestId("suppressions-empty")).ToBeVisibleAsync();
        Assert.Null(Assert.Single(await OptOutSeed.IdentitiesAsync(hub, "email", address)).OptedOutAt);
    }
}
