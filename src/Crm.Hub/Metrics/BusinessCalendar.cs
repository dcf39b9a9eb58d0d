namespace Crm.Hub.Metrics;

/// <summary>One opening span of a day, as local wall-clock offsets from midnight; <see cref="Close"/> may be 24:00.</summary>
internal sealed record OpeningHours(TimeSpan Open, TimeSpan Close)
{
    public static OpeningHours Of(int openHour, int closeHour) => new(TimeSpan.FromHours(openHour), TimeSpan.FromHours(closeHour));
}

/// <summary>
/// When a queue is open: its time zone (IANA id), weekly opening hours (a day may be split, 09:00–13:00 and 14:00–18:00), and
/// holidays (local dates, closed all day); or open around the clock. SLA clocks run only while it is open.
/// Opening hours are wall-clock times: on a day the clocks change, an 09:00–17:00 day is 8 local hours long; a span starting in
/// the skipped hour opens when the clocks have jumped, and in the repeated hour the first occurrence counts.
/// </summary>
internal sealed class BusinessCalendar
{
    private readonly IReadOnlyList<OpeningHours>[] _week;
    private readonly HashSet<DateOnly> _holidays;

    public BusinessCalendar(TimeZoneInfo timeZone, IReadOnlyDictionary<DayOfWeek, IReadOnlyList<OpeningHours>> weeklyHours, IEnumerable<DateOnly>? holidays = null)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        ArgumentNullException.ThrowIfNull(weeklyHours);
        TimeZone = timeZone;
        _week = new IReadOnlyList<OpeningHours>[7];
        foreach (var day in Enum.GetValues<DayOfWeek>())
        {
            var spans = weeklyHours.TryGetValue(day, out var s) ? s.OrderBy(h => h.Open).ToList() : [];
            for (var i = 0; i < spans.Count; i++)
            {
                var h = spans[i];
                if (h.Open < TimeSpan.Zero || h.Close > TimeSpan.FromDays(1) || h.Open >= h.Close)
                {
                    throw new ArgumentException($"{day}: opening hours {h.Open}–{h.Close} must lie within the day and open before they close.", nameof(weeklyHours));
                }
                if (i > 0 && spans[i - 1].Close > h.Open)
                {
                    throw new ArgumentException($"{day}: opening hours {spans[i - 1].Open}–{spans[i - 1].Close} and {h.Open}–{h.Close} overlap.", nameof(weeklyHours));
                }
            }
            _week[(int)day] = spans;
        }
        if (_week.All(d => d.Count == 0))
        {
            throw new ArgumentException("A calendar needs opening hours on at least one weekday.", nameof(weeklyHours));
        }
        _holidays = [.. holidays ?? []];
    }

    private BusinessCalendar(TimeZoneInfo timeZone)
    {
        TimeZone = timeZone;
        AlwaysOpen = true;
        _week = [];
        _holidays = [];
    }

    /// <summary>Open every minute of every day, holidays included (a 24/7 queue).</summary>
    public static BusinessCalendar AroundTheClock(TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        return new BusinessCalendar(timeZone);
    }

    /// <summary>The same hours on each of <paramref name="days"/>.</summary>
    public static BusinessCalendar Weekly(TimeZoneInfo timeZone, IEnumerable<DayOfWeek> days, IReadOnlyList<OpeningHours> hours, IEnumerable<DateOnly>? holidays = null) =>
        new(timeZone, days.ToDictionary(d => d, _ => hours), holidays);

    public TimeZoneInfo TimeZone { get; }

    public bool AlwaysOpen { get; }

    /// <summary>The local calendar date of an instant in this calendar's time zone.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, TimeZone).DateTime);

    /// <summary>Open time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan BusinessDuration(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            return TimeSpan.Zero;
        }
        if (AlwaysOpen)
        {
            return to - from;
        }
        var total = TimeSpan.Zero;
        // A day before and after: a local day's spans can reach across the UTC date of either end.
        for (var date = LocalDate(from).AddDays(-1); date <= LocalDate(to).AddDays(1); date = date.AddDays(1))
        {
            foreach (var (open, close) in Spans(date))
            {
                var start = open > from ? open : from;
                var end = close < to ? close : to;
                if (end > start)
                {
                    total += end - start;
                }
            }
        }
        return total;
    }

    /// <summary>The instant <paramref name="duration"/> of open time after <paramref name="start"/> (a due date).</summary>
    public DateTimeOffset AddBusinessTime(DateTimeOffset start, TimeSpan duration)
    {
        if (duration <= TimeSpan.Zero)
        {
            return start;
        }
        if (AlwaysOpen)
        {
            return start + duration;
        }
        var left = duration;
        var first = LocalDate(start).AddDays(-1);
        // Ten years of holidays in a row is a misconfiguration, not a due date.
        for (var date = first; date <= first.AddYears(10); date = date.AddDays(1))
        {
            foreach (var (open, close) in Spans(date))
            {
                var from = open > start ? open : start;
                if (close <= from)
                {
                    continue;
                }
                if (left <= close - from)
                {
                    return from + left;
                }
                left -= close - from;
            }
        }
        throw new InvalidOperationException("The calendar has no open time in the ten years after " + start.ToString("O", System.Globalization.CultureInfo.InvariantCulture) + ".");
    }

    /// <summary>Whether the queue is open at an instant.</summary>
    public bool IsOpen(DateTimeOffset at) => AlwaysOpen || BusinessDuration(at, at + TimeSpan.FromTicks(1)) > TimeSpan.Zero;

    /// <summary>A local date's opening spans as instants; none on a holiday.</summary>
    private IEnumerable<(DateTimeOffset Open, DateTimeOffset Close)> Spans(DateOnly date)
    {
        if (_holidays.Contains(date))
        {
            yield break;
        }
        foreach (var h in _week[(int)date.DayOfWeek])
        {
            var open = Instant(date, h.Open);
            var close = Instant(date, h.Close);
            if (close > open)
            {
                yield return (open, close);
            }
        }
    }

    /// <summary>The instant a local wall-clock time names: after the jump when it was skipped, its first occurrence when repeated.</summary>
    private DateTimeOffset Instant(DateOnly date, TimeSpan sinceMidnight)
    {
        var local = date.ToDateTime(TimeOnly.MinValue).Add(sinceMidnight);
        TimeSpan offset;
        if (TimeZone.IsInvalidTime(local))
        {
            // The offset in force before the jump: 02:30 in a skipped 02:00–03:00 becomes 03:30 new time.
            offset = TimeZone.GetUtcOffset(local.AddHours(-3));
        }
        else if (TimeZone.IsAmbiguousTime(local))
        {
            offset = TimeZone.GetAmbiguousTimeOffsets(local).Max();
        }
        else
        {
            offset = TimeZone.GetUtcOffset(local);
        }
        return new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
    }
}
