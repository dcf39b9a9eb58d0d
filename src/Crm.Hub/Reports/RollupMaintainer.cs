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
        public Dictionary<(string Dimension, string Key, DateOnly Day), ReportRollupRow> Rows { get; } = [];
        public Dictionary<(string Dimension, string Key, DateOnly Resolved, DateOnly First, DateOnly Last), long> AgentDays { get; } = [];

        public ReportRollupRow Row(string dimension, string key, DateOnly day)
        {
            if (!Rows.TryGetValue((dimension, key, day), out var row))
            {
                row = new ReportRollupRow { Dimension = dimension, Key = key, OpenedDate = day };
                Rows[(dimension, key, day)] = row;
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
            foreach (var dimension in RollupKeys.Dimensions)
            {
                if (old is not null)
                {
                    delta.Row(dimension, RollupKeys.Of(old, dimension), old.OpenedDate).Add(old, -1, window);
                }
                delta.Row(dimension, RollupKeys.Of(now, dimension), now.OpenedDate).Add(now, 1, window);
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
            AddAgentDays(delta, before.Values, -1);
            AddAgentDays(delta, after.Values, 1);
        }
        foreach (var key in delta.AgentDays.Where(d => d.Value == 0).Select(d => d.Key).ToList())
        {
            delta.AgentDays.Remove(key);
        }
        return delta;
    }

    /// <summary>Adds (or removes) the agent-day figures of a complete set of facts for some (agent, day) pairs.</summary>
    private static void AddAgentDays(Delta delta, IEnumerable<AgentFact> facts, int sign)
    {
        var list = facts.ToList();
        foreach (var day in list.Select(f => (f.OpenedDate, f.AgentId, f.ResolvedDate)).Distinct().GroupBy(t => t.OpenedDate))
        {
            delta.Row(RollupKeys.All, "", day.Key).AgentDays += sign * day.Count();
        }
        foreach (var dimension in RollupKeys.Dimensions)
        {
            foreach (var span in list.GroupBy(f => (Key: f.KeyOf(dimension), f.AgentId, f.ResolvedDate)))
            {
                var id = (dimension, span.Key.Key, span.Key.ResolvedDate, span.Min(f => f.OpenedDate), span.Max(f => f.OpenedDate));
                delta.AgentDays[id] = delta.AgentDays.GetValueOrDefault(id) + sign;
            }
        }
    }

    /// <summary>Adds <paramref name="delta"/> to the stored rows (inside the caller's transaction); rows that reach zero are removed.</summary>
    public static async Task ApplyAsync(HubDbContext db, Delta delta, CancellationToken ct)
    {
        foreach (var byDimension in delta.Rows.Values.GroupBy(r => r.Dimension))
        {
            var dimension = byDimension.Key;
            foreach (var chunk in byDimension.Chunk(IdsPerQuery))
            {
                var days = chunk.Select(r => r.OpenedDate).Distinct().ToList();
                var keys = chunk.Select(r => r.Key).Distinct().ToList();
                var stored = await db.ReportRollups.Where(r => r.Dimension == dimension && days.Contains(r.OpenedDate) && keys.Contains(r.Key))
                    .ToDictionaryAsync(r => (r.OpenedDate, r.Key), ct);
                foreach (var change in chunk)
                {
                    if (!stored.TryGetValue((change.OpenedDate, change.Key), out var row))
                    {
                        row = new ReportRollupRow { Dimension = dimension, Key = change.Key, OpenedDate = change.OpenedDate };
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
        foreach (var byDimension in delta.AgentDays.GroupBy(d => d.Key.Dimension))
        {
            var dimension = byDimension.Key;
            foreach (var chunk in byDimension.Chunk(IdsPerQuery))
            {
                var days = chunk.Select(d => d.Key.Resolved).Distinct().ToList();
                var keys = chunk.Select(d => d.Key.Key).Distinct().ToList();
                var stored = await db.ReportAgentDays.Where(r => r.Dimension == dimension && days.Contains(r.ResolvedDate) && keys.Contains(r.Key))
                    .ToDictionaryAsync(r => (r.Key, r.ResolvedDate, r.FirstOpened, r.LastOpened), ct);
                foreach (var (id, change) in chunk)
                {
                    if (!stored.TryGetValue((id.Key, id.Resolved, id.First, id.Last), out var row))
                    {
                        row = new ReportAgentDayRow { Dimension = dimension, Key = id.Key, ResolvedDate = id.Resolved, FirstOpened = id.First, LastOpened = id.Last };
                        db.ReportAgentDays.Add(row);
                        stored[(id.Key, id.Resolved, id.First, id.Last)] = row;
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

    /// <summary>Replaces both tables with what all facts add up to, FCR judged with <paramref name="window"/> seconds, and records that window.</summary>
    public static async Task RebuildAsync(HubDbContext db, long window, CancellationToken ct)
    {
        var rows = new Delta();
        await foreach (var fact in db.ConversationFacts.AsNoTracking().AsAsyncEnumerable().WithCancellation(ct))
        {
            foreach (var dimension in RollupKeys.Dimensions)
            {
                rows.Row(dimension, RollupKeys.Of(fact, dimension), fact.OpenedDate).Add(fact, 1, window);
            }
        }
        var agentFacts = db.ConversationFacts.AsNoTracking().Where(f => f.ResolvedAt != null && f.AgentId != null && f.ResolvedDate != null);
        var dayPairs = await agentFacts.Select(f => new { f.OpenedDate, f.AgentId, f.ResolvedDate }).Distinct()
            .GroupBy(p => p.OpenedDate).Select(g => new { Day = g.Key, Count = g.Count() }).ToListAsync(ct);
        foreach (var day in dayPairs)
        {
            rows.Row(RollupKeys.All, "", day.Day).AgentDays = day.Count;
        }
        foreach (var dimension in RollupKeys.Dimensions.Where(d => d != RollupKeys.All))
        {
            var spans = dimension switch
            {
                "agent" => agentFacts.GroupBy(f => new { f.AgentId, f.ResolvedDate })
                    .Select(g => new Span(g.Key.AgentId, null, g.Key.ResolvedDate!.Value, g.Min(f => f.OpenedDate), g.Max(f => f.OpenedDate))),
                "team" => agentFacts.GroupBy(f => new { f.TeamId, f.AgentId, f.ResolvedDate })
                    .Select(g => new Span(g.Key.TeamId, null, g.Key.ResolvedDate!.Value, g.Min(f => f.OpenedDate), g.Max(f => f.OpenedDate))),
                "queue" => agentFacts.GroupBy(f => new { f.QueueId, f.AgentId, f.ResolvedDate })
                    .Select(g => new Span(g.Key.QueueId, null, g.Key.ResolvedDate!.Value, g.Min(f => f.OpenedDate), g.Max(f => f.OpenedDate))),
                "channel" => agentFacts.GroupBy(f => new { f.Channel, f.AgentId, f.ResolvedDate })
                    .Select(g => new Span(null, g.Key.Channel, g.Key.ResolvedDate!.Value, g.Min(f => f.OpenedDate), g.Max(f => f.OpenedDate))),
                _ => agentFacts.GroupBy(f => new { f.Category, f.AgentId, f.ResolvedDate })
                    .Select(g => new Span(null, g.Key.Category, g.Key.ResolvedDate!.Value, g.Min(f => f.OpenedDate), g.Max(f => f.OpenedDate))),
            };
            var text = dimension is "channel" or "category";
            await foreach (var span in spans.AsAsyncEnumerable().WithCancellation(ct))
            {
                var key = text ? RollupKeys.Encode(span.Text) : RollupKeys.Encode(span.Id);
                Count(rows, (dimension, key, span.Resolved, span.First, span.Last));
                if (dimension == "agent")
                {
                    // All agents together: the (agent, day) pairs are the agent breakdown's, under one key.
                    Count(rows, (RollupKeys.All, "", span.Resolved, span.First, span.Last));
                }
            }
        }
        await db.ReportRollups.ExecuteDeleteAsync(ct);
        await db.ReportAgentDays.ExecuteDeleteAsync(ct);
        db.ReportRollups.AddRange(rows.Rows.Values.Where(r => r.Conversations != 0));
        db.ReportAgentDays.AddRange(rows.AgentDays.Select(d => new ReportAgentDayRow
        {
            Dimension = d.Key.Dimension, Key = d.Key.Key, ResolvedDate = d.Key.Resolved, FirstOpened = d.Key.First, LastOpened = d.Key.Last, Agents = d.Value,
        }));
        var state = await db.ProjectionCursors.FirstOrDefaultAsync(c => c.Name == RollupConfiguration.StateName, ct);
        if (state is null)
        {
            db.ProjectionCursors.Add(new ProjectionCursor { Name = RollupConfiguration.StateName, Seq = window });
        }
        else
        {
            state.Seq = window;
        }
        await db.SaveChangesAsync(ct);
    }

    private static void Count(Delta rows, (string, string, DateOnly, DateOnly, DateOnly) id) => rows.AgentDays[id] = rows.AgentDays.GetValueOrDefault(id) + 1;

    private sealed record Span(Guid? Id, string? Text, DateOnly Resolved, DateOnly First, DateOnly Last);
}
