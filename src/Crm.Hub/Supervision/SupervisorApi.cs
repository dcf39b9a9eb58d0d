using System.Security.Claims;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Supervision;

/// <summary>One stretch of an agent's presence timeline, clipped to the period asked for.</summary>
public sealed record PresenceSpan(string Presence, DateTimeOffset From, DateTimeOffset To, double Seconds);

/// <summary>An agent's presence over a period: the stretches in order and the seconds spent in each presence.</summary>
public sealed record PresenceTimeline(Guid AgentId, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<PresenceSpan> Spans,
    IReadOnlyDictionary<string, double> Totals);

internal static class SupervisorApi
{
    public static readonly TimeSpan MaxPresencePeriod = TimeSpan.FromDays(92);

    public static IEndpointRouteBuilder MapSupervisorBoard(this IEndpointRouteBuilder routes)
    {
        routes.MapHub<SupervisorHub>("/hubs/supervisor");
        var group = routes.MapGroup("/api/v1/supervisor").WithTags("Supervisor board").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/board", (SupervisorBoard board, CancellationToken ct) => board.SnapshotAsync(ct))
            .WithSummary("The live board now: the same snapshot /hubs/supervisor sends on connect.");
        group.MapGet("/board/conversations", ConversationsAsync)
            .WithSummary("The conversations behind a board figure: waiting, open, atRisk, breached, assigned, frt or resolved (today), optionally of one queue (its id, or 'none') and/or channel.");
        routes.MapGet("/api/v1/agents/{id:guid}/presence", PresenceAsync).WithTags("Agents").RequireAuthorization(Policies.Staff)
            .WithSummary("An agent's presence timeline between from and to (default: today so far); supervisors and admins, or the agent themselves.");
        return routes;
    }

    private static async Task<Results<Ok<IReadOnlyList<BoardConversation>>, ValidationProblem>> ConversationsAsync(
        string? figure, string? queue, string? channel, SupervisorBoard board, CancellationToken ct)
    {
        if (figure is null || !BoardFigures.All.Contains(figure))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["figure"] = [$"figure must be one of {string.Join(", ", BoardFigures.All)}."],
            });
        }
        if (queue is not null && queue != BoardState.NoQueueKey && !Guid.TryParse(queue, out _))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["queue"] = ["queue must be a queue id or 'none'."] });
        }
        var key = queue is null ? null : Guid.TryParse(queue, out var id) ? BoardState.QueueKey(id) : BoardState.NoQueueKey;
        return TypedResults.Ok(await board.ConversationsAsync(figure, key, string.IsNullOrWhiteSpace(channel) ? null : channel.Trim().ToLowerInvariant(), ct));
    }

    private static async Task<Results<Ok<PresenceTimeline>, ValidationProblem, NotFound, ForbidHttpResult>> PresenceAsync(
        Guid id, string? from, string? to, ClaimsPrincipal user, HubDbContext db, Metrics.MetricsSettingsSource settings, TimeProvider time,
        CancellationToken ct)
    {
        if (user.AgentId() != id && !user.CanActOnAnyConversation())
        {
            return TypedResults.Forbid();
        }
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var start = Parse(from, "from", errors) ?? BoardCatchUp.DayStart(now, settings.Current.BoardTimeZone);
        var end = Parse(to, "to", errors) ?? now;
        if (errors.Count == 0 && end <= start)
        {
            errors["to"] = ["to must be after from."];
        }
        if (errors.Count == 0 && end - start > MaxPresencePeriod)
        {
            errors["to"] = [$"The period may be at most {MaxPresencePeriod.TotalDays} days."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        if (!await db.Agents.AnyAsync(a => a.Id == id, ct))
        {
            return TypedResults.NotFound();
        }
        var before = await db.PresenceChanges.AsNoTracking().Where(p => p.AgentId == id && p.At < start).OrderByDescending(p => p.At).FirstOrDefaultAsync(ct);
        var within = await db.PresenceChanges.AsNoTracking().Where(p => p.AgentId == id && p.At >= start && p.At < end).OrderBy(p => p.At).ToListAsync(ct);
        return TypedResults.Ok(Timeline(id, start, end, before?.Presence, within));
    }

    /// <summary>The stretches between the changes, the presence before the first one carried in from before the period (offline if none).</summary>
    internal static PresenceTimeline Timeline(Guid agentId, DateTimeOffset from, DateTimeOffset to, Crm.Routing.AgentPresence? atStart,
        IReadOnlyList<AgentPresenceChange> changes)
    {
        var spans = new List<PresenceSpan>();
        var current = atStart ?? Crm.Routing.AgentPresence.Offline;
        var since = from;
        foreach (var change in changes)
        {
            if (change.At > since && change.Presence != current)
            {
                spans.Add(Span(current, since, change.At));
                since = change.At;
            }
            current = change.Presence;
        }
        if (to > since)
        {
            spans.Add(Span(current, since, to));
        }
        var merged = new List<PresenceSpan>();
        foreach (var s in spans)
        {
            if (merged.Count > 0 && merged[^1].Presence == s.Presence)
            {
                merged[^1] = Span(s.Presence, merged[^1].From, s.To);
            }
            else
            {
                merged.Add(s);
            }
        }
        var totals = merged.GroupBy(s => s.Presence).ToDictionary(g => g.Key, g => g.Sum(s => s.Seconds));
        return new PresenceTimeline(agentId, from, to, merged, totals);
    }

    private static PresenceSpan Span(Crm.Routing.AgentPresence p, DateTimeOffset from, DateTimeOffset to) =>
        Span(p.ToString().ToLowerInvariant(), from, to);

    private static PresenceSpan Span(string p, DateTimeOffset from, DateTimeOffset to) => new(p, from, to, (to - from).TotalSeconds);

    private static DateTimeOffset? Parse(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at))
        {
            return at;
        }
        errors[name] = [$"{name} must be an ISO 8601 date or date-time, such as 2026-11-23 or 2026-11-23T08:00:00Z."];
        return null;
    }
}
