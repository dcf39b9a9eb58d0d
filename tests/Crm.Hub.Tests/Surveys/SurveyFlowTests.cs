using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Storage;
using Crm.Hub.Surveys;
using Crm.Hub.Tests.Conversations;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Crm.Hub.Tests.Telegram;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Crm.Hub.Tests.Surveys;

/// <summary>A hub with SMS and Telegram (both emulated by one WireMock server) that surveys a second after resolution.</summary>
public sealed class SurveyHub : TelegramHub
{
    public SurveyHub()
    {
        Bot.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{SmsHub.AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithCallback(_ => new WireMock.ResponseMessage
            {
                StatusCode = 201,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData
                {
                    BodyAsString = $$"""{"sid":"SM{{Guid.NewGuid():N}}","status":"queued","direction":"outbound-api","num_segments":"1","error_code":null,"error_message":null}""",
                    DetectedBodyType = WireMock.Types.BodyType.String,
                },
            }));
        Bot.Given(Request.Create().WithPath(BotPath("sendMessage")).UsingPost())
            .RespondWith(Ok(SentMessage(1, 77, "survey")));
    }

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Crm:Surveys:DelayAfterResolve"] = "00:00:01",
        // No background sweeps worth the name: the tests sweep themselves (SurveyAsync), so a slow machine cannot slip a sweep
        // between two steps a test means to be within the delay.
        ["Crm:Surveys:SweepInterval"] = "01:00:00",
        ["Crm:Surveys:DefaultKind"] = "csat",
        ["Crm:Surveys:BusinessName"] = "Acme Help",
    };

    /// <summary>Sweeps (the background sweep is an hour apart in this fixture) until the conversation's survey exists.</summary>
    internal Task<SurveyRequest> SurveyedAsync(Guid conversationId) =>
        Wait.UntilFoundAsync(() => DbAsync(async db =>
        {
            await Services.GetRequiredService<SurveySweep>().SweepAsync(CancellationToken.None);
            return await db.SurveyRequests.AsNoTracking().FirstOrDefaultAsync(s => s.ConversationId == conversationId);
        }));

    internal async Task<T> DbAsync<T>(Func<HubDbContext, Task<T>> read)
    {
        await using var scope = Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    internal async Task DbAsync(Func<HubDbContext, Task> write)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await write(db);
        await db.SaveChangesAsync();
    }

    public IEnumerable<string> TwilioBodiesTo(string number) => Bot.LogEntries
        .Where(l => l.RequestMessage?.Path?.EndsWith("/Messages.json", StringComparison.Ordinal) == true
            && l.RequestMessage.Body?.Contains("To=" + Uri.EscapeDataString(number), StringComparison.Ordinal) == true)
        .Select(l => Uri.UnescapeDataString(l.RequestMessage!.Body!.Replace('+', ' ')));
}

/// <summary>Surveys end to end: sent once after resolution on the customer's channel, answered in the channel, results and follow-ups.</summary>
public sealed class SurveyFlowTests(SurveyHub hub) : IClassFixture<SurveyHub>
{
    private async Task<Guid> SmsConversationAsync(string from, string body)
    {
        await SmsHub.TextAsync(hub, from, body);
        return await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations
            .Where(c => c.Status != ConversationStatus.Resolved && db.ChannelIdentities.Any(i => i.ContactId == c.ContactId && i.Address == from))
            .Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
    }

