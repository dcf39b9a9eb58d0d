using System.Text.Json;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;

namespace Crm.Hub.Metrics;

/// <summary>What one stored event changes in a conversation's history: its header, its timeline, or both.</summary>
internal sealed record HistoryChange(Guid ConversationId, ConversationHeader? Header, TimelineEntry? Entry);

/// <summary>
/// Reads conversation histories from the hub's event list, one event at a time, exactly as the writers store them:
/// <list type="bullet">
/// <item><c>opened</c>, <c>reopened</c>, <c>assigned</c>, <c>transferred</c>, <c>resolved</c>, <c>queued</c> and the
/// <c>sent</c> pushed as <c>ConversationUpdated</c> carry a <see cref="ConversationView"/> snapshot (the header);</item>
/// <item><c>received</c> and <c>sent</c> pushed as <c>MessageAdded</c> carry a <see cref="MessageView"/>: a sent message with an
/// author agent and no email <c>automatic</c> mark is an agent reply, any other (the email acknowledgement) is automatic;
/// a received one with an email <c>automatic</c> mark (out-of-office) is not the customer writing;</item>
/// <item><c>survey-answer</c> carries a <see cref="Surveys.SurveyAnswerView"/>: a scored one is a survey answer (a comment alone is not);
/// the customer's in-channel reply that carried it (<c>survey-reply</c>) is not the customer writing in;</item>
/// <item>everything else (notes, offers, routing decisions, delivery, edits) does not move a metric.</item>
/// </list>
/// </summary>
internal static class ConversationHistoryMapper
{
    /// <summary>
    /// The histories in an event list (any order, any mix of conversations), each ordered by <c>Seq</c>. <c>queueOf</c> gives the
    /// queue each conversation was classified into (the stored conversation's <c>QueueId</c>: events do not carry it).
    /// </summary>
    public static IReadOnlyList<ConversationHistory> FromEvents(IEnumerable<ConversationEvent> events, Func<Guid, Guid?>? queueOf = null) =>
        [.. events.Where(e => e.ConversationId is not null)
            .GroupBy(e => e.ConversationId!.Value)
            .Select(g => FromConversationEvents(g.OrderBy(e => e.Seq), queueOf?.Invoke(g.Key)))
            .OfType<ConversationHistory>()];

    /// <summary>One conversation's history from its events in <c>Seq</c> order; null when none of them says who the contact is.</summary>
    public static ConversationHistory? FromConversationEvents(IEnumerable<ConversationEvent> events, Guid? queueId = null)
    {
        ConversationHeader? header = null;
        var timeline = new List<TimelineEntry>();
        foreach (var e in events)
        {
            if (Read(e, queueId) is not { } change)
            {
                continue;
            }
            header = change.Header ?? header;
            if (change.Entry is { } entry)
            {
                timeline.Add(entry);
            }
        }
        return header is null ? null : new ConversationHistory(header, timeline);
    }

    /// <summary>What one event means for metrics; null for events that change none (notes, offers, delivery...).</summary>
    public static HistoryChange? Read(ConversationEvent e, Guid? queueId = null)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.ConversationId is not { } conversationId)
        {
            return null;
        }
        using var doc = JsonDocument.Parse(e.Data);
        var data = doc.RootElement;
        if (e.ClientMethod == StaffEvents.ConversationUpdated)
        {
            var header = HeaderOf(conversationId, data, queueId);
            TimelineEntry? entry = e.Kind switch
            {
                EventKinds.Opened => new(TimelineKind.Opened, e.At),
                EventKinds.Reopened => new(TimelineKind.Reopened, e.At, e.AgentId),
                EventKinds.Assigned => new(TimelineKind.Assigned, e.At, e.AgentId ?? Guid(data, "assigneeId")),
                EventKinds.Transferred => new(TimelineKind.Transferred, e.At, e.AgentId),
                // The resolver may be a supervisor; the conversation stays with the agent who handled it.
                EventKinds.Resolved => new(TimelineKind.Resolved, e.At, Guid(data, "assigneeId") ?? e.AgentId),
                _ => null,
            };
            return new HistoryChange(conversationId, header, entry);
        }
        if (e.Kind == Surveys.SurveyEvents.Answered)
        {
            return data.TryGetProperty("score", out var score) && score.ValueKind == JsonValueKind.Number
                && data.TryGetProperty("kind", out var kind) && Enum.TryParse<Surveys.SurveyKind>(kind.GetString(), ignoreCase: true, out var survey)
                ? new HistoryChange(conversationId, null, new(TimelineKind.SurveyAnswered, e.At, Guid(data, "agentId") ?? e.AgentId, survey, score.GetInt32()))
                : null;
        }
        if (e.ClientMethod == StaffEvents.MessageAdded && e.Kind is EventKinds.Received or EventKinds.Sent)
        {
            var automatic = data.TryGetProperty("email", out var email) && email.ValueKind == JsonValueKind.Object
                && email.TryGetProperty("automatic", out var mark) && mark.ValueKind == JsonValueKind.String;
            var direction = data.TryGetProperty("direction", out var d) ? d.GetString() : null;
            if (direction == "inbound")
            {
                return new HistoryChange(conversationId, null, new(automatic ? TimelineKind.AutomaticMessageIn : TimelineKind.CustomerMessage, e.At));
            }
            if (direction == "outbound")
            {
                var author = Guid(data, "authorAgentId");
                return new HistoryChange(conversationId, null, author is not null && !automatic
                    ? new(TimelineKind.AgentReply, e.At, author)
                    : new(TimelineKind.AutomaticReply, e.At));
            }
        }
        return null;
    }

    private static ConversationHeader? HeaderOf(Guid conversationId, JsonElement view, Guid? queueId)
    {
        if (Guid(view, "contactId") is not { } contactId || !view.TryGetProperty("channel", out var channel) || channel.GetString() is not { } ch)
        {
            return null;
        }
        return new ConversationHeader(conversationId, contactId, ch, queueId, Guid(view, "teamId"),
            view.TryGetProperty("priority", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0,
            view.TryGetProperty("category", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null);
    }

    private static Guid? Guid(JsonElement data, string property) =>
        data.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var id) ? id : null;
}
