using System.Globalization;
using System.Text.Json;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;

namespace Crm.Hub.Routing;

/// <summary>A queue's business hours: an IANA time zone, weekly opening spans and holidays (local dates, closed all day).</summary>
public sealed record QueueCalendarInput(string? TimeZone, IReadOnlyList<QueueHoursInput>? Hours, IReadOnlyList<string>? Holidays);

/// <summary>One opening span: a weekday (monday…sunday) and local times "HH:mm"; close may be "24:00".</summary>
public sealed record QueueHoursInput(string? Day, string? Open, string? Close);

/// <summary>Validates a queue calendar, stores it as JSON on the queue and turns it into the <see cref="BusinessCalendar"/> SLA clocks run on.</summary>
internal static class QueueCalendar
{
    public const int MaxSpans = 50;
    public const int MaxHolidays = 400;

    /// <summary>Every reason the calendar cannot be saved, under the field <c>calendar</c>.</summary>
    public static List<string> Validate(QueueCalendarInput calendar)
    {
        ArgumentNullException.ThrowIfNull(calendar);
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(calendar.TimeZone) || !MetricsOptions.IsKnownTimeZone(calendar.TimeZone.Trim()))
        {
            errors.Add($"'{calendar.TimeZone}' is not a known time zone; use an IANA id such as Europe/Berlin or Asia/Tehran.");
        }
        var hours = calendar.Hours ?? [];
        if (hours.Count is 0 or > MaxSpans)
        {
            errors.Add($"Give 1 to {MaxSpans} opening spans (day, open, close).");
        }
        var spans = new List<(DayOfWeek Day, TimeSpan Open, TimeSpan Close)>();
        foreach (var h in hours)
        {
            if (!TryDay(h.Day, out var day))
            {
                errors.Add($"'{h.Day}' is not a weekday; use monday … sunday.");
                continue;
            }
            if (!TryTime(h.Open, out var open) || !TryTime(h.Close, out var close))
            {
                errors.Add($"{day}: opening hours '{h.Open}'–'{h.Close}' must be times as HH:mm (close may be 24:00).");
                continue;
            }
            if (close <= open)
            {
                errors.Add($"{day}: closes at {h.Close}, not after it opens at {h.Open}.");
                continue;
            }
            spans.Add((day, open, close));
        }
        foreach (var day in spans.GroupBy(s => s.Day))
        {
            var ordered = day.OrderBy(s => s.Open).ToList();
            for (var i = 1; i < ordered.Count; i++)
            {
                if (ordered[i - 1].Close > ordered[i].Open)
                {
                    errors.Add($"{day.Key}: {Hm(ordered[i - 1].Open)}–{Hm(ordered[i - 1].Close)} and {Hm(ordered[i].Open)}–{Hm(ordered[i].Close)} overlap.");
                }
            }
        }
        var holidays = calendar.Holidays ?? [];
        if (holidays.Count > MaxHolidays)
        {
            errors.Add($"At most {MaxHolidays} holidays.");
        }
        foreach (var holiday in holidays.Where(d => !DateOnly.TryParseExact(d?.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
        {
            errors.Add($"Holiday '{holiday}' is not a date as yyyy-MM-dd.");
        }
        return errors;
    }

    /// <summary>The stored form of a valid calendar: normalized (lower-case days, HH:mm, sorted, distinct holidays).</summary>
    public static string? Serialize(QueueCalendarInput? calendar)
    {
        if (calendar is null)
        {
            return null;
        }
        var hours = (calendar.Hours ?? []).Select(h => (Day: Day(h.Day), Open: Time(h.Open), Close: Time(h.Close)))
            .OrderBy(h => (int)h.Day).ThenBy(h => h.Open)
            .Select(h => new QueueHoursInput(h.Day.ToString().ToLowerInvariant(), Hm(h.Open), Hm(h.Close))).ToList();
        var holidays = (calendar.Holidays ?? []).Select(d => d.Trim()).Distinct().Order(StringComparer.Ordinal).ToList();
        return WireJson.Serialize(new QueueCalendarInput(calendar.TimeZone!.Trim(), hours, holidays));
    }

    public static QueueCalendarInput? Deserialize(string? stored) =>
        string.IsNullOrEmpty(stored) ? null : JsonSerializer.Deserialize<QueueCalendarInput>(stored, WireJson.Options);

    /// <summary>The calendar SLA clocks use; null when the queue has none (the default calendar applies).</summary>
    public static BusinessCalendar? ToBusinessCalendar(string? stored)
    {
        if (Deserialize(stored) is not { } c)
        {
            return null;
        }
        var week = (c.Hours ?? []).GroupBy(h => Day(h.Day))
            .ToDictionary(g => g.Key, g => (IReadOnlyList<OpeningHours>)[.. g.Select(h => new OpeningHours(Time(h.Open), Time(h.Close)))]);
        return new BusinessCalendar(TimeZoneInfo.FindSystemTimeZoneById(c.TimeZone!), week,
            (c.Holidays ?? []).Select(d => DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture)));
    }

    private static bool TryDay(string? text, out DayOfWeek day) =>
        Enum.TryParse(text?.Trim(), ignoreCase: true, out day) && Enum.IsDefined(day) && !int.TryParse(text, out _);

    private static DayOfWeek Day(string? text) => Enum.Parse<DayOfWeek>(text!.Trim(), ignoreCase: true);

    private static bool TryTime(string? text, out TimeSpan time)
    {
        time = default;
        var t = text?.Trim();
        if (t == "24:00")
        {
            time = TimeSpan.FromDays(1);
            return true;
        }
        if (TimeOnly.TryParseExact(t, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            time = parsed.ToTimeSpan();
            return true;
        }
        return false;
    }

    private static TimeSpan Time(string? text) => TryTime(text, out var t) ? t : throw new FormatException($"'{text}' is not HH:mm.");

    private static string Hm(TimeSpan t) => t == TimeSpan.FromDays(1) ? "24:00" : t.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
