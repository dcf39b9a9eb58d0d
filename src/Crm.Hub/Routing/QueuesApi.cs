using Crm.Channels;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Routing;

public sealed record QueueInput(string? Name, int? Order, int? Priority, int? FirstResponseSlaSeconds, IReadOnlyList<string>? Channels,
    IReadOnlyList<string>? Keywords, string? Skill = null, int? MinProficiency = null);

public sealed record QueueView(Guid Id, string Name, int Order, int Priority, int? FirstResponseSlaSeconds, IReadOnlyList<string> Channels,
    IReadOnlyList<string> Keywords, int Version, DateTimeOffset UpdatedAt, string? Skill = null, int MinProficiency = 1,
    QueueStaffing? Staffing = null);

/// <summary>Who could serve a queue: active agents with capacity on its channels and its skill level, and how many are online now.</summary>
public sealed record QueueStaffing(int EligibleAgents, int EligibleOnline);

public sealed record QueuePreviewRequest(string? Channel, string? Text);

public sealed record QueuePreview(Guid? QueueId, string? Queue, int Priority, int? FirstResponseSlaSeconds, string Explanation);

/// <summary>Routing queues as data: supervisors add and edit them, and the next conversation uses the change.</summary>
internal static class QueuesApi
{
    public const int MaxPriority = 9;

    public static async Task LoadRoutingQueuesAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<QueueClassifier>().ReloadAsync(app.Lifetime.ApplicationStopping);

