namespace Crm.Hub.Surveys;

internal enum SurveyState
{
    /// <summary>Sent (handed to the outbox) and taking answers until it expires.</summary>
    Sent,
    Answered,
    /// <summary>No answer came before it expired.</summary>
    Expired,
    /// <summary>Never sent (the queue asks none, the address opted out...): <see cref="SurveyRequest.SkipReason"/> says why.</summary>
    Skipped,
}

/// <summary>
/// The survey of one resolved conversation — sent, skipped, answered or expired. One row per conversation (a unique index), written
/// in the same commit as the survey message and its outbox entry, so a crash or a second node can never send a second survey.
/// The answer lives on the row: a survey takes one answer, and the first is final.
/// </summary>
internal sealed class SurveyRequest
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>The agent who handled the conversation: the one the answer is about.</summary>
    public Guid? AgentId { get; set; }

    public Guid? QueueId { get; set; }
    public SurveyKind Kind { get; set; }
    public required string Channel { get; set; }

    /// <summary>The address it went to (the contact's identity on <see cref="Channel"/>).</summary>
    public Guid? IdentityId { get; set; }

    /// <summary>The survey message in the conversation.</summary>
    public Guid? MessageId { get; set; }

    public required string Locale { get; set; }
    public SurveyState State { get; set; }
    public string? SkipReason { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? SentAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public int? Score { get; set; }
    public string? Comment { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }

    /// <summary>How the answer came: sms, telegram, webchat (buttons) or email (a link).</summary>
    public string? AnsweredVia { get; set; }

    public bool IsOpenAt(DateTimeOffset now) => State == SurveyState.Sent && ExpiresAt > now;
}

internal enum FollowUpStatus
{
    Open,
    Done,
}

/// <summary>A resolved conversation a supervisor should look at again: a low survey score, or a complaint.</summary>
internal sealed class FollowUpTask
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public Guid ContactId { get; set; }

    /// <summary>The agent who handled the conversation.</summary>
    public Guid? AgentId { get; set; }

    public Guid? SurveyRequestId { get; set; }

    /// <summary><see cref="FollowUpReasons.LowScore"/> or <see cref="FollowUpReasons.Complaint"/>; one task per reason per conversation.</summary>
    public required string Reason { get; set; }

    /// <summary>What the supervisor reads first: "CSAT 1: the parcel never came".</summary>
    public required string Detail { get; set; }

    public FollowUpStatus Status { get; set; }

    /// <summary>The supervisor who took it (null until someone does).</summary>
    public Guid? OwnerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public string? Note { get; set; }
}

internal static class FollowUpReasons
{
    public const string LowScore = "low-score";
    public const string Complaint = "complaint";
}
