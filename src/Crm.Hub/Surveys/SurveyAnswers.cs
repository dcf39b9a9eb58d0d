using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Surveys;

/// <summary>What became of an answer: recorded, or why not.</summary>
internal enum AnswerOutcome
{
    /// <summary>A score (with any comment) is recorded; the survey is answered.</summary>
    Recorded,
    /// <summary>No score, only words: kept as the survey's comment; the survey still takes a score.</summary>
    Commented,
    /// <summary>The survey already has its answer (the first is final).</summary>
    AlreadyAnswered,
    /// <summary>Past its expiry, or never sent.</summary>
    Closed,
}

/// <summary>
/// Records a survey answer from any channel in the caller's unit of work: the score and comment on the survey row, a
/// <see cref="SurveyEvents.Answered"/> event for metrics and consoles, and — for a low score — a follow-up task for supervisors.
/// The caller commits and then publishes the returned events.
/// </summary>
internal static class SurveyAnswers
{
    public const int MaxComment = 2000;

    public static async Task<(AnswerOutcome Outcome, List<ConversationEvent> Events)> RecordAsync(HubDbContext db, SurveyRequest survey,
        SurveyAnswer answer, string via, SurveyOptions options, DateTimeOffset now, CancellationToken ct)
    {
        if (survey.State == SurveyState.Answered)
        {
            return (AnswerOutcome.AlreadyAnswered, []);
        }
        if (!survey.IsOpenAt(now))
        {
            return (AnswerOutcome.Closed, []);
        }
        var comment = answer.Comment is { Length: > MaxComment } text ? text[..MaxComment] : answer.Comment;
        var events = new List<ConversationEvent>();
        var low = false;
        if (answer.Score is { } score)
        {
            // Claimed by a conditional update, not by the row read earlier: two answers at once (an SMS retry, a double click, a
            // link posted twice) both find the survey open, and only one of them may answer it.
            var stored = comment ?? survey.Comment;
            var answered = await db.SurveyRequests.Where(s => s.Id == survey.Id && s.State == SurveyState.Sent)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SurveyState.Answered).SetProperty(s => s.Score, score)
                    .SetProperty(s => s.Comment, stored).SetProperty(s => s.AnsweredAt, now).SetProperty(s => s.AnsweredVia, via), ct);
            if (answered == 0)
            {
                return await LostAsync(db, survey, ct);
            }
            survey.Score = score;
            survey.Comment = stored;
            survey.State = SurveyState.Answered;
            survey.AnsweredAt = now;
            survey.AnsweredVia = via;
            AlreadyWritten(db, survey);
            low = options.IsLow(survey.Kind, score);
        }
        else if (comment is not null)
        {
            // Words never overwrite an answer's own comment, should the answer have come in meanwhile.
            if (await db.SurveyRequests.Where(s => s.Id == survey.Id && s.State == SurveyState.Sent)
                    .ExecuteUpdateAsync(u => u.SetProperty(s => s.Comment, comment), ct) == 0)
            {
                return await LostAsync(db, survey, ct);
            }
            survey.Comment = comment;
            AlreadyWritten(db, survey);
        }
        else
        {
            return (AnswerOutcome.Commented, []);
        }
        events.Add(db.Append(SurveyEvents.Answered, StaffEvents.SurveyAnswered, survey.ConversationId, survey.AgentId, View(survey, comment, via, now, low), now));
        if (low)
        {
            var label = $"{survey.Kind.ToString().ToUpperInvariant()} {survey.Score}";
            events.AddRange(await FollowUps.OpenAsync(db, survey.ConversationId, FollowUpReasons.LowScore,
                comment is null ? label : $"{label}: {comment}", survey.Id, now, ct));
        }
        return (answer.Score is null ? AnswerOutcome.Commented : AnswerOutcome.Recorded, events);
    }

    /// <summary>The row holds what the tracked survey now says: the caller's save must not write it again.</summary>
    private static void AlreadyWritten(HubDbContext db, SurveyRequest survey)
    {
        var entry = db.Entry(survey);
        entry.OriginalValues.SetValues(entry.CurrentValues);
        entry.State = EntityState.Unchanged;
    }

    /// <summary>Another answer got there first (or the survey closed): the survey as stored now, and why this one was not taken.</summary>
    private static async Task<(AnswerOutcome, List<ConversationEvent>)> LostAsync(HubDbContext db, SurveyRequest survey, CancellationToken ct)
    {
        await db.Entry(survey).ReloadAsync(ct);
        return (survey.State == SurveyState.Answered ? AnswerOutcome.AlreadyAnswered : AnswerOutcome.Closed, []);
    }

    public static SurveyAnswerView View(SurveyRequest s, string? comment, string via, DateTimeOffset at, bool low) =>
        new(s.Id, s.ConversationId, s.ContactId, s.AgentId, s.Kind.TemplateName(), s.Score, comment, via, at, low);
}

/// <summary>Follow-up tasks for supervisors: opened once per reason per conversation, announced as a supervisor alert.</summary>
internal static class FollowUps
{
    public static async Task<List<ConversationEvent>> OpenAsync(HubDbContext db, Guid conversationId, string reason, string detail, Guid? surveyId,
        DateTimeOffset now, CancellationToken ct)
    {
        if (db.FollowUpTasks.Local.Any(f => f.ConversationId == conversationId && f.Reason == reason)
            || await db.FollowUpTasks.AnyAsync(f => f.ConversationId == conversationId && f.Reason == reason, ct))
        {
            return [];
        }
        var conversation = await db.Conversations.AsNoTracking().Where(c => c.Id == conversationId)
            .Select(c => new { c.Id, c.Number, c.ContactId, c.AssigneeId, Queue = db.RoutingQueues.Where(q => q.Id == c.QueueId).Select(q => q.Name).FirstOrDefault() })
            .FirstAsync(ct);
        if (detail.Length > 500)
        {
            detail = string.Concat(detail.AsSpan(0, 499), "…");
        }
        db.FollowUpTasks.Add(new FollowUpTask
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversationId, ContactId = conversation.ContactId, AgentId = conversation.AssigneeId,
            SurveyRequestId = surveyId, Reason = reason, Detail = detail, Status = FollowUpStatus.Open, CreatedAt = now,
        });
        return
        [
            db.Append(EventKinds.SupervisorAlert, StaffEvents.SupervisorAlert, conversationId, conversation.AssigneeId,
                new SupervisorAlertView(conversationId, conversation.Number, SurveyEvents.FollowUpAlert, $"Follow up ({reason}): {detail}", now, conversation.Queue), now),
        ];
    }
}
