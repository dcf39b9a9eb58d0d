namespace Crm.Hub.Campaigns;

/// <summary>
/// A daily window, in the recipient's local time, in which no campaign message goes out: 21:00–08:00 crosses midnight,
/// 13:00–14:00 does not. Computed per recipient at send time, so a campaign spanning time zones sends to each in its day.
/// </summary>
internal readonly record struct QuietHours(int StartMinute, int EndMinute)
{
    public const int MinutesPerDay = 24 * 60;

    /// <summary>Null when a message may go out at <paramref name="now"/>; otherwise the moment the quiet hours end there.</summary>
    public DateTimeOffset? DeferUntil(DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var minute = (local.Hour * 60) + local.Minute;
        var crossesMidnight = StartMinute > EndMinute;
        var quiet = crossesMidnight ? minute >= StartMinute || minute < EndMinute : minute >= StartMinute && minute < EndMinute;
        if (!quiet)
        {
            return null;
        }
        // Before midnight in a window that crosses it, the window ends tomorrow.
        var day = crossesMidnight && minute >= StartMinute ? local.Date.AddDays(1) : local.Date;
        return At(day.AddMinutes(EndMinute), zone);
    }

    /// <summary>The instant a local wall-clock time happens: a time skipped by a DST jump counts as the first valid one after it, a repeated one as its first occurrence.</summary>
    internal static DateTimeOffset At(DateTime localWallClock, TimeZoneInfo zone)
    {
        var wall = DateTime.SpecifyKind(localWallClock, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(wall))
        {
            wall = wall.AddMinutes(15);
        }
        var offset = zone.IsAmbiguousTime(wall) ? zone.GetAmbiguousTimeOffsets(wall).Max() : zone.GetUtcOffset(wall);
        // Stored as UTC: PostgreSQL's timestamptz takes no other offset.
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }

    /// <summary>Reads "HH:mm" (00:00–23:59, or 24:00 for the end of the day) as minutes after midnight.</summary>
    public static bool TryParseMinute(string? text, out int minute)
    {
        minute = 0;
        if (text is not { Length: 5 } || text[2] != ':' || !int.TryParse(text.AsSpan(0, 2), out var hours) || !int.TryParse(text.AsSpan(3, 2), out var minutes)
            || hours is < 0 or > 24 || minutes is < 0 or > 59 || (hours == 24 && minutes != 0))
        {
            return false;
        }
        minute = (hours * 60) + minutes;
        return true;
    }

    public static string Format(int minute) => $"{minute / 60:00}:{minute % 60:00}";
}
