using System.Threading.Channels;

namespace Crm.Hub.Tests.Support;

/// <summary>Collects pushed items so a test can wait for the one it expects, with a timeout instead of a sleep.</summary>
public sealed class Inbox<T>
{
    private readonly Channel<T> _items = Channel.CreateUnbounded<T>();
    private readonly List<T> _seen = [];

    public void Add(T item) => _items.Writer.TryWrite(item);

    public IReadOnlyList<T> Seen => _seen;

    public async Task<T> WaitForAsync(Func<T, bool> match, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var earlier = _seen.FirstOrDefault(match);
        if (earlier is not null)
        {
            return earlier;
        }
        try
        {
            while (true)
            {
                var item = await _items.Reader.ReadAsync(cts.Token);
                _seen.Add(item);
                if (match(item))
                {
                    return item;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"Nothing matching arrived within {timeout ?? TimeSpan.FromSeconds(10)}; saw {_seen.Count} items.");
        }
    }

    /// <summary>Drains what has arrived so far without waiting.</summary>
    public IReadOnlyList<T> Drain()
    {
        while (_items.Reader.TryRead(out var item))
        {
            _seen.Add(item);
        }
        return _seen;
    }
}

/// <summary>Polls a condition with a deadline, for state that is not pushed (rows committed by a background writer).</summary>
public static class Wait
{
    public static async Task<T> UntilAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null) where T : struct
    {
        var limit = timeout ?? TimeSpan.FromSeconds(10);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"The condition did not hold within {limit}.");
            }
            await Task.Delay(50);
        }
    }

    /// <summary><see cref="UntilAsync{T}"/> for a reference type: polls until the probe returns something.</summary>
    public static async Task<T> UntilFoundAsync<T>(Func<Task<T?>> probe, TimeSpan? timeout = null) where T : class
    {
        var found = await UntilAsync(async () => await probe() is { } value ? new Found<T>(value) : (Found<T>?)null, timeout);
        return found.Value;
    }

    private readonly record struct Found<T>(T Value);
}
