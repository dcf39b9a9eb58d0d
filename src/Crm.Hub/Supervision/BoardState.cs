using System.Text.Json;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Surveys;

namespace Crm.Hub.Supervision;

/// <summary>
/// The supervisor board's state, kept up to date one committed event at a time: each event costs a dictionary look-up and a
/// few O(log n) set and heap operations, never a scan. Today's headline figures come from <see cref="LiveMetrics"/>; on top of
/// them the board keeps every open conversation's place (queue, channel, waiting since, assignee, first-response deadline),
/// each agent's presence, load and occupancy, and each channel's health. Not thread-safe: one loop feeds it
/// (<see cref="SupervisorBoard"/>).
/// <para>
/// Definitions: <b>waiting</b> = open and not assigned (queued or offered); <b>at risk</b> = routing raised an SLA-at-risk alert
/// and the customer still has no first response; <b>breached</b> = open, no first response, and the first-response target (in
/// the queue's business hours) has passed; <b>occupancy</b> = time signed in (online or away) with at least one conversation
/// assigned, over time signed in, today.
/// </para>
/// </summary>
internal sealed partial class BoardState
{
    public const int MaxAlerts = 50;
    public const string NoQueueKey = "none";

    private MetricsSettings _settings;
    private readonly LiveMetrics _live;
    private readonly Dictionary<Guid, BoardTrackedConversation> _conversations = [];
    private readonly Dictionary<string, BoardScope> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, BoardScope> _channels = new(StringComparer.Ordinal);
    private readonly PriorityQueue<Guid, DateTimeOffset> _dues = new();
    private readonly Dictionary<string, ChannelHealth> _health = new(StringComparer.Ordinal);
    private readonly LinkedList<BoardAlert> _alerts = new();
    private readonly List<BoardConversation> _respondedToday = [];
    private readonly List<BoardConversation> _resolvedToday = [];
    private readonly HourTally[] _hours = new HourTally[24];
    private readonly Dictionary<SurveyKind, SurveyScores> _surveysToday = [];
    private DateOnly _day;

    public BoardState(MetricsSettings settings)
    {
        _settings = settings;
        _live = new LiveMetrics(settings);
        for (var h = 0; h < 24; h++)
        {
            _hours[h] = new HourTally();
        }
    }

    /// <summary>
    /// Takes the queues' SLA policies and calendars as they are now (after a queue edit): conversations that open from here on are
    /// timed by them. Those already on the board keep the due times they opened with, as their stored SLA due time does.
    /// </summary>
    public void UseSettings(MetricsSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _live.UseSettings(settings);
    }

    /// <summary>Grows with every change applied; a client compares it to know which snapshot is newer.</summary>
    public long Version { get; private set; }

    /// <summary>The newest stored event applied.</summary>
    public long LastSeq { get; private set; }

    /// <summary>
    /// Events up to this seq were read by the start-up catch-up; the same events arriving live are skipped. (Live events are not
    /// skipped by seq otherwise: concurrent writers publish their commits in any order.)
    /// </summary>
    public long CaughtUpThrough { get; set; }

    public int OpenConversations => _conversations.Count;

