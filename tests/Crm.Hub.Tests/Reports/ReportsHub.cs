using System.Net.Http.Json;
using System.Text.Json;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Reports;

/// <summary>
/// A hub whose board time zone is Tehran (UTC+03:30 all year) with six conversations of June 2026 seeded as the event list the
/// writers store, in a queue "Support" created through the API with its own calendar and SLA:
/// Sat–Wed 08:00–16:00, Thu 08:00–12:00, Fri closed, Thu 2026-06-04 a holiday; first response 1 h, resolution 8 h (business).
/// June 2026: Mon 1, Tue 2, Wed 3, Thu 4 (holiday), Fri 5, Sat 6, Sun 7, Mon 8.
/// <list type="number">
/// <item>C1 Sara, sms, inquiry: Mon 1 09:00 in, Ava accepts 09:02, replies 09:10, resolves 09:40. csat 3.</item>
/// <item>C2 Sara again, email, inquiry: Wed 3 10:00 in, automatic ack 10:00:05, Babak accepts 10:30, replies 11:00, resolves 15:00. csat 5.</item>
/// <item>C3 Reza, telegram: Mon 1 10:00 in, Babak accepts 10:01, replies 10:05, resolves 10:30; reopened by Reza Tue 2 09:00, Babak
/// accepts 09:30, replies 09:45, resolves 11:00.</item>
/// <item>C4 Mina, webchat: Tue 2 14:00 in, Cyrus accepts 14:01, replies 14:03, transfers 14:10; Babak accepts 14:20, replies 14:25, resolves 14:50.</item>
/// <item>C5 Ali, email, complaint: Wed 3 15:00 in, ack 15:00:10, Babak accepts 15:30, replies Sat 6 09:00 (across the holiday and the
/// weekend), resolves Sat 6 10:00. nps 6.</item>
/// <item>C6 Neda, sms, suggestion, no queue (24/7, 60 min / 8 h defaults): Mon 8 09:00 in, nobody answers yet.</item>
/// </list>
/// </summary>
public sealed class ReportsHub : HubServer, IAsyncLifetime
{
    private static readonly TimeSpan Offset = new(3, 30, 0);

