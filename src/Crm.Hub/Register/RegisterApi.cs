using System.Security.Claims;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Register;

/// <summary>A complaint or suggestion as the register lists it.</summary>
public sealed record RegisterItem(Guid ConversationId, long Number, string Kind, string Status, Guid? OwnerId, string? OwnerName, Guid ContactId,
    string? ContactName, string Channel, string ConversationStatus, DateTimeOffset OpenedAt, DateTimeOffset? ResolvedAt, string? Preview,
    string? Note, DateTimeOffset? UpdatedAt);

/// <summary>A change of status (open, inProgress, resolved), owner (an agent id; null: nobody) and note. Omitted fields stay as they are, except the owner, which is always set.</summary>
public sealed record RegisterUpdate(string? Status, Guid? OwnerId, string? Note);

/// <summary>
/// The complaints and suggestions register: every conversation filed under <c>complaint</c> or <c>suggestion</c> (by an agent or
/// by its queue's rule), with where its follow-up stands and who owns it. Supervisors and admins only.
/// </summary>
internal static class RegisterApi
{
    public static readonly string[] Kinds = ["complaint", "suggestion"];
    public const int MaxItems = 500;

    public static RouteGroupBuilder MapRegisterApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/register").WithTags("Register").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapGet("/", ListAsync)
            .WithSummary("Complaints and suggestions, newest first (at most 500): kind=complaint|suggestion, status=open|inProgress|resolved, owner=me|none|an agent id.");
        group.MapPut("/{conversationId:guid}", UpdateAsync).WithSummary("Changes a register entry's status, owner and note.");
        return group;
    }

    private static async Task<Results<Ok<List<RegisterItem>>, ValidationProblem>> ListAsync(string? kind, string? status, string? owner,
        HubDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var kinds = Kinds;
        if (!string.IsNullOrWhiteSpace(kind))
        {
            var k = kind.Trim().ToLowerInvariant();
            if (Kinds.Contains(k))
            {
                kinds = [k];
            }
            else
            {
                errors["kind"] = [$"'{kind}' is not a register kind; use complaint or suggestion."];
            }
        }
        RegisterStatus? wanted = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (TryStatus(status, out var s))
            {
                wanted = s;
            }
            else
            {
                errors["status"] = [$"'{status}' is not a status; use open, inProgress or resolved."];
            }
        }
        Guid? ownerId = null;
        var unowned = false;
        switch (owner?.Trim().ToLowerInvariant())
        {
            case null or "":
                break;
            case "me":
                ownerId = StaffClaims.AgentId(user);
                break;
            case "none":
                unowned = true;
                break;
            default:
                if (Guid.TryParse(owner, out var id))
                {
                    ownerId = id;
                }
                else
                {
                    errors["owner"] = [$"'{owner}' is not an owner; use me, none or an agent id."];
                }
                break;
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var query =
            from c in db.Conversations.AsNoTracking()
            where c.Category != null && kinds.Contains(c.Category)
            join r in db.RegisterEntries.AsNoTracking() on c.Id equals r.ConversationId into entries
            from r in entries.DefaultIfEmpty()
            select new { c, r };
        if (wanted is { } st)
        {
            query = st == RegisterStatus.Open ? query.Where(x => x.r == null || x.r.Status == RegisterStatus.Open) : query.Where(x => x.r != null && x.r.Status == st);
        }
        if (ownerId is { } o)
        {
            query = query.Where(x => x.r != null && x.r.OwnerId == o);
        }
        else if (unowned)
        {
            query = query.Where(x => x.r == null || x.r.OwnerId == null);
        }
        var rows = await query.OrderByDescending(x => x.c.CreatedAt).Take(MaxItems)
            .Select(x => new
            {
                x.c.Id, x.c.Number, x.c.Category, Status = x.r == null ? RegisterStatus.Open : x.r.Status, OwnerId = x.r == null ? null : x.r.OwnerId,
                x.c.ContactId, ContactName = x.c.Contact!.DisplayName, x.c.Channel, ConversationStatus = x.c.Status, x.c.CreatedAt, x.c.ResolvedAt,
                x.c.LastMessagePreview, Note = x.r == null ? null : x.r.Note, UpdatedAt = x.r == null ? (DateTimeOffset?)null : x.r.UpdatedAt,
            }).ToListAsync(ct);
        var owners = rows.Where(r => r.OwnerId != null).Select(r => r.OwnerId!.Value).Distinct().ToList();
        var names = await db.Agents.AsNoTracking().Where(a => owners.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return TypedResults.Ok(rows.Select(r => new RegisterItem(r.Id, r.Number, r.Category!, Wire(r.Status), r.OwnerId,
            r.OwnerId is { } oid ? names.GetValueOrDefault(oid) : null, r.ContactId, r.ContactName, r.Channel,
            r.ConversationStatus.ToString().ToLowerInvariant(), r.CreatedAt, r.ResolvedAt, r.LastMessagePreview, r.Note, r.UpdatedAt)).ToList());
    }

    private static async Task<Results<Ok<RegisterItem>, NotFound, ValidationProblem>> UpdateAsync(Guid conversationId, RegisterUpdate update,
        HubDbContext db, ClaimsPrincipal user, TimeProvider time, CancellationToken ct)
    {
        var conversation = await db.Conversations.AsNoTracking().Include(c => c.Contact).FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null)
        {
            return TypedResults.NotFound();
        }
        var errors = new Dictionary<string, string[]>();
        if (conversation.Category is not { } category || !Kinds.Contains(category))
        {
            errors["conversationId"] = [$"Conversation #{conversation.Number} is not filed as a complaint or suggestion (its category is {conversation.Category ?? "none"})."];
        }
        RegisterStatus? status = null;
        if (update.Status is not null)
        {
            if (TryStatus(update.Status, out var s))
            {
                status = s;
            }
            else
            {
                errors["status"] = [$"'{update.Status}' is not a status; use open, inProgress or resolved."];
            }
        }
        string? ownerName = null;
        if (update.OwnerId is { } ownerId)
        {
            ownerName = await db.Agents.AsNoTracking().Where(a => a.Id == ownerId && a.IsActive).Select(a => a.DisplayName).FirstOrDefaultAsync(ct);
            if (ownerName is null)
            {
                errors["ownerId"] = [$"There is no active agent {ownerId}."];
            }
        }
        if (update.Note is { Length: > 1000 })
        {
            errors["note"] = ["A note is at most 1,000 characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var entry = await db.RegisterEntries.FirstOrDefaultAsync(r => r.ConversationId == conversationId, ct);
        if (entry is null)
        {
            entry = new RegisterEntry { ConversationId = conversationId, Status = RegisterStatus.Open };
            db.RegisterEntries.Add(entry);
        }
        entry.Status = status ?? entry.Status;
        entry.OwnerId = update.OwnerId;
        entry.Note = update.Note is null ? entry.Note : string.IsNullOrWhiteSpace(update.Note) ? null : update.Note.Trim();
        entry.UpdatedAt = time.GetUtcNow();
        entry.UpdatedBy = StaffClaims.AgentId(user);
        await db.SaveChangesAsync(ct);
        var c = conversation;
        return TypedResults.Ok(new RegisterItem(c.Id, c.Number, c.Category!, Wire(entry.Status), entry.OwnerId, ownerName, c.ContactId, c.Contact?.DisplayName,
            c.Channel, c.Status.ToString().ToLowerInvariant(), c.CreatedAt, c.ResolvedAt, c.LastMessagePreview, entry.Note, entry.UpdatedAt));
    }

    private static bool TryStatus(string text, out RegisterStatus status)
    {
        var t = text.Trim().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        return Enum.TryParse(t, ignoreCase: true, out status) && Enum.IsDefined(status) && !int.TryParse(t, out _);
    }

    private static string Wire(RegisterStatus status) => status switch
    {
        RegisterStatus.InProgress => "inProgress",
        RegisterStatus.Resolved => "resolved",
        _ => "open",
    };
}
