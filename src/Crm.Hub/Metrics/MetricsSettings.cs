namespace Crm.Hub.Metrics;

/// <summary>
/// What the figures are measured against: the board's time zone (when "today" rolls over), each queue's business calendar
/// (SLA clocks, same-day resolution), the SLA policy and the FCR window.
/// </summary>
internal sealed record MetricsSettings(
    TimeZoneInfo BoardTimeZone,
    BusinessCalendar DefaultCalendar,
    SlaPolicy Sla,
    TimeSpan FcrWindow,
    IReadOnlyDictionary<Guid, BusinessCalendar>? QueueCalendars = null)
{
    public BusinessCalendar CalendarOf(Guid? queueId) =>
        queueId is { } id && QueueCalendars?.GetValueOrDefault(id) is { } calendar ? calendar : DefaultCalendar;

    public DateOnly BoardDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, BoardTimeZone).DateTime);
}
