using Crm.Channels;
using Crm.Hub.Metrics;

namespace Crm.Hub.Tests.Metrics;

public sealed class LiveMetricsTests
{
    private static readonly string[] Channels = [ChannelNames.Sms, ChannelNames.Email, ChannelNames.Telegram, ChannelNames.WebChat];
    private static readonly Guid QueueA = MetricsFixture.Id(0xfa), QueueB = MetricsFixture.Id(0xfb);
    private static readonly Guid[] Agents = [MetricsFixture.Ava, MetricsFixture.Babak, MetricsFixture.Cyrus];

    /// <summary>Two queues: one on the fixture's Tehran calendar, one on Berlin office hours (another time zone for same-day).</summary>
    private static MetricsSettings Settings() => MetricsFixture.Settings() with
    {
        QueueCalendars = new Dictionary<Guid, BusinessCalendar>
        {
            [QueueB] = BusinessCalendar.Weekly(BusinessCalendarTests.Berlin,
                [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
                [OpeningHours.Of(9, 13), OpeningHours.Of(14, 18)]),
        },
    };

    internal static void AssertSame(DailyFigures expected, DailyFigures actual)
    {
        var none = new Dictionary<Guid, int>();
        Assert.Equal(expected with { ResolvedByAgent = none }, actual with { ResolvedByAgent = none });
        Assert.Equal(expected.ResolvedByAgent.OrderBy(p => p.Key), actual.ResolvedByAgent.OrderBy(p => p.Key));
    }

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 25)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void FeedingChangesOneByOneGivesTheBatchFiguresOfTheDay(int seed)
    {
        var random = new Random(seed);
        var histories = Enumerable.Range(1, 60).Select(n => RandomHistory(random, n)).ToList();
        var settings = Settings();
        var live = new LiveMetrics(settings);
        var feed = histories.SelectMany(h => h.Timeline.Select(e => (h.Header, Entry: e))).OrderBy(x => x.Entry.At).ToList();

        var days = 0;
        var resolutions = 0;
        for (var i = 0; i < feed.Count; i++)
        {
            live.Apply(feed[i].Header, feed[i].Entry);
            if (i + 1 < feed.Count && settings.BoardDate(feed[i + 1].Entry.At) == live.Today)
            {
                continue;
            }
            // The end of a day on the board: what the batch makes of everything known by then.
            var now = feed[i].Entry.At;
            var known = histories.Select(h => h with { Timeline = [.. h.Timeline.Where(e => e.At <= now)] }).Where(h => h.Timeline.Count > 0).ToList();
            var expected = DailyFigures.Compute(known, live.Today, settings, now);
            AssertSame(expected, live.Figures());
            var outcomes = new FcrEvaluator(settings.FcrWindow).EvaluateAll(known, now);
            foreach (var channel in Channels)
            {
                var ofChannel = DailyFigures.Compute([.. known.Where(h => h.Channel == channel)], live.Today, settings, now);
                // FCR follows the contact across channels: the channel's conversations' outcomes come from the full set.
                var fcr = FcrSummary.Of(known.Where(h => h.Channel == channel
                        && ConversationTimings.Of(h).ResolvedAt is { } r && settings.BoardDate(r) == live.Today)
                    .Select(h => outcomes[h.ConversationId]));
                var liveChannel = live.FiguresOfChannel(channel) ?? new DayTally(live.Today).Figures();
                AssertSame(ofChannel with { Fcr = fcr }, liveChannel);
            }
            days++;
            resolutions += expected.Resolved;
        }
        Assert.True(days >= 3 && resolutions > 10, $"{days} days, {resolutions} resolutions: too little to compare");
    }

    [Fact]
    public void TheDayRollsOverAtMidnightInTheBoardsTimeZone()
    {
        var live = new LiveMetrics(MetricsFixture.Settings());
        var header = new ConversationHeader(MetricsFixture.Id(1), MetricsFixture.Sara, ChannelNames.Sms);

        // 23:59 Tehran on the 1st is 20:29 UTC; 00:01 Tehran on the 2nd is still the 1st in UTC.
        live.Apply(header, new TimelineEntry(TimelineKind.Opened, MetricsFixture.L(1, 23, 59)));
        Assert.Equal(new DateOnly(2026, 6, 1), live.Today);
        Assert.Equal(1, live.Figures().Opened);
        live.Apply(header, new TimelineEntry(TimelineKind.CustomerMessage, MetricsFixture.L(2, 0, 1)));

        Assert.Equal(new DateOnly(2026, 6, 2), live.Today);
        Assert.Equal(0, live.Figures().Opened);
        Assert.Null(live.FiguresOfChannel(ChannelNames.Sms));
    }

