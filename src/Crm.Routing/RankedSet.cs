namespace Crm.Routing;

/// <summary>
/// A sorted set of small structs kept in short sorted arrays ("chunks") of at most <see cref="ChunkSize"/> items, with each
/// chunk's last item in one more array. An add or a remove binary-searches the array of last items, then the chunk, and shifts
/// the rest of that chunk: a few contiguous cache lines instead of the dozen scattered tree nodes of a
/// <see cref="SortedSet{T}"/>, no node allocated per add, comparisons that the JIT inlines, and enumeration without allocating.
/// The free-agent pools re-sort an agent in every pool it is in on each offer, so this is the engine's hottest structure.
/// Not safe to change while enumerating (the engine never does).
/// </summary>
internal sealed class RankedSet<T> where T : struct, IComparable<T>
{
    /// <summary>A full chunk splits in two halves; a chunk that falls under a quarter of this merges with a neighbour that has room.</summary>
    public const int ChunkSize = 64;

    private T[][] _chunks = [];
    private int[] _counts = [];
    private T[] _lasts = [];
    private int _chunkCount;

    public int Count { get; private set; }

    /// <summary>The first item; only when <see cref="Count"/> is above zero.</summary>
    public T Min => Count > 0 ? _chunks[0][0] : throw new InvalidOperationException("The set is empty.");

    public bool Add(T item)
    {
        if (_chunkCount == 0)
        {
            InsertChunk(0, new T[ChunkSize]);
        }

        var chunk = ChunkFor(item);
        if (chunk == _chunkCount)
        {
            chunk--;
        }

        var items = _chunks[chunk];
        var count = _counts[chunk];
        var at = Array.BinarySearch(items, 0, count, item);
        if (at >= 0)
        {
            return false;
        }

        at = ~at;
        Array.Copy(items, at, items, at + 1, count - at);
        items[at] = item;
        _counts[chunk] = ++count;
        _lasts[chunk] = items[count - 1];
        Count++;
        if (count == ChunkSize)
        {
            Split(chunk);
        }

        return true;
    }

    public bool Remove(T item)
    {
        var chunk = ChunkFor(item);
        if (chunk == _chunkCount)
        {
            return false;
        }

        var items = _chunks[chunk];
        var count = _counts[chunk];
        var at = Array.BinarySearch(items, 0, count, item);
        if (at < 0)
        {
            return false;
        }

        Array.Copy(items, at + 1, items, at, count - at - 1);
        items[--count] = default;
        _counts[chunk] = count;
        Count--;
        if (count == 0)
        {
            RemoveChunk(chunk);
            return true;
        }

        _lasts[chunk] = items[count - 1];
        if (count < ChunkSize / 4)
        {
            MergeWithNeighbour(chunk);
        }

        return true;
    }

    public bool Contains(T item)
    {
        var chunk = ChunkFor(item);
        return chunk < _chunkCount && Array.BinarySearch(_chunks[chunk], 0, _counts[chunk], item) >= 0;
    }

    public Enumerator GetEnumerator() => new(this);

    /// <summary>The first chunk whose last item is not before <paramref name="item"/>; the chunk count when there is none.</summary>
    private int ChunkFor(T item)
    {
        var (low, high) = (0, _chunkCount);
        while (low < high)
        {
            var middle = (low + high) >>> 1;
            if (_lasts[middle].CompareTo(item) < 0)
            {
                low = middle + 1;
            }
            else
            {
                high = middle;
            }
        }

        return low;
    }

    private void Split(int chunk)
    {
        var items = _chunks[chunk];
        var half = ChunkSize / 2;
        var upper = new T[ChunkSize];
        Array.Copy(items, half, upper, 0, ChunkSize - half);
        Array.Clear(items, half, ChunkSize - half);
        _counts[chunk] = half;
        _lasts[chunk] = items[half - 1];
        InsertChunk(chunk + 1, upper);
        _counts[chunk + 1] = ChunkSize - half;
        _lasts[chunk + 1] = upper[ChunkSize - half - 1];
    }

    private void MergeWithNeighbour(int chunk)
    {
        var into = chunk > 0 && _counts[chunk - 1] + _counts[chunk] < ChunkSize / 2 ? chunk - 1
            : chunk + 1 < _chunkCount && _counts[chunk + 1] + _counts[chunk] < ChunkSize / 2 ? chunk
            : -1;
        if (into < 0)
        {
            return;
        }

        // Append the later chunk to the earlier one: order is kept, since every item of the earlier chunk comes first.
        var from = into + 1;
        Array.Copy(_chunks[from], 0, _chunks[into], _counts[into], _counts[from]);
        _counts[into] += _counts[from];
        _lasts[into] = _lasts[from];
        RemoveChunk(from);
    }

    private void InsertChunk(int at, T[] items)
    {
        if (_chunkCount == _chunks.Length)
        {
            var capacity = Math.Max(4, _chunkCount * 2);
            Array.Resize(ref _chunks, capacity);
            Array.Resize(ref _counts, capacity);
            Array.Resize(ref _lasts, capacity);
        }

        Array.Copy(_chunks, at, _chunks, at + 1, _chunkCount - at);
        Array.Copy(_counts, at, _counts, at + 1, _chunkCount - at);
        Array.Copy(_lasts, at, _lasts, at + 1, _chunkCount - at);
        _chunks[at] = items;
        _counts[at] = 0;
        _chunkCount++;
    }

    private void RemoveChunk(int at)
    {
        _chunkCount--;
        Array.Copy(_chunks, at + 1, _chunks, at, _chunkCount - at);
        Array.Copy(_counts, at + 1, _counts, at, _chunkCount - at);
        Array.Copy(_lasts, at + 1, _lasts, at, _chunkCount - at);
        _chunks[_chunkCount] = null!;
        _counts[_chunkCount] = 0;
        _lasts[_chunkCount] = default;
    }

    /// <summary>Items in order, without allocating.</summary>
    public struct Enumerator(RankedSet<T> set)
    {
        private int _chunk;
        private int _index = -1;

        public readonly T Current => set._chunks[_chunk][_index];

        public bool MoveNext()
        {
            while (_chunk < set._chunkCount)
            {
                if (++_index < set._counts[_chunk])
                {
                    return true;
                }

                _chunk++;
                _index = -1;
            }

            return false;
        }
    }
}