    /// <summary>Applies one committed event; returns whether the board changed.</summary>
    public bool Apply(ConversationEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e.Seq > 0 && e.Seq <= CaughtUpThrough)
        {
            return false;
        }
        LastSeq = Math.Max(LastSeq, e.Seq);
        RollOver(e.At);
        var changed = e.ClientMethod switch
        {
            StaffEvents.ConversationUpdated => ConversationUpdated(e),
            StaffEvents.MessageAdded => MessageAdded(e),
            StaffEvents.MessageStatusChanged => DeliveryChanged(e),
            StaffEvents.SupervisorAlert => Alert(e),
            StaffEvents.SurveyAnswered => SurveyAnswered(e),
            _ => false,
        };
        if (changed)
        {
            Version++;
        }
        return changed;
    }

    private bool ConversationUpdated(ConversationEvent e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        var view = doc.RootElement;
        if (e.ConversationId is not { } id || Guid(view, "contactId") is not { } contactId || Text(view, "channel") is not { } channel)
        {
            return false;
        }
        var status = Text(view, "status");
        var queueId = Guid(view, "queueId");
        ApplyMetrics(e, queueId);
        if (!_conversations.TryGetValue(id, out var c))
        {
            if (status is "resolved" or null)
            {
                return true;
            }
            var header = new ConversationHeader(id, contactId, channel, queueId, Guid(view, "teamId"), Int(view, "priority"), Text(view, "category"));
            c = new BoardTrackedConversation(id, e.At)
            {
                Number = Long(view, "number"),
                Channel = channel,
                QueueId = queueId,
                FirstResponseDue = _settings.CalendarOf(queueId).AddBusinessTime(e.At, _settings.TargetOf(header).FirstResponse),
            };
            _conversations[id] = c;
            _dues.Enqueue(id, c.FirstResponseDue);
            if (e.Kind == EventKinds.Opened)
            {
                // The trend counts new conversations, like the headline; a reopened one is back on the board but not new.
                Hour(e.At).Opened++;
            }
            Attach(c);
        }
        Detach(c);
        c.Channel = channel;
        c.QueueId = queueId ?? c.QueueId;
        c.ContactName = Text(view, "contactName");
        c.Number = Long(view, "number");
        var assignee = status == "assigned" ? Guid(view, "assigneeId") : null;
        if (assignee != c.AssigneeId)
        {
            if (c.AssigneeId is { } previous)
            {
                LeaveAgent(previous, id, e.At);
            }
            if (assignee is { } next)
            {
                JoinAgent(next, id, e.At);
            }
            c.AssigneeId = assignee;
        }
        var waiting = status is "waiting" or "open";
        c.WaitingSince = !waiting ? null
            : e.Kind is EventKinds.Transferred or EventKinds.Reopened || c.WaitingSince is null ? e.At
            : c.WaitingSince;
        c.Status = status ?? c.Status;
        if (status == "resolved")
        {
            _conversations.Remove(id);
            Hour(e.At).Resolved++;
            if (IsToday(e.At))
            {
                _resolvedToday.Add(Summary(c, (e.At - c.OpenedAt).TotalSeconds));
            }
            return true;
        }
        Attach(c);
        return true;
    }

    private bool MessageAdded(ConversationEvent e)
    {
        if (e.Kind is not (EventKinds.Received or EventKinds.Sent))
        {
            return false;
        }
        using var doc = JsonDocument.Parse(e.Data);
        var view = doc.RootElement;
        var direction = Text(view, "direction");
        if (direction == "inbound" && Text(view, "channel") is { } channel)
        {
            HealthOf(channel).LastInboundAt = e.At;
        }
        var change = ApplyMetrics(e, null);
        if (e.ConversationId is not { } id || !_conversations.TryGetValue(id, out var c) || change?.Entry is not { } entry)
        {
            return true;
        }
        if (entry.Kind == TimelineKind.CustomerMessage)
        {
            c.CustomerWroteAt ??= e.At;
        }
        else if (entry.Kind == TimelineKind.AgentReply && !c.Responded)
        {
            Detach(c);
            c.Responded = true;
            c.AtRisk = false;
            c.Breached = false;
            Attach(c);
            if (c.CustomerWroteAt is { } wrote)
            {
                var frt = (e.At - wrote).TotalSeconds;
                var hour = Hour(e.At);
                hour.FirstResponses++;
                hour.FrtSum += frt;
                if (IsToday(e.At))
                {
                    _respondedToday.Add(Summary(c, frt));
                }
            }
        }
        return true;
    }

    private bool DeliveryChanged(ConversationEvent e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        var data = doc.RootElement;
        var error = Text(data, "error");
        if (error is null && Text(data, "deliveryStatus") != "failed")
        {
            return false;
        }
        var channel = e.ConversationId is { } id && _conversations.TryGetValue(id, out var c) ? c.Channel : "unknown";
        var health = HealthOf(channel);
        health.Errors.Enqueue(e.At);
        health.LastError = error ?? "failed";
        return true;
    }

    private bool Alert(ConversationEvent e)
    {
        using var doc = JsonDocument.Parse(e.Data);
        var data = doc.RootElement;
        if (e.ConversationId is not { } id)
        {
            return false;
        }
        var kind = Text(data, "kind") ?? "alert";
        // Kept newest first by seq (writers may publish out of seq order), so the oldest is the one dropped past the limit.
        var alert = new BoardAlert(e.Seq, id, Long(data, "number"), kind, Text(data, "reason") ?? "", e.At, Text(data, "queue"));
        var after = _alerts.First;
        while (after is not null && after.Value.Seq > alert.Seq)
        {
            after = after.Next;
        }
        if (after is null)
        {
            _alerts.AddLast(alert);
        }
        else
        {
            _alerts.AddBefore(after, alert);
        }
        while (_alerts.Count > MaxAlerts)
        {
            _alerts.RemoveLast();
        }
        if (kind == "slaAtRisk" && _conversations.TryGetValue(id, out var c) && !c.Responded && !c.Breached && !c.AtRisk)
        {
            Detach(c);
            c.AtRisk = true;
            Attach(c);
        }
        return true;
    }

    /// <summary>A scored survey answer counts towards today's CSAT, NPS or CES (by the day it arrived); a comment alone moves none.</summary>
    private bool SurveyAnswered(ConversationEvent e)
    {
        if (ApplyMetrics(e, null)?.Entry is not { Kind: TimelineKind.SurveyAnswered, Survey: { } kind, Score: { } score } || !IsToday(e.At)
            || score < kind.Min() || score > kind.Max())
        {
            return false;
        }
        if (!_surveysToday.TryGetValue(kind, out var scores))
        {
            _surveysToday[kind] = scores = new SurveyScores(kind);
        }
        scores.Add(score);
        return true;
    }

    private HistoryChange? ApplyMetrics(ConversationEvent e, Guid? queueId)
    {
        var change = ConversationHistoryMapper.Read(e, queueId);
        if (change is null)
        {
            return null;
        }
        // A reopening of a conversation the live figures forgot has no header of its own to start from: skip it.
        if (change.Entry is { Kind: TimelineKind.Reopened } && !_live.Tracks(change.ConversationId))
        {
            return change;
        }
        _live.Apply(change);
        return change;
    }

    /// <summary>Marks conversations whose first-response deadline passed by <paramref name="now"/> as breached.</summary>
    public bool Settle(DateTimeOffset now)
    {
        var changed = RollOver(now);
        while (_dues.TryPeek(out var id, out var due) && due <= now)
        {
            _dues.Dequeue();
            if (_conversations.TryGetValue(id, out var c) && !c.Responded && !c.Breached && c.FirstResponseDue == due)
            {
                Detach(c);
                c.Breached = true;
                c.AtRisk = false;
                Attach(c);
                changed = true;
            }
        }
        if (changed)
        {
            Version++;
        }
        return changed;
    }

    private bool RollOver(DateTimeOffset at)
    {
        var day = _settings.BoardDate(at);
        if (day <= _day)
        {
            return false;
        }
        _day = day;
        foreach (var hour in _hours)
        {
            hour.Clear();
        }
        _respondedToday.Clear();
        _resolvedToday.Clear();
        _surveysToday.Clear();
        foreach (var agent in _agents.Values)
        {
            agent.StartDay(DayStart(at));
        }
        return true;
    }

    private DateTimeOffset DayStart(DateTimeOffset at)
    {
        var local = TimeZoneInfo.ConvertTime(at, _settings.BoardTimeZone);
        var midnight = local.Date;
        return new DateTimeOffset(midnight, _settings.BoardTimeZone.GetUtcOffset(midnight));
    }

    /// <summary>The hour bucket of today an instant falls in; an instant of another day counts nowhere.</summary>
    private HourTally Hour(DateTimeOffset at) =>
        IsToday(at) ? _hours[TimeZoneInfo.ConvertTime(at, _settings.BoardTimeZone).Hour] : new HourTally();

    private bool IsToday(DateTimeOffset at) => _settings.BoardDate(at) == _day;

    private void Detach(BoardTrackedConversation c)
    {
        ScopeOf(_queues, QueueKey(c.QueueId)).Remove(c);
        ScopeOf(_channels, c.Channel).Remove(c);
    }

    private void Attach(BoardTrackedConversation c)
    {
        ScopeOf(_queues, QueueKey(c.QueueId)).Add(c);
        ScopeOf(_channels, c.Channel).Add(c);
    }

    public static string QueueKey(Guid? queueId) => queueId?.ToString() ?? NoQueueKey;

    private static BoardScope ScopeOf(Dictionary<string, BoardScope> scopes, string key)
    {
        if (!scopes.TryGetValue(key, out var scope))
        {
            scopes[key] = scope = new BoardScope();
        }
        return scope;
    }

    private ChannelHealth HealthOf(string channel)
    {
        if (!_health.TryGetValue(channel, out var health))
        {
            _health[channel] = health = new ChannelHealth();
        }
        return health;
    }

    private BoardConversation Summary(BoardTrackedConversation c, double? value) =>
        new(c.Id, c.Number, c.Channel, c.QueueId, c.QueueId is { } q ? _queueInfo.GetValueOrDefault(q)?.Name : null, c.Status, c.AssigneeId,
            c.ContactName, c.OpenedAt, c.WaitingSince, c.FirstResponseDue, value);

    private static string? Text(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static Guid? Guid(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var id) ? id : null;

    private static int Int(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n) ? n : 0;

    private static long Long(JsonElement e, string property) =>
        e.TryGetProperty(property, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out var n) ? n : 0;
}
