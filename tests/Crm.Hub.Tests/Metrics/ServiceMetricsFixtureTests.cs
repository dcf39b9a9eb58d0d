using Crm.Hub.Metrics;
using Crm.Hub.Surveys;
using static Crm.Hub.Tests.Metrics.MetricsFixture;

namespace Crm.Hub.Tests.Metrics;

/// <summary>
/// The fixture's figures worked out by hand (see <see cref="MetricsFixture"/> for the calendar and the SLA policy).
/// Business time counts only Sat–Wed 08–16 and Thu 08–12, never Thu 4 June (holiday) nor Fridays.
/// </summary>
public sealed class ServiceMetricsFixtureTests
{
    private static TimeSpan M(double minutes) => TimeSpan.FromMinutes(minutes);

    private static TimeSpan Hm(int hours, int minutes) => new(hours, minutes, 0);

    private static ConversationTimings T(ConversationHistory c) => ConversationTimings.Of(c);

    [Fact]
    public void FirstResponseTimesCountOnlyPeopleAndTheFirstEpisode()
    {
        // C1 09:00 -> 09:10 = 10 min.         C2 10:00 -> 11:00 = 60 min (the 10:00:05 acknowledgement is automatic).
        // C3 09:00 -> 09:20 = 20 min.         C4 10:00 -> 10:05 = 5 min (first episode; the reopened one took 09:00 -> 09:45).
        // C5 14:00 -> 14:03 = 3 min.          C6 Wed 3 15:00 -> Sat 6 09:00 = 3 days - 6 h = 66 h (wall clock).
        // C7 Thu 4 20:00 -> Sat 6 08:10 = 36 h 10 min (the bot's 20:00 "closed" message is no response).
        // C8 11:00 -> 11:30 = 30 min.         C9 no reply yet: no FRT.        C10 11:00 -> 12:00 = 60 min.
        Assert.Equal(M(10), T(C1).FirstResponseTime);
        Assert.Equal(M(60), T(C2).FirstResponseTime);
        Assert.Equal(M(20), T(C3).FirstResponseTime);
        Assert.Equal(M(5), T(C4).FirstResponseTime);
        Assert.Equal(new[] { M(5), M(45) }, T(C4).Episodes.Select(e => e.ResponseTime!.Value));
        Assert.Equal(M(3), T(C5).FirstResponseTime);
        Assert.Equal(Hm(66, 0), T(C6).FirstResponseTime);
        Assert.Equal(Hm(36, 10), T(C7).FirstResponseTime);
        Assert.Equal(M(30), T(C8).FirstResponseTime);
        Assert.Null(T(C9).FirstResponseTime);
        Assert.Equal(M(60), T(C10).FirstResponseTime);

        // Nine values, sorted (min): 3, 5, 10, 20, 30, 60, 60, 2170, 3960.
        // Mean: 6318 / 9 = 702 min = 11 h 42 min. p50: rank ⌈0.50·9⌉ = 5 -> 30 min. p95: rank ⌈0.95·9⌉ = ⌈8.55⌉ = 9 -> 66 h.
        var frt = DurationFigures.Of([.. All.Select(c => T(c).FirstResponseTime).OfType<TimeSpan>()]);
        Assert.Equal(new DurationFigures(9, Hm(11, 42), M(30), Hm(66, 0)), frt);
    }

