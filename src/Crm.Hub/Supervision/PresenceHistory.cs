using System.Collections.Concurrent;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Supervision;

/// <summary>One change of an agent's effective presence (what routing believed from then on).</summary>
internal sealed class AgentPresenceChange
{
    public Guid Id { get; set; }
    public Guid AgentId { get; set; }
    public AgentPresence Presence { get; set; }
    public DateTimeOffset At { get; set; }
}

internal static class PresenceHistoryConfiguration
{
    public static void Configure(ModelBuilder modelBuilder) =>
        modelBuilder.Entity<AgentPresenceChange>(e =>
        {
            e.ToTable("AgentPresenceChanges");
            e.Property(p => p.Presence).HasConversion<string>().HasMaxLength(16);
            e.HasIndex(p => new { p.AgentId, p.At });
            e.HasIndex(p => p.At);
        });
}

/// <summary>
/// Records agents' presence changes (online, away, offline with their moment) for occupancy and the presence timeline, and
/// tells the board. Repeats of the presence already recorded (a second console, a reload) are not changes.
/// </summary>
internal sealed partial class PresenceHistory(IServiceScopeFactory scopes, BoardFeed board, TimeProvider time, ILogger<PresenceHistory> logger)
    : IDisposable
{
    private readonly ConcurrentDictionary<Guid, AgentPresence> _last = new();
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task RecordAsync(Guid agentId, AgentPresence presence)
    {
        await _gate.WaitAsync();
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            if (!_last.TryGetValue(agentId, out var last))
            {
                // Not seen since start-up: the last recorded presence, offline for an agent with no history.
                last = await db.PresenceChanges.AsNoTracking().Where(p => p.AgentId == agentId).OrderByDescending(p => p.At)
                    .Select(p => (AgentPresence?)p.Presence).FirstOrDefaultAsync() ?? AgentPresence.Offline;
                _last[agentId] = last;
            }
            if (last == presence)
            {
                return;
            }
            var now = time.GetUtcNow();
            db.PresenceChanges.Add(new AgentPresenceChange { Id = Guid.CreateVersion7(now), AgentId = agentId, Presence = presence, At = now });
            await db.SaveChangesAsync();
            _last[agentId] = presence;
            board.Post(new PresenceInput(agentId, presence, now));
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException)
        {
            LogRecordFailed(logger, ex, agentId);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// At start-up no console is connected: an agent whose last recorded presence is online or away (the hub stopped under
    /// them) is recorded offline from now, unless they connected since the start.
    /// </summary>
    public async Task CloseAfterRestartAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var open = await db.PresenceChanges.AsNoTracking()
                .Where(p => p.Presence != AgentPresence.Offline && !db.PresenceChanges.Any(q => q.AgentId == p.AgentId && q.At > p.At))
                .Select(p => p.AgentId).ToListAsync(ct);
            var now = time.GetUtcNow();
            foreach (var agentId in open.Where(id => !_last.ContainsKey(id)))
            {
                db.PresenceChanges.Add(new AgentPresenceChange { Id = Guid.CreateVersion7(now), AgentId = agentId, Presence = AgentPresence.Offline, At = now });
                _last[agentId] = AgentPresence.Offline;
            }
            await db.SaveChangesAsync(ct);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(1, LogLevel.Warning, "Could not record the presence change of agent {AgentId}")]
    private static partial void LogRecordFailed(ILogger logger, Exception ex, Guid agentId);
}
