namespace Crm.Hub.Metrics;

/// <summary>
/// Percentiles by the nearest-rank method: the p-th percentile of n values is the k-th smallest, k = ⌈p·n/100⌉ (at least 1).
/// It is always one of the values measured, so a figure on the board can be traced to a conversation.
/// </summary>
internal static class Percentiles
{
    public static int Rank(int percent, int count) => Math.Max(1, (int)(((long)percent * count + 99) / 100));

    /// <summary>The exact percentile of a set; null when it is empty.</summary>
    public static TimeSpan? Of(IEnumerable<TimeSpan> values, int percent)
    {
        Check(percent);
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? null : sorted[Rank(percent, sorted.Count) - 1];
    }

    internal static void Check(int percent)
    {
        if (percent is < 1 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(percent), percent, "A percentile is between 1 and 100.");
        }
    }
}

/// <summary>
/// One percentile kept up to date as values arrive, in O(log n) per value: the k smallest values in a max-heap, the rest in a
/// min-heap, k following ⌈p·n/100⌉. Same answer as <see cref="Percentiles.Of"/> over all values added.
/// </summary>
internal sealed class RunningPercentile
{
    private readonly PriorityQueue<TimeSpan, TimeSpan> _lower = new(Comparer<TimeSpan>.Create((a, b) => b.CompareTo(a)));
    private readonly PriorityQueue<TimeSpan, TimeSpan> _upper = new();

    public RunningPercentile(int percent)
    {
        Percentiles.Check(percent);
        Percent = percent;
    }

    public int Percent { get; }

    public int Count => _lower.Count + _upper.Count;

    public TimeSpan? Value => _lower.Count == 0 ? null : _lower.Peek();

    public void Add(TimeSpan value)
    {
        if (_lower.Count > 0 && value <= _lower.Peek())
        {
            _lower.Enqueue(value, value);
        }
        else
        {
            _upper.Enqueue(value, value);
        }
        var k = Percentiles.Rank(Percent, Count);
        while (_lower.Count > k)
        {
            var v = _lower.Dequeue();
            _upper.Enqueue(v, v);
        }
        while (_lower.Count < k)
        {
            var v = _upper.Dequeue();
            _lower.Enqueue(v, v);
        }
    }
}

/// <summary>A running count, mean and p50/p95 of one duration.</summary>
internal sealed class DurationStats
{
    private readonly RunningPercentile _p50 = new(50);
    private readonly RunningPercentile _p95 = new(95);
    private TimeSpan _sum;

    public int Count { get; private set; }

    public TimeSpan? Mean => Count == 0 ? null : _sum / Count;

    public TimeSpan? P50 => _p50.Value;

    public TimeSpan? P95 => _p95.Value;

    public void Add(TimeSpan value)
    {
        Count++;
        _sum += value;
        _p50.Add(value);
        _p95.Add(value);
    }

    public DurationFigures Figures => new(Count, Mean, P50, P95);
}

/// <summary>A duration figure for a board or a report: how many, the mean, p50 and p95 (null when nothing was measured).</summary>
internal sealed record DurationFigures(int Count, TimeSpan? Mean, TimeSpan? P50, TimeSpan? P95)
{
    public static DurationFigures Of(IReadOnlyCollection<TimeSpan> values) => new(
        values.Count,
        values.Count == 0 ? null : values.Aggregate(TimeSpan.Zero, (a, b) => a + b) / values.Count,
        Percentiles.Of(values, 50),
        Percentiles.Of(values, 95));
}
