using System.Net;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Hub.Surveys;
using Crm.Hub.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Tests.Surveys;

/// <summary>Two answers to one survey at the same moment (an SMS retry, a double click, a link posted twice): the first is final, once.</summary>
public sealed class SurveyDoubleAnswerTests(SurveyHub hub) : IClassFixture<SurveyHub>
{
    /// <summary>A resolved conversation and its survey, sent and open, written straight to the database.</summary>
    private async Task<SurveyRequest> SentSurveyAsync(string channel, string address)
    {
        var now = TimeProvider.System.GetUtcNow();
        var contact = new Contact { Id = Guid.CreateVersion7(), DisplayName = "Twice", CreatedAt = now, Locale = "en" };
        contact.Identities.Add(new ChannelIdentity
        {
            Id = Guid.CreateVersion7(), ContactId = contact.Id, Channel = channel, AccountId = "acct", Address = address, CreatedAt = now, LastSeenAt = now,
        });
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(), Number = 800_000 + Random.Shared.Next(100_000), ContactId = contact.Id, Channel = channel,
            Status = ConversationStatus.Resolved, CreatedAt = now.AddMinutes(-5), WaitingSince = now.AddMinutes(-5), LastMessageAt = now.AddMinutes(-5),
            ResolvedAt = now.AddMinutes(-1),
        };
        var survey = new SurveyRequest
        {
            Id = Guid.CreateVersion7(), ConversationId = conversation.Id, ContactId = contact.Id, Kind = SurveyKind.Csat, Channel = channel, Locale = "en",
            State = SurveyState.Sent, CreatedAt = now, SentAt = now, ExpiresAt = now.AddDays(1),
        };
        await hub.DbAsync(async db =>
        {
            db.Contacts.Add(contact);
            db.Conversations.Add(conversation);
            db.SurveyRequests.Add(survey);
            await Task.CompletedTask;
        });
        return survey;
    }

    private Task<(SurveyRequest Survey, int Answers, int FollowUps)> StoredAsync(Guid surveyId) => hub.DbAsync(async db =>
    {
        var survey = await db.SurveyRequests.AsNoTracking().SingleAsync(s => s.Id == surveyId);
        var answers = await db.Events.CountAsync(e => e.ConversationId == survey.ConversationId && e.Kind == SurveyEvents.Answered);
        var followUps = await db.FollowUpTasks.CountAsync(f => f.ConversationId == survey.ConversationId);
        return (survey, answers, followUps);
    });

    [Fact]
    public async Task TwoAnswersThatBothFoundTheSurveyOpenRecordOnlyTheFirst()
    {
        var seeded = await SentSurveyAsync("sms", "+15557300001");
        var options = hub.Services.GetRequiredService<IOptionsMonitor<SurveyOptions>>().CurrentValue;
        var now = TimeProvider.System.GetUtcNow();
        await using var first = hub.Services.CreateAsyncScope();
        await using var second = hub.Services.CreateAsyncScope();
        var firstDb = first.ServiceProvider.GetRequiredService<HubDbContext>();
        var secondDb = second.ServiceProvider.GetRequiredService<HubDbContext>();
        // Both read it open before either answers.
        var seenByFirst = await firstDb.SurveyRequests.SingleAsync(s => s.Id == seeded.Id);
        var seenBySecond = await secondDb.SurveyRequests.SingleAsync(s => s.Id == seeded.Id);

        var (firstOutcome, firstEvents) = await SurveyAnswers.RecordAsync(firstDb, seenByFirst, new SurveyAnswer(1, "never came"), "sms", options, now, default);
        await firstDb.SaveChangesAsync();
        var (secondOutcome, secondEvents) = await SurveyAnswers.RecordAsync(secondDb, seenBySecond, new SurveyAnswer(5, null), "sms", options, now, default);
        await secondDb.SaveChangesAsync();

        Assert.Equal(AnswerOutcome.Recorded, firstOutcome);
        Assert.NotEmpty(firstEvents);
        Assert.Equal(AnswerOutcome.AlreadyAnswered, secondOutcome);
        Assert.Empty(secondEvents);
        // The loser sees the stored answer, not its own.
        Assert.Equal((SurveyState.Answered, 1), (seenBySecond.State, seenBySecond.Score!.Value));
        var (stored, answers, followUps) = await StoredAsync(seeded.Id);
        Assert.Equal((SurveyState.Answered, 1, "never came", "sms"), (stored.State, stored.Score!.Value, stored.Comment, stored.AnsweredVia));
        Assert.Equal(1, answers);
        Assert.Equal(1, followUps);
    }

    [Fact]
    public async Task WordsAfterTheAnswerDoNotOverwriteItsComment()
    {
        var seeded = await SentSurveyAsync("sms", "+15557300002");
        var options = hub.Services.GetRequiredService<IOptionsMonitor<SurveyOptions>>().CurrentValue;
        var now = TimeProvider.System.GetUtcNow();
        await using var first = hub.Services.CreateAsyncScope();
        await using var second = hub.Services.CreateAsyncScope();
        var firstDb = first.ServiceProvider.GetRequiredService<HubDbContext>();
        var secondDb = second.ServiceProvider.GetRequiredService<HubDbContext>();
        var seenByFirst = await firstDb.SurveyRequests.SingleAsync(s => s.Id == seeded.Id);
        var seenBySecond = await secondDb.SurveyRequests.SingleAsync(s => s.Id == seeded.Id);

        await SurveyAnswers.RecordAsync(firstDb, seenByFirst, new SurveyAnswer(4, "good"), "sms", options, now, default);
        await firstDb.SaveChangesAsync();
        var (outcome, events) = await SurveyAnswers.RecordAsync(secondDb, seenBySecond, new SurveyAnswer(null, "it broke again"), "sms", options, now, default);
        await secondDb.SaveChangesAsync();

        Assert.Equal(AnswerOutcome.AlreadyAnswered, outcome);
        Assert.Empty(events);
        var (stored, answers, _) = await StoredAsync(seeded.Id);
        Assert.Equal((4, "good"), (stored.Score!.Value, stored.Comment));
        Assert.Equal(1, answers);
    }

    [Fact]
    public async Task AWidgetButtonClickedTwiceAnswersOnceAndBothClicksGetTheAnswer()
    {
        var visitorToken = await hub.NewVisitorAsync("Double Clicker");
        await using var visitor = hub.VisitorConnection(visitorToken);
        var received = new Inbox<global::Crm.Hub.WebChat.VisitorMessage>();
        visitor.On<global::Crm.Hub.WebChat.VisitorMessage>("MessageReceived", received.Add);
        await visitor.StartAsync();
        var body = $"double click {Guid.NewGuid():N}";
        await visitor.InvokeAsync<System.Text.Json.JsonElement>("Send", new { clientMessageId = Guid.NewGuid().ToString(), body });
        var conversationId = await Wait.UntilAsync(() => hub.DbAsync(db => db.Conversations.Where(c => c.LastMessagePreview == body)
            .Select(c => (Guid?)c.Id).FirstOrDefaultAsync()));
        using (var admin = hub.Client(await hub.TokenAsync()))
        {
            (await admin.PostAsync($"/api/v1/conversations/{conversationId}/resolve", null)).EnsureSuccessStatusCode();
        }
        await hub.SurveyedAsync(conversationId);
        var card = (await received.WaitForAsync(m => m.Survey is not null, TimeSpan.FromSeconds(30))).Survey!;

        var clicks = await Task.WhenAll(Enumerable.Range(0, 4).Select(i =>
            visitor.InvokeAsync<global::Crm.Hub.WebChat.VisitorSurvey>("AnswerSurvey", card.Id, 2 + (i % 3))));

        var (stored, answers, _) = await StoredAsync(card.Id);
        Assert.Equal(SurveyState.Answered, stored.State);
        Assert.Equal(1, answers);
        Assert.All(clicks, c => Assert.Equal((stored.Score, false), (c.Score, c.Open)));
    }

    [Fact]
    public async Task AnEmailLinkPostedTwiceAtOnceAnswersOnceAndBothPostsSeeTheAnswer()
    {
        var links = hub.Services.GetRequiredService<SurveyLinks>();
        for (var round = 0; round < 10; round++)
        {
            var survey = await SentSurveyAsync("email", $"twice{round}@example.com");
            var path = SurveyLinks.PathPrefix + links.Token(survey.Id);
            using var client = hub.Client();
            var posts = await Task.WhenAll(Enumerable.Range(0, 3).Select(i =>
                client.PostAsync(path, new FormUrlEncodedContent(new Dictionary<string, string> { ["score"] = (i + 1).ToString(), ["comment"] = "twice" }))));

            Assert.All(posts, p => Assert.Equal(HttpStatusCode.OK, p.StatusCode));
            var (stored, answers, _) = await StoredAsync(survey.Id);
            Assert.Equal(SurveyState.Answered, stored.State);
            Assert.Equal(1, answers);
            var pages = await Task.WhenAll(posts.Select(p => p.Content.ReadAsStringAsync()));
            Assert.Single(pages, p => p.Contains("Thank you for your answer!", StringComparison.Ordinal));
            Assert.Equal(2, pages.Count(p => p.Contains($"already have your answer ({stored.Score})", StringComparison.Ordinal)));
        }
    }
}