    [Fact]
    public void TimeToAssignPercentiles()
    {
        // Opening to the first accepted assignment:
        // C1 2, C2 30, C3 5, C4 1, C5 1, C6 30, C7 Thu 20:00 -> Sat 08:05 = 36 h 5 min = 2165, C8 20, C9 10, C10 30 (min).
        var first = All.Select(c => T(c).TimeToAssign!.Value).ToList();
        Assert.Equal(new[] { M(2), M(30), M(5), M(1), M(1), M(30), M(2165), M(20), M(10), M(30) }, first);

        // Every spell in the queue also counts: C4's reopening (Tue 09:00 -> 09:30 = 30) and C5's transfer (14:10 -> 14:20 = 10).
        Assert.Equal(new[] { M(1), M(30) }, T(C4).Waits.Select(w => w.Duration));
        Assert.Equal(new[] { M(1), M(10) }, T(C5).Waits.Select(w => w.Duration));
        // Twelve spells, sorted: 1, 1, 2, 5, 10, 10, 20, 30, 30, 30, 30, 2165.
        // p50: rank ⌈0.50·12⌉ = 6 -> 10 min. p95: rank ⌈0.95·12⌉ = ⌈11.4⌉ = 12 -> 2165 min = 36 h 5 min.
        var waits = All.SelectMany(c => T(c).Waits.Select(w => w.Duration)).ToList();
        Assert.Equal(12, waits.Count);
        Assert.Equal(M(10), Percentiles.Of(waits, 50));
        Assert.Equal(Hm(36, 5), Percentiles.Of(waits, 95));
    }

    [Fact]
    public void HandleTimesRunFromAcceptanceToResolutionSummedOverEpisodes()
    {
        // C1 09:02 -> 09:40 = 38.  C2 10:30 -> 15:00 = 270.  C3 09:05 -> 10:00 = 55.
        // C4 (10:01 -> 10:30 = 29) + (09:30 -> 11:00 = 90) = 119.  C5 14:01 -> 14:50 = 49 (the transfer does not stop it).
        // C6 Wed 15:30 -> Sat 10:00 = 66 h 30 = 3990.  C7 08:05 -> 08:31 = 26.  C8 11:20 -> 12:00 = 40.  C9 unresolved.
        // C10 Mon 11:30 -> Tue 09:00 = 21 h 30 = 1290.
        // AHT over the nine: (38 + 270 + 55 + 119 + 49 + 3990 + 26 + 40 + 1290) / 9 = 5877 / 9 = 653 min = 10 h 53 min.
        TimeSpan?[] expected = [M(38), M(270), M(55), M(119), M(49), M(3990), M(26), M(40), null, M(1290)];
        Assert.Equal(expected, All.Select(c => T(c).HandleTime));
        Assert.Equal(Hm(10, 53), DurationFigures.Of([.. All.Select(c => T(c).HandleTime).OfType<TimeSpan>()]).Mean);
    }

    [Fact]
    public void SlaClocksRunInBusinessHours()
    {
        var outcomes = All.Select(c => SlaEvaluation.Of(T(c), Sla.TargetFor(c.Header.Priority, c.Channel), Calendar, Now)!).ToList();

        // C4 resolution: Mon 1 10:00 -> Tue 2 11:00 = (10–16: 6 h) + (08–11: 3 h) = 9 h > 8 h: breached; first response 5 min: met.
        Assert.Equal((SlaOutcome.Met, SlaOutcome.Breached), (outcomes[3].FirstResponse, outcomes[3].Resolution));
        // C6 (email, 4 h / 16 h): first response Wed 15–16 (1 h) + Thu holiday + Fri closed + Sat 08–09 (1 h) = 2 h <= 4 h;
        // resolution Wed 15–16 (1 h) + Sat 08–10 (2 h) = 3 h <= 16 h. Due for the first response: Wed 15:00 + 4 h = 1 h Wed,
        // then Sat 08:00 + 3 h = Sat 11:00.
        Assert.Equal((SlaOutcome.Met, SlaOutcome.Met), (outcomes[5].FirstResponse, outcomes[5].Resolution));
        Assert.Equal(L(6, 11, 0), outcomes[5].FirstResponseDue);
        Assert.Equal(TimeSpan.FromHours(2), Calendar.BusinessDuration(L(3, 15, 0), L(6, 9, 0)));
        // C7: Thu 20:00 -> Sat 08:10 is 10 business minutes (holiday, Friday, Sat from 08:00) <= 1 h; resolved in 31 business minutes.
        Assert.Equal(M(10), Calendar.BusinessDuration(L(4, 20, 0), L(6, 8, 10)));
        Assert.Equal((SlaOutcome.Met, SlaOutcome.Met), (outcomes[6].FirstResponse, outcomes[6].Resolution));
        // C8 (priority 2, 15 min / 4 h): 30 min > 15 min breached; resolved in 1 h <= 4 h.
        Assert.Equal((SlaOutcome.Breached, SlaOutcome.Met), (outcomes[7].FirstResponse, outcomes[7].Resolution));
        // C9: no reply, Wed 10 10:00 -> now 12:00 = 2 h > 1 h breached; resolution 2 h of 8 h used: pending.
        Assert.Equal((SlaOutcome.Breached, SlaOutcome.Pending), (outcomes[8].FirstResponse, outcomes[8].Resolution));
        // C10: first response exactly 60 min of 60: met. Resolution Mon 11–16 (5 h) + Tue 08–09 (1 h) = 6 h <= 8 h.
        Assert.Equal((SlaOutcome.Met, SlaOutcome.Met), (outcomes[9].FirstResponse, outcomes[9].Resolution));

        // All ten decided (C9 by its breach); compliant: C1, C2, C3, C5, C6, C7, C10 = 7 of 10 = 70 %.
        Assert.True(outcomes.All(o => o.Decided));
        Assert.Equal(new[] { true, true, true, false, true, true, true, false, false, true }, outcomes.Select(o => o.Compliant));
    }

