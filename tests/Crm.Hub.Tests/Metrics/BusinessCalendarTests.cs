using Crm.Hub.Metrics;

namespace Crm.Hub.Tests.Metrics;

public sealed class BusinessCalendarTests
{
    internal static readonly TimeZoneInfo Berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
    internal static readonly TimeZoneInfo Tehran = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tehran");

    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Mon–Fri 09:00–13:00 and 14:00–18:00 in Berlin; 2026-05-14 (Ascension, a Thursday) is a holiday.</summary>
    private static readonly BusinessCalendar Office = BusinessCalendar.Weekly(Berlin, Weekdays,
        [OpeningHours.Of(9, 13), OpeningHours.Of(14, 18)], [new DateOnly(2026, 5, 14)]);

    /// <summary>A Berlin wall-clock time (its offset looked up, so CET/CEST are right).</summary>
    internal static DateTimeOffset At(TimeZoneInfo zone, int y, int mo, int d, int h, int mi = 0)
    {
        var local = new DateTime(y, mo, d, h, mi, 0, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    private static DateTimeOffset B(int mo, int d, int h, int mi = 0) => At(Berlin, 2026, mo, d, h, mi);

    [Fact]
    public void ASplitDayCountsOnlyItsTwoSpans()
    {
        // Mon 2026-05-11 08:00–20:00: 09–13 (4 h) + 14–18 (4 h).
        Assert.Equal(TimeSpan.FromHours(8), Office.BusinessDuration(B(5, 11, 8), B(5, 11, 20)));
        // From inside the lunch break into the afternoon: 14:00–14:30.
        Assert.Equal(TimeSpan.FromMinutes(30), Office.BusinessDuration(B(5, 11, 13, 30), B(5, 11, 14, 30)));
        Assert.Equal(TimeSpan.Zero, Office.BusinessDuration(B(5, 11, 13, 10), B(5, 11, 13, 50)));
    }

    [Fact]
    public void AWeekendCountsNothing()
    {
        // Fri 2026-05-08 16:00–18:00 (2 h), Sat and Sun closed, Mon 2026-05-11 09:00–10:00 (1 h).
        Assert.Equal(TimeSpan.FromHours(3), Office.BusinessDuration(B(5, 8, 16), B(5, 11, 10)));
        Assert.Equal(B(5, 11, 10), Office.AddBusinessTime(B(5, 8, 16), TimeSpan.FromHours(3)));
        // Starting on Saturday: the clock starts Monday at opening.
        Assert.Equal(B(5, 11, 9, 30), Office.AddBusinessTime(B(5, 9, 12), TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void AHolidayCountsNothing()
    {
        // Wed 2026-05-13 17:00–18:00 (1 h), Thu 05-14 holiday, Fri 05-15 09:00–10:00 (1 h).
        Assert.Equal(TimeSpan.FromHours(2), Office.BusinessDuration(B(5, 13, 17), B(5, 15, 10)));
        Assert.Equal(B(5, 15, 10), Office.AddBusinessTime(B(5, 13, 17), TimeSpan.FromHours(2)));
    }

    [Fact]
    public void ADueDateLandingOnClosingTimeIsClosingTime() =>
        Assert.Equal(B(5, 11, 18), Office.AddBusinessTime(B(5, 11, 17), TimeSpan.FromHours(1)));

    [Fact]
    public void SpansAcrossMidnightJoin()
    {
        var nights = new BusinessCalendar(Berlin, new Dictionary<DayOfWeek, IReadOnlyList<OpeningHours>>
        {
            [DayOfWeek.Monday] = [new(TimeSpan.FromHours(22), TimeSpan.FromHours(24))],
            [DayOfWeek.Tuesday] = [OpeningHours.Of(0, 2)],
        });
        // Mon 2026-05-11 23:00 to Tue 01:00: 1 h before midnight, 1 h after.
        Assert.Equal(TimeSpan.FromHours(2), nights.BusinessDuration(B(5, 11, 23), B(5, 12, 1)));
        Assert.Equal(B(5, 12, 1, 30), nights.AddBusinessTime(B(5, 11, 22), TimeSpan.FromHours(3.5)));
    }

    [Fact]
    public void DaysOfAClockChangeLastTheirWallClockHours()
    {
        var always = new BusinessCalendar(Berlin, Enum.GetValues<DayOfWeek>().ToDictionary(d => d, _ => (IReadOnlyList<OpeningHours>)[OpeningHours.Of(0, 24)]));
        // 2026-03-29: clocks go 02:00 -> 03:00, the day is 23 h; 2026-10-25: 03:00 -> 02:00, 25 h.
        Assert.Equal(TimeSpan.FromHours(23), always.BusinessDuration(B(3, 29, 0), B(3, 30, 0)));
        Assert.Equal(TimeSpan.FromHours(25), always.BusinessDuration(B(10, 25, 0), B(10, 26, 0)));
        Assert.Equal(TimeSpan.FromHours(23), BusinessCalendar.AroundTheClock(Berlin).BusinessDuration(B(3, 29, 0), B(3, 30, 0)));

        // 09:00–17:00 on either side of the change is 8 h: the UTC offset moved but the opening hours did not.
        var sundays = BusinessCalendar.Weekly(Berlin, [DayOfWeek.Saturday, DayOfWeek.Sunday], [OpeningHours.Of(9, 17)]);
        Assert.Equal(TimeSpan.FromHours(16), sundays.BusinessDuration(B(3, 28, 0), B(3, 30, 0)));
        Assert.Equal(B(3, 29, 10), sundays.AddBusinessTime(B(3, 28, 16), TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(17), B(3, 29, 10) - B(3, 28, 16));
    }

    [Fact]
    public void OpeningInTheSkippedHourOpensAfterTheJump()
    {
        // 2026-03-29 02:00–04:00 local: 02:00 does not exist; the span is 03:00–04:00 CEST (01:00–02:00 UTC).
        var early = BusinessCalendar.Weekly(Berlin, [DayOfWeek.Sunday], [OpeningHours.Of(2, 4)]);
        Assert.Equal(TimeSpan.FromHours(1), early.BusinessDuration(B(3, 29, 0), B(3, 29, 12)));
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero), early.AddBusinessTime(B(3, 29, 0), TimeSpan.FromMinutes(30)));
    }

    [Fact]
    public void TehranWeekWithThursdayMorningAndNowruz()
    {
        // Sat–Wed 08:00–16:00, Thu 08:00–12:00, Fri closed; 2026-03-21..24 Nowruz holidays. Tehran is UTC+03:30 all year.
        var hours = new Dictionary<DayOfWeek, IReadOnlyList<OpeningHours>>
        {
            [DayOfWeek.Saturday] = [OpeningHours.Of(8, 16)], [DayOfWeek.Sunday] = [OpeningHours.Of(8, 16)],
            [DayOfWeek.Monday] = [OpeningHours.Of(8, 16)], [DayOfWeek.Tuesday] = [OpeningHours.Of(8, 16)],
            [DayOfWeek.Wednesday] = [OpeningHours.Of(8, 16)], [DayOfWeek.Thursday] = [OpeningHours.Of(8, 12)],
        };
        var tehran = new BusinessCalendar(Tehran, hours, [new(2026, 3, 21), new(2026, 3, 22), new(2026, 3, 23), new(2026, 3, 24)]);
        // Thu 2026-03-19 10:00 -> Wed 03-25 09:00: Thu 10–12 (2 h), Fri closed, Sat–Tue holidays, Wed 08–09 (1 h).
        Assert.Equal(TimeSpan.FromHours(3), tehran.BusinessDuration(At(Tehran, 2026, 3, 19, 10), At(Tehran, 2026, 3, 25, 9)));
        Assert.Equal(At(Tehran, 2026, 3, 25, 9), tehran.AddBusinessTime(At(Tehran, 2026, 3, 19, 10), TimeSpan.FromHours(3)));
        Assert.Equal(new DateOnly(2026, 3, 25), tehran.LocalDate(new DateTimeOffset(2026, 3, 24, 21, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void ACalendarMustBeOpenSometimeAndItsSpansMustNotOverlap()
    {
        Assert.Throws<ArgumentException>(() => BusinessCalendar.Weekly(Berlin, [], [OpeningHours.Of(9, 17)]));
        Assert.Throws<ArgumentException>(() => BusinessCalendar.Weekly(Berlin, Weekdays, [OpeningHours.Of(9, 13), OpeningHours.Of(12, 18)]));
        Assert.Throws<ArgumentException>(() => BusinessCalendar.Weekly(Berlin, Weekdays, [OpeningHours.Of(17, 9)]));
    }

    [Fact]
    public void AnEndBeforeTheStartIsNoTimeAndNoDurationIsNoShift()
    {
        Assert.Equal(TimeSpan.Zero, Office.BusinessDuration(B(5, 11, 12), B(5, 11, 10)));
        Assert.Equal(B(5, 9, 12), Office.AddBusinessTime(B(5, 9, 12), TimeSpan.Zero));
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 8)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void AddingBusinessTimeThenMeasuringItRoundTrips(int seed)
    {
        var random = new Random(seed);
        var calendars = new[]
        {
            Office,
            BusinessCalendar.Weekly(Berlin, [DayOfWeek.Saturday, DayOfWeek.Sunday], [OpeningHours.Of(1, 3), new(TimeSpan.FromHours(22.5), TimeSpan.FromHours(24))]),
            BusinessCalendar.Weekly(Tehran, [DayOfWeek.Saturday, DayOfWeek.Sunday, DayOfWeek.Monday], [OpeningHours.Of(8, 16)], [new(2026, 3, 21)]),
            BusinessCalendar.AroundTheClock(Berlin),
        };
        var yearStart = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 300; i++)
        {
            var calendar = calendars[random.Next(calendars.Length)];
            var start = yearStart + TimeSpan.FromMinutes(random.Next(365 * 24 * 60));
            var duration = TimeSpan.FromMinutes(random.Next(1, 100 * 60));

            var due = calendar.AddBusinessTime(start, duration);
            Assert.Equal(duration, calendar.BusinessDuration(start, due));
            // Due is the earliest such instant: a minute earlier there is less open time.
            Assert.True(calendar.BusinessDuration(start, due - TimeSpan.FromMinutes(1)) < duration);

            var end = start + TimeSpan.FromMinutes(random.Next(0, 20 * 24 * 60));
            var mid = start + (end - start) / 2;
            var measured = calendar.BusinessDuration(start, end);
            Assert.Equal(measured, calendar.BusinessDuration(start, mid) + calendar.BusinessDuration(mid, end));
            Assert.True(calendar.AddBusinessTime(start, measured) <= end);
            Assert.True(measured <= end - start);
        }
    }
}
