using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reports;

/// <summary>
/// Keeps <see cref="ReportRollupRow"/> and <see cref="ReportAgentDayRow"/> equal to what the facts add up to: <see cref="PrepareAsync"/>
/// turns a batch of changed facts into deltas (read before the batch is written: the old rows come from the change tracker, the
/// agent-day spans from the facts sharing an (agent, resolution day) with a changed one), <see cref="ApplyAsync"/> adds them
/// inside the projector's short write transaction. <see cref="RebuildAsync"/> computes both from all facts (a database that
/// predates them, or a changed FCR window).
/// </summary>
internal static class RollupMaintainer
{
    private const int IdsPerQuery = 500;

    /// <summary>SQLite's page cache while rebuilding: 256 MB; then back to SQLite's default, 2,000 KiB.</summary>
    private const string RebuildCache = "PRAGMA cache_size = -262144;";
    private const string DefaultCache = "PRAGMA cache_size = -2000;";

    /// <summary>Rows a rebuild writes per transaction.</summary>
    private const int RebuildChunk = 20_000;

    /// <summary>One fact as the agent-day figures see it: resolved by an agent.</summary>
    private sealed record AgentFact(Guid ConversationId, Guid AgentId, DateOnly ResolvedDate, DateOnly OpenedDate, Guid? QueueId, Guid? TeamId,
        string Channel, string? Category)
    {
        public static AgentFact? Of(ConversationFact f) => f.ResolvedAt is not null && f.AgentId is { } agent && f.ResolvedDate is { } day
            ? new AgentFact(f.ConversationId, agent, day, f.OpenedDate, f.QueueId, f.TeamId, f.Channel, f.Category)
            : null;

        public string KeyOf(string dimension) => dimension switch
        {
            RollupKeys.All => "",
            "agent" => RollupKeys.Encode(AgentId),
            "team" => RollupKeys.Encode(TeamId),
            "queue" => RollupKeys.Encode(QueueId),
            "channel" => RollupKeys.Encode(Channel),
            _ => RollupKeys.Encode(Category),
        };
    }

    internal sealed class Delta
    {
        public Dictionary<(RollupKeys.Cell Cell, DateOnly Day), ReportRollupRow> Rows { get; } = [];
        public Dictionary<(RollupKeys.Cell Cell, DateOnly Resolved, DateOnly First, DateOnly Last), long> AgentDays { get; } = [];

        public ReportRollupRow Row(RollupKeys.Cell cell, DateOnly day)
        {
            if (!Rows.TryGetValue((cell, day), out var row))
            {
                row = new ReportRollupRow
                {
                    FilterDimension = cell.FilterDimension, FilterKey = cell.FilterKey, Dimension = cell.Dimension, Key = cell.Key, OpenedDate = day,
                };
                Rows[(cell, day)] = row;
            }
            return row;
        }

        public bool IsEmpty => Rows.Count == 0 && AgentDays.Count == 0;
    }

    /// <summary>The facts added or modified in <paramref name="db"/>'s change tracker: (the row as stored, null when new; the row to write).</summary>
    public static List<(ConversationFact? Old, ConversationFact New)> ChangesOf(HubDbContext db)
    {
        db.ChangeTracker.DetectChanges();
        return [.. db.ChangeTracker.Entries<ConversationFact>()
            .Where(e => e.State is EntityState.Added or EntityState.Modified)
            .Select(e => (e.State == EntityState.Added ? null : (ConversationFact)e.OriginalValues.ToObject(), e.Entity))];
    }

