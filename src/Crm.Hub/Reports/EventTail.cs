namespace Crm.Hub.Reports;

/// <summary>
/// Which events a tailing pass folds in, when the event list's sequence numbers can become visible out of order: on PostgreSQL a
/// writer that took a number before another may commit after it, so reading "after the highest number seen" would skip it for
/// good. The tail remembers the holes below the highest number it has folded (a range and when it was first seen) and reads them
/// again on later passes; an event that shows up in a hole is folded then (folding replays the whole conversation, so it is
/// idempotent). A hole still empty after <see cref="HoleTimeout"/> is taken as a number never used (a rolled-back insert).
/// The durable cursor only moves to just before the oldest hole, so after a restart the holes are read again. On SQLite writes
/// are serialized and commit in sequence order, so no hole appears.
/// </summary>
internal sealed class EventTail
{
    public static readonly TimeSpan HoleTimeout = TimeSpan.FromSeconds(30);

    private readonly List<(long From, long To, DateTimeOffset Since)> _holes = [];
    private readonly HashSet<long> _lateFolded = [];
    private long _high = -1;

    /// <summary>The highest number folded so far (never below the durable cursor).</summary>
    public long After(long cursor)
    {
        if (_high < cursor)
        {
            _high = cursor;
            _holes.Clear();
            _lateFolded.Clear();
        }
        return _high;
    }

    /// <summary>Forgets what this process folded (a pass that took numbers failed to commit): the next pass starts from the durable cursor.</summary>
    public void Reset()
    {
        _high = -1;
        _holes.Clear();
        _lateFolded.Clear();
    }

    /// <summary>The span to read again for holes, if any.</summary>
    public (long From, long To)? HoleSpan => _holes.Count == 0 ? null : (_holes.Min(h => h.From), _holes.Max(h => h.To));

    /// <summary>
    /// Takes the numbers read (<paramref name="fresh"/> after <see cref="After"/>, ascending, and <paramref name="inHoleSpan"/> from
    /// <see cref="HoleSpan"/>) and returns those to fold and where the durable cursor may move.
    /// </summary>
    public (IReadOnlyList<long> Fold, long Cursor) Take(IReadOnlyList<long> fresh, IEnumerable<long> inHoleSpan, DateTimeOffset now)
    {
        var fold = new List<long>();
        foreach (var seq in inHoleSpan)
        {
            if (_holes.Any(h => seq >= h.From && seq <= h.To) && _lateFolded.Add(seq))
            {
                fold.Add(seq);
            }
        }
        var previous = _high;
        foreach (var seq in fresh)
        {
            if (seq <= previous)
            {
                continue;
            }
            if (seq > previous + 1)
            {
                _holes.Add((previous + 1, seq - 1, now));
            }
            fold.Add(seq);
            previous = seq;
        }
        _high = previous;
        _holes.RemoveAll(h => now - h.Since > HoleTimeout || h.To - h.From + 1 == _lateFolded.Count(s => s >= h.From && s <= h.To));
        _lateFolded.RemoveWhere(s => !_holes.Any(h => s >= h.From && s <= h.To));
        return (fold, _holes.Count == 0 ? _high : _holes.Min(h => h.From) - 1);
    }
}
