using System.Security.Claims;
using Crm.Channels;
using Crm.Hub.Auth;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Routing.Classification;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Routing;

public sealed record QueueInput(string? Name, int? Order, int? Priority, int? FirstResponseSlaSeconds, IReadOnlyList<string>? Channels,
    IReadOnlyList<string>? Keywords, string? Skill = null, int? MinProficiency = null, IReadOnlyList<string>? Inboxes = null,
    IReadOnlyList<string>? Languages = null, IReadOnlyList<string>? ContactTags = null, IReadOnlyList<string>? Categories = null,
    Guid? TeamId = null, Guid? OverflowQueueId = null, int? OverflowAfterSeconds = null, int? AlertAfterSeconds = null,
    int? ResolutionSlaSeconds = null, QueueCalendarInput? Calendar = null, string? SetsCategory = null, string? Survey = null);

public sealed record QueueView(Guid Id, string Name, int Order, int Priority, int? FirstResponseSlaSeconds, IReadOnlyList<string> Channels,
    IReadOnlyList<string> Keywords, int Version, DateTimeOffset UpdatedAt, string? Skill = null, int MinProficiency = 1,
    QueueStaffing? Staffing = null, IReadOnlyList<string>? Inboxes = null, IReadOnlyList<string>? Languages = null,
    IReadOnlyList<string>? ContactTags = null, IReadOnlyList<string>? Categories = null, Guid? TeamId = null, Guid? OverflowQueueId = null,
    int? OverflowAfterSeconds = null, int? AlertAfterSeconds = null, int? ResolutionSlaSeconds = null, QueueCalendarInput? Calendar = null,
    string? SetsCategory = null, string? Survey = null);

/// <summary>Who could serve a queue: active agents with capacity on its channels and its skill level, and how many are online now.</summary>
public sealed record QueueStaffing(int EligibleAgents, int EligibleOnline);

public sealed record QueuePreviewRequest(string? Channel, string? Text, string? Inbox = null, IReadOnlyList<string>? ContactTags = null, string? Category = null);

/// <summary>Which queue would take it, what it would get, and why each queue before it did not take it.</summary>
public sealed record QueuePreview(Guid? QueueId, string? Queue, int Priority, int? FirstResponseSlaSeconds, string Explanation,
    IReadOnlyList<string>? Trace = null, string? Language = null, int PolicyVersion = 0, IReadOnlyList<string>? Ladder = null);

/// <summary>Routing queues as data: supervisors add and edit them, the next conversation uses the change, and every change is a policy version.</summary>
internal static class QueuesApi
{
    public const int MaxPriority = 9;

    public static async Task LoadRoutingQueuesAsync(this WebApplication app) =>
        await app.Services.GetRequiredService<QueueClassifier>().ReloadAsync(app.Lifetime.ApplicationStopping);

