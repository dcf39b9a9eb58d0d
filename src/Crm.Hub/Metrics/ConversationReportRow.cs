using System.Globalization;

namespace Crm.Hub.Metrics;

/// <summary>
/// One conversation with all its timings: a row of the report's CSV export and of a figure's drill-down, so every headline
/// figure can be checked by hand. Durations are wall-clock unless named business (the queue's calendar).
/// </summary>
internal sealed record ConversationReportRow(
    Guid ConversationId,
    Guid ContactId,
    string Channel,
    Guid? QueueId,
    Guid? TeamId,
    int Priority,
    string? Category,
    DateTimeOffset? OpenedAt,
    DateTimeOffset? FirstResponseAt,
    TimeSpan? FirstResponseTime,
    TimeSpan? FirstResponseBusiness,
    TimeSpan? TimeToAssign,
    TimeSpan? HandleTime,
    DateTimeOffset? ResolvedAt,
    Guid? ResolvedBy,
    TimeSpan? ResolutionTime,
    TimeSpan? ResolutionBusiness,
    int Episodes,
    bool Transferred,
    bool? SameDay,
    SlaOutcome? SlaFirstResponse,
    SlaOutcome? SlaResolution,
    FcrStatus Fcr,
    DateTimeOffset? FcrFinalAt)
{
    public static ConversationReportRow Of(ConversationHistory conversation, IEnumerable<ConversationHistory> contactConversations,
        MetricsSettings settings, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(conversation);
        ArgumentNullException.ThrowIfNull(settings);
        var t = ConversationTimings.Of(conversation);
        var h = conversation.Header;
        var calendar = settings.CalendarOf(h.QueueId);
        var sla = SlaEvaluation.Of(t, settings.TargetOf(h), calendar, now);
        var fcr = new FcrEvaluator(settings.FcrWindow).Evaluate(conversation, contactConversations, now);
        var first = t.Episodes.Count > 0 ? t.Episodes[0] : null;
        return new ConversationReportRow(h.ConversationId, h.ContactId, h.Channel, h.QueueId, h.TeamId, h.Priority, h.Category,
            t.OpenedAt, t.FirstResponseAt, t.FirstResponseTime,
            first is { CustomerWroteAt: { } wrote } && t.FirstResponseAt is { } replied ? calendar.BusinessDuration(wrote, replied) : null,
            t.TimeToAssign, t.HandleTime, t.ResolvedAt, t.ResolvedAt is null ? null : t.Episodes[^1].ResolvedBy, t.ResolutionTime,
            t.OpenedAt is { } opened && t.ResolvedAt is { } resolved ? calendar.BusinessDuration(opened, resolved) : null,
            t.Episodes.Count, t.Transferred,
            t.OpenedAt is { } o && t.ResolvedAt is { } r ? calendar.LocalDate(o) == calendar.LocalDate(r) : null,
            sla?.FirstResponse, sla?.Resolution, fcr.Status, fcr.Until);
    }

    public const string CsvHeader =
        "conversation_id,contact_id,channel,queue_id,team_id,priority,category,opened_at,first_response_at,first_response_seconds," +
        "first_response_business_seconds,time_to_assign_seconds,handle_seconds,resolved_at,resolved_by,resolution_seconds," +
        "resolution_business_seconds,episodes,transferred,same_day,sla_first_response,sla_resolution,fcr,fcr_final_at";

    /// <summary>The CSV line: instants in ISO 8601 UTC, durations in whole seconds, empty where there is nothing yet.</summary>
    public string ToCsv() => string.Join(',',
        ConversationId, ContactId, Text(Channel), QueueId, TeamId, Priority.ToString(CultureInfo.InvariantCulture), Text(Category),
        Instant(OpenedAt), Instant(FirstResponseAt), Seconds(FirstResponseTime), Seconds(FirstResponseBusiness), Seconds(TimeToAssign),
        Seconds(HandleTime), Instant(ResolvedAt), ResolvedBy, Seconds(ResolutionTime), Seconds(ResolutionBusiness),
        Episodes.ToString(CultureInfo.InvariantCulture), Transferred ? "true" : "false", SameDay is null ? "" : SameDay.Value ? "true" : "false",
        Wire(SlaFirstResponse), Wire(SlaResolution), Wire(Fcr), Instant(FcrFinalAt));

    private static string Instant(DateTimeOffset? at) => at?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Seconds(TimeSpan? d) => d is { } v ? ((long)v.TotalSeconds).ToString(CultureInfo.InvariantCulture) : "";

    private static string Wire<T>(T? value) where T : struct, Enum => value?.ToString().ToLowerInvariant() ?? "";

    private static string Wire<T>(T value) where T : struct, Enum => value.ToString().ToLowerInvariant();

    /// <summary>Quoted when it holds a comma, quote or line break (RFC 4180); a leading formula character is defused.</summary>
    private static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var safe = value[0] is '=' or '+' or '-' or '@' ? "'" + value : value;
        return safe.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + safe.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : safe;
    }
}
