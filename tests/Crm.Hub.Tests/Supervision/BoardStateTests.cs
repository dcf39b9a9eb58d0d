using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Supervision;
using Crm.Routing;

namespace Crm.Hub.Tests.Supervision;

/// <summary>
/// The board fed hand-built events, written the way the hub's writers write them (same views, kinds and client methods).
/// UTC board, open around the clock, first-response target 60 min. T0 = Wed 2026-06-10 09:00.
/// Queue Q1 (SMS): c1 opened T0, c2 T0+2m, c3 T0+5m; Ava takes c3 at T0+6m (waited 60 s) and c1 at T0+10m (waited 600 s),
/// answers c1 at T0+12m. Queue Q2 (web chat): c4 opened T0+1m, Babak takes it at T0+4m, answers T0+5m, resolves T0+18m.
/// Ava signed in at T0; Babak at T0−10m, away from T0+15m.
/// </summary>
public sealed class BoardStateTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Q1 = Id(0xf1), Q2 = Id(0xf2), Ava = Id(0xa1), Babak = Id(0xa2);

    private readonly BoardState _board = new(new MetricsSettings(TimeZoneInfo.Utc, BusinessCalendar.AroundTheClock(TimeZoneInfo.Utc),
        new SlaPolicy(new SlaTarget(TimeSpan.FromMinutes(60), TimeSpan.FromHours(8)), []), TimeSpan.FromDays(7)));
    private readonly Dictionary<int, Conversation> _conversations = [];
    private long _seq;

    private static Guid Id(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:x12}");

    private static DateTimeOffset M(double minutes) => T0.AddMinutes(minutes);

    private BoardStateTests Agents()
    {
        _board.SetAgents(
        [
            new BoardAgentInfo(Ava, "Ava", AgentPresence.Offline, new Dictionary<string, int> { [ChannelNames.Sms] = 3 }, null,
                new Dictionary<string, int>(), []),
            new BoardAgentInfo(Babak, "Babak", AgentPresence.Offline, new Dictionary<string, int> { [ChannelNames.WebChat] = 2 }, null,
                new Dictionary<string, int>(), []),
        ], T0.AddHours(-1));
        _board.SetQueues(
        [
            new BoardQueueInfo(Q1, "SMS support", [ChannelNames.Sms], null, 1, null),
            new BoardQueueInfo(Q2, "Chat", [ChannelNames.WebChat], null, 1, null),
        ]);
        return this;
    }

    private void Apply(string kind, string method, int n, Guid? agent, object data, DateTimeOffset at) =>
        _board.Apply(new ConversationEvent
        {
            Seq = ++_seq, ConversationId = Id(n), Kind = kind, ClientMethod = method, AgentId = agent, Data = WireJson.Serialize(data), At = at,
        });

    private void Updated(int n, string kind, Guid? agent, DateTimeOffset at) =>
        Apply(kind, StaffEvents.ConversationUpdated, n, agent, ConversationViews.From(_conversations[n], $"Contact {n}", null), at);

    private void Open(int n, string channel, Guid queue, DateTimeOffset at)
    {
        _conversations[n] = new Conversation
        {
            Id = Id(n), Number = n, ContactId = Id(0xc00 + n), Channel = channel, Status = ConversationStatus.Waiting, CreatedAt = at, QueueId = queue,
        };
        Updated(n, EventKinds.Opened, null, at);
        Apply(EventKinds.Received, StaffEvents.MessageAdded, n, null, ConversationViews.From(Message(n, MessageDirection.Inbound, at, null), null), at);
    }

    private void Assign(int n, Guid agent, DateTimeOffset at)
    {
        _conversations[n].Status = ConversationStatus.Assigned;
        _conversations[n].AssigneeId = agent;
        Updated(n, EventKinds.Assigned, agent, at);
    }

    private void Reply(int n, Guid agent, DateTimeOffset at)
    {
        Apply(EventKinds.Sent, StaffEvents.MessageAdded, n, agent, ConversationViews.From(Message(n, MessageDirection.Outbound, at, agent), "A"), at);
        Updated(n, EventKinds.Sent, agent, at);
    }

    private void Resolve(int n, Guid agent, DateTimeOffset at)
    {
        _conversations[n].Status = ConversationStatus.Resolved;
        Updated(n, EventKinds.Resolved, agent, at);
    }

    private Message Message(int n, MessageDirection direction, DateTimeOffset at, Guid? author) => new()
    {
        Id = Guid.NewGuid(), ConversationId = Id(n), Direction = direction, Channel = _conversations[n].Channel, Body = "…", AuthorAgentId = author, CreatedAt = at,
    };

    /// <summary>The morning described on the class.</summary>
    private void Morning()
    {
        Agents();
        _board.PresenceChanged(Babak, AgentPresence.Online, M(-10));
        _board.PresenceChanged(Ava, AgentPresence.Online, M(0));
        Open(1, ChannelNames.Sms, Q1, M(0));
        Open(4, ChannelNames.WebChat, Q2, M(1));
        Open(2, ChannelNames.Sms, Q1, M(2));
        Assign(4, Babak, M(4));
        Open(3, ChannelNames.Sms, Q1, M(5));
        Reply(4, Babak, M(5));
        Assign(3, Ava, M(6));
        Assign(1, Ava, M(10));
        Reply(1, Ava, M(12));
        _board.PresenceChanged(Babak, AgentPresence.Away, M(15));
        Resolve(4, Babak, M(18));
    }

    private static BoardScopeRow Queue(BoardSnapshot s, Guid id) => s.Queues.Single(q => q.Key == id.ToString());

    [Fact]
    public void QueueShowsWaitingLongestWaitAndTimeToAssignPercentiles()
    {
        Morning();

        var q1 = Queue(_board.Snapshot(M(20)), Q1);

        Assert.Equal("SMS support", q1.Name);
        Assert.Equal(1, q1.Waiting);
        Assert.Equal(M(2), q1.LongestWaitingSince);
        Assert.Equal(18 * 60, q1.LongestWait);
        Assert.Equal(3, q1.Open);
        // Waits that ended in an assignment today: 60 s (c3) and 600 s (c1). Nearest rank: p50 = 1st, p95 = 2nd.
        Assert.Equal(60, q1.TimeToAssignP50);
        Assert.Equal(600, q1.TimeToAssignP95);
        Assert.False(q1.NoEligibleAgent);
        var sms = _board.Snapshot(M(20)).Channels.Single(c => c.Key == ChannelNames.Sms);
        Assert.Equal((1, 3), (sms.Waiting, sms.Open));
    }

    [Fact]
    public void SlaAtRiskAlertCountsUntilTheDeadlinePassesThenItIsBreached()
    {
        Morning();
        Apply(EventKinds.SupervisorAlert, StaffEvents.SupervisorAlert, 2, null,
            new SupervisorAlertView(Id(2), 2, "slaAtRisk", "First response due in 12 min", M(50), "SMS support"), M(50));

        var before = _board.Snapshot(M(55));
        Assert.Equal((1, 0), (Queue(before, Q1).AtRisk, Queue(before, Q1).Breached));
        Assert.Equal("slaAtRisk", Assert.Single(before.Alerts).Kind);

        // Due: c1 at T0+60m (answered at +12m), c2 at +62m, c3 at +65m (assigned, never answered), c4 resolved.
        _board.Settle(M(63));
        var q1 = Queue(_board.Snapshot(M(63)), Q1);
        Assert.Equal((0, 1), (q1.AtRisk, q1.Breached));
        _board.Settle(M(70));
        Assert.Equal(2, Queue(_board.Snapshot(M(70)), Q1).Breached);
        Assert.Equal([Id(2), Id(3)], _board.Conversations(BoardFigures.Breached, Q1.ToString(), null, M(70)).Select(c => c.Id).Order());

        // The answer ends the breach on the board (the SLA figure at resolution still counts it as missed).
        Reply(2, Ava, M(71));
        Assert.Equal(1, Queue(_board.Snapshot(M(71)), Q1).Breached);
    }

    [Fact]
    public void AgentsShowLoadCapacityPresenceAndOccupancy()
    {
        Morning();

        var agents = _board.Snapshot(M(20)).Agents;
        var ava = agents.Single(a => a.Id == Ava);
        Assert.Equal(("online", 2, 3), (ava.Presence, ava.Load, ava.Capacity));
        Assert.Equal([Id(1), Id(3)], ava.Conversations.Order());
        // Signed in 20 min, handling from +6m: 14 of 20 min.
        Assert.Equal((1200, 840), (ava.SignedInToday, ava.HandlingToday));
        Assert.Equal(70.0m, ava.Occupancy);
        var babak = agents.Single(a => a.Id == Babak);
        // Signed in (online, then away) for 30 min, handling c4 from +4m to +18m: 14 of 30 min.
        Assert.Equal(("away", M(15), 0), (babak.Presence, babak.PresenceSince, babak.Load));
        Assert.Equal((1800, 840), (babak.SignedInToday, babak.HandlingToday));
        Assert.Equal(46.7m, babak.Occupancy);
    }

    [Fact]
    public void QueueWithWaitingConversationsAndNobodyOnlineForItsChannelIsFlagged()
    {
        Morning();
        Open(5, ChannelNames.WebChat, Q2, M(19));

        var s = _board.Snapshot(M(20));

        // Babak (the only web chat agent) is away; Ava takes SMS only.
        Assert.True(Queue(s, Q2).NoEligibleAgent);
        Assert.False(Queue(s, Q1).NoEligibleAgent);
        _board.PresenceChanged(Babak, AgentPresence.Online, M(21));
        Assert.False(Queue(_board.Snapshot(M(21)), Q2).NoEligibleAgent);
    }

    [Fact]
    public void HeadlineCountsTodaysOpeningsResolutionsAndFirstResponses()
    {
        Morning();

        var h = _board.Snapshot(M(20)).Headline;

        Assert.Equal((4, 1), (h.Opened, h.Resolved));
        // First responses: c4 after 4 min, c1 after 12 min.
        Assert.Equal(480, h.FrtMean);
        Assert.Equal(240, h.FrtP50);
        Assert.Equal(720, h.FrtP95);
        // c4: accepted +4m, resolved +18m; answered within 60 min and resolved within 8 h; opened and resolved the same day.
        Assert.Equal(840, h.AhtMean);
        Assert.Equal(100m, h.SlaCompliance);
        Assert.Equal(100m, h.SameDayRate);
        Assert.Equal((100m, 1), (h.FcrRate, h.FcrProvisional));
        var nine = h.Trend[9];
        Assert.Equal((4, 1, 2, 480.0), (nine.Opened, nine.Resolved, nine.FirstResponses, nine.FrtMean));
        Assert.All(h.Trend.Where(t => t.Hour != 9), t => Assert.Equal(0, t.Opened));
    }

    [Fact]
    public void TransferPutsTheConversationBackInTheQueueWithANewWait()
    {
        Morning();
        _conversations[1].Status = ConversationStatus.Waiting;
        _conversations[1].AssigneeId = null;
        Updated(1, EventKinds.Transferred, Ava, M(30));

        var s = _board.Snapshot(M(31));

        var q1 = Queue(s, Q1);
        Assert.Equal((2, M(2)), (q1.Waiting, q1.LongestWaitingSince));
        Assert.Equal(1, s.Agents.Single(a => a.Id == Ava).Load);
        var waiting = _board.Conversations(BoardFigures.Waiting, Q1.ToString(), null, M(31));
        Assert.Equal([(Id(2), 29 * 60.0), (Id(1), 60.0)], waiting.Select(c => (c.Id, c.Value!.Value)));
    }

    [Fact]
    public void ChannelHealthShowsLastInboundAndProviderErrorsOfTheLastHour()
    {
        Morning();
        Apply(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged, 1, null,
            new { messageId = Guid.NewGuid(), conversationId = Id(1), deliveryStatus = "failed", error = "30007 filtered" }, M(15));

        var sms = _board.Snapshot(M(20)).Health.Single(h => h.Channel == ChannelNames.Sms);

        Assert.Equal((M(5), 1, "30007 filtered"), (sms.LastInboundAt, sms.ErrorsLastHour, sms.LastError));
        Assert.Equal(0, _board.Snapshot(M(76)).Health.Single(h => h.Channel == ChannelNames.Sms).ErrorsLastHour);
    }

    [Fact]
    public void EventsTheCatchUpAlreadyReadAreSkippedWhenTheyArriveLive()
    {
        Agents();
        Open(1, ChannelNames.Sms, Q1, M(0));
        _board.CaughtUpThrough = _seq;
        var version = _board.Version;

        _seq = 0;
        Open(1, ChannelNames.Sms, Q1, M(0));

        Assert.Equal(version, _board.Version);
        Assert.Equal(1, Queue(_board.Snapshot(M(1)), Q1).Waiting);
    }

    [Fact]
    public void ANewDayStartsFreshFiguresButKeepsOpenConversations()
    {
        Morning();

        _board.Settle(T0.AddDays(1).AddHours(-9).AddMinutes(30)); // 00:30 the next day
        var s = _board.Snapshot(T0.AddDays(1).AddHours(-9).AddMinutes(30));

        Assert.Equal(new DateOnly(2026, 6, 11), s.Day);
        Assert.Equal((0, 0), (s.Headline.Opened, s.Headline.Resolved));
        Assert.Equal(3, Queue(s, Q1).Open);
        // Ava has been online with conversations since midnight: 30 of 30 min.
        Assert.Equal(100m, s.Agents.Single(a => a.Id == Ava).Occupancy);
    }

    [Fact]
    public void DeltaCarriesOnlyTheRowsThatChanged()
    {
        Morning();
        var diff = new BoardDiff();
        Assert.NotNull(diff.Next(_board.Snapshot(M(20))));
        Assert.Null(diff.Next(_board.Snapshot(M(21))));

        Open(5, ChannelNames.WebChat, Q2, M(22));
        var delta = diff.Next(_board.Snapshot(M(22)));

        Assert.NotNull(delta);
        var q2 = Assert.Single(delta.Queues);
        Assert.Equal((Q2.ToString(), 1), (q2.Key, q2.Waiting));
        Assert.Equal(ChannelNames.WebChat, Assert.Single(delta.Channels).Key);
        Assert.Empty(delta.Agents);
        Assert.NotNull(delta.Headline);
    }

    [Fact]
    public void TodaysSurveyAnswersFillCsatNpsAndCesAndCommentsAloneCountNothing()
    {
        Agents();
        void Answer(int n, string kind, int? score, DateTimeOffset at) => Apply(Crm.Hub.Surveys.SurveyEvents.Answered, StaffEvents.SurveyAnswered, n, Ava,
            new Crm.Hub.Surveys.SurveyAnswerView(Id(0x500 + n), Id(n), Id(0x900 + n), Ava, kind, score, score is null ? "thanks" : null, "sms", at, false), at);

        Answer(1, "csat", 5, M(30));
        Answer(2, "csat", 2, M(31));
        Answer(3, "csat", null, M(32));
        Answer(4, "nps", 10, M(33));
        Answer(5, "nps", 3, M(34));
        Answer(6, "nps", 9, M(35));
        Answer(7, "ces", 2, M(36));
        Answer(8, "ces", 5, M(37));
        Answer(9, "csat", 4, M(-60 * 24));

        var headline = _board.Snapshot(M(40)).Headline;
        Assert.Equal(50m, headline.Csat);
        Assert.Equal(100m / 3, headline.Nps);
        Assert.Equal(3.5m, headline.Ces);
        Assert.Null(_board.Snapshot(M(60 * 24)).Headline.Csat);
    }
}