    public static RouteGroupBuilder MapQueuesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/routing/queues").WithTags("Routing").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/", ListAsync).WithSummary("The queues in the order they are tried.");
        group.MapPost("/", CreateAsync).WithSummary("Adds a queue: which conversations it takes, their priority, SLA, team, skill and escalation.");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Changes a queue; new conversations use it at once. A new policy version.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Removes a queue; conversations already in it keep their priority and SLA.");
        group.MapPost("/preview", PreviewAsync).WithSummary("Which queue would a conversation with this channel, inbox, first message, contact tags and category go to, and why?");
        return group;
    }

    /// <summary>The queues, each with its staffing: a queue nobody could serve is flagged, not discovered when mail piles up.</summary>
    private static async Task<Ok<List<QueueView>>> ListAsync(HubDbContext db, Agents.AgentPresenceTracker presence, CancellationToken ct)
    {
        var queues = await db.RoutingQueues.AsNoTracking().OrderBy(q => q.Order).ThenBy(q => q.Name).ToListAsync(ct);
        var agents = await db.Agents.AsNoTracking().Where(a => a.IsActive).Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams).ToListAsync(ct);
        return TypedResults.Ok(queues.Select(q =>
        {
            var channels = QueueClassifier.Split(q.Channels);
            var eligible = agents.Where(a => a.Capacities.Any(c => c.Capacity > 0 && (channels.Count == 0 || channels.Contains(c.Channel)))
                && (q.TeamId is null || a.Teams.Any(t => t.TeamId == q.TeamId))
                && (q.Skill is null || a.Skills.Any(s => s.Skill == q.Skill && s.Proficiency >= q.MinProficiency))).ToList();
            var online = eligible.Count(a => presence.Effective(a.Id, a.Presence) == Crm.Routing.AgentPresence.Online);
            return View(q) with { Staffing = new QueueStaffing(eligible.Count, online) };
        }).ToList());
    }

    private static async Task<Results<Created<QueueView>, ValidationProblem, Conflict<string>>> CreateAsync(QueueInput input, HubDbContext db,
        QueueClassifier classifier, ClaimsPrincipal user, Supervision.BoardFeed board, TimeProvider time, IOptions<ConversationCategoryOptions> categories,
        CancellationToken ct)
    {
        var basedOn = await PolicyVersions.CurrentAsync(db, ct);
        var queues = await db.RoutingQueues.ToListAsync(ct);
        var queue = new RoutingQueue { Id = Guid.CreateVersion7(time.GetUtcNow()), Name = input.Name?.Trim() ?? "" };
        var errors = await QueueValidation.ValidateAsync(input, queue.Id, queues, db, ct, categories.Value.Categories);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        Apply(queue, input, time.GetUtcNow());
        db.RoutingQueues.Add(queue);
        queues.Add(queue);
        if (!await PolicyVersions.SaveAsync(db, queues, $"queue {queue.Name} added", basedOn, user, time, ct))
        {
            return TypedResults.Conflict(PolicyVersions.ConcurrentChange);
        }
        await classifier.ReloadAsync(ct);
        board.Post(new Supervision.DirectoryChanged());
        return TypedResults.Created($"/api/v1/routing/queues/{queue.Id}", View(queue));
    }

    private static async Task<Results<Ok<QueueView>, NotFound, ValidationProblem, Conflict<string>>> UpdateAsync(Guid id, QueueInput input,
        HubDbContext db, QueueClassifier classifier, ClaimsPrincipal user, Supervision.BoardFeed board, TimeProvider time, IOptions<ConversationCategoryOptions> categories,
        CancellationToken ct)
    {
        var basedOn = await PolicyVersions.CurrentAsync(db, ct);
        var queues = await db.RoutingQueues.ToListAsync(ct);
        if (queues.Find(q => q.Id == id) is not { } queue)
        {
            return TypedResults.NotFound();
        }
        var errors = await QueueValidation.ValidateAsync(input, id, queues, db, ct, categories.Value.Categories);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        queue.Name = input.Name!.Trim();
        Apply(queue, input, time.GetUtcNow());
        if (!await PolicyVersions.SaveAsync(db, queues, $"queue {queue.Name} updated", basedOn, user, time, ct))
        {
            return TypedResults.Conflict(PolicyVersions.ConcurrentChange);
        }
        await classifier.ReloadAsync(ct);
        board.Post(new Supervision.DirectoryChanged());
        return TypedResults.Ok(View(queue));
    }

    private static async Task<Results<NoContent, NotFound, ValidationProblem, Conflict<string>>> DeleteAsync(Guid id, HubDbContext db,
        QueueClassifier classifier, ClaimsPrincipal user, Supervision.BoardFeed board, TimeProvider time,
        CancellationToken ct)
    {
        var basedOn = await PolicyVersions.CurrentAsync(db, ct);
        var queues = await db.RoutingQueues.ToListAsync(ct);
        if (queues.Find(q => q.Id == id) is not { } queue)
        {
            return TypedResults.NotFound();
        }
        if (queues.Where(q => q.OverflowQueueId == id).Select(q => q.Name).ToList() is { Count: > 0 } feeding)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["id"] = [$"{queue.Name} is the overflow of {string.Join(", ", feeding)}: change their overflow first."],
            });
        }
        db.RoutingQueues.Remove(queue);
        queues.Remove(queue);
        if (!await PolicyVersions.SaveAsync(db, queues, $"queue {queue.Name} removed", basedOn, user, time, ct))
        {
            return TypedResults.Conflict(PolicyVersions.ConcurrentChange);
        }
        await classifier.ReloadAsync(ct);
        board.Post(new Supervision.DirectoryChanged());
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
        var policy = classifier.Policy;
        var facts = new ConversationFacts(channel, request.Text ?? "", string.IsNullOrWhiteSpace(request.Inbox) ? null : request.Inbox.Trim(),
            [.. (request.ContactTags ?? []).Select(t => t.Trim().ToLowerInvariant())], request.Category?.Trim().ToLowerInvariant());
        var (rule, trace) = policy.Explain(facts);
        var ladder = policy.LadderFrom(rule?.Id).Select(s => $"after {s.After.TotalSeconds:0} s: {s.Name}").ToList();
        return TypedResults.Ok(rule is null
            ? new QueuePreview(null, null, 0, null, "no queue matches: default priority 0, no SLA", trace, facts.Language, policy.Version, [])
            : new QueuePreview(rule.Id, rule.Name, rule.Priority, rule.FirstResponseSla is { } s ? (int)s.TotalSeconds : null, rule.Describe(),
                trace, facts.Language, policy.Version, ladder));
    }

    public static void Apply(RoutingQueue queue, QueueInput input, DateTimeOffset now)
    {
        queue.Order = input.Order ?? 0;
        queue.Priority = input.Priority ?? 0;
        queue.FirstResponseSlaSeconds = input.FirstResponseSlaSeconds;
        queue.Channels = Join(input.Channels, lower: true);
        queue.Keywords = string.Join(',', (input.Keywords ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase));
        queue.Inboxes = Join(input.Inboxes, lower: false);
        queue.Languages = Join(input.Languages, lower: true);
        queue.ContactTags = Join(input.ContactTags, lower: true);
        queue.Categories = Join(input.Categories, lower: true);
        queue.Skill = string.IsNullOrWhiteSpace(input.Skill) ? null : Agents.AgentSkills.Normalize(input.Skill);
        queue.MinProficiency = queue.Skill is null ? 1 : input.MinProficiency ?? 1;
        queue.TeamId = input.TeamId;
        queue.OverflowQueueId = input.OverflowQueueId;
        queue.OverflowAfterSeconds = input.OverflowQueueId is null ? null : input.OverflowAfterSeconds;
        queue.AlertAfterSeconds = input.AlertAfterSeconds;
        queue.Survey = string.IsNullOrWhiteSpace(input.Survey) ? null : input.Survey.Trim().ToLowerInvariant();
        queue.ResolutionSlaSeconds = input.ResolutionSlaSeconds;
        queue.BusinessHours = QueueCalendar.Serialize(input.Calendar);
        queue.SetsCategory = string.IsNullOrWhiteSpace(input.SetsCategory) ? null : input.SetsCategory.Trim().ToLowerInvariant();
        queue.Version++;
        queue.UpdatedAt = now;
    }

    private static string Join(IReadOnlyList<string>? values, bool lower) =>
        string.Join(',', (values ?? []).Select(v => lower ? v.Trim().ToLowerInvariant() : v.Trim()).Where(v => v.Length > 0).Distinct());

    public static QueueView View(RoutingQueue q) => new(q.Id, q.Name, q.Order, q.Priority, q.FirstResponseSlaSeconds,
        QueueClassifier.Split(q.Channels), QueueClassifier.Split(q.Keywords), q.Version, q.UpdatedAt, q.Skill, q.MinProficiency, null,
        QueueClassifier.Split(q.Inboxes), QueueClassifier.Split(q.Languages), QueueClassifier.Split(q.ContactTags), QueueClassifier.Split(q.Categories),
        q.TeamId, q.OverflowQueueId, q.OverflowAfterSeconds, q.AlertAfterSeconds, q.ResolutionSlaSeconds, QueueCalendar.Deserialize(q.BusinessHours),
        q.SetsCategory, q.Survey);
}
