using System.Text.Json;
using Crm.Hub.Realtime;

namespace Crm.Hub.Supervision;

/// <summary>
/// Turns successive snapshots into deltas: whole rows that changed, keyed, compared without the figures that only move with the
/// clock (a wait's length, occupancy) — clients run those on from the timestamps, and every row is sent again now and then.
/// </summary>
internal sealed class BoardDiff
{
    private string? _headline;
    private Dictionary<string, string> _queues = [];
    private Dictionary<string, string> _channels = [];
    private Dictionary<Guid, string> _agents = [];
    private Dictionary<string, string> _health = [];
    private HashSet<long> _alertSeqs = [];

    /// <summary>The delta from the previous snapshot to this one; null when nothing a client shows changed.</summary>
    public BoardDelta? Next(BoardSnapshot s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var headline = Json(s.Headline);
        var headlineChanged = headline != _headline;
        _headline = headline;
        var (queues, removedQueues) = Changed(s.Queues, r => r.Key, r => r with { LongestWait = null }, ref _queues);
        var (channels, _) = Changed(s.Channels, r => r.Key, r => r with { LongestWait = null }, ref _channels);
        var (agents, removedAgents) = Changed(s.Agents, r => r.Id, r => r with { Occupancy = null, SignedInToday = 0, HandlingToday = 0 }, ref _agents);
        var (health, _) = Changed(s.Health, r => r.Channel, r => r, ref _health);
        // New by membership, not by a high-water seq: writers commit concurrently, so an alert with a lower seq can arrive after a
        // higher one was pushed. Newest first by seq, as the snapshot lists them and clients prepend them.
        var alerts = s.Alerts.Where(a => !_alertSeqs.Contains(a.Seq)).OrderByDescending(a => a.Seq).ToList();
        _alertSeqs = [.. s.Alerts.Select(a => a.Seq)];
        if (!headlineChanged && queues.Count + channels.Count + agents.Count + health.Count + alerts.Count + removedQueues.Count + removedAgents.Count == 0)
        {
            return null;
        }
        return new BoardDelta(s.Version, s.At, s.Day, headlineChanged ? s.Headline : null, queues, channels, agents, health, alerts,
            removedQueues, removedAgents);
    }

    private static (List<T> Changed, List<TKey> Removed) Changed<T, TKey>(IReadOnlyList<T> rows, Func<T, TKey> key, Func<T, T> comparable,
        ref Dictionary<TKey, string> previous) where TKey : notnull
    {
        var next = new Dictionary<TKey, string>(rows.Count);
        var changed = new List<T>();
        foreach (var row in rows)
        {
            var json = Json(comparable(row));
            next[key(row)] = json;
            if (previous.GetValueOrDefault(key(row)) != json)
            {
                changed.Add(row);
            }
        }
        var removed = previous.Keys.Where(k => !next.ContainsKey(k)).ToList();
        previous = next;
        return (changed, removed);
    }

    private static string Json<T>(T value) => JsonSerializer.Serialize(value, WireJson.Options);
}