    [Fact]
    public void FirstContactResolutionAcrossChannelsWithAProvisionalWindow()
    {
        var fcr = new FcrEvaluator().EvaluateAll(All, Now);

        // C1 resolved Mon 1 09:40; Sara opened C2 by email Wed 3 (< 7 days): not FCR — a repeat on another channel counts.
        // C2 resolved Wed 3 15:00; Sara opened C3 on Telegram Mon 8 (< Wed 10 15:00): not FCR.
        // C3 resolved Mon 8 10:00; window open until Mon 15 10:00 > now: provisional.
        // C4 reopened, C5 transferred: not FCR. C6 (until Sat 13 10:00), C7 (until Sat 13 08:31), C8 (until Mon 15 12:00): provisional.
        // C9 not resolved. C10 resolved Tue 2 09:00, window closed Tue 9 09:00, Leila never came back: FCR.
        Assert.Equal(new FcrOutcome(FcrStatus.NotFirstContact), fcr[C1.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.NotFirstContact), fcr[C2.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.Provisional, L(15, 10, 0)), fcr[C3.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.NotFirstContact), fcr[C4.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.NotFirstContact), fcr[C5.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.Provisional, L(13, 10, 0)), fcr[C6.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.Provisional, L(13, 8, 31)), fcr[C7.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.Provisional, L(15, 12, 0)), fcr[C8.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.NotResolved), fcr[C9.ConversationId]);
        Assert.Equal(new FcrOutcome(FcrStatus.FirstContact), fcr[C10.ConversationId]);

        // Decided: 1 FCR of 5 = 20 %. Live (provisional as FCR): (1 + 4) / 9 = 55.5… %.
        var summary = FcrSummary.Of(fcr.Values);
        Assert.Equal(new FcrSummary(1, 4, 4), summary);
        Assert.Equal(20m, summary.Rate);
        Assert.Equal(500m / 9, summary.ProvisionalRate);

        // A shorter window (2 days) lets C1 count: Sara came back after 2 days and 20 minutes (Mon 09:40 -> Wed 10:00).
        Assert.Equal(FcrStatus.FirstContact, new FcrEvaluator(TimeSpan.FromDays(2)).Evaluate(C1, All, Now).Status);
    }

