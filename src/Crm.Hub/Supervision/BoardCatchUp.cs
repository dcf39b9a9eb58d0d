using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Supervision;

/// <summary>
/// Fills a fresh board from the database with bounded queries: the agents and queues, the events of every open conversation
/// and of every conversation active since the FCR window before today began (read by conversation, through the
/// (ConversationId, Seq) index, in chunks), and the presence changes since yesterday — replayed in the order they happened.
/// </summary>
internal sealed class BoardCatchUp(IServiceScopeFactory scopes, MetricsSettingsSource settings)
{
    private const int Chunk = 500;

    public async Task LoadAsync(BoardState state, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var s = settings.Current;
        var dayStart = DayStart(now, s.BoardTimeZone);
        var since = dayStart - s.FcrWindow;
        var presenceSince = dayStart - TimeSpan.FromDays(1);

        // Presence is replayed from the history below: start everyone offline at the beginning of it.
        await RefreshDirectoryAsync(db, state, presenceSince, startOffline: true, ct);

        // The newest seq first, before anything is listed: what commits from here on is read by the tail below, whichever
        // conversation it belongs to (one opened meanwhile is in no list), instead of being skipped as older than what was applied.
        var through = await db.Events.MaxAsync(e => (long?)e.Seq, ct) ?? 0;
        var ids = await db.Conversations.AsNoTracking()
            .Where(c => c.Status != ConversationStatus.Resolved || c.LastMessageAt >= since || (c.ResolvedAt != null && c.ResolvedAt >= since))
            .Select(c => c.Id).ToListAsync(ct);
        var events = new List<ConversationEvent>();
        foreach (var chunk in ids.Chunk(Chunk))
        {
            events.AddRange(await db.Events.AsNoTracking().Where(e => e.Seq <= through && e.ConversationId != null && chunk.Contains(e.ConversationId.Value))
                .ToListAsync(ct));
        }
        var presence = await db.PresenceChanges.AsNoTracking().Where(p => p.At >= presenceSince).ToListAsync(ct);

        // Events in seq order (the board skips a seq older than one it applied), presence changes merged in by time.
        var changes = new Queue<AgentPresenceChange>(presence.OrderBy(p => p.At));
        foreach (var e in events.OrderBy(e => e.Seq))
        {
            while (changes.TryPeek(out var p) && p.At <= e.At)
            {
                state.PresenceChanged(changes.Dequeue().AgentId, p.Presence, p.At);
            }
            state.Apply(e);
        }
        foreach (var p in changes)
        {
            state.PresenceChanged(p.AgentId, p.Presence, p.At);
        }
        // Alerts and delivery errors of conversations outside the set, and everything committed since the listing began; live pushes
        // continue after the newest seq read.
        var replayed = state.LastSeq;
        var tail = await db.Events.AsNoTracking().Where(e => e.Seq > replayed).OrderBy(e => e.Seq).ToListAsync(ct);
        foreach (var e in tail)
        {
            state.Apply(e);
        }
        state.CaughtUpThrough = Math.Max(Math.Max(state.LastSeq, through), tail.Count > 0 ? tail[^1].Seq : 0);
        state.Settle(now);
    }

    /// <summary>Reloads active agents (capacity, skills, teams, presence) and the routing queues.</summary>
    public async Task RefreshDirectoryAsync(BoardState state, DateTimeOffset now, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        await RefreshDirectoryAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), state, now, startOffline: false, ct);
    }

    private static async Task RefreshDirectoryAsync(HubDbContext db, BoardState state, DateTimeOffset now, bool startOffline, CancellationToken ct)
    {
        var agents = await db.Agents.AsNoTracking().AsSplitQuery().Where(a => a.IsActive)
            .Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams).ToListAsync(ct);
        state.SetAgents(agents.Select(a => new BoardAgentInfo(a.Id, a.DisplayName, startOffline ? AgentPresence.Offline : a.Presence,
            a.Capacities.ToDictionary(c => c.Channel, c => c.Capacity, StringComparer.Ordinal), a.CapacityUnits,
            a.Skills.ToDictionary(x => x.Skill, x => x.Proficiency, StringComparer.OrdinalIgnoreCase),
            a.Teams.Select(t => t.TeamId).ToHashSet())), now);
        var queues = await db.RoutingQueues.AsNoTracking().ToListAsync(ct);
        state.SetQueues(queues.Select(q => new BoardQueueInfo(q.Id, q.Name,
            [.. QueueClassifier.Split(q.Channels).Select(c => c.ToLowerInvariant())], q.Skill, q.MinProficiency, q.TeamId)));
    }

    public static DateTimeOffset DayStart(DateTimeOffset at, TimeZoneInfo zone)
    {
        var midnight = TimeZoneInfo.ConvertTime(at, zone).Date;
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}