    /// <summary>The deltas of <paramref name="changes"/> (old row, null when new; new row), before they are written.</summary>
    public static async Task<Delta> PrepareAsync(HubDbContext db, IReadOnlyList<(ConversationFact? Old, ConversationFact New)> changes, long window,
        CancellationToken ct)
    {
        var delta = new Delta();
        foreach (var (old, now) in changes)
        {
            if (old is not null)
            {
                foreach (var cell in RollupKeys.Cells(d => RollupKeys.Of(old, d)))
                {
                    delta.Row(cell, old.OpenedDate).Add(old, -1, window);
                }
            }
            foreach (var cell in RollupKeys.Cells(d => RollupKeys.Of(now, d)))
            {
                delta.Row(cell, now.OpenedDate).Add(now, 1, window);
            }
        }
        var pairs = changes.SelectMany(c => new[] { c.Old is null ? null : AgentFact.Of(c.Old), AgentFact.Of(c.New) }).OfType<AgentFact>()
            .Select(a => (a.AgentId, a.ResolvedDate)).ToHashSet();
        if (pairs.Count > 0)
        {
            // Every fact sharing an (agent, day) with a changed one, as stored now; then the same with the batch applied.
            var before = new Dictionary<Guid, AgentFact>();
            var days = pairs.Select(p => (DateOnly?)p.ResolvedDate).Distinct().ToList();
            foreach (var agents in pairs.Select(p => (Guid?)p.AgentId).Distinct().Chunk(IdsPerQuery))
            {
                var rows = await db.ConversationFacts.AsNoTracking()
                    .Where(f => f.ResolvedAt != null && days.Contains(f.ResolvedDate) && agents.Contains(f.AgentId))
                    .Select(f => new AgentFact(f.ConversationId, f.AgentId!.Value, f.ResolvedDate!.Value, f.OpenedDate, f.QueueId, f.TeamId, f.Channel, f.Category))
                    .ToListAsync(ct);
                foreach (var row in rows.Where(r => pairs.Contains((r.AgentId, r.ResolvedDate))))
                {
                    before[row.ConversationId] = row;
                }
            }
            var after = new Dictionary<Guid, AgentFact>(before);
            foreach (var (_, now) in changes)
            {
                after.Remove(now.ConversationId);
                if (AgentFact.Of(now) is { } a)
                {
                    after[a.ConversationId] = a;
                }
            }
            AddAgentDays(delta, before.Values, -1, null);
            AddAgentDays(delta, after.Values, 1, null);
        }
        foreach (var key in delta.AgentDays.Where(d => d.Value == 0).Select(d => d.Key).ToList())
        {
            delta.AgentDays.Remove(key);
        }
        return delta;
    }