    [Fact]
    public void AContactComingBackOnAnotherChannelBreaksTodaysProvisionalFcr()
    {
        var live = new LiveMetrics(MetricsFixture.Settings());
        var sms = new ConversationHeader(MetricsFixture.Id(1), MetricsFixture.Sara, ChannelNames.Sms);
        var telegram = new ConversationHeader(MetricsFixture.Id(2), MetricsFixture.Sara, ChannelNames.Telegram);
        live.Apply(sms, new TimelineEntry(TimelineKind.Opened, MetricsFixture.L(1, 9, 0)));
        live.Apply(sms, new TimelineEntry(TimelineKind.Assigned, MetricsFixture.L(1, 9, 1), MetricsFixture.Ava));
        live.Apply(sms, new TimelineEntry(TimelineKind.Resolved, MetricsFixture.L(1, 9, 30), MetricsFixture.Ava));
        Assert.Equal(new FcrSummary(0, 0, 1), live.Figures().Fcr);

        live.Apply(telegram, new TimelineEntry(TimelineKind.Opened, MetricsFixture.L(1, 15, 0)));

        Assert.Equal(new FcrSummary(0, 1, 0), live.Figures().Fcr);
        Assert.Equal(new FcrSummary(0, 1, 0), live.FiguresOfChannel(ChannelNames.Sms)!.Fcr);
    }

    [Fact]
    public void AConversationResolvedLongAgoIsForgottenAndReplayedWhenItIsReopened()
    {
        var settings = MetricsFixture.Settings();
        var live = new LiveMetrics(settings);
        var old = MetricsFixture.C1;
        live.Replay([old]);
        Assert.True(live.Tracks(old.ConversationId));

        // Ten days later (more than the 7-day window and a day) the board has moved on and forgotten it.
        var later = new ConversationHeader(MetricsFixture.Id(77), MetricsFixture.Reza, ChannelNames.Sms);
        live.Apply(later, new TimelineEntry(TimelineKind.Opened, MetricsFixture.L(11, 9, 0)));
        Assert.False(live.Tracks(old.ConversationId));

        // Sara writes again on 11 June: the feeder replays the stored history, then applies the reopening.
        if (!live.Tracks(old.ConversationId))
        {
            live.Replay([old]);
        }
        TimelineEntry[] reopening =
        [
            new(TimelineKind.Reopened, MetricsFixture.L(11, 10, 0)), new(TimelineKind.CustomerMessage, MetricsFixture.L(11, 10, 0)),
            new(TimelineKind.Assigned, MetricsFixture.L(11, 10, 20), MetricsFixture.Ava), new(TimelineKind.Resolved, MetricsFixture.L(11, 11, 0), MetricsFixture.Ava),
        ];
        foreach (var entry in reopening)
        {
            live.Apply(old.Header, entry);
        }

        var full = old with { Timeline = [.. old.Timeline, .. reopening] };
        var later2 = new ConversationHistory(later, [new(TimelineKind.Opened, MetricsFixture.L(11, 9, 0))]);
        AssertSame(DailyFigures.Compute([full, later2], new DateOnly(2026, 6, 11), settings, MetricsFixture.L(11, 11, 0)), live.Figures());
        // Reopened after 20 minutes in the queue, handled 40 minutes; not the same day it was opened (1 June).
        Assert.Equal(TimeSpan.FromMinutes(20), live.Figures().TimeToAssign.Mean);
        Assert.Equal(TimeSpan.FromMinutes(40), live.Figures().HandleTime.Mean);
        Assert.Equal(0, live.Figures().SameDayResolved);
    }

    private static ConversationHistory RandomHistory(Random random, int n)
    {
        var header = new ConversationHeader(MetricsFixture.Id(0x1000 + n), MetricsFixture.Id(0x2000 + random.Next(12)), Channels[random.Next(Channels.Length)],
            random.Next(3) switch { 0 => null, 1 => QueueA, _ => QueueB }, null, random.Next(3), random.Next(3) == 0 ? Categories.Complaint : null);
        // Three days, so the live board rolls over and carries conversations across midnight.
        var t = MetricsFixture.L(1, 0, 0) + TimeSpan.FromMinutes(random.Next(3 * 24 * 60));
        var timeline = new List<TimelineEntry>();
        if (random.Next(4) != 0)
        {
            timeline.Add(new(TimelineKind.Opened, t));
        }
        timeline.Add(new(TimelineKind.CustomerMessage, t));
        var resolved = false;
        for (var step = random.Next(1, 14); step > 0; step--)
        {
            t += TimeSpan.FromMinutes(random.Next(0, 400));
            var agent = Agents[random.Next(Agents.Length)];
            TimelineEntry entry = random.Next(9) switch
            {
                0 => new(TimelineKind.CustomerMessage, t),
                1 => new(TimelineKind.AutomaticReply, t),
                2 => new(TimelineKind.AgentReply, t, agent),
                3 or 4 => new(TimelineKind.Assigned, t, agent),
                5 => new(TimelineKind.Transferred, t, agent),
                6 => new(TimelineKind.AutomaticMessageIn, t),
                _ => resolved ? new(TimelineKind.Reopened, t, random.Next(2) == 0 ? agent : null) : new(TimelineKind.Resolved, t, agent),
            };
            resolved = entry.Kind == TimelineKind.Resolved || (resolved && entry.Kind != TimelineKind.Reopened);
            timeline.Add(entry);
        }
        return new ConversationHistory(header, timeline);
    }
}
