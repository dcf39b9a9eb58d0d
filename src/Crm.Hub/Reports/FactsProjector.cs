using System.Text.Json;
using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reports;

/// <summary>
/// Keeps <see cref="ConversationFact"/> current by tailing the event list with a durable cursor: each pass reads the events
/// after the cursor, replays only the conversations they touch (a conversation has tens of events, so the cost follows the
/// new events, not the table), re-links FCR returns for their contacts, and writes the rows and the new cursor in one
/// transaction. Why a tail and not a hook in <c>StaffBroadcaster.Publish</c> or in each writer's commit: the writers are a
/// dozen places, Publish is in memory (a crash between commit and push would lose the update, and its queue drops the oldest
/// under load), whereas the cursor is committed with the rows, so every committed event is folded in exactly once, after a
/// crash too. A fresh database or one that predates the table starts at zero, which is the backfill. Reports call
/// <see cref="CatchUpAsync"/> first, so they see everything committed before the request.
/// </summary>
internal sealed partial class FactsProjector(IServiceScopeFactory scopes, MetricsSettingsSource metrics, TimeProvider time,
    ILogger<FactsProjector> logger) : BackgroundService
{
    public const string CursorName = "conversation-facts";
    private const int BatchEvents = 5_000;
    private const int IdsPerQuery = 500;
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly EventTail _tail = new();

    /// <summary>
    /// Folds in every event committed so far, then runs <paramref name="read"/> while no pass writes, so a report's several
    /// queries see one state of the facts and the rollup.
    /// </summary>
    public async Task<T> ReadCurrentAsync<T>(Func<CancellationToken, Task<T>> read, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(read);
        await _gate.WaitAsync(ct);
        try
        {
            int n;
            do
            {
                n = await PassAsync(ct);
            }
            while (n == BatchEvents);
            return await read(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Folds in every event committed so far; returns how many events were read.</summary>
    public async Task<int> CatchUpAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            var total = 0;
            int read;
            do
            {
                read = await PassAsync(ct);
                total += read;
            }
            while (read == BatchEvents);
            return total;
        }
        finally
        {
            _gate.Release();
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CatchUpAsync(stoppingToken);
                await Task.Delay(Idle, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The cursor did not move: the same events are tried again.
                LogPassFailed(logger, ex);
                await Task.Delay(Idle * 5, time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<int> PassAsync(CancellationToken ct)
    {
        try
        {
            return await FoldAsync(ct);
        }
        catch
        {
            // The tail moved in memory but nothing was committed: start again from the durable cursor.
            _tail.Reset();
            throw;
        }
    }

    private async Task<int> FoldAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var settings = metrics.Current;
        var window = (long)settings.FcrWindow.TotalSeconds;
        var state = await db.ProjectionCursors.AsNoTracking().FirstOrDefaultAsync(c => c.Name == RollupConfiguration.StateName, ct);
        if (state?.Seq != RollupConfiguration.Stamp(window))
        {
            // A database that predates the rollup or its layout, or another FCR window: the rollup is computed again from the facts (reports
            // read the facts meanwhile). Only this pass writes facts, so they do not move under it; the rebuild commits in chunks
            // so other writers are never held off for long.
            await RollupMaintainer.RebuildAsync(db, window, ct);
            db.ChangeTracker.Clear();
        }
        var cursor = await db.ProjectionCursors.FirstOrDefaultAsync(c => c.Name == CursorName, ct);
        if (cursor is null)
        {
            cursor = new ProjectionCursor { Name = CursorName };
            db.ProjectionCursors.Add(cursor);
        }
        var after = _tail.After(cursor.Seq);
        var batch = await db.Events.AsNoTracking().Where(e => e.Seq > after).OrderBy(e => e.Seq).Take(BatchEvents)
            .Select(e => new { e.Seq, e.ConversationId }).ToListAsync(ct);
        var late = _tail.HoleSpan is { } holes
            ? await db.Events.AsNoTracking().Where(e => e.Seq >= holes.From && e.Seq <= holes.To).Select(e => new { e.Seq, e.ConversationId }).ToListAsync(ct)
            : [];
        var (fold, moveTo) = _tail.Take([.. batch.Select(e => e.Seq)], late.Select(e => e.Seq), time.GetUtcNow());
        if (fold.Count == 0 && moveTo == cursor.Seq)
        {
            return batch.Count;
        }
        var folded = fold.ToHashSet();
        var touched = batch.Concat(late).Where(e => folded.Contains(e.Seq) && e.ConversationId is not null).Select(e => e.ConversationId!.Value)
            .Distinct().ToList();
        var now = time.GetUtcNow();

        // Everything is read and built first; the write transaction below only writes.
        var contacts = new HashSet<Guid>();
        foreach (var ids in touched.Chunk(IdsPerQuery))
        {
            await ProjectAsync(db, ids, settings, now, contacts, ct);
        }
        var added = db.ChangeTracker.Entries<ConversationFact>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
        foreach (var ids in contacts.Chunk(IdsPerQuery))
        {
            var facts = await db.ConversationFacts.Where(f => ids.Contains(f.ContactId)).ToListAsync(ct);
            // A row added in this pass is not in the database yet.
            facts.AddRange(added.Where(f => ids.Contains(f.ContactId)));
            foreach (var group in facts.GroupBy(f => f.ContactId))
            {
                FactBuilder.LinkContactReturns([.. group]);
            }
        }
        var delta = await RollupMaintainer.PrepareAsync(db, RollupMaintainer.ChangesOf(db), window, ct);

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await RollupMaintainer.ApplyAsync(db, delta, ct);
        cursor.Seq = moveTo;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return batch.Count;
    }

    private static async Task ProjectAsync(HubDbContext db, Guid[] ids, MetricsSettings settings, DateTimeOffset now, HashSet<Guid> contacts,
        CancellationToken ct)
    {
        var queues = await db.Conversations.AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.QueueId })
            .ToDictionaryAsync(c => c.Id, c => c.QueueId, ct);
        var events = await db.Events.AsNoTracking().Where(e => e.ConversationId != null && ids.Contains(e.ConversationId.Value))
            .OrderBy(e => e.Seq).ToListAsync(ct);
        var existing = await db.ConversationFacts.Where(f => ids.Contains(f.ConversationId)).ToDictionaryAsync(f => f.ConversationId, ct);
        foreach (var group in events.GroupBy(e => e.ConversationId!.Value))
        {
            var history = ConversationHistoryMapper.FromConversationEvents(group, queues.GetValueOrDefault(group.Key));
            var fact = history is null ? null : FactBuilder.Build(history, settings, now, group.Max(e => e.Seq), SurveyOf(group));
            existing.TryGetValue(group.Key, out var row);
            if (fact is null)
            {
                continue;
            }
            if (row is null)
            {
                db.ConversationFacts.Add(fact);
            }
            else
            {
                if (row.ContactId != fact.ContactId)
                {
                    // A contact merge moved it: the contact it left needs its returns linked again as well.
                    contacts.Add(row.ContactId);
                }
                fact.ContactReturnSeconds = row.ContactReturnSeconds;
                db.Entry(row).CurrentValues.SetValues(fact);
            }
            contacts.Add(fact.ContactId);
        }
    }

    /// <summary>
    /// The latest survey answer with a score: an event whose kind starts with "survey" and whose data carries
    /// <c>kind</c> (csat, nps, ces) and a numeric <c>score</c>. An answer kept as a comment has no score and is not counted.
    /// </summary>
    internal static (string Kind, int Score)? SurveyOf(IEnumerable<ConversationEvent> events)
    {
        (string, int)? found = null;
        foreach (var e in events.Where(e => e.Kind.StartsWith("survey", StringComparison.Ordinal)))
        {
            using var doc = JsonDocument.Parse(e.Data);
            var data = doc.RootElement;
            if (data.ValueKind == JsonValueKind.Object
                && data.TryGetProperty("kind", out var k) && k.ValueKind == JsonValueKind.String && k.GetString() is { } kind
                && data.TryGetProperty("score", out var s) && s.ValueKind == JsonValueKind.Number && s.TryGetInt32(out var score))
            {
                found = (kind.ToLowerInvariant(), score);
            }
        }
        return found;
    }

    [LoggerMessage(1, LogLevel.Error, "Projecting conversation facts failed; retrying")]
    private static partial void LogPassFailed(ILogger logger, Exception ex);
}