    [Fact]
    public void DailyFiguresOfTuesdayTheSecond()
    {
        var day = DailyFigures.Compute(All, new DateOnly(2026, 6, 2), Settings(), Now);

        // Opened: C5 (C4 was reopened, not opened). First responses given that day in a first episode: C5 3 min.
        Assert.Equal(1, day.Opened);
        Assert.Equal(new DurationFigures(1, M(3), M(3), M(3)), day.FirstResponse);
        // Spells in the queue ending that day: C4 reopened 09:00 -> 09:30 (30), C5 14:00 -> 14:01 (1), C5 transferred
        // 14:10 -> 14:20 (10). Mean 41 / 3 min = 13 min 40 s; sorted 1, 10, 30: p50 rank 2 -> 10; p95 rank 3 -> 30.
        Assert.Equal(new DurationFigures(3, new TimeSpan(0, 13, 40), M(10), M(30)), day.TimeToAssign);
        // Resolutions: C10 09:00 (Ava), C4 11:00 (Babak, its second), C5 14:50 (Ava) = 3.
        // Handle: 1290 + 90 + 49 = 1429 min / 3 = 476 min 20 s; p50 rank 2 -> 90; p95 rank 3 -> 1290.
        Assert.Equal(3, day.Resolved);
        Assert.Equal(new DurationFigures(3, new TimeSpan(7, 56, 20), M(90), M(1290)), day.HandleTime);
        // Same day: only C5 (C10 and C4 were opened on Monday): 1 of 3.
        Assert.Equal(1, day.SameDayResolved);
        Assert.Equal(100m / 3, day.SameDayRate);
        // SLA at resolution: C10 met (60 min, 6 h), C4 not (9 h > 8 h), C5 met (3 min, 50 min): 2 of 3.
        Assert.Equal(2, day.SlaMet);
        Assert.Equal(200m / 3, day.SlaCompliance);
        // Complaint to resolution: C10 Mon 11:00 -> Tue 09:00 = 22 h wall, 6 h in business hours.
        Assert.Equal(new DurationFigures(1, Hm(22, 0), Hm(22, 0), Hm(22, 0)), day.ComplaintToResolution);
        Assert.Equal(new DurationFigures(1, Hm(6, 0), Hm(6, 0), Hm(6, 0)), day.ComplaintToResolutionBusiness);
        // Contacts per agent: Ava 2, Babak 1 -> 3 / 2 = 1.5.
        Assert.Equal(new Dictionary<Guid, int> { [Ava] = 2, [Babak] = 1 }, day.ResolvedByAgent);
        Assert.Equal(1.5m, day.ContactsPerAgent);
        // FCR of the day's final resolutions: C10 FCR, C4 not (reopened), C5 not (transferred).
        Assert.Equal(new FcrSummary(1, 2, 0), day.Fcr);
    }

    [Fact]
    public void DailyFiguresOfTheSaturdayAfterTheHoliday()
    {
        var day = DailyFigures.Compute(All, new DateOnly(2026, 6, 6), Settings(), Now);

        // Nothing opened on Saturday. First responses: C7 08:10 (36 h 10 = 2170 min), C6 09:00 (66 h = 3960 min):
        // mean (2170 + 3960) / 2 = 3065 min = 51 h 5 min; p50 rank 1 -> 2170; p95 rank 2 -> 3960.
        Assert.Equal(0, day.Opened);
        Assert.Equal(new DurationFigures(2, Hm(51, 5), M(2170), M(3960)), day.FirstResponse);
        // Assigned that day: C7 08:05 (36 h 5); C6 was assigned on Wednesday.
        Assert.Equal(new DurationFigures(1, Hm(36, 5), Hm(36, 5), Hm(36, 5)), day.TimeToAssign);
        // Resolved: C7 (26 min), C6 (3990 min): mean 4016 / 2 = 2008 min = 33 h 28 min; none the day it opened; both met SLA.
        Assert.Equal(new DurationFigures(2, Hm(33, 28), M(26), M(3990)), day.HandleTime);
        Assert.Equal(0, day.SameDayResolved);
        Assert.Equal(100m, day.SlaCompliance);
        // Complaint C6: Wed 15:00 -> Sat 10:00 = 67 h wall; 1 h + 2 h = 3 h of business time.
        Assert.Equal(Hm(67, 0), day.ComplaintToResolution.Mean);
        Assert.Equal(Hm(3, 0), day.ComplaintToResolutionBusiness.Mean);
        Assert.Equal(new Dictionary<Guid, int> { [Babak] = 1, [Cyrus] = 1 }, day.ResolvedByAgent);
        Assert.Equal(new FcrSummary(0, 0, 2), day.Fcr);
    }

