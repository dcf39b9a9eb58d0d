namespace Crm.Hub.Metrics;

/// <summary>What happened to a conversation, as far as service metrics care.</summary>
internal enum TimelineKind
{
    /// <summary>The conversation was opened (its first customer message arrived, or a channel opened it).</summary>
    Opened,
    /// <summary>A message written by the customer.</summary>
    CustomerMessage,
    /// <summary>A machine wrote in on the customer's side (an out-of-office reply): it starts no clock.</summary>
    AutomaticMessageIn,
    /// <summary>A reply a person (the agent in <see cref="TimelineEntry.AgentId"/>) wrote to the customer.</summary>
    AgentReply,
    /// <summary>Sent to the customer by the hub itself (an acknowledgement, a survey, a bot): never an agent response.</summary>
    AutomaticReply,
    /// <summary>An agent accepted the conversation (an accepted offer or a direct assignment).</summary>
    Assigned,
    /// <summary>The conversation was handed to another agent or team (<see cref="TimelineEntry.AgentId"/> is who let it go).</summary>
    Transferred,
    /// <summary>Resolved; <see cref="TimelineEntry.AgentId"/> is the agent who was handling it.</summary>
    Resolved,
    /// <summary>A resolved conversation came back: the customer wrote again, or an agent reopened it.</summary>
    Reopened,
    /// <summary>The customer scored the conversation's survey (<see cref="TimelineEntry.Survey"/>, <see cref="TimelineEntry.Score"/>); moves no clock.</summary>
    SurveyAnswered,
}

/// <summary>One moment of a conversation's history.</summary>
internal sealed record TimelineEntry(TimelineKind Kind, DateTimeOffset At, Guid? AgentId = null, Surveys.SurveyKind? Survey = null, int? Score = null);

/// <summary>Who, where and how urgent: the part of a conversation that is not its timeline (the latest known values).</summary>
internal sealed record ConversationHeader(
    Guid ConversationId,
    Guid ContactId,
    string Channel,
    Guid? QueueId = null,
    Guid? TeamId = null,
    int Priority = 0,
    string? Category = null)
{
    public bool IsComplaint => string.Equals(Category, Categories.Complaint, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// A conversation as the metrics see it: its header and its timeline in the order it happened. Built from the hub's event
/// list by <see cref="ConversationHistoryMapper"/>.
/// </summary>
internal sealed record ConversationHistory(ConversationHeader Header, IReadOnlyList<TimelineEntry> Timeline)
{
    public Guid ConversationId => Header.ConversationId;

    public Guid ContactId => Header.ContactId;

    public string Channel => Header.Channel;

    public string? Category => Header.Category;

    public DateTimeOffset? OpenedAt => Timeline.FirstOrDefault(e => e.Kind is TimelineKind.Opened or TimelineKind.CustomerMessage)?.At;

    public bool IsComplaint => Header.IsComplaint;

    /// <summary>The survey scores the customer gave (one per conversation at most; the first answer is final).</summary>
    public IEnumerable<TimelineEntry> SurveyAnswers => Timeline.Where(e => e.Kind == TimelineKind.SurveyAnswered);
}

/// <summary>Conversation categories the metrics single out.</summary>
internal static class Categories
{
    public const string Complaint = "complaint";
}
