using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Reminders;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Reminders;

/// <summary>Appointment and renewal reminders to customers over SMS, with Twilio emulated: rendered at send time, sent once, never to an opted-out number.</summary>
public sealed class CustomerRemindersTests(SmsHub hub) : IClassFixture<SmsHub>
{
    private static DateTimeOffset In(double seconds) => TimeProvider.System.GetUtcNow().AddSeconds(seconds);

    private void TwilioAccepts() =>
        hub.Twilio.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody("""{"sid":"SM22222222222222222222222222222222","status":"queued","direction":"outbound-api","num_segments":"1","error_code":null,"error_message":null}"""));

    private List<string> SentTo(string number) => [.. hub.Twilio.LogEntries
        .Where(l => l.RequestMessage?.Path?.EndsWith("/Messages.json", StringComparison.Ordinal) == true
            && l.RequestMessage.Body?.Contains("To=" + Uri.EscapeDataString(number), StringComparison.Ordinal) == true)
        .Select(l => l.RequestMessage!.Body!)];

    /// <summary>The customer texts in (so the hub knows their number), then is given a name and a language.</summary>
    private async Task<Guid> CustomerAsync(string number, string name, string locale)
    {
        await SmsHub.TextAsync(hub, number, "hello");
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var identity = await Wait.UntilFoundAsync(() => db.ChannelIdentities.Include(i => i.Contact).FirstOrDefaultAsync(i => i.Channel == "sms" && i.Address == number));
        identity.Contact!.DisplayName = name;
        identity.Contact.Locale = locale;
        await db.SaveChangesAsync();
        return identity.ContactId;
    }

    private static async Task<ReminderView> UntilAsync(HttpClient api, Guid id, Func<ReminderView, bool> done) =>
        await Wait.UntilFoundAsync(async () =>
        {
            var view = await api.GetFromJsonAsync<ReminderView>($"/api/v1/reminders/{id}", HubServer.Json);
            return done(view!) ? view : null;
        }, TimeSpan.FromSeconds(30));

    [Fact]
    public async Task AppointmentReminderIsRenderedInTheContactsLanguageAndSentOnce()
    {
        TwilioAccepts();
        const string number = "+15558880001";
        var contactId = await CustomerAsync(number, "Sara Ahmadi", "fa");
        var (_, token) = await hub.CreateAgentAsync("Scheduler", smsCapacity: 5);
        using var api = hub.Client(token);

        var created = await api.PostAsJsonAsync("/api/v1/reminders", new
        {
            kind = "customer", contactId, channel = "sms", template = "appointment-reminder", dueAt = In(1),
            variables = new Dictionary<string, string> { ["appointment_date"] = "1405/02/15", ["appointment_time"] = "10:30" },
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var reminder = await created.Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);
        Assert.Equal("customer", reminder!.Kind);
        Assert.Equal("1405/02/15", reminder.Variables!["appointment_date"]);

        var sent = await UntilAsync(api, reminder.Id, r => r.Delivery == "sent");
        Assert.Equal("queued", sent.State);
        Assert.NotNull(sent.ConversationId);
        await Task.Delay(1500);
        var body = Assert.Single(SentTo(number));
        var text = Uri.UnescapeDataString(body.Replace('+', ' '));
        Assert.Contains("سلام Sara", text);
        Assert.Contains("1405/02/15", text);
        Assert.Contains("10:30", text);

        // The agent sees what the customer was sent in the contact's conversation.
        var thread = await api.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{sent.ConversationId}/messages");
        Assert.Contains(thread.EnumerateArray(), m => m.GetProperty("direction").GetString() == "outbound"
            && m.GetProperty("body").GetString()!.Contains("1405/02/15", StringComparison.Ordinal));
    }

    [Fact]
    public async Task TemplatesNameTheVariablesEachReads()
    {
        var (_, token) = await hub.CreateAgentAsync("Template Reader");
        using var api = hub.Client(token);

        var templates = await api.GetFromJsonAsync<List<ReminderTemplateView>>("/api/v1/reminders/templates", HubServer.Json);

        var appointment = Assert.Single(templates!, t => t.Name == "appointment-reminder");
        Assert.Equal(["appointment_date", "appointment_time"], appointment.Variables);
        Assert.Equal(["en", "fa"], appointment.Locales);
        Assert.Contains("renewal_date", Assert.Single(templates!, t => t.Name == "renewal-reminder").Variables);
    }

    [Fact]
    public async Task ACustomerWhoTextsStopBeforeTheTimeIsNotSentTheReminder()
    {
        TwilioAccepts();
        const string number = "+15558880002";
        var contactId = await CustomerAsync(number, "Tom Reed", "en");
        var (_, token) = await hub.CreateAgentAsync("Renewals", smsCapacity: 5);
        using var api = hub.Client(token);
        var reminder = await (await api.PostAsJsonAsync("/api/v1/reminders", new
        {
            kind = "customer", contactId, channel = "sms", template = "renewal-reminder", dueAt = In(2),
            variables = new Dictionary<string, string> { ["plan"] = "Gold", ["renewal_date"] = "1 June" },
        })).Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);

        // Opt-out is read when the reminder fires, not when it was set.
        await SmsHub.TextAsync(hub, number, "STOP");

        var skipped = await UntilAsync(api, reminder!.Id, r => r.State != "scheduled");
        Assert.Equal("skipped", skipped.State);
        Assert.Contains("opted out", skipped.Outcome);
        Assert.Null(skipped.Delivery);
        await Task.Delay(1000);
        Assert.Empty(SentTo(number));
    }

    [Fact]
    public async Task ANumberTheAdminSuppressedIsNotSentTheReminder()
    {
        TwilioAccepts();
        const string number = "+15558880003";
        var contactId = await CustomerAsync(number, "Ali Rezaei", "en");
        using var admin = hub.Client(await hub.TokenAsync());
        (await admin.PostAsJsonAsync("/api/v1/suppressions", new { contactId, channel = "sms", reason = "do not contact" })).EnsureSuccessStatusCode();

        var reminder = await (await admin.PostAsJsonAsync("/api/v1/reminders", new
        {
            kind = "customer", contactId, channel = "sms", template = "appointment-reminder", dueAt = In(0.5),
            variables = new Dictionary<string, string> { ["appointment_date"] = "Monday", ["appointment_time"] = "9:00" },
        })).Content.ReadFromJsonAsync<ReminderView>(HubServer.Json);

        Assert.Equal("skipped", (await UntilAsync(admin, reminder!.Id, r => r.State != "scheduled")).State);
        Assert.Empty(SentTo(number));
    }
}