    [Fact]
    public void DailyFiguresOfMondayTheEighth()
    {
        var day = DailyFigures.Compute(All, new DateOnly(2026, 6, 8), Settings(), Now);

        // Opened C3 and C8. FRT 20 and 30: mean 25, p50 rank 1 -> 20, p95 rank 2 -> 30. Assign 5 and 20.
        // Handle 55 and 40: mean 47 min 30 s. Both resolved the day they opened. SLA: C3 met, C8 breached (30 > 15 min): 50 %.
        Assert.Equal(2, day.Opened);
        Assert.Equal(new DurationFigures(2, M(25), M(20), M(30)), day.FirstResponse);
        Assert.Equal(new DurationFigures(2, M(12.5), M(5), M(20)), day.TimeToAssign);
        Assert.Equal(new DurationFigures(2, M(47.5), M(40), M(55)), day.HandleTime);
        Assert.Equal(100m, day.SameDayRate);
        Assert.Equal(50m, day.SlaCompliance);
        Assert.Equal(new DurationFigures(0, null, null, null), day.ComplaintToResolution);
        Assert.Equal(1m, day.ContactsPerAgent);
        Assert.Equal(new FcrSummary(0, 0, 2), day.Fcr);
    }

    [Fact]
    public void TheLiveBoardFedEventByEventShowsTheSameDays()
    {
        var live = new LiveMetrics(Settings());
        var byDay = new Dictionary<DateOnly, DailyFigures>();
        foreach (var (header, entry) in All.SelectMany(c => c.Timeline.Select(e => (c.Header, e))).OrderBy(x => x.e.At))
        {
            if (live.Today != Settings().BoardDate(entry.At) && live.Today != DateOnly.MinValue)
            {
                byDay[live.Today] = live.Figures();
            }
            live.Apply(header, entry);
        }
        byDay[live.Today] = live.Figures();

        foreach (var date in new DateOnly[] { new(2026, 6, 2), new(2026, 6, 6), new(2026, 6, 8) })
        {
            // "Now" for the batch is the end of that day: the live board knew no later conversation then.
            var endOfDay = new DateTimeOffset(date.ToDateTime(new TimeOnly(23, 59)), TimeSpan.FromHours(3.5));
            LiveMetricsTests.AssertSame(DailyFigures.Compute(All, date, Settings(), endOfDay), byDay[date]);
        }
    }

    [Fact]
    public void SurveyRepliesScoreAsHandCounted()
    {
        // CSAT replies: C1 "5", C5 "4 thanks", C8 "2 too slow", C7 "great service!" (no number: a comment).
        // Scores 5, 4, 2: satisfied (4–5) = 2 of 3 = 66.6… %.
        var csat = Parse(SurveyKind.Csat, "5", "4 thanks", "2 too slow", "great service!");
        Assert.Equal(3, csat.Responses);
        Assert.Equal(200m / 3, csat.Csat);

        // NPS replies: C2 "10/10", C4 "6", C6 "۹ عالی". Promoters 10, 9 = 2; detractors 6 = 1; (2 − 1) / 3 = 33.3… points.
        var nps = Parse(SurveyKind.Nps, "10/10", "6", "۹ عالی");
        Assert.Equal(100m / 3, nps.Nps);

        // CES replies: C3 "۲ از ۷", C10 "I'd say 5", and an out-of-range "9" kept as a comment: (2 + 5) / 2 = 3.5.
        var ces = Parse(SurveyKind.Ces, "۲ از ۷", "I'd say 5", "9");
        Assert.Equal(3.5m, ces.Ces);
        Assert.Equal(2, ces.Responses);
    }

    private static SurveyScores Parse(SurveyKind kind, params string[] replies) =>
        SurveyScores.Of(kind, replies.Select(r => SurveyAnswer.Parse(kind, r).Score).OfType<int>());
}
