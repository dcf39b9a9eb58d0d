using System.Threading.Channels;
using Crm.Hub.Conversations;
using Crm.Routing;

namespace Crm.Hub.Supervision;

/// <summary>Something the board's loop applies or answers, in order.</summary>
internal abstract record BoardInput;

/// <summary>Events just committed (in seq order), as <see cref="Realtime.StaffBroadcaster.Publish"/> saw them.</summary>
internal sealed record CommittedEvents(IReadOnlyList<ConversationEvent> Events) : BoardInput;

/// <summary>An agent's effective presence changed.</summary>
internal sealed record PresenceInput(Guid AgentId, AgentPresence Presence, DateTimeOffset At) : BoardInput;

/// <summary>Agents or queues were created or changed: reload them.</summary>
internal sealed record DirectoryChanged : BoardInput;

/// <summary>A question to answer from the board's state on its own loop (a snapshot, a drill-down).</summary>
internal sealed record BoardRead(Func<BoardState, object> Read, TaskCompletionSource<object> Answer) : BoardInput;

/// <summary>
/// The board's inbox: writers only queue (never wait), the board's one loop reads. Bounded; if it ever overflows, the oldest
/// input is dropped and the board rebuilds itself from the stored events, so a burst cannot leave it wrong.
/// </summary>
internal sealed class BoardFeed
{
    public const int Capacity = 100_000;

    private readonly Channel<BoardInput> _inputs;
    private int _overflowed;

    public BoardFeed()
    {
        _inputs = Channel.CreateBounded<BoardInput>(
            new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
            dropped =>
            {
                Interlocked.Exchange(ref _overflowed, 1);
                if (dropped is BoardRead read)
                {
                    read.Answer.TrySetCanceled();
                }
            });
    }

    public ChannelReader<BoardInput> Reader => _inputs.Reader;

    public void Post(BoardInput input) => _inputs.Writer.TryWrite(input);

    /// <summary>Whether inputs were dropped since the last call (and forgets it).</summary>
    public bool TakeOverflow() => Interlocked.Exchange(ref _overflowed, 0) == 1;

    /// <summary>Runs <paramref name="read"/> on the board's loop and returns its answer.</summary>
    public async Task<T> ReadAsync<T>(Func<BoardState, T> read, CancellationToken ct) where T : class
    {
        var answer = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new BoardRead(read, answer));
        return (T)await answer.Task.WaitAsync(ct);
    }
}
