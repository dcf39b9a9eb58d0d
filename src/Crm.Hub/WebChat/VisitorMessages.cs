using Crm.Channels;
using Crm.Hub.Conversations;

namespace Crm.Hub.WebChat;

/// <summary>A message as the widget shows it. Inbound = written by the visitor; outbound = an agent's reply.</summary>
public sealed record VisitorMessage(Guid Id, string? ClientMessageId, string Direction, string Body, DateTimeOffset CreatedAt, string Status, string? AgentName)
{
    /// <summary>Set on a survey question: the widget shows its scale as buttons.</summary>
    public VisitorSurvey? Survey { get; init; }
}

/// <summary>A survey the widget answers with buttons (<c>AnswerSurvey</c> on the visitor hub); <c>Score</c> once answered, <c>Open</c> while it takes one.</summary>
public sealed record VisitorSurvey(Guid Id, string Kind, int Min, int Max, int? Score, bool Open);

public sealed record VisitorSendRequest(string? ClientMessageId, string? Body);

public sealed record VisitorStatusChange(Guid MessageId, string Status);

public sealed record AgentTypingNotice(bool IsTyping, string? AgentName);

/// <summary>The widget's client methods.</summary>
public interface IVisitorClient
{
    Task MessageReceived(VisitorMessage message);
    Task MessageStatusChanged(VisitorStatusChange change);
    Task AgentTyping(AgentTypingNotice notice);

    /// <summary>A survey was answered (from this or another of the visitor's tabs): the card shows the score.</summary>
    Task SurveyAnswered(VisitorSurvey survey);
}

internal static class VisitorMessages
{
    public static string Group(Guid visitorId) => $"visitor:{visitorId:N}";

    public static string Group(string visitorAddress) => $"visitor:{visitorAddress}";

    public static string Wire(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Pending => "sent",
        _ => status.ToString().ToLowerInvariant(),
    };

    /// <summary>The widget's own id of a message it sent, recovered from the provider id ("visitor:client").</summary>
    public static string? ClientMessageId(Message m) =>
        m.Direction == MessageDirection.Inbound && m.ProviderMessageId?.Split(':') is [_, var client] && Guid.TryParseExact(client, "N", out var id)
            ? id.ToString()
            : null;

    public static VisitorSurvey Survey(Surveys.SurveyRequest s, DateTimeOffset now) =>
        new(s.Id, Surveys.SurveyScales.TemplateName(s.Kind), Surveys.SurveyScales.Min(s.Kind), Surveys.SurveyScales.Max(s.Kind), s.Score, s.IsOpenAt(now));

    public static VisitorMessage From(Message m, string? agentName) => new(
        m.Id, ClientMessageId(m), m.Direction == MessageDirection.Inbound ? "inbound" : "outbound", m.Body, m.CreatedAt,
        Wire(m.DeliveryStatus ?? DeliveryStatus.Sent), agentName);
}
