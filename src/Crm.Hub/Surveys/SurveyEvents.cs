namespace Crm.Hub.Surveys;

/// <summary>The event kinds surveys add to the conversation event list (DESIGN §5: "survey answer").</summary>
internal static class SurveyEvents
{
    /// <summary>A survey answer or comment, pushed as <c>SurveyAnswered</c> with a <see cref="SurveyAnswerView"/>; metrics read its score.</summary>
    public const string Answered = "survey-answer";

    /// <summary>The customer's in-channel reply that answered a survey: shown in the thread, but it is not the customer writing in.</summary>
    public const string Reply = "survey-reply";

    /// <summary>A follow-up task opened (pushed as a <c>SupervisorAlert</c>).</summary>
    public const string FollowUpAlert = "follow-up";
}

/// <summary>A survey answer as consoles and the API show it.</summary>
public sealed record SurveyAnswerView(Guid SurveyId, Guid ConversationId, Guid ContactId, Guid? AgentId, string Kind, int? Score, string? Comment,
    string Via, DateTimeOffset At, bool Low);
