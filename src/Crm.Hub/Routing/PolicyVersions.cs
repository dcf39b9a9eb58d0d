using System.Security.Claims;
using System.Text.Json;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Routing;

public sealed record PolicyVersionView(int Version, DateTimeOffset SavedAt, string SavedBy, string Change);

public sealed record PolicyVersionDetail(int Version, DateTimeOffset SavedAt, string SavedBy, string Change, IReadOnlyList<QueueView> Queues);

/// <summary>
/// The routing policy's history: every saved change is a numbered version holding all queues as they then were. A supervisor
/// can read any version and restore it (itself a new version), and decisions name the version that classified the conversation.
/// </summary>
internal static class PolicyVersions
{
    public const string ConcurrentChange = "Another change to the routing policy was saved at the same moment; reload and try again.";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapPolicyVersionsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/routing/policy/versions").WithTags("Routing").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/", ListAsync).WithSummary("The routing policy's versions, newest first.");
        group.MapGet("/{version:int}", GetAsync).WithSummary("One version: every queue as it was.");
        group.MapPost("/{version:int}/restore", RestoreAsync).WithSummary("Makes an earlier version's queues the policy again, as a new version.");
        return group;
    }

    /// <summary>The version a change starts from: read it before the queues, and pass it to <see cref="SaveAsync"/>.</summary>
    public static async Task<int> CurrentAsync(HubDbContext db, CancellationToken ct) =>
        await db.RoutingPolicyVersions.MaxAsync(v => (int?)v.Version, ct) ?? 0;

    /// <summary>
    /// Saves the pending queue change together with version <paramref name="basedOn"/> + 1; false when another change was saved since
    /// <paramref name="basedOn"/> (that number is taken): the change was validated against queues that are no longer current.
    /// </summary>
    public static async Task<bool> SaveAsync(HubDbContext db, IReadOnlyList<RoutingQueue> queues, string change, int basedOn, ClaimsPrincipal user,
        TimeProvider time, CancellationToken ct)
    {
        var next = basedOn + 1;
        var ordered = queues.OrderBy(q => q.Order).ThenBy(q => q.Name, StringComparer.Ordinal).Select(QueuesApi.View).ToList();
        db.RoutingPolicyVersions.Add(new RoutingPolicyVersion
        {
            Version = next,
            SavedAt = time.GetUtcNow(),
            SavedById = user.AgentId(),
            SavedBy = user.Identity?.Name ?? "unknown",
            Change = change.Length > 300 ? change[..300] : change,
            Queues = JsonSerializer.Serialize(ordered, Json),
        });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }

    private static async Task<Ok<List<PolicyVersionView>>> ListAsync(HubDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.RoutingPolicyVersions.AsNoTracking().OrderByDescending(v => v.Version).Take(200)
            .Select(v => new PolicyVersionView(v.Version, v.SavedAt, v.SavedBy, v.Change)).ToListAsync(ct));

    private static async Task<Results<Ok<PolicyVersionDetail>, NotFound>> GetAsync(int version, HubDbContext db, CancellationToken ct) =>
        await db.RoutingPolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Version == version, ct) is { } v
            ? TypedResults.Ok(new PolicyVersionDetail(v.Version, v.SavedAt, v.SavedBy, v.Change, Queues(v)))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<PolicyVersionView>, NotFound, ValidationProblem, Conflict<string>>> RestoreAsync(int version, HubDbContext db,
        QueueClassifier classifier, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        if (await db.RoutingPolicyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.Version == version, ct) is not { } saved)
        {
            return TypedResults.NotFound();
        }
        var basedOn = await CurrentAsync(db, ct);
        var wanted = Queues(saved);
        var teams = await db.Teams.Select(t => t.Id).ToListAsync(ct);
        if (wanted.Where(q => q.TeamId is Guid t && !teams.Contains(t)).Select(q => q.Name).ToList() is { Count: > 0 } orphans)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["version"] = [$"Version {version} names teams that no longer exist (queues {string.Join(", ", orphans)}); edit those queues instead."],
            });
        }
        var queues = await db.RoutingQueues.ToListAsync(ct);
        var now = time.GetUtcNow();
        db.RoutingQueues.RemoveRange(queues.Where(q => wanted.All(w => w.Id != q.Id)));
        var restored = new List<RoutingQueue>();
        foreach (var w in wanted)
        {
            var queue = queues.Find(q => q.Id == w.Id);
            if (queue is null)
            {
                queue = new RoutingQueue { Id = w.Id, Name = w.Name };
                db.RoutingQueues.Add(queue);
            }
            queue.Name = w.Name;
            QueuesApi.Apply(queue, new QueueInput(w.Name, w.Order, w.Priority, w.FirstResponseSlaSeconds, w.Channels, w.Keywords, w.Skill, w.MinProficiency,
                w.Inboxes, w.Languages, w.ContactTags, w.Categories, w.TeamId, w.OverflowQueueId, w.OverflowAfterSeconds, w.AlertAfterSeconds,
                w.ResolutionSlaSeconds, w.Calendar, w.SetsCategory, w.Survey), now);
            restored.Add(queue);
        }
        if (!await SaveAsync(db, restored, $"version {version} restored", basedOn, user, time, ct))
        {
            return TypedResults.Conflict(ConcurrentChange);
        }
        await classifier.ReloadAsync(ct);
        var latest = await db.RoutingPolicyVersions.AsNoTracking().OrderByDescending(v => v.Version).FirstAsync(ct);
        return TypedResults.Ok(new PolicyVersionView(latest.Version, latest.SavedAt, latest.SavedBy, latest.Change));
    }

    public static List<QueueView> Queues(RoutingPolicyVersion v) => JsonSerializer.Deserialize<List<QueueView>>(v.Queues, Json) ?? [];
}
