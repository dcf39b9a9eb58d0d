namespace Crm.Hub.Metrics;

/// <summary>
/// Today's figures kept up to date one history change at a time, as the hub records them: each change updates a few
/// counters and heaps (O(log n)), never rescans. Kept for the whole centre, per channel and per queue; "today" rolls over at
/// midnight in the board's time zone, when a change of the new day arrives. The figures equal
/// <see cref="DailyFigures.Compute"/> over the same histories (the live FCR counts stay provisional: a window shorter than
/// the rest of the day closes only in the batch figures). It forgets conversations resolved long ago (see <see cref="Tracks"/>).
/// Not thread-safe: fed from one loop, like routing.
/// </summary>
internal sealed partial class LiveMetrics(MetricsSettings settings)
{
    /// <summary>Replaces the settings (a queue's SLA policy or calendar changed); what was counted stays counted.</summary>
    public void UseSettings(MetricsSettings next) => settings = next;

    private readonly Dictionary<Guid, TrackedConversation> _conversations = [];
    private readonly Dictionary<Guid, List<TrackedConversation>> _resolvedByContact = [];
    private DayTally _total = new(DateOnly.MinValue);
    private readonly Dictionary<string, DayTally> _byChannel = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, DayTally> _byQueue = [];

    public DateOnly Today => _total.Day;

    public DailyFigures Figures() => _total.Figures();

    public DailyFigures? FiguresOfChannel(string channel) => _byChannel.GetValueOrDefault(channel)?.Figures();

    public DailyFigures? FiguresOfQueue(Guid queueId) => _byQueue.GetValueOrDefault(queueId)?.Figures();

    /// <summary>
    /// Catches up from stored histories (at start-up: every conversation with an event within the FCR window and every open
    /// one), their entries in the order they happened.
    /// </summary>
    public void Replay(IEnumerable<ConversationHistory> histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        foreach (var (header, entry) in histories.SelectMany(h => h.Timeline.Select(e => (h.Header, e))).OrderBy(x => x.e.At))
        {
            Apply(header, entry);
        }
    }