    /// <summary>
    /// Adds (or removes) the agent-day figures of a complete set of facts for some (agent, day) pairs: the per-day counts on the
    /// unfiltered rows and the spans of every cell (of <paramref name="filterDimension"/>'s cells only when given).
    /// </summary>
    private static void AddAgentDays(Delta delta, IEnumerable<AgentFact> facts, int sign, string? filterDimension)
    {
        var list = facts.ToList();
        if (filterDimension is null or "")
        {
            foreach (var dimension in RollupKeys.Dimensions)
            {
                foreach (var day in list.Select(f => (Key: f.KeyOf(dimension), f.OpenedDate, f.AgentId, f.ResolvedDate)).Distinct().GroupBy(t => (t.Key, t.OpenedDate)))
                {
                    delta.Row(new RollupKeys.Cell("", "", dimension, day.Key.Key), day.Key.OpenedDate).AgentDays += sign * day.Count();
                }
            }
        }
        var spans = new Dictionary<(RollupKeys.Cell Cell, Guid AgentId, DateOnly Resolved), (DateOnly First, DateOnly Last)>();
        foreach (var fact in list)
        {
            foreach (var cell in RollupKeys.Cells(fact.KeyOf, filterDimension))
            {
                var id = (cell, fact.AgentId, fact.ResolvedDate);
                spans[id] = spans.TryGetValue(id, out var span)
                    ? (fact.OpenedDate < span.First ? fact.OpenedDate : span.First, fact.OpenedDate > span.Last ? fact.OpenedDate : span.Last)
                    : (fact.OpenedDate, fact.OpenedDate);
            }
        }
        foreach (var ((cell, _, resolved), (first, last)) in spans)
        {
            var id = (cell, resolved, first, last);
            delta.AgentDays[id] = delta.AgentDays.GetValueOrDefault(id) + sign;
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the stored rows (inside the caller's transaction); rows that reach zero are removed.</summary>
    public static async Task ApplyAsync(HubDbContext db, Delta delta, CancellationToken ct)
    {
        foreach (var slice in delta.Rows.Values.GroupBy(r => (r.FilterDimension, r.Dimension)))
        {
            var (filterDimension, dimension) = slice.Key;
            foreach (var chunk in slice.Chunk(IdsPerQuery))
            {
                var filterKeys = chunk.Select(r => r.FilterKey).Distinct().ToList();
                var days = chunk.Select(r => r.OpenedDate).Distinct().ToList();
                var keys = chunk.Select(r => r.Key).Distinct().ToList();
                // The index narrows by each column's values; the pairs themselves pick the rows (a pair slice's cross product is wide).
                var cells = chunk.Select(r => r.FilterKey + "|" + r.Key).Distinct().ToList();
                var stored = await db.ReportRollups.Where(r => r.FilterDimension == filterDimension && filterKeys.Contains(r.FilterKey)
                        && r.Dimension == dimension && days.Contains(r.OpenedDate) && keys.Contains(r.Key) && cells.Contains(r.FilterKey + "|" + r.Key))
                    .ToDictionaryAsync(r => (r.FilterKey, r.OpenedDate, r.Key), ct);
                foreach (var change in chunk)
                {
                    if (!stored.TryGetValue((change.FilterKey, change.OpenedDate, change.Key), out var row))
                    {
                        row = new ReportRollupRow
                        {
                            FilterDimension = filterDimension, FilterKey = change.FilterKey, Dimension = dimension, Key = change.Key, OpenedDate = change.OpenedDate,
                        };
                        db.ReportRollups.Add(row);
                    }
                    row.Add(change);
                    if (row.Conversations == 0)
                    {
                        db.ReportRollups.Remove(row);
                    }
                }
            }
        }
        foreach (var slice in delta.AgentDays.GroupBy(d => (d.Key.Cell.FilterDimension, d.Key.Cell.Dimension)))
        {
            var (filterDimension, dimension) = slice.Key;
            foreach (var chunk in slice.Chunk(IdsPerQuery))
            {
                var filterKeys = chunk.Select(d => d.Key.Cell.FilterKey).Distinct().ToList();
                var days = chunk.Select(d => d.Key.Resolved).Distinct().ToList();
                var keys = chunk.Select(d => d.Key.Cell.Key).Distinct().ToList();
                var cells = chunk.Select(d => d.Key.Cell.FilterKey + "|" + d.Key.Cell.Key).Distinct().ToList();
                var stored = await db.ReportAgentDays.Where(r => r.FilterDimension == filterDimension && filterKeys.Contains(r.FilterKey)
                        && r.Dimension == dimension && days.Contains(r.ResolvedDate) && keys.Contains(r.Key) && cells.Contains(r.FilterKey + "|" + r.Key))
                    .ToDictionaryAsync(r => (r.FilterKey, r.Key, r.ResolvedDate, r.FirstOpened, r.LastOpened), ct);
                foreach (var (id, change) in chunk)
                {
                    var at = (id.Cell.FilterKey, id.Cell.Key, id.Resolved, id.First, id.Last);
                    if (!stored.TryGetValue(at, out var row))
                    {
                        row = new ReportAgentDayRow
                        {
                            FilterDimension = filterDimension, FilterKey = id.Cell.FilterKey, Dimension = dimension, Key = id.Cell.Key,
                            ResolvedDate = id.Resolved, FirstOpened = id.First, LastOpened = id.Last,
                        };
                        db.ReportAgentDays.Add(row);
                        stored[at] = row;
                    }
                    row.Agents += change;
                    if (row.Agents == 0)
                    {
                        db.ReportAgentDays.Remove(row);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Replaces both tables with what all facts add up to, FCR judged with <paramref name="window"/> seconds, and records that window
    /// (in the caller's transaction, or one of its own). One slice at a time (the unfiltered cells, then each filter dimension's
    /// pairs), so only one slice's rows are held in memory: the facts are read once per slice, the resolved-by-agent ones once,
    /// sorted by (agent, resolution day) in memory.
    /// </summary>
    public static async Task RebuildAsync(HubDbContext db, long window, CancellationToken ct)
    {
        if (db.Database.CurrentTransaction is not null)
        {
            throw new InvalidOperationException("The rollup is rebuilt in transactions of its own: a year of it in one would hold every other writer off for minutes.");
        }
        var sqlite = db.Database.IsSqlite();
        // One connection throughout, so the cache setting below stays with it.
        await db.Database.OpenConnectionAsync(ct);
        if (sqlite)
        {
            // Millions of index entries: with SQLite's default 2 MB page cache the index pages spill to the WAL again and again
            // (the WAL grew past 1.5 GB for a 1M-conversation rebuild). Restored below; the connection is pooled.
            await db.Database.ExecuteSqlRawAsync(RebuildCache, ct);
        }
        try
        {
            // Unstamped first: until the last step reports read the facts, and a rebuild cut short starts again.
            await db.ProjectionCursors.Where(c => c.Name == RollupConfiguration.StateName).ExecuteDeleteAsync(ct);
            // A DELETE of a whole table is SQLite's truncate: it frees the pages without visiting the rows.
            await db.ReportRollups.ExecuteDeleteAsync(ct);
            await db.ReportAgentDays.ExecuteDeleteAsync(ct);
            var agentFacts = await db.ConversationFacts.AsNoTracking().Where(f => f.ResolvedAt != null && f.AgentId != null && f.ResolvedDate != null)
                .Select(f => new AgentFact(f.ConversationId, f.AgentId!.Value, f.ResolvedDate!.Value, f.OpenedDate, f.QueueId, f.TeamId, f.Channel, f.Category))
                .ToListAsync(ct);
            agentFacts.Sort((a, b) => a.AgentId != b.AgentId ? a.AgentId.CompareTo(b.AgentId) : a.ResolvedDate.CompareTo(b.ResolvedDate));
            foreach (var slice in RollupKeys.Filters.SkipLast(1).Prepend(""))
            {
                var rows = new Delta();
                await foreach (var fact in db.ConversationFacts.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
                {
                    foreach (var cell in RollupKeys.Cells(d => RollupKeys.Of(fact, d), slice))
                    {
                        rows.Row(cell, fact.OpenedDate).Add(fact, 1, window);
                    }
                }
                for (var start = 0; start < agentFacts.Count;)
                {
                    var end = start + 1;
                    while (end < agentFacts.Count && agentFacts[end].AgentId == agentFacts[start].AgentId && agentFacts[end].ResolvedDate == agentFacts[start].ResolvedDate)
                    {
                        end++;
                    }
                    AddAgentDays(rows, agentFacts.GetRange(start, end - start), 1, slice);
                    start = end;
                }
                // In key order: the table and its key index grow at their end instead of everywhere at once. One row per statement:
                // SQLite finds each parameter by name in a list, so binding a multi-row statement of these ~35-column rows costs the
                // square of its parameters (a profile of the rebuild spent 70% there with 32 rows per statement).
                // Committed a chunk at a time, so ingest and everything else that writes gets the database between chunks.
                foreach (var chunk in rows.Rows.Values.Where(r => r.Conversations != 0)
                    .OrderBy(r => r.FilterKey, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal).ThenBy(r => r.OpenedDate)
                    .ThenBy(r => r.Key, StringComparer.Ordinal).Chunk(RebuildChunk))
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    await RowWriter<ReportRollupRow>.InsertAllAsync(db, chunk, ct, rowsPerStatement: 1);
                    await transaction.CommitAsync(ct);
                }
                foreach (var chunk in rows.AgentDays.Select(d => new ReportAgentDayRow
                {
                    FilterDimension = d.Key.Cell.FilterDimension, FilterKey = d.Key.Cell.FilterKey, Dimension = d.Key.Cell.Dimension, Key = d.Key.Cell.Key,
                    ResolvedDate = d.Key.Resolved, FirstOpened = d.Key.First, LastOpened = d.Key.Last, Agents = d.Value,
                }).OrderBy(r => r.FilterKey, StringComparer.Ordinal).ThenBy(r => r.Dimension, StringComparer.Ordinal).ThenBy(r => r.ResolvedDate)
                    .ThenBy(r => r.Key, StringComparer.Ordinal).ThenBy(r => r.FirstOpened).ThenBy(r => r.LastOpened).Chunk(RebuildChunk))
                {
                    await using var transaction = await db.Database.BeginTransactionAsync(ct);
                    await RowWriter<ReportAgentDayRow>.InsertAllAsync(db, chunk, ct, rowsPerStatement: 1);
                    await transaction.CommitAsync(ct);
                }
            }
            db.ProjectionCursors.Add(new ProjectionCursor { Name = RollupConfiguration.StateName, Seq = RollupConfiguration.Stamp(window) });
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            if (sqlite)
            {
                await db.Database.ExecuteSqlRawAsync(DefaultCache, CancellationToken.None);
            }
            await db.Database.CloseConnectionAsync();
        }
    }
}