    private async Task ResolveAsync(Guid conversationId)
    {
        using var admin = hub.Client(await hub.TokenAsync());
        (await admin.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null)).EnsureSuccessStatusCode();
    }

    /// <summary>Sweeps (the background sweep is an hour apart in this fixture) until the survey is there and matches.</summary>
    private Task<SurveyRequest> SurveyAsync(Guid conversationId, Func<SurveyRequest, bool>? until = null) =>
        Wait.UntilFoundAsync(() => hub.DbAsync(async db =>
        {
            await SweepAsync();
            var s = await db.SurveyRequests.AsNoTracking().FirstOrDefaultAsync(x => x.ConversationId == conversationId);
            return s is not null && (until ?? (_ => true))(s) ? s : null;
        }));

    private Task<int> SweepAsync() => hub.Services.GetRequiredService<SurveySweep>().SweepAsync(CancellationToken.None);

    [Fact]
    public async Task SmsSurveyIsSentOnceAndAPersianDigitReplyIsTheAnswerWithoutReopening()
    {
        const string customer = "+15557100001";
        var id = await SmsConversationAsync(customer, "Where is my parcel?");
        await ResolveAsync(id);

        var survey = await SurveyAsync(id);
        Assert.Equal(SurveyState.Sent, survey.State);
        Assert.Equal(SurveyKind.Csat, survey.Kind);
        Assert.Equal("sms", survey.Channel);
        Assert.Equal("en", survey.Locale);
        Assert.Equal(survey.SentAt + TimeSpan.FromHours(72), survey.ExpiresAt);
        var sent = await Wait.UntilFoundAsync(() => Task.FromResult(hub.TwilioBodiesTo(customer).FirstOrDefault(b => b.Contains("1 (very dissatisfied)", StringComparison.Ordinal))));
        Assert.Contains("Acme Help", sent, StringComparison.Ordinal);
        // Later passes find nothing due: one survey per conversation.
        Assert.Equal(0, await SweepAsync());
        Assert.Equal(0, await SweepAsync());
        Assert.Single(hub.TwilioBodiesTo(customer), b => b.Contains("very dissatisfied", StringComparison.Ordinal));

        await SmsHub.TextAsync(hub, customer, "۴");

        var answered = await SurveyAsync(id, s => s.State == SurveyState.Answered);
        Assert.Equal(4, answered.Score);
        Assert.Null(answered.Comment);
        Assert.Equal("sms", answered.AnsweredVia);
        var (status, conversations, reply) = await hub.DbAsync(async db => (
            (await db.Conversations.SingleAsync(c => c.Id == id)).Status,
            await db.Conversations.CountAsync(c => c.ContactId == answered.ContactId),
            await db.Messages.Where(m => m.ConversationId == id && m.Direction == MessageDirection.Inbound).OrderBy(m => m.CreatedAt).Select(m => m.Body).LastAsync()));
        Assert.Equal(ConversationStatus.Resolved, status);
        Assert.Equal(1, conversations);
        Assert.Equal("۴", reply);
        Assert.False(await hub.DbAsync(db => db.FollowUpTasks.AnyAsync(f => f.ConversationId == id)));

        // Metrics: the survey is an automatic message (no first response), the answer a CSAT 4.
        var history = ConversationHistoryMapper.FromConversationEvents(
            await hub.DbAsync(db => db.Events.AsNoTracking().Where(e => e.ConversationId == id).OrderBy(e => e.Seq).ToListAsync()))!;
        Assert.Contains(history.Timeline, e => e.Kind == TimelineKind.AutomaticReply);
        Assert.DoesNotContain(history.Timeline, e => e.Kind == TimelineKind.AgentReply);
        Assert.Equal(1, history.Timeline.Count(e => e.Kind == TimelineKind.CustomerMessage));
        var answer = Assert.Single(history.SurveyAnswers);
        Assert.Equal((SurveyKind.Csat, 4), (answer.Survey!.Value, answer.Score!.Value));
        Assert.Null(ConversationTimings.Of(history).FirstResponseTime);

        using var admin = hub.Client(await hub.TokenAsync());
        var results = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/surveys?kind=csat&from={TimeProvider.System.GetUtcNow().AddHours(-1):O}".Replace("+", "%2B", StringComparison.Ordinal));
        var item = results.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("conversationId").GetGuid() == id);
        Assert.Equal(4, item.GetProperty("score").GetInt32());
        var csat = results.GetProperty("summary").GetProperty("figures").EnumerateArray().Single(f => f.GetProperty("kind").GetString() == "csat");
        Assert.True(csat.GetProperty("responses").GetInt32() >= 1);
        var own = await admin.GetFromJsonAsync<JsonElement>($"/api/v1/conversations/{id}/survey");
        Assert.Equal("answered", own.GetProperty("state").GetString());
    }

    [Fact]
    public async Task SweepsRacingEachOtherStillSendOneSurvey()
    {
        const string customer = "+15557100008";
        var id = await SmsConversationAsync(customer, "Two nodes, one survey");
        await ResolveAsync(id);
        await Task.Delay(TimeSpan.FromSeconds(1));

        // As if several nodes (and this hub's own sweep) found the conversation due at once.
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(SweepAsync)));

        await SurveyAsync(id);
        Assert.Equal(1, await hub.DbAsync(db => db.SurveyRequests.CountAsync(s => s.ConversationId == id)));
        Assert.Equal(1, await hub.DbAsync(db => db.Messages.CountAsync(m => m.ConversationId == id && m.Direction == MessageDirection.Outbound)));
        await Wait.UntilFoundAsync(() => Task.FromResult(hub.TwilioBodiesTo(customer).FirstOrDefault()));
        Assert.Single(hub.TwilioBodiesTo(customer));
    }

    [Fact]
    public async Task WordsWithoutAScoreAreKeptAsACommentAndStillReachAnAgent()
    {
        const string customer = "+15557100002";
        var id = await SmsConversationAsync(customer, "Refund please");
        await ResolveAsync(id);
        var survey = await SurveyAsync(id);

        await SmsHub.TextAsync(hub, customer, "great thanks");

        var commented = await SurveyAsync(id, s => s.Comment is not null);
        Assert.Equal("great thanks", commented.Comment);
        Assert.Null(commented.Score);
        Assert.Equal(SurveyState.Sent, commented.State);
        var newer = await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations
            .Where(c => c.ContactId == survey.ContactId && c.Id != id).Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
        Assert.Equal("great thanks", await hub.DbAsync(db => db.Messages.Where(m => m.ConversationId == newer).Select(m => m.Body).SingleAsync()));
        Assert.Equal(ConversationStatus.Resolved, await hub.DbAsync(db => db.Conversations.Where(c => c.Id == id).Select(c => c.Status).SingleAsync()));
    }

    [Fact]
    public async Task ASentenceWithANumberInItIsTheCustomerWritingNotAScore()
    {
        const string customer = "+15557100012";
        var id = await SmsConversationAsync(customer, "Where is my order?");
        await ResolveAsync(id);
        var survey = await SurveyAsync(id);

        await SmsHub.TextAsync(hub, customer, "My parcel came 2 days late and the box was broken");

        var commented = await SurveyAsync(id, s => s.Comment is not null);
        Assert.Null(commented.Score);
        Assert.Equal(SurveyState.Sent, commented.State);
        var newer = await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations
            .Where(c => c.ContactId == survey.ContactId && c.Id != id).Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
        Assert.Equal("My parcel came 2 days late and the box was broken",
            await hub.DbAsync(db => db.Messages.Where(m => m.ConversationId == newer).Select(m => m.Body).SingleAsync()));
        Assert.False(await hub.DbAsync(db => db.FollowUpTasks.AnyAsync(f => f.ConversationId == id)));
    }

    [Fact]
    public async Task ACampaignMessageKeptAsAResolvedConversationGetsNoSurvey()
    {
        var contactId = Guid.NewGuid();
        var conversationId = Guid.NewGuid();
        var resolvedAt = hub.Services.GetRequiredService<TimeProvider>().GetUtcNow().AddSeconds(-5);
        await hub.DbAsync(async db =>
        {
            db.Contacts.Add(new Contact { Id = contactId, DisplayName = "Campaign recipient", Phone = "+15557100013", CreatedAt = resolvedAt });
            db.ChannelIdentities.Add(new ChannelIdentity
            {
                Id = Guid.NewGuid(), ContactId = contactId, Channel = "sms", AccountId = "", Address = "+15557100013", CreatedAt = resolvedAt, LastSeenAt = resolvedAt,
            });
            db.Conversations.Add(new Conversation
            {
                Id = conversationId, ContactId = contactId, Channel = "sms", Status = ConversationStatus.Resolved, CampaignId = Guid.NewGuid(),
                Number = 990_001, CreatedAt = resolvedAt, WaitingSince = resolvedAt, LastMessageAt = resolvedAt, ResolvedAt = resolvedAt,
            });
            db.Messages.Add(new Message
            {
                Id = Guid.NewGuid(), ConversationId = conversationId, Direction = MessageDirection.Outbound, Channel = "sms", Body = "Flu shots are in",
                DeliveryStatus = Crm.Channels.DeliveryStatus.Sent, CreatedAt = resolvedAt,
            });
            await Task.CompletedTask;
        });

        await SweepAsync();
        await SweepAsync();

        Assert.False(await hub.DbAsync(db => db.SurveyRequests.AnyAsync(r => r.ConversationId == conversationId)));
        Assert.Empty(hub.TwilioBodiesTo("+15557100013"));
    }

    [Fact]
    public async Task ReopenedWithinTheDelayGetsNoSurveyUntilResolvedAgain()
    {
        const string customer = "+15557100003";
        var id = await SmsConversationAsync(customer, "Password reset");
        await ResolveAsync(id);
        using var admin = hub.Client(await hub.TokenAsync());
        (await admin.PostAsync($"/api/v1/conversations/{id}/reopen", null)).EnsureSuccessStatusCode();

        // Well past the one-second delay.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await SweepAsync();
        Assert.False(await hub.DbAsync(db => db.SurveyRequests.AnyAsync(s => s.ConversationId == id)));
        Assert.Empty(hub.TwilioBodiesTo(customer));

        await ResolveAsync(id);
        Assert.Equal(SurveyState.Sent, (await SurveyAsync(id)).State);
    }

    [Fact]
    public async Task AnOptedOutAddressIsNotSurveyed()
    {
        const string customer = "+15557100004";
        var id = await SmsConversationAsync(customer, "Stop sending me offers");
        await SmsHub.TextAsync(hub, customer, "STOP");
        await Wait.UntilAsync(() => hub.DbAsync(db => db.ChannelIdentities.Where(i => i.Address == customer && i.OptedOutAt != null)
            .Select(i => (Guid?)i.Id).FirstOrDefaultAsync()));
        await ResolveAsync(id);

        var survey = await SurveyAsync(id);
        Assert.Equal(SurveyState.Skipped, survey.State);
        Assert.Contains("opted out", survey.SkipReason, StringComparison.Ordinal);
        Assert.Null(survey.MessageId);
        Assert.Empty(hub.TwilioBodiesTo(customer));
    }

    [Fact]
    public async Task ALowScoreOpensAFollowUpThatASupervisorIsAlertedToAndCloses()
    {
        const string customer = "+15557100005";
        var (_, supervisorToken) = await hub.CreateAgentAsync("Sup", role: "supervisor");
        await using var console = hub.AgentConnection(supervisorToken);
        var alerts = new Inbox<PushedEvent>();
        console.On<PushedEvent>("SupervisorAlert", alerts.Add);
        console.On<PushedEvent>("SurveyAnswered", alerts.Add);
        await console.StartAsync();
        var id = await SmsConversationAsync(customer, "The device is broken again");
        await ResolveAsync(id);
        await SurveyAsync(id);

        await SmsHub.TextAsync(hub, customer, "1 - nobody fixed it");

        var answered = await alerts.WaitForAsync(e => e.Type == "SurveyAnswered" && e.ConversationId == id);
        Assert.Equal(1, answered.Data.GetProperty("score").GetInt32());
        Assert.True(answered.Data.GetProperty("low").GetBoolean());
        var alert = await alerts.WaitForAsync(e => e.Type == "SupervisorAlert" && e.ConversationId == id);
        Assert.Equal("follow-up", alert.Data.GetProperty("kind").GetString());
        Assert.Contains("CSAT 1: nobody fixed it", alert.Data.GetProperty("reason").GetString(), StringComparison.Ordinal);

        using var supervisor = hub.Client(supervisorToken);
        var open = await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/follow-ups");
        var task = open.EnumerateArray().Single(f => f.GetProperty("conversationId").GetGuid() == id);
        Assert.Equal("low-score", task.GetProperty("reason").GetString());
        Assert.Equal("open", task.GetProperty("status").GetString());
        var taskId = task.GetProperty("id").GetGuid();
        var taken = await (await supervisor.PostAsync($"/api/v1/follow-ups/{taskId}/take", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Sup", taken.GetProperty("ownerName").GetString());
        var closed = await supervisor.PostAsJsonAsync($"/api/v1/follow-ups/{taskId}/close", new { note = "Called the customer; replacement sent." });
        Assert.Equal("done", (await closed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.DoesNotContain((await supervisor.GetFromJsonAsync<JsonElement>("/api/v1/follow-ups")).EnumerateArray(),
            f => f.GetProperty("id").GetGuid() == taskId);
        Assert.Equal(HttpStatusCode.BadRequest, (await supervisor.GetAsync("/api/v1/follow-ups?status=maybe")).StatusCode);

        var (_, agentToken) = await hub.CreateAgentAsync("PlainAgent");
        using var agent = hub.Client(agentToken);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/follow-ups")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/v1/surveys")).StatusCode);
    }

    [Fact]
    public async Task AResolvedComplaintOpensAFollowUp()
    {
        var id = await SmsConversationAsync("+15557100006", "I want to complain about the driver");
        using var admin = hub.Client(await hub.TokenAsync());
        (await admin.PutAsJsonAsync($"/api/v1/conversations/{id}/category", new { category = "complaint" })).EnsureSuccessStatusCode();
        await ResolveAsync(id);
        await SurveyAsync(id);

        var task = await Wait.UntilFoundAsync(() => hub.DbAsync(db => db.FollowUpTasks.AsNoTracking().FirstOrDefaultAsync(f => f.ConversationId == id)));
        Assert.Equal(FollowUpReasons.Complaint, task.Reason);
        Assert.Equal(FollowUpStatus.Open, task.Status);
    }

    [Fact]
    public async Task AnExpiredSurveyTakesNoAnswerAndTheReplyIsAnOrdinaryMessage()
    {
        const string customer = "+15557100007";
        var id = await SmsConversationAsync(customer, "Invoice question");
        await ResolveAsync(id);
        var survey = await SurveyAsync(id);
        await hub.DbAsync(async db =>
        {
            (await db.SurveyRequests.SingleAsync(s => s.Id == survey.Id)).ExpiresAt = TimeProvider.System.GetUtcNow().AddSeconds(-1);
        });
        await SweepAsync();
        Assert.Equal(SurveyState.Expired, (await SurveyAsync(id, s => s.State != SurveyState.Sent)).State);

        await SmsHub.TextAsync(hub, customer, "5");

        var newer = await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations
            .Where(c => c.ContactId == survey.ContactId && c.Id != id).Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
        Assert.Equal("5", await hub.DbAsync(db => db.Messages.Where(m => m.ConversationId == newer).Select(m => m.Body).SingleAsync()));
        var after = await SurveyAsync(id);
        Assert.Equal(SurveyState.Expired, after.State);
        Assert.Null(after.Score);
    }

    [Fact]
    public async Task ATelegramQueueAsksNpsAndAReplyOfNineOutOfTenIsTheAnswer()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var bad = await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "Stars", channels = new[] { "telegram" }, survey = "stars" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("survey", (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name));
        var created = await admin.PostAsJsonAsync("/api/v1/routing/queues", new { name = "Telegram NPS", channels = new[] { "telegram" }, survey = "NPS" });
        created.EnsureSuccessStatusCode();
        var queue = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("nps", queue.GetProperty("survey").GetString());

        const long user = 777000777;
        (await hub.PostUpdateAsync(TelegramChannelTests.Text(user, 1, "سلام، سفارشم نرسیده"))).EnsureSuccessStatusCode();
        var id = await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations
            .Where(c => c.Channel == "telegram" && db.ChannelIdentities.Any(i => i.ContactId == c.ContactId && i.Address == user.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            .Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
        await ResolveAsync(id);
        var survey = await SurveyAsync(id);
        Assert.Equal(SurveyKind.Nps, survey.Kind);
        Assert.Equal("fa", survey.Locale);
        var question = await hub.DbAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == survey.MessageId));
        Assert.Contains("۱۰", question.Body, StringComparison.Ordinal);
        await Wait.UntilFoundAsync(() => Task.FromResult(hub.Bot.LogEntries.FirstOrDefault(l => l.RequestMessage?.Path == TelegramHub.BotPath("sendMessage")
            && l.RequestMessage.Body?.Contains(user.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal) == true)));

        (await hub.PostUpdateAsync(TelegramChannelTests.Text(user, 2, "9 out of 10"))).EnsureSuccessStatusCode();

        var answered = await SurveyAsync(id, s => s.State == SurveyState.Answered);
        Assert.Equal(9, answered.Score);
        Assert.Equal("telegram", answered.AnsweredVia);
        Assert.Equal(1, await hub.DbAsync(db => db.Conversations.CountAsync(c => c.ContactId == answered.ContactId)));
        (await admin.DeleteAsync($"/api/v1/routing/queues/{queue.GetProperty("id").GetGuid()}")).EnsureSuccessStatusCode();
    }

    [Fact]
    public async Task AnEmailSurveyCarriesASignedLinkPerScoreThatOnlyAPostAnswers()
    {
        var now = TimeProvider.System.GetUtcNow();
        var conversationId = Guid.CreateVersion7();
        await hub.DbAsync(async db =>
        {
            var contact = new Contact { Id = Guid.CreateVersion7(), DisplayName = "Mina", Email = "mina@example.com", CreatedAt = now, Locale = "en" };
            contact.Identities.Add(new ChannelIdentity
            {
                Id = Guid.CreateVersion7(), ContactId = contact.Id, Channel = "email", AccountId = "support@acme.test", Address = "mina@example.com",
                CreatedAt = now, LastSeenAt = now,
            });
            db.Contacts.Add(contact);
            db.Conversations.Add(new Conversation
            {
                Id = conversationId, Number = 900_000 + Random.Shared.Next(1000), ContactId = contact.Id, Channel = "email", Status = ConversationStatus.Resolved,
                CreatedAt = now.AddMinutes(-5), WaitingSince = now.AddMinutes(-5), LastMessageAt = now.AddMinutes(-5), ResolvedAt = now.AddSeconds(-2),
            });
            db.Messages.Add(new Message
            {
                Id = Guid.CreateVersion7(), ConversationId = conversationId, Direction = MessageDirection.Inbound, Channel = "email", Body = "My invoice is wrong",
                ProviderMessageId = $"<{Guid.NewGuid():N}@example.com>", CreatedAt = now.AddMinutes(-5),
            });
            await Task.CompletedTask;
        });

        var survey = await SurveyAsync(conversationId);
        var message = await hub.DbAsync(db => db.Messages.Include(m => m.Email).AsNoTracking().SingleAsync(m => m.Id == survey.MessageId));
        Assert.Equal(SurveySender.EmailAutomaticMark, message.Email!.Automatic);
        Assert.Null(message.AuthorAgentId);
        var links = Regex.Matches(message.Body, @"https://crm\.example\.test(/survey/[A-Za-z0-9_-]+)\?score=(\d+)").ToList();
        Assert.Equal(["5", "4", "3", "2", "1"], links.Select(l => l.Groups[2].Value));
        var path = links[0].Groups[1].Value;

        using var client = hub.Client();
        var page = await client.GetAsync(path + "?score=5");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("value=\"5\" checked", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(SurveyState.Sent, (await SurveyAsync(conversationId)).State);

        var outOfRange = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = "42" }));
        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        var posted = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = "5", ["comment"] = "Quick and kind" }));
        Assert.Equal(HttpStatusCode.OK, posted.StatusCode);
        Assert.Contains("Thank you", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var answered = await SurveyAsync(conversationId);
        Assert.Equal((SurveyState.Answered, 5, "Quick and kind", "email"), (answered.State, answered.Score!.Value, answered.Comment, answered.AnsweredVia));

        // The first answer is final.
        var again = await client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = "1" }));
        Assert.Contains("already have your answer (5)", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(5, (await SurveyAsync(conversationId)).Score);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/survey/not-a-token")).StatusCode);
    }

    [Fact]
    public async Task AWidgetVisitorAnswersWithAButton()
    {
        var visitorToken = await hub.NewVisitorAsync("Nora");
        await using var visitor = hub.VisitorConnection(visitorToken);
        var received = new Inbox<global::Crm.Hub.WebChat.VisitorMessage>();
        visitor.On<global::Crm.Hub.WebChat.VisitorMessage>("MessageReceived", received.Add);
        await visitor.StartAsync();
        await visitor.InvokeAsync<JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body = "Do you ship abroad?" });
        var id = await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations.Where(c => c.Channel == "webchat" && c.LastMessagePreview == "Do you ship abroad?")
            .Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
        await ResolveAsync(id);
        await hub.SurveyedAsync(id);

        var question = await received.WaitForAsync(m => m.Survey is not null);
        var card = question.Survey!;
        Assert.Equal(("csat", 1, 5, true, (int?)null), (card.Kind, card.Min, card.Max, card.Open, card.Score));
        Assert.Contains("1 (very dissatisfied)", question.Body, StringComparison.Ordinal);
        var surveyId = card.Id;

        await Assert.ThrowsAsync<HubException>(() => visitor.InvokeAsync<global::Crm.Hub.WebChat.VisitorSurvey>("AnswerSurvey", surveyId, 9));
        var after = await visitor.InvokeAsync<global::Crm.Hub.WebChat.VisitorSurvey>("AnswerSurvey", surveyId, 5);
        Assert.Equal((5, false), (after.Score, after.Open));
        var survey = await SurveyAsync(id);
        Assert.Equal((SurveyState.Answered, 5, "webchat"), (survey.State, survey.Score!.Value, survey.AnsweredVia));

        // The session history shows the answered card after a reload.
        using var widget = hub.Client();
        var session = await (await widget.PostAsJsonAsync("/api/v1/widget/session", new { visitorToken })).Content.ReadFromJsonAsync<JsonElement>();
        var shown = session.GetProperty("messages").EnumerateArray().Single(m => m.TryGetProperty("survey", out var s) && s.ValueKind == JsonValueKind.Object);
        Assert.Equal(5, shown.GetProperty("survey").GetProperty("score").GetInt32());

        // Another visitor cannot answer it.
        await using var stranger = hub.VisitorConnection(await hub.NewVisitorAsync("Stranger"));
        await stranger.StartAsync();
        await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<global::Crm.Hub.WebChat.VisitorSurvey>("AnswerSurvey", surveyId, 1));
    }

    [Fact]
    public async Task AMalformedPeriodIsABadRequestWithTheReason()
    {
        using var admin = hub.Client(await hub.TokenAsync());
        var response = await admin.GetAsync("/api/v1/surveys?from=yesterday-ish");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("yesterday-ish", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/surveys?from=2026-02-01&to=2026-01-01")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.GetAsync("/api/v1/surveys?kind=stars")).StatusCode);
        var empty = await admin.GetFromJsonAsync<JsonElement>("/api/v1/surveys?from=2001-01-01&to=2001-02-01");
        Assert.Equal(0, empty.GetProperty("summary").GetProperty("sent").GetInt32());
    }
}
