using System.Security.Claims;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Surveys;

public sealed record FollowUpView(Guid Id, Guid ConversationId, long ConversationNumber, Guid ContactId, string? ContactName, Guid? AgentId,
    string? AgentName, string Reason, string Detail, string Status, Guid? OwnerId, string? OwnerName, DateTimeOffset CreatedAt,
    DateTimeOffset? DoneAt, string? Note);

public sealed record FollowUpClose(string? Note);

/// <summary>Follow-up tasks: supervisors list them, take one (become its owner) and close it with a note.</summary>
internal static class FollowUpsApi
{
    public const int MaxNote = 2000;

    public static RouteGroupBuilder MapFollowUpsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/follow-ups").WithTags("Surveys").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/", ListAsync).WithSummary("Follow-up tasks, newest first: status open (default), done or all.");
        group.MapPost("/{id:guid}/take", async Task<Results<Ok<FollowUpView>, NotFound, ProblemHttpResult>> (Guid id, HubDbContext db, ClaimsPrincipal user,
            CancellationToken ct) =>
        {
            if (await db.FollowUpTasks.FirstOrDefaultAsync(f => f.Id == id, ct) is not { } task)
            {
                return TypedResults.NotFound();
            }
            if (task.Status == FollowUpStatus.Done)
            {
                return TypedResults.Problem(title: "Already done", detail: "This follow-up is closed.", statusCode: StatusCodes.Status409Conflict);
            }
            task.OwnerId = user.AgentId();
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok((await ViewsAsync(db, db.FollowUpTasks.Where(f => f.Id == id), ct))[0]);
        }).WithSummary("Makes the caller the follow-up's owner.");
        group.MapPost("/{id:guid}/close", async Task<Results<Ok<FollowUpView>, NotFound, ValidationProblem>> (Guid id, FollowUpClose? request,
            HubDbContext db, ClaimsPrincipal user, TimeProvider time, CancellationToken ct) =>
        {
            if (request?.Note is { Length: > MaxNote })
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["note"] = [$"A note is at most {MaxNote} characters."] });
            }
            if (await db.FollowUpTasks.FirstOrDefaultAsync(f => f.Id == id, ct) is not { } task)
            {
                return TypedResults.NotFound();
            }
            if (task.Status == FollowUpStatus.Open)
            {
                task.Status = FollowUpStatus.Done;
                task.DoneAt = time.GetUtcNow();
                task.OwnerId ??= user.AgentId();
                task.Note = string.IsNullOrWhiteSpace(request?.Note) ? task.Note : request.Note.Trim();
                await db.SaveChangesAsync(ct);
            }
            return TypedResults.Ok((await ViewsAsync(db, db.FollowUpTasks.Where(f => f.Id == id), ct))[0]);
        }).WithSummary("Marks the follow-up done, with an optional note (closing a closed one changes nothing).");
        return group;
    }

    private static async Task<Results<Ok<List<FollowUpView>>, ValidationProblem>> ListAsync(HubDbContext db, string? status, CancellationToken ct)
    {
        var query = db.FollowUpTasks.AsQueryable();
        switch (status?.ToLowerInvariant())
        {
            case null or "open":
                query = query.Where(f => f.Status == FollowUpStatus.Open);
                break;
            case "done":
                query = query.Where(f => f.Status == FollowUpStatus.Done);
                break;
            case "all":
                break;
            default:
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["status"] = ["status is open, done or all."] });
        }
        return TypedResults.Ok(await ViewsAsync(db, query, ct));
    }

    private static async Task<List<FollowUpView>> ViewsAsync(HubDbContext db, IQueryable<FollowUpTask> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking().OrderByDescending(f => f.CreatedAt).Take(200)
            .Select(f => new
            {
                Task = f,
                Number = db.Conversations.Where(c => c.Id == f.ConversationId).Select(c => c.Number).FirstOrDefault(),
                Contact = db.Contacts.Where(c => c.Id == f.ContactId).Select(c => c.DisplayName).FirstOrDefault(),
                Agent = db.Agents.Where(a => a.Id == f.AgentId).Select(a => a.DisplayName).FirstOrDefault(),
                Owner = db.Agents.Where(a => a.Id == f.OwnerId).Select(a => a.DisplayName).FirstOrDefault(),
            }).ToListAsync(ct);
        return rows.Select(r => new FollowUpView(r.Task.Id, r.Task.ConversationId, r.Number, r.Task.ContactId, r.Contact, r.Task.AgentId, r.Agent,
            r.Task.Reason, r.Task.Detail, r.Task.Status.ToString().ToLowerInvariant(), r.Task.OwnerId, r.Owner, r.Task.CreatedAt, r.Task.DoneAt,
            r.Task.Note)).ToList();
    }
}