    public Guid Ava { get; private set; }
    public Guid Babak { get; private set; }
    public Guid Cyrus { get; private set; }
    public Guid SupportQueue { get; private set; }
    public Guid[] Conversations { get; } = [.. Enumerable.Range(1, 6).Select(n => Guid.Parse($"00000000-0000-0000-0000-0000000000c{n}"))];

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Crm:Metrics:TimeZone"] = "Asia/Tehran",
        ["Crm:Metrics:FcrWindowDays"] = "7",
        ["Crm:Metrics:FirstResponseMinutes"] = "60",
        ["Crm:Metrics:ResolutionHours"] = "8",
    };

    public static DateTimeOffset L(int day, int hour, int minute, int second = 0) => new(2026, 6, day, hour, minute, second, Offset);

    public static object SupportCalendar => new
    {
        timeZone = "Asia/Tehran",
        hours = new[] { "saturday", "sunday", "monday", "tuesday", "wednesday" }.Select(d => new { day = d, open = "08:00", close = "16:00" })
            .Append(new { day = "thursday", open = "08:00", close = "12:00" }).ToArray(),
        holidays = new[] { "2026-06-04" },
    };

    async Task IAsyncLifetime.InitializeAsync()
    {
        await InitializeAsync();
        Ava = (await CreateAgentAsync("Ava")).Id;
        Babak = (await CreateAgentAsync("Babak")).Id;
        Cyrus = (await CreateAgentAsync("Cyrus")).Id;
        using var admin = Client(await TokenAsync());
        var created = await admin.PostAsJsonAsync("/api/v1/routing/queues", new
        {
            name = "Support",
            order = 5,
            firstResponseSlaSeconds = 3600,
            resolutionSlaSeconds = 8 * 3600,
            keywords = new[] { "only-seeded-conversations-go-here" },
            calendar = SupportCalendar,
        });
        created.EnsureSuccessStatusCode();
        SupportQueue = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await SeedAsync();
    }

    private async Task SeedAsync()
    {
        using var scope = Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var sara = Contact(db, "Sara");
        var reza = Contact(db, "Reza");
        var mina = Contact(db, "Mina");
        var ali = Contact(db, "Ali");
        var neda = Contact(db, "Neda");
        var s = new Seeder(db);

        var c1 = s.Conversation(Conversations[0], 1, sara, "sms", "inquiry", SupportQueue, ConversationStatus.Resolved);
        s.Opened(c1, L(1, 9, 0)); s.In(c1, L(1, 9, 0)); s.Assigned(c1, L(1, 9, 2), Ava); s.Reply(c1, L(1, 9, 10), Ava); s.Resolved(c1, L(1, 9, 40), Ava);
        s.Survey(c1, L(1, 10, 0), "csat", 3);

        var c2 = s.Conversation(Conversations[1], 2, sara, "email", "inquiry", SupportQueue, ConversationStatus.Resolved);
        s.Opened(c2, L(3, 10, 0)); s.In(c2, L(3, 10, 0)); s.Auto(c2, L(3, 10, 0, 5)); s.Assigned(c2, L(3, 10, 30), Babak);
        s.Reply(c2, L(3, 11, 0), Babak); s.Resolved(c2, L(3, 15, 0), Babak);
        s.Survey(c2, L(3, 16, 0), "csat", 5);

        var c3 = s.Conversation(Conversations[2], 3, reza, "telegram", null, SupportQueue, ConversationStatus.Resolved);
        s.Opened(c3, L(1, 10, 0)); s.In(c3, L(1, 10, 0)); s.Assigned(c3, L(1, 10, 1), Babak); s.Reply(c3, L(1, 10, 5), Babak);
        s.Resolved(c3, L(1, 10, 30), Babak); s.Reopened(c3, L(2, 9, 0)); s.In(c3, L(2, 9, 0)); s.Assigned(c3, L(2, 9, 30), Babak);
        s.Reply(c3, L(2, 9, 45), Babak); s.Resolved(c3, L(2, 11, 0), Babak);

        var c4 = s.Conversation(Conversations[3], 4, mina, "webchat", null, SupportQueue, ConversationStatus.Resolved);
        s.Opened(c4, L(2, 14, 0)); s.In(c4, L(2, 14, 0)); s.Assigned(c4, L(2, 14, 1), Cyrus); s.Reply(c4, L(2, 14, 3), Cyrus);
        s.Transferred(c4, L(2, 14, 10), Cyrus); s.Assigned(c4, L(2, 14, 20), Babak); s.Reply(c4, L(2, 14, 25), Babak); s.Resolved(c4, L(2, 14, 50), Babak);

        var c5 = s.Conversation(Conversations[4], 5, ali, "email", "complaint", SupportQueue, ConversationStatus.Resolved);
        s.Opened(c5, L(3, 15, 0)); s.In(c5, L(3, 15, 0)); s.Auto(c5, L(3, 15, 0, 10)); s.Assigned(c5, L(3, 15, 30), Babak);
        s.Reply(c5, L(6, 9, 0), Babak); s.Resolved(c5, L(6, 10, 0), Babak);
        s.Survey(c5, L(6, 11, 0), "nps", 6);

        var c6 = s.Conversation(Conversations[5], 6, neda, "sms", "suggestion", null, ConversationStatus.Open);
        s.Opened(c6, L(8, 9, 0)); s.In(c6, L(8, 9, 0));

        await db.SaveChangesAsync();
    }

    private static Guid Contact(HubDbContext db, string name)
    {
        var contact = new Contact { Id = Guid.NewGuid(), DisplayName = name, CreatedAt = L(1, 0, 0) };
        db.Contacts.Add(contact);
        return contact.Id;
    }

    /// <summary>Writes conversations and their events as the hub's writers do: each change carries the conversation's view.</summary>
    private sealed class Seeder(HubDbContext db)
    {
        private readonly Dictionary<Guid, Conversation> _conversations = [];
        private readonly Dictionary<Guid, Guid?> _assignee = [];

        public Guid Conversation(Guid id, long number, Guid contact, string channel, string? category, Guid? queue, ConversationStatus status)
        {
            var c = new Conversation
            {
                Id = id, Number = 900_000 + number, ContactId = contact, Channel = channel, Category = category, QueueId = queue, Status = status,
                CreatedAt = L(1, 0, 0), WaitingSince = L(1, 0, 0), LastMessageAt = L(1, 0, 0),
            };
            db.Conversations.Add(c);
            _conversations[id] = c;
            return id;
        }

        private void Updated(Guid id, string kind, DateTimeOffset at, Guid? agent)
        {
            var c = _conversations[id];
            db.Append(kind, StaffEvents.ConversationUpdated, id, agent, new
            {
                id, contactId = c.ContactId, channel = c.Channel, category = c.Category, priority = 0, teamId = (Guid?)null,
                assigneeId = _assignee.GetValueOrDefault(id),
            }, at);
        }

        public void Opened(Guid id, DateTimeOffset at) => Updated(id, EventKinds.Opened, at, null);

        public void Assigned(Guid id, DateTimeOffset at, Guid agent)
        {
            _assignee[id] = agent;
            Updated(id, EventKinds.Assigned, at, agent);
        }

        public void Transferred(Guid id, DateTimeOffset at, Guid agent)
        {
            _assignee[id] = null;
            Updated(id, EventKinds.Transferred, at, agent);
        }

        public void Resolved(Guid id, DateTimeOffset at, Guid agent) => Updated(id, EventKinds.Resolved, at, agent);

        public void Reopened(Guid id, DateTimeOffset at)
        {
            _assignee[id] = null;
            Updated(id, EventKinds.Reopened, at, null);
        }

        public void In(Guid id, DateTimeOffset at) =>
            db.Append(EventKinds.Received, StaffEvents.MessageAdded, id, null, new { conversationId = id, direction = "inbound", body = "hello" }, at);

        public void Reply(Guid id, DateTimeOffset at, Guid agent) =>
            db.Append(EventKinds.Sent, StaffEvents.MessageAdded, id, agent, new { conversationId = id, direction = "outbound", authorAgentId = agent, body = "hi" }, at);

        public void Auto(Guid id, DateTimeOffset at) =>
            db.Append(EventKinds.Sent, StaffEvents.MessageAdded, id, null, new { conversationId = id, direction = "outbound", body = "We got your mail." }, at);

        public void Survey(Guid id, DateTimeOffset at, string kind, int score) =>
            db.Append("survey-answered", "SurveyAnswered", id, null, new { kind, score }, at);
    }
}
