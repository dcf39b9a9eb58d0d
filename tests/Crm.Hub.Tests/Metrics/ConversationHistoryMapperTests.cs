using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Email;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;

namespace Crm.Hub.Tests.Metrics;

/// <summary>Event rows built the way the writers build them (same views, same kinds, client methods and agent ids).</summary>
public sealed class ConversationHistoryMapperTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 11, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid AgentA = Guid.Parse("00000000-0000-0000-0000-00000000000a");
    private static readonly Guid AgentB = Guid.Parse("00000000-0000-0000-0000-00000000000b");
    private static readonly Guid Supervisor = Guid.Parse("00000000-0000-0000-0000-00000000005e");
    private static readonly Guid Queue = Guid.Parse("00000000-0000-0000-0000-0000000000f1");

    private readonly List<ConversationEvent> _log = [];
    private readonly Conversation _c = new()
    {
        Id = Guid.Parse("00000000-0000-0000-0000-0000000000c1"), Number = 1, ContactId = Guid.Parse("00000000-0000-0000-0000-0000000000d1"),
        Channel = ChannelNames.Email, Status = ConversationStatus.Waiting, CreatedAt = T0, QueueId = Queue,
    };

    private void Append(string kind, string method, Guid? agentId, object data, DateTimeOffset at) => _log.Add(new ConversationEvent
    {
        Seq = _log.Count + 1, ConversationId = _c.Id, Kind = kind, ClientMethod = method, AgentId = agentId, Data = WireJson.Serialize(data), At = at,
    });

    private void Updated(string kind, Guid? agentId, DateTimeOffset at) =>
        Append(kind, StaffEvents.ConversationUpdated, agentId, ConversationViews.From(_c, "Sara", null), at);

    private Message Message(MessageDirection direction, DateTimeOffset at, Guid? author = null, string? automatic = null) => new()
    {
        Id = Guid.NewGuid(), ConversationId = _c.Id, Direction = direction, Channel = _c.Channel, Body = "…", AuthorAgentId = author, CreatedAt = at,
        Email = new EmailDetails { Subject = "Order 42", Automatic = automatic },
    };

    [Fact]
    public void EventsAsTheHubWritesThemBecomeTheTimeline()
    {
        // IngestStage: opened + received, in one commit.
        Updated(EventKinds.Opened, null, T0);
        Append(EventKinds.Received, StaffEvents.MessageAdded, null, ConversationViews.From(Message(MessageDirection.Inbound, T0), null), T0);
        // EmailAcknowledger: an automatic reply, no author.
        Append(EventKinds.Sent, StaffEvents.MessageAdded, null,
            ConversationViews.From(Message(MessageDirection.Outbound, T0.AddSeconds(1), automatic: "auto-replied"), "Acme"), T0.AddSeconds(1));
        // RoutingDecisionApplier: the decision, the offer, then one refreshed view with kind assigned.
        Append(EventKinds.RoutingDecision, StaffEvents.RoutingDecision, AgentA, new DecisionView("assigned", AgentA, "A", "best", T0.AddMinutes(2), null), T0.AddMinutes(2));
        Append(EventKinds.Offered, StaffEvents.OfferReceived, AgentA, new { conversationId = _c.Id, agentId = AgentA }, T0.AddMinutes(1));
        _c.Status = ConversationStatus.Assigned;
        _c.AssigneeId = AgentA;
        Updated(EventKinds.Assigned, AgentA, T0.AddMinutes(2));
        // ConversationActions.ReplyAsync: a note, then a reply (MessageAdded) and its refreshed view.
        Append(EventKinds.NoteAdded, StaffEvents.MessageAdded, AgentA, ConversationViews.From(Message(MessageDirection.Note, T0.AddMinutes(3), AgentA), "A"), T0.AddMinutes(3));
        Append(EventKinds.Sent, StaffEvents.MessageAdded, AgentA, ConversationViews.From(Message(MessageDirection.Outbound, T0.AddMinutes(5), AgentA), "A"), T0.AddMinutes(5));
        Updated(EventKinds.Sent, AgentA, T0.AddMinutes(5));
        Append(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged, null, new { status = "delivered" }, T0.AddMinutes(6));
        // TransferAsync: the agent who let go; later assigned to B; the category and priority change meanwhile.
        _c.Status = ConversationStatus.Waiting;
        _c.AssigneeId = null;
        Updated(EventKinds.Transferred, AgentA, T0.AddMinutes(10));
        _c.Status = ConversationStatus.Assigned;
        _c.AssigneeId = AgentB;
        _c.Category = "complaint";
        _c.Priority = 2;
        Updated(EventKinds.Assigned, AgentB, T0.AddMinutes(12));
        // ResolveAsync by a supervisor: the event's agent is the supervisor, the view keeps the assignee.
        _c.Status = ConversationStatus.Resolved;
        Updated(EventKinds.Resolved, Supervisor, T0.AddMinutes(30));
        // An out-of-office reply joins the resolved conversation without reopening it.
        Append(EventKinds.Received, StaffEvents.MessageAdded, null,
            ConversationViews.From(Message(MessageDirection.Inbound, T0.AddMinutes(40), automatic: "auto-replied: Auto-Submitted"), null), T0.AddMinutes(40));
        // IngestStage: the customer writes again; reopened + received.
        _c.Status = ConversationStatus.Waiting;
        _c.AssigneeId = null;
        Updated(EventKinds.Reopened, null, T0.AddHours(1));
        Append(EventKinds.Received, StaffEvents.MessageAdded, null, ConversationViews.From(Message(MessageDirection.Inbound, T0.AddHours(1)), null), T0.AddHours(1));

        var history = Assert.Single(ConversationHistoryMapper.FromEvents(Enumerable.Reverse(_log), id => id == _c.Id ? Queue : null));

        Assert.Equal(new ConversationHeader(_c.Id, _c.ContactId, ChannelNames.Email, Queue, null, 2, "complaint"), history.Header);
        TimelineEntry[] expected =
        [
            new(TimelineKind.Opened, T0),
            new(TimelineKind.CustomerMessage, T0),
            new(TimelineKind.AutomaticReply, T0.AddSeconds(1)),
            new(TimelineKind.Assigned, T0.AddMinutes(2), AgentA),
            new(TimelineKind.AgentReply, T0.AddMinutes(5), AgentA),
            new(TimelineKind.Transferred, T0.AddMinutes(10), AgentA),
            new(TimelineKind.Assigned, T0.AddMinutes(12), AgentB),
            new(TimelineKind.Resolved, T0.AddMinutes(30), AgentB),
            new(TimelineKind.AutomaticMessageIn, T0.AddMinutes(40)),
            new(TimelineKind.Reopened, T0.AddHours(1)),
            new(TimelineKind.CustomerMessage, T0.AddHours(1)),
        ];
        Assert.Equal(expected, history.Timeline);
        Assert.True(history.IsComplaint);
        Assert.Null(ConversationTimings.Of(history).ResolvedAt);
    }

    [Fact]
    public void AnAutomaticReplyNeverAnswersTheCustomer()
    {
        Updated(EventKinds.Opened, null, T0);
        Append(EventKinds.Received, StaffEvents.MessageAdded, null, ConversationViews.From(Message(MessageDirection.Inbound, T0), null), T0);
        Append(EventKinds.Sent, StaffEvents.MessageAdded, null,
            ConversationViews.From(Message(MessageDirection.Outbound, T0.AddSeconds(1), automatic: "auto-replied"), "Acme"), T0.AddSeconds(1));

        var timings = ConversationTimings.Of(ConversationHistoryMapper.FromConversationEvents(_log)!);

        Assert.Null(timings.FirstResponseTime);
    }

    [Fact]
    public void EventsWithoutAConversationOrWithoutAContactGiveNoHistory()
    {
        _log.Add(new ConversationEvent { Seq = 1, Kind = EventKinds.Queued, ClientMethod = StaffEvents.ConversationUpdated, Data = "{}", At = T0 });
        Append(EventKinds.Received, StaffEvents.MessageAdded, null, ConversationViews.From(Message(MessageDirection.Inbound, T0), null), T0);

        Assert.Empty(ConversationHistoryMapper.FromEvents(_log));
    }

    [Fact]
    public void LiveMetricsFedFromStoredEventsCountTheReplyAndNotTheAcknowledgement()
    {
        Updated(EventKinds.Opened, null, T0);
        Append(EventKinds.Received, StaffEvents.MessageAdded, null, ConversationViews.From(Message(MessageDirection.Inbound, T0), null), T0);
        Append(EventKinds.Sent, StaffEvents.MessageAdded, null,
            ConversationViews.From(Message(MessageDirection.Outbound, T0.AddSeconds(1), automatic: "auto-replied"), "Acme"), T0.AddSeconds(1));
        _c.AssigneeId = AgentA;
        Updated(EventKinds.Assigned, AgentA, T0.AddMinutes(2));
        Append(EventKinds.Sent, StaffEvents.MessageAdded, AgentA, ConversationViews.From(Message(MessageDirection.Outbound, T0.AddMinutes(5), AgentA), "A"), T0.AddMinutes(5));
        Updated(EventKinds.Sent, AgentA, T0.AddMinutes(5));
        var live = new LiveMetrics(MetricsFixture.Settings());

        foreach (var e in _log)
        {
            if (ConversationHistoryMapper.Read(e, Queue) is { } change)
            {
                live.Apply(change);
            }
        }

        var today = live.Figures();
        Assert.Equal(1, today.Opened);
        Assert.Equal(new DurationFigures(1, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(5)), today.FirstResponse);
        Assert.Equal(TimeSpan.FromMinutes(2), today.TimeToAssign.Mean);
        Assert.Equal(1, live.FiguresOfQueue(Queue)!.Opened);
        Assert.Equal(1, live.FiguresOfChannel(ChannelNames.Email)!.FirstResponse.Count);
    }
}
