namespace Crm.Hub.Metrics;

/// <summary>
/// What the figures are measured against: the board's time zone (when "today" rolls over), each queue's business calendar
/// (SLA clocks, same-day resolution), the SLA policy (a queue may have its own) and the FCR window.
/// </summary>
internal sealed record MetricsSettings(
    TimeZoneInfo BoardTimeZone,
    BusinessCalendar DefaultCalendar,
    SlaPolicy Sla,
    TimeSpan FcrWindow,
    IReadOnlyDictionary<Guid, BusinessCalendar>? QueueCalendars = null,
    IReadOnlyDictionary<Guid, SlaPolicy>? QueuePolicies = null)
{
    /// <summary>The SLA target of a conversation: its queue's policy (else the default one), by priority and channel.</summary>
    public SlaTarget TargetOf(ConversationHeader header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var policy = header.QueueId is { } id && QueuePolicies?.GetValueOrDefault(id) is { } own ? own : Sla;
        return policy.TargetFor(header.Priority, header.Channel);
    }

    public BusinessCalendar CalendarOf(Guid? queueId) =>
        queueId is { } id && QueueCalendars?.GetValueOrDefault(id) is { } calendar ? calendar : DefaultCalendar;

    public DateOnly BoardDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, BoardTimeZone).DateTime);
}