    public static RouteGroupBuilder MapQueuesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/routing/queues").WithTags("Routing").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/", ListAsync).WithSummary("The queues in the order they are tried.");
        group.MapPost("/", CreateAsync).WithSummary("Adds a queue: which conversations it takes (channels, keywords), their priority and first-response SLA.");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Changes a queue; new conversations use it at once. Bumps the version.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Removes a queue; conversations already in it keep their priority and SLA.");
        group.MapPost("/preview", PreviewAsync).WithSummary("Which queue would a conversation opened on this channel with this first message go to?");
        return group;
    }

    /// <summary>The queues, each with its staffing: a queue nobody could serve is flagged, not discovered when mail piles up.</summary>
    private static async Task<Ok<List<QueueView>>> ListAsync(HubDbContext db, Agents.AgentPresenceTracker presence, CancellationToken ct)
    {
        var queues = await db.RoutingQueues.AsNoTracking().OrderBy(q => q.Order).ThenBy(q => q.Name).ToListAsync(ct);
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).Include(a => a.Capacities).Include(a => a.Skills).ToListAsync(ct);
        return TypedResults.Ok(queues.Select(q =>
        {
            var channels = QueueRule.Split(q.Channels);
            var eligible = agents.Where(a => a.Capacities.Any(c => c.Capacity > 0 && (channels.Count == 0 || channels.Contains(c.Channel)))
                && (q.Skill is null || a.Skills.Any(s => s.Skill == q.Skill && s.Proficiency >= q.MinProficiency))).ToList();
            var online = eligible.Count(a => presence.Effective(a.Id, a.Presence) == Crm.Routing.AgentPresence.Online);
            return View(q) with { Staffing = new QueueStaffing(eligible.Count, online) };
        }).ToList());
    }

    private static async Task<Results<Created<QueueView>, ValidationProblem>> CreateAsync(QueueInput input, HubDbContext db, QueueClassifier classifier,
        TimeProvider time, CancellationToken ct)
    {
        var errors = await ValidateAsync(input, null, db, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var queue = new RoutingQueue { Id = Guid.CreateVersion7(time.GetUtcNow()), Name = input.Name!.Trim() };
        Apply(queue, input, time.GetUtcNow());
        db.RoutingQueues.Add(queue);
        await db.SaveChangesAsync(ct);
        await classifier.ReloadAsync(ct);
        return TypedResults.Created($"/api/v1/routing/queues/{queue.Id}", View(queue));
    }

    private static async Task<Results<Ok<QueueView>, NotFound, ValidationProblem>> UpdateAsync(Guid id, QueueInput input, HubDbContext db,
        QueueClassifier classifier, TimeProvider time, CancellationToken ct)
    {
        var queue = await db.RoutingQueues.FirstOrDefaultAsync(q => q.Id == id, ct);
        if (queue is null)
        {
            return TypedResults.NotFound();
        }
        var errors = await ValidateAsync(input, id, db, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        queue.Name = input.Name!.Trim();
        Apply(queue, input, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await classifier.ReloadAsync(ct);
        return TypedResults.Ok(View(queue));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, HubDbContext db, QueueClassifier classifier, CancellationToken ct)
    {
        if (await db.RoutingQueues.Where(q => q.Id == id).ExecuteDeleteAsync(ct) == 0)
        {
            return TypedResults.NotFound();
        }
        await classifier.ReloadAsync(ct);
        return TypedResults.NoContent();
    }

    private static Results<Ok<QueuePreview>, ValidationProblem> PreviewAsync(QueuePreviewRequest request, QueueClassifier classifier)
    {
        if (request.Channel is not { } channel || !ChannelNames.IsKnown(channel))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["channel"] = [$"channel must be one of {string.Join(", ", ChannelNames.All)}."],
            });
        }
        var rule = classifier.Classify(channel, request.Text ?? "");
        return TypedResults.Ok(rule is null
            ? new QueuePreview(null, null, 0, null, "no queue matches: default priority 0, no SLA")
            : new QueuePreview(rule.Id, rule.Name, rule.Priority, rule.FirstResponseSla is { } s ? (int)s.TotalSeconds : null, QueueClassifier.Describe(rule)));
    }

    private static void Apply(RoutingQueue queue, QueueInput input, DateTimeOffset now)
    {
        queue.Order = input.Order ?? 0;
        queue.Priority = input.Priority ?? 0;
        queue.FirstResponseSlaSeconds = input.FirstResponseSlaSeconds;
        queue.Channels = string.Join(',', (input.Channels ?? []).Select(c => c.Trim().ToLowerInvariant()).Where(c => c.Length > 0).Distinct());
        queue.Keywords = string.Join(',', (input.Keywords ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase));
        queue.Skill = string.IsNullOrWhiteSpace(input.Skill) ? null : Agents.AgentSkills.Normalize(input.Skill);
        queue.MinProficiency = queue.Skill is null ? 1 : input.MinProficiency ?? 1;
        queue.Version++;
        queue.UpdatedAt = now;
    }

    private static async Task<Dictionary<string, string[]>> ValidateAsync(QueueInput input, Guid? id, HubDbContext db, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["A name of 1 to 100 characters is required."];
        }
        else if (await db.RoutingQueues.AnyAsync(q => q.Name == name && q.Id != id, ct))
        {
            errors["name"] = [$"There is already a queue named {name}."];
        }
        if (input.Priority is < 0 or > MaxPriority)
        {
            errors["priority"] = [$"Priority is 0 (normal) to {MaxPriority} (most urgent)."];
        }
        if (input.FirstResponseSlaSeconds is < 1 or > 7 * 86400)
        {
            errors["firstResponseSlaSeconds"] = ["The first-response SLA is 1 second to 7 days, or empty for none."];
        }
        if ((input.Channels ?? []).FirstOrDefault(c => !ChannelNames.IsKnown(c.Trim().ToLowerInvariant())) is { } unknown)
        {
            errors["channels"] = [$"'{unknown}' is not a channel; use {string.Join(", ", ChannelNames.All)}."];
        }
        if (!string.IsNullOrWhiteSpace(input.Skill))
        {
            var skill = Agents.AgentSkills.Normalize(input.Skill);
            if (!Agents.AgentSkills.IsValidName(skill))
            {
                errors["skill"] = [$"'{input.Skill}' is not a skill name: 1-64 letters, digits, '-', '_' or spaces."];
            }
            else if (!await db.AgentSkills.AnyAsync(s => s.Skill == skill, ct))
            {
                // A queue nobody can serve would only ever fall back: name a skill some agent has.
                var known = await db.AgentSkills.Select(s => s.Skill).Distinct().OrderBy(s => s).Take(20).ToListAsync(ct);
                errors["skill"] = [known.Count == 0
                    ? $"No agent has the skill '{skill}' (no agent has any skill yet): add it to agents first."
                    : $"No agent has the skill '{skill}'; known skills: {string.Join(", ", known)}."];
            }
        }
        if (input.MinProficiency is < 1 or > 5)
        {
            errors["minProficiency"] = ["The minimum proficiency is 1 (basic) to 5 (expert)."];
        }
        var keywords = string.Join(',', input.Keywords ?? []);
        if (keywords.Length > 2000 || (input.Keywords ?? []).Any(k => k.Contains(',', StringComparison.Ordinal)))
        {
            errors["keywords"] = ["Keywords are at most 2,000 characters in all, one word or phrase per entry (no commas)."];
        }
        return errors;
    }

    private static QueueView View(RoutingQueue q) => new(q.Id, q.Name, q.Order, q.Priority, q.FirstResponseSlaSeconds,
        QueueRule.Split(q.Channels), QueueRule.Split(q.Keywords), q.Version, q.UpdatedAt, q.Skill, q.MinProficiency);
}
