using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Supervision;

namespace Crm.Hub.Tests.Supervision;

/// <summary>Alerts reach the board newest first by their sequence, whatever order writers committed them in; queue SLA edits reach it too.</summary>
public sealed class BoardAlertsAndSettingsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 10, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Queue = Guid.Parse("00000000-0000-0000-0000-0000000000f1");

    private static MetricsSettings Settings(TimeSpan firstResponse, IReadOnlyDictionary<Guid, SlaPolicy>? queues = null) =>
        new(TimeZoneInfo.Utc, BusinessCalendar.AroundTheClock(TimeZoneInfo.Utc), new SlaPolicy(new SlaTarget(firstResponse, TimeSpan.FromHours(8)), []),
            TimeSpan.FromDays(7)) { QueuePolicies = queues ?? new Dictionary<Guid, SlaPolicy>() };

    private static Guid Id(int n) => Guid.Parse($"00000000-0000-0000-0000-{n:x12}");

    private static ConversationEvent AlertEvent(long seq, int n, string reason) => new()
    {
        Seq = seq, ConversationId = Id(n), Kind = EventKinds.SupervisorAlert, ClientMethod = StaffEvents.SupervisorAlert,
        Data = WireJson.Serialize(new SupervisorAlertView(Id(n), n, "escalated", reason, T0, "SMS")), At = T0,
    };

    private static ConversationEvent Opened(long seq, int n, DateTimeOffset at) => new()
    {
        Seq = seq, ConversationId = Id(n), Kind = EventKinds.Opened, ClientMethod = StaffEvents.ConversationUpdated, At = at,
        Data = WireJson.Serialize(ConversationViews.From(new Conversation
        {
            Id = Id(n), Number = n, ContactId = Id(0xc00 + n), Channel = ChannelNames.Sms, Status = ConversationStatus.Waiting, CreatedAt = at, QueueId = Queue,
        }, $"Contact {n}", null)),
    };

    [Fact]
    public void AlertsCommittedOutOfOrderAreListedAndPushedNewestFirstBySequence()
    {
        var board = new BoardState(Settings(TimeSpan.FromMinutes(60)));
        var diff = new BoardDiff();
        board.Apply(AlertEvent(10, 1, "ten"));
        diff.Next(board.Snapshot(T0, null));

        // Two writers: 14 published before 12 and 13.
        board.Apply(AlertEvent(14, 2, "fourteen"));
        board.Apply(AlertEvent(12, 3, "twelve"));
        board.Apply(AlertEvent(13, 4, "thirteen"));
        var delta = diff.Next(board.Snapshot(T0, null));

        Assert.NotNull(delta);
        Assert.Equal([14L, 13L, 12L], delta.Alerts.Select(a => a.Seq));
        Assert.Equal([14L, 13L, 12L, 10L], board.Snapshot(T0, null).Alerts.Select(a => a.Seq));

        // One that committed earlier still but was published last is pushed too, in its place.
        board.Apply(AlertEvent(11, 5, "eleven"));
        var late = diff.Next(board.Snapshot(T0, null));
        Assert.Equal([11L], late!.Alerts.Select(a => a.Seq));
        Assert.Equal([14L, 13L, 12L, 11L, 10L], board.Snapshot(T0, null).Alerts.Select(a => a.Seq));
        Assert.Null(diff.Next(board.Snapshot(T0, null)));
    }

    [Fact]
    public void AQueuesNewSlaTargetAppliesToConversationsOpenedAfterTheEdit()
    {
        var board = new BoardState(Settings(TimeSpan.FromMinutes(60)));
        board.SetQueues([new BoardQueueInfo(Queue, "SMS support", [ChannelNames.Sms], null, 1, null)]);
        board.Apply(Opened(1, 1, T0));

        // The queue's first-response target is cut to 5 minutes.
        board.UseSettings(Settings(TimeSpan.FromMinutes(60),
            new Dictionary<Guid, SlaPolicy> { [Queue] = new(new SlaTarget(TimeSpan.FromMinutes(5), TimeSpan.FromHours(8)), []) }));
        board.Apply(Opened(2, 2, T0));
        board.Settle(T0.AddMinutes(6));

        var breached = board.Conversations("breached", null, null, T0.AddMinutes(6));
        Assert.Equal([Id(2)], breached.Select(c => c.Id));
    }
}