    /// <summary>Applies what one stored event changed (see <see cref="ConversationHistoryMapper.Read"/>).</summary>
    public void Apply(HistoryChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Header is { } header && _conversations.TryGetValue(change.ConversationId, out var known))
        {
            known.Header = header with { QueueId = header.QueueId ?? known.Header.QueueId };
        }
        if (change.Entry is { } entry && (change.Header ?? _conversations.GetValueOrDefault(change.ConversationId)?.Header) is { } h)
        {
            Apply(h, entry);
        }
    }

    /// <summary>Applies one new timeline entry of a conversation, in the order they happened.</summary>
    public void Apply(ConversationHeader header, TimelineEntry entry)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(entry);
        var day = settings.BoardDate(entry.At);
        if (day > _total.Day)
        {
            RollOver(day, entry.At);
        }
        var today = day == _total.Day;
        if (!_conversations.TryGetValue(header.ConversationId, out var c))
        {
            if (entry.Kind is not (TimelineKind.Opened or TimelineKind.CustomerMessage))
            {
                return;
            }
            c = new TrackedConversation(header, entry.At);
            _conversations[header.ConversationId] = c;
            BreakFcrOfContact(header.ContactId, entry.At);
            if (today)
            {
                Each(c, t => t.Opened++);
            }
            if (entry.Kind == TimelineKind.CustomerMessage)
            {
                c.Episode!.CustomerWroteAt = entry.At;
            }
            return;
        }
        c.Header = header with { QueueId = header.QueueId ?? c.Header.QueueId };
        var episode = c.Episode;
        switch (entry.Kind)
        {
            case TimelineKind.CustomerMessage when episode is not null:
                episode.CustomerWroteAt ??= entry.At;
                break;
            case TimelineKind.AgentReply when episode is { CustomerWroteAt: { } wrote, FirstResponseAt: null }:
                episode.FirstResponseAt = entry.At;
                if (c.First == episode && today)
                {
                    Each(c, t => t.FirstResponse.Add(entry.At - wrote));
                }
                break;
            case TimelineKind.Assigned when episode is not null:
                episode.AcceptedAt ??= entry.At;
                if (c.WaitingSince is { } since && today)
                {
                    Each(c, t => t.TimeToAssign.Add(entry.At - since));
                }
                c.WaitingSince = null;
                break;
            case TimelineKind.Transferred when episode is not null:
                c.Transferred = true;
                c.WaitingSince = entry.At;
                break;
            case TimelineKind.Resolved when episode is not null:
                Resolve(c, episode, entry, today);
                break;
            case TimelineKind.Reopened when episode is null:
                Reopen(c, entry.At);
                break;
        }
    }

    /// <summary>Whether the board remembers a conversation; before applying a reopening of one it does not, replay its history.</summary>
    public bool Tracks(Guid conversationId) => _conversations.ContainsKey(conversationId);

    /// <summary>
    /// A new day: fresh counters, and conversations resolved longer ago than the FCR window (plus a day) forgotten, once a day,
    /// so memory follows the open and recent conversations, not the whole history.
    /// </summary>
    private void RollOver(DateOnly day, DateTimeOffset at)
    {
        _total = new DayTally(day);
        _byChannel.Clear();
        _byQueue.Clear();
        _resolvedByContact.Clear();
        var forgetBefore = at - settings.FcrWindow - TimeSpan.FromDays(1);
        foreach (var (id, _) in _conversations.Where(x => x.Value.ResolvedAt is { } r && r < forgetBefore).ToList())
        {
            _conversations.Remove(id);
        }
    }

    private void Resolve(TrackedConversation c, OpenEpisode episode, TimelineEntry entry, bool today)
    {
        var resolved = episode.Close(entry.At, entry.AgentId);
        c.Episode = null;
        c.WaitingSince = null;
        c.FirstClosed ??= resolved;
        c.ResolvedAt = entry.At;
        if (!today)
        {
            return;
        }
        var calendar = settings.CalendarOf(c.Header.QueueId);
        var target = settings.TargetOf(c.Header);
        var slaMet = SlaEvaluation.AtResolution(c.FirstClosed, c.OpenedAt, entry.At, target, calendar);
        Each(c, t => t.AddResolution(c.Header, c.OpenedAt, resolved, slaMet, calendar));
        c.Fcr = c.Reopened || c.Transferred ? FcrStatus.NotFirstContact : FcrStatus.Provisional;
        c.FcrDay = _total.Day;
        Each(c, t => t.AddFcr(c.Fcr, +1));
        if (c.Fcr == FcrStatus.Provisional)
        {
            if (!_resolvedByContact.TryGetValue(c.Header.ContactId, out var list))
            {
                _resolvedByContact[c.Header.ContactId] = list = [];
            }
            list.Add(c);
        }
    }

    private void Reopen(TrackedConversation c, DateTimeOffset at)
    {
        c.Reopened = true;
        c.Episode = new OpenEpisode(at);
        c.WaitingSince = at;
        c.ResolvedAt = null;
        // Resolved no more: it leaves today's FCR counts until it is resolved again.
        if (c.FcrDay == _total.Day)
        {
            Each(c, t => t.AddFcr(c.Fcr, -1));
            c.FcrDay = null;
        }
        _resolvedByContact.GetValueOrDefault(c.Header.ContactId)?.Remove(c);
    }

    /// <summary>The contact came back: their provisionally first-contact resolutions within the window are not.</summary>
    private void BreakFcrOfContact(Guid contactId, DateTimeOffset at)
    {
        if (!_resolvedByContact.TryGetValue(contactId, out var list))
        {
            return;
        }
        foreach (var c in list.Where(c => c.ResolvedAt is { } r && at > r && at <= r + settings.FcrWindow && c.FcrDay == _total.Day))
        {
            Each(c, t => t.AddFcr(FcrStatus.Provisional, -1));
            Each(c, t => t.AddFcr(FcrStatus.NotFirstContact, +1));
            c.Fcr = FcrStatus.NotFirstContact;
        }
        list.RemoveAll(c => c.Fcr != FcrStatus.Provisional || c.FcrDay != _total.Day);
        if (list.Count == 0)
        {
            _resolvedByContact.Remove(contactId);
        }
    }

    private void Each(TrackedConversation c, Action<DayTally> update)
    {
        update(_total);
        if (!_byChannel.TryGetValue(c.Header.Channel, out var channel))
        {
            _byChannel[c.Header.Channel] = channel = new DayTally(_total.Day);
        }
        update(channel);
        if (c.Header.QueueId is { } queueId)
        {
            if (!_byQueue.TryGetValue(queueId, out var queue))
            {
                _byQueue[queueId] = queue = new DayTally(_total.Day);
            }
            update(queue);
        }
    }
}
