using Crm.Hub.Metrics;

namespace Crm.Hub.Supervision;

/// <summary>The figures a drill-down can list the conversations of.</summary>
internal static class BoardFigures
{
    public const string Waiting = "waiting";
    public const string Open = "open";
    public const string AtRisk = "atRisk";
    public const string Breached = "breached";
    public const string Assigned = "assigned";
    public const string Frt = "frt";
    public const string Resolved = "resolved";

    public static readonly IReadOnlyList<string> All = [Waiting, Open, AtRisk, Breached, Assigned, Frt, Resolved];
}

/// <summary>What the board knows of the email mailbox watcher, read when a snapshot is taken.</summary>
internal sealed record MailboxState(string State, TimeSpan? Lag);

internal sealed partial class BoardState
{
    public const int MaxDrillDown = 500;

    /// <summary>The whole board as of <paramref name="now"/> (read only: waits and occupancy run on to <paramref name="now"/>).</summary>
    public BoardSnapshot Snapshot(DateTimeOffset now, MailboxState? mailbox = null)
    {
        var fresh = _live.Today == _settings.BoardDate(now);
        var total = fresh ? _live.Figures() : null;
        return new BoardSnapshot(Version, now, _settings.BoardDate(now), Headline(total, now), QueueRows(now, fresh), ChannelRows(now, fresh),
            [.. _agents.Values.OrderBy(a => a.Info.Name, StringComparer.CurrentCulture).Select(a => AgentRow(a, now))],
            HealthRows(now, mailbox), [.. _alerts]);
    }

    private BoardHeadline Headline(DailyFigures? f, DateTimeOffset now)
    {
        var today = IsToday(now);
        var fcr = f?.Fcr;
        var fcrDecided = fcr is null ? 0 : fcr.FirstContact + fcr.NotFirstContact + fcr.Provisional;
        return new BoardHeadline(
            f?.Opened ?? 0,
            f?.Resolved ?? 0,
            fcrDecided == 0 ? null : (fcr!.FirstContact + fcr.Provisional) * 100m / fcrDecided,
            fcr?.Provisional ?? 0,
            Seconds(f?.FirstResponse.Mean),
            Seconds(f?.FirstResponse.P50),
            Seconds(f?.FirstResponse.P95),
            Seconds(f?.HandleTime.Mean),
            f?.SlaCompliance,
            Seconds(f?.ComplaintToResolution.Mean),
            f?.SameDayRate,
            today ? _surveysToday.GetValueOrDefault(Surveys.SurveyKind.Csat)?.Csat : null,
            today ? _surveysToday.GetValueOrDefault(Surveys.SurveyKind.Nps)?.Nps : null,
            today ? _surveysToday.GetValueOrDefault(Surveys.SurveyKind.Ces)?.Ces : null,
            [.. _hours.Select((h, i) => today
                ? new BoardHour(i, h.Opened, h.Resolved, h.FirstResponses, h.FirstResponses == 0 ? null : h.FrtSum / h.FirstResponses)
                : new BoardHour(i, 0, 0, 0, null))]);
    }

    private List<BoardScopeRow> QueueRows(DateTimeOffset now, bool fresh)
    {
        var keys = _queueInfo.Keys.Select(id => QueueKey(id)).Union(_queues.Keys).ToList();
        var waitingChannels = WaitingChannelsByQueue();
        return [.. keys.Select(key =>
        {
            var scope = _queues.GetValueOrDefault(key) ?? new BoardScope();
            var info = System.Guid.TryParse(key, out var id) ? _queueInfo.GetValueOrDefault(id) : null;
            var figures = fresh && info is not null ? _live.FiguresOfQueue(id) : null;
            var noEligible = scope.Waiting > 0 && info is not null && !HasEligibleAgent(info, waitingChannels.GetValueOrDefault(key) ?? []);
            return Row(key, info?.Name ?? (key == NoQueueKey ? "" : key), scope, figures, now, noEligible);
        }).OrderBy(r => r.Name, StringComparer.CurrentCulture)];
    }

