using Crm.Hub.Email;
using Crm.Hub.Metrics;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.Supervision;

/// <summary>
/// The board's one loop: catches up from the stored events at start-up, then applies every committed event and presence
/// change as it is queued (<see cref="BoardFeed"/>), answers snapshot and drill-down reads between them, and pushes what
/// changed to <c>/hubs/supervisor</c> — coalesced to at most one push per <see cref="PushInterval"/>, and never later than
/// that after a change.
/// </summary>
internal sealed partial class SupervisorBoard(
    BoardFeed feed, BoardCatchUp catchUp, PresenceHistory presence, MetricsSettingsSource settings, IHubContext<SupervisorHub, ISupervisorClient> hub, MailboxHealth mailbox,
    TimeProvider time, ILogger<SupervisorBoard> logger) : BackgroundService
{
    public const string Group = "supervisors";
    public static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SettleInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    private BoardState _state = null!;
    private BoardDiff _diff = new();
    private long _pushedVersion = -1;
    private DateTimeOffset _lastPush;
    private DateTimeOffset _nextSettle;
    private DateTimeOffset _nextRefresh;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rebuild = true;
        var started = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (!started)
                {
                    await presence.CloseAfterRestartAsync(stoppingToken);
                    started = true;
                }
                if (rebuild)
                {
                    await RebuildAsync(stoppingToken);
                    rebuild = false;
                }
                await StepAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // A busy database or one unreadable event must not stop the hub: log it, wait a moment, rebuild from the store.
                LogLoopFailed(logger, e);
                rebuild = true;
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task StepAsync(CancellationToken stoppingToken)
    {
        var reader = feed.Reader;
        var now = time.GetUtcNow();
        var wake = Min(_nextSettle, _nextRefresh, _state.Version != _pushedVersion ? _lastPush + PushInterval : DateTimeOffset.MaxValue);
        if (wake > now && !reader.TryPeek(out _))
        {
            using var timeout = new CancellationTokenSource(wake - now, time);
            using var delay = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, timeout.Token);
            try
            {
                await reader.WaitToReadAsync(delay.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
            }
        }
        while (reader.TryRead(out var input))
        {
            if (input is DirectoryChanged)
            {
                // At once, so a read queued after the change sees it.
                await RefreshAsync(stoppingToken);
            }
            else
            {
                Apply(input);
            }
        }
        if (feed.TakeOverflow())
        {
            LogOverflow(logger, BoardFeed.Capacity);
            await RebuildAsync(stoppingToken);
        }
        await TickAsync(stoppingToken);
    }

    private void Apply(BoardInput input)
    {
        switch (input)
        {
            case CommittedEvents committed:
                foreach (var e in committed.Events)
                {
                    _state.Apply(e);
                }
                break;
            case PresenceInput p:
                _state.PresenceChanged(p.AgentId, p.Presence, p.At);
                break;
            case BoardRead read:
                try
                {
                    read.Answer.TrySetResult(read.Read(_state));
                }
                catch (Exception ex)
                {
                    read.Answer.TrySetException(ex);
                }
                break;
        }
    }

    private async Task TickAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now >= _nextSettle)
        {
            _state.Settle(now);
            _nextSettle = now + SettleInterval;
        }
        if (now >= _nextRefresh)
        {
            await RefreshAsync(ct);
            // Occupancy and waits run on with the clock: send every row again now and then.
            _diff = new BoardDiff();
            _pushedVersion = -1;
        }
        if (_state.Version != _pushedVersion && now - _lastPush >= PushInterval)
        {
            Push(now);
        }
    }

    private async Task RefreshAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        _nextRefresh = now + RefreshInterval;
        try
        {
            // A queue edit reloads the routing policy's SLA targets and calendars before it signals: take them too.
            _state.UseSettings(settings.Current);
            await catchUp.RefreshDirectoryAsync(_state, now, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogRefreshFailed(logger, ex);
        }
    }

    private void Push(DateTimeOffset now)
    {
        var snapshot = Snapshot(_state, now);
        var delta = _diff.Next(snapshot);
        _pushedVersion = _state.Version;
        _lastPush = now;
        if (delta is not null)
        {
            _ = SendAsync(delta);
        }
    }

    private async Task SendAsync(BoardDelta delta)
    {
        try
        {
            await hub.Clients.Group(Group).BoardDelta(delta);
        }
        catch (Exception ex)
        {
            LogPushFailed(logger, ex, delta.Version);
        }
    }

    /// <summary>The whole board now, read on the loop (after the start-up catch-up).</summary>
    public Task<BoardSnapshot> SnapshotAsync(CancellationToken ct) => feed.ReadAsync(s => Snapshot(s, time.GetUtcNow()), ct);

    /// <summary>The conversations behind a figure (see <see cref="BoardState.Conversations"/>).</summary>
    public Task<IReadOnlyList<BoardConversation>> ConversationsAsync(string figure, string? queueKey, string? channel, CancellationToken ct) =>
        feed.ReadAsync(s => s.Conversations(figure, queueKey, channel, time.GetUtcNow()), ct);

    /// <summary>The snapshot as the board's readers see it (with the mailbox watcher's state).</summary>
    public BoardSnapshot Snapshot(BoardState state, DateTimeOffset now) =>
        state.Snapshot(now, mailbox.State == "starting" ? null : new MailboxState(mailbox.State, mailbox.Lag));

    private async Task RebuildAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var state = new BoardState(settings.Current);
        // Inputs queued meanwhile are applied after the catch-up; events it already read are skipped by seq.
        await catchUp.LoadAsync(state, now, ct);
        _state = state;
        _diff = new BoardDiff();
        _pushedVersion = -1;
        _nextSettle = now;
        _nextRefresh = now + RefreshInterval;
        LogCaughtUp(logger, state.OpenConversations, state.LastSeq);
    }

    private static DateTimeOffset Min(params ReadOnlySpan<DateTimeOffset> values)
    {
        var min = DateTimeOffset.MaxValue;
        foreach (var v in values)
        {
            min = v < min ? v : min;
        }
        return min;
    }

    [LoggerMessage(1, LogLevel.Information, "Supervisor board caught up: {Open} open conversations, up to seq {Seq}")]
    private static partial void LogCaughtUp(ILogger logger, int open, long seq);

    [LoggerMessage(2, LogLevel.Warning, "Supervisor board fell more than {Capacity} inputs behind; rebuilding it from the stored events")]
    private static partial void LogOverflow(ILogger logger, int capacity);

    [LoggerMessage(3, LogLevel.Warning, "Push of board version {Version} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex, long version);

    [LoggerMessage(5, LogLevel.Error, "The supervisor board's loop failed; rebuilding it from the stored events")]
    private static partial void LogLoopFailed(ILogger logger, Exception e);

    [LoggerMessage(4, LogLevel.Warning, "Could not refresh the board's agents and queues")]
    private static partial void LogRefreshFailed(ILogger logger, Exception ex);
}