    /// <summary>The channels of each queue's waiting conversations (only computed for a snapshot, never per event).</summary>
    private Dictionary<string, HashSet<string>> WaitingChannelsByQueue()
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var c in _conversations.Values.Where(c => c.WaitingSince is not null))
        {
            var key = QueueKey(c.QueueId);
            if (!result.TryGetValue(key, out var set))
            {
                result[key] = set = new HashSet<string>(StringComparer.Ordinal);
            }
            set.Add(c.Channel);
        }
        return result;
    }

    private List<BoardScopeRow> ChannelRows(DateTimeOffset now, bool fresh) =>
        [.. _channels.OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => Row(c.Key, c.Key, c.Value, fresh ? _live.FiguresOfChannel(c.Key) : null, now, false))];

    private static BoardScopeRow Row(string key, string name, BoardScope scope, DailyFigures? figures, DateTimeOffset now, bool noEligible) =>
        new(key, name, scope.Waiting, scope.LongestWaitingSince, scope.LongestWaitingSince is { } since ? Math.Max(0, (now - since).TotalSeconds) : null,
            scope.Open, scope.AtRisk, scope.Breached, Seconds(figures?.TimeToAssign.P50), Seconds(figures?.TimeToAssign.P95), figures?.Resolved ?? 0, noEligible);

    private static BoardAgentRow AgentRow(BoardAgent a, DateTimeOffset now)
    {
        var (signedIn, handling) = a.TotalsAt(now);
        return new BoardAgentRow(a.Info.Id, a.Info.Name, a.Presence.ToString().ToLowerInvariant(), a.PresenceSince, a.Conversations.Count,
            a.Info.Capacity, [.. a.Conversations], signedIn > TimeSpan.Zero ? Math.Round((decimal)(handling / signedIn) * 100m, 1) : null,
            Math.Round(signedIn.TotalSeconds), Math.Round(handling.TotalSeconds));
    }

    private List<ChannelHealthRow> HealthRows(DateTimeOffset now, MailboxState? mailbox)
    {
        var channels = _health.Keys.Union(_channels.Keys).ToHashSet(StringComparer.Ordinal);
        if (mailbox is not null)
        {
            channels.Add(Crm.Channels.ChannelNames.Email);
        }
        return [.. channels.Order(StringComparer.Ordinal).Select(ch =>
        {
            var h = _health.GetValueOrDefault(ch);
            var email = ch == Crm.Channels.ChannelNames.Email ? mailbox : null;
            return new ChannelHealthRow(ch, h?.LastInboundAt, h?.ErrorsWithinHour(now) ?? 0, h?.LastError, Seconds(email?.Lag), email?.State);
        })];
    }

    /// <summary>
    /// The conversations behind a figure, optionally of one queue (its key) and/or channel: the longest waiting (or the largest
    /// value) first, at most <see cref="MaxDrillDown"/>.
    /// </summary>
    public IReadOnlyList<BoardConversation> Conversations(string figure, string? queueKey, string? channel, DateTimeOffset now)
    {
        bool Matches(Guid? queueId, string ch) => (queueKey is null || QueueKey(queueId) == queueKey) && (channel is null || ch == channel);
        IEnumerable<BoardConversation> open(Func<BoardTrackedConversation, bool> which, Func<BoardTrackedConversation, double?> value) =>
            _conversations.Values.Where(c => which(c) && Matches(c.QueueId, c.Channel)).Select(c => Summary(c, value(c)));
        double? waited(BoardTrackedConversation c) => c.WaitingSince is { } s ? (now - s).TotalSeconds : null;
        double overdue(BoardTrackedConversation c) => (now - c.FirstResponseDue).TotalSeconds;
        var today = IsToday(now);
        var rows = figure switch
        {
            BoardFigures.Waiting => open(c => c.WaitingSince is not null, waited),
            BoardFigures.Open => open(_ => true, c => (now - c.OpenedAt).TotalSeconds),
            BoardFigures.AtRisk => open(c => c.AtRisk, c => overdue(c)),
            BoardFigures.Breached => open(c => c.Breached, c => overdue(c)),
            BoardFigures.Assigned => open(c => c.AssigneeId is not null, c => (now - c.OpenedAt).TotalSeconds),
            BoardFigures.Frt => today ? _respondedToday.Where(c => Matches(c.QueueId, c.Channel)) : [],
            BoardFigures.Resolved => today ? _resolvedToday.Where(c => Matches(c.QueueId, c.Channel)) : [],
            _ => throw new ArgumentOutOfRangeException(nameof(figure), figure, "Unknown figure."),
        };
        return [.. rows.OrderByDescending(r => r.Value ?? double.MinValue).Take(MaxDrillDown)];
    }

    private static double? Seconds(TimeSpan? d) => d is { } t ? Math.Round(t.TotalSeconds, 1) : null;
}
