using System.Security.Claims;
using System.Text.Json;
using Crm.Hub.Auth;
using Crm.Hub.Scheduling;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Quartz;

namespace Crm.Hub.Reminders;

/// <summary>
/// A new reminder. <c>followUp</c> (default): <c>dueAt</c> and a conversation or a contact, with a note. <c>customer</c>: a contact,
/// a channel, a built-in template and its variables (e.g. <c>appointment_date</c>). <c>dueAt</c> carries the browser's offset;
/// <c>timeZone</c> is the IANA zone it was picked in.
/// </summary>
public sealed record ReminderRequest(string? Kind, DateTimeOffset? DueAt, string? TimeZone, Guid? ConversationId, Guid? ContactId, string? Note,
    string? Channel, string? Template, Dictionary<string, string>? Variables);

/// <summary>A built-in template a customer reminder can use, with the variables (<c>contact.attributes.*</c>) it reads.</summary>
public sealed record ReminderTemplateView(string Name, IReadOnlyList<string> Locales, IReadOnlyList<string> Variables);

public sealed record RescheduleRequest(DateTimeOffset? DueAt, string? TimeZone, string? Note);

/// <summary>A reminder as the console lists it. <c>Delivery</c>: for a sent customer reminder, its outbox state (pending, sending, sent, failed, unknown).</summary>
public sealed record ReminderView(Guid Id, string Kind, string State, DateTimeOffset DueAt, string? TimeZone, Guid AgentId, string? AgentName,
    Guid ContactId, string? ContactName, Guid? ConversationId, long? ConversationNumber, string? Note, string? Channel, string? Template,
    IReadOnlyDictionary<string, string>? Variables, string? Delivery, string? Outcome, DateTimeOffset CreatedAt, DateTimeOffset? FiredAt,
    DateTimeOffset? CancelledAt);

internal static partial class RemindersApi
{
    public const int MaxNoteLength = 1000;
    public const int MaxVariables = 20;
    public const int MaxVariableLength = 500;
    public static readonly TimeSpan MaxAhead = TimeSpan.FromDays(2 * 366);

    public static RouteGroupBuilder MapRemindersApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/reminders").WithTags("Reminders").RequireAuthorization(Policies.Staff);
        group.MapPost("/", CreateAsync).WithSummary("Schedules a follow-up (for you) or a customer reminder (a template sent to a contact) at dueAt.");
        group.MapGet("/", ListAsync)
            .WithSummary("Reminders, soonest first: scope=mine (default) or all (supervisors, admins); status=upcoming, done or cancelled; by conversation or contact.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One reminder.");
        group.MapGet("/templates", (BuiltInCampaignTemplates builtIns) => TypedResults.Ok(Templates(builtIns)))
            .WithSummary("The built-in templates a customer reminder can use, with the variables each reads (contact.attributes.*).");
        group.MapPut("/{id:guid}", RescheduleAsync).WithSummary("Moves a scheduled reminder to another time (and edits its note).");
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithSummary("Cancels a scheduled reminder: its job is removed and it never fires.");
        return group;
    }

    private static async Task<Results<Created<ReminderView>, ValidationProblem, ProblemHttpResult>> CreateAsync(ReminderRequest request, HubDbContext db,
        ISchedulerFactory schedulers, BuiltInCampaignTemplates builtIns, CampaignTemplates templates, TimeProvider time, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var errors = new Dictionary<string, string[]>();
        var kind = request.Kind?.ToLowerInvariant() switch
        {
            null or "" or "followup" or "follow-up" => ReminderKind.FollowUp,
            "customer" => ReminderKind.Customer,
            _ => (ReminderKind?)null,
        };
        if (kind is null)
        {
            errors["kind"] = ["kind is followUp or customer."];
        }
        ValidateWhen(request.DueAt, request.TimeZone, now, errors);
        if (request.Note is { Length: > MaxNoteLength })
        {
            errors["note"] = [$"note is at most {MaxNoteLength} characters."];
        }

        Guid? contactId = request.ContactId;
        if (request.ConversationId is { } conversationId)
        {
            var owner = await db.Conversations.Where(c => c.Id == conversationId).Select(c => (Guid?)c.ContactId).FirstOrDefaultAsync(ct);
            if (owner is null)
            {
                errors["conversationId"] = [$"There is no conversation {conversationId}."];
            }
            else if (contactId is { } given && given != owner)
            {
                errors["contactId"] = ["contactId is not the conversation's contact; give one or the other."];
            }
            contactId = owner ?? contactId;
        }
        else if (contactId is null)
        {
            errors["contactId"] = [kind == ReminderKind.Customer ? "A customer reminder needs the contact (contactId)." : "Give the conversation or the contact to follow up."];
        }
        if (request.ConversationId is null && contactId is { } cid && !await db.Contacts.AnyAsync(c => c.Id == cid && c.MergedIntoId == null, ct))
        {
            errors["contactId"] = [$"There is no contact {cid}."];
        }
        if (kind == ReminderKind.Customer)
        {
            await ValidateCustomerAsync(request, contactId, db, builtIns, templates, errors, ct);
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The reminder has errors");
        }

        var reminder = new Reminder
        {
            Id = Guid.CreateVersion7(now), Kind = kind!.Value, State = ReminderState.Scheduled, DueAt = request.DueAt!.Value.ToUniversalTime(),
            TimeZone = NullIfEmpty(request.TimeZone), AgentId = user.AgentId(), ContactId = contactId!.Value,
            ConversationId = kind == ReminderKind.FollowUp ? request.ConversationId : null, Note = NullIfEmpty(request.Note?.Trim()),
            Channel = kind == ReminderKind.Customer ? request.Channel : null, Template = kind == ReminderKind.Customer ? request.Template : null,
            Variables = kind == ReminderKind.Customer && request.Variables is { Count: > 0 } v ? JsonSerializer.Serialize(v) : null, CreatedAt = now,
        };
        db.Add(reminder);
        await db.SaveChangesAsync(ct);
        try
        {
            await ScheduleAsync(schedulers, reminder, time, ct);
        }
        catch
        {
            // No job, no reminder: the caller sees the failure and nothing half-made is left behind.
            db.Remove(reminder);
            await db.SaveChangesAsync(CancellationToken.None);
            throw;
        }
        return TypedResults.Created($"/api/v1/reminders/{reminder.Id}", (await ViewsAsync(db, db.Set<Reminder>().Where(r => r.Id == reminder.Id), ct))[0]);
    }

    private static async Task<Results<Ok<List<ReminderView>>, ValidationProblem, ProblemHttpResult>> ListAsync(HubDbContext db, ClaimsPrincipal user,
        string? scope, string? status, Guid? conversationId, Guid? contactId, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (scope is not (null or "" or "mine" or "all"))
        {
            errors["scope"] = ["scope is mine or all."];
        }
        if (status is not (null or "" or "upcoming" or "done" or "cancelled"))
        {
            errors["status"] = ["status is upcoming, done or cancelled."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Bad filter");
        }
        if (scope == "all" && !user.CanActOnAnyConversation())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Supervisors only",
                detail: "Only supervisors and admins see everyone's reminders; ask for scope=mine.");
        }
        var query = db.Set<Reminder>().AsNoTracking();
        if (scope != "all")
        {
            var me = user.AgentId();
            query = query.Where(r => r.AgentId == me);
        }
        query = status switch
        {
            "upcoming" => query.Where(r => r.State == ReminderState.Scheduled),
            "cancelled" => query.Where(r => r.State == ReminderState.Cancelled),
            "done" => query.Where(r => r.State != ReminderState.Scheduled && r.State != ReminderState.Cancelled),
            _ => query,
        };
        if (conversationId is { } conversation)
        {
            query = query.Where(r => r.ConversationId == conversation);
        }
        if (contactId is { } contact)
        {
            query = query.Where(r => r.ContactId == contact);
        }
        // Upcoming ones soonest first; the rest most recent first.
        query = status == "upcoming" ? query.OrderBy(r => r.DueAt) : query.OrderByDescending(r => r.DueAt);
        return TypedResults.Ok(await ViewsAsync(db, query.Take(500), ct));
    }

    private static async Task<Results<Ok<ReminderView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var (reminder, refused) = await LoadAsync(db, id, user, ct);
        return reminder is null ? refused! : TypedResults.Ok((await ViewsAsync(db, db.Set<Reminder>().Where(r => r.Id == id), ct))[0]);
    }

    private static async Task<Results<Ok<ReminderView>, ValidationProblem, ProblemHttpResult>> RescheduleAsync(Guid id, RescheduleRequest request,
        HubDbContext db, ISchedulerFactory schedulers, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var (reminder, refused) = await LoadAsync(db, id, user, ct);
        if (reminder is null)
        {
            return refused!;
        }
        var errors = new Dictionary<string, string[]>();
        ValidateWhen(request.DueAt, request.TimeZone, time.GetUtcNow(), errors);
        if (request.Note is { Length: > MaxNoteLength })
        {
            errors["note"] = [$"note is at most {MaxNoteLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Cannot reschedule");
        }
        if (reminder.State != ReminderState.Scheduled)
        {
            return NotScheduled(reminder, "only a scheduled reminder can be moved");
        }
        var dueAt = request.DueAt!.Value.ToUniversalTime();
        var timeZone = NullIfEmpty(request.TimeZone) ?? reminder.TimeZone;
        var note = request.Note is null ? reminder.Note : NullIfEmpty(request.Note.Trim());
        // Saved first, and only while still scheduled (a firing may have claimed it since it was read): should the old trigger fire
        // in between, it finds the reminder moved later and leaves it alone.
        var moved = await db.Set<Reminder>().Where(r => r.Id == id && r.State == ReminderState.Scheduled)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.DueAt, dueAt).SetProperty(r => r.TimeZone, timeZone).SetProperty(r => r.Note, note), ct);
        await db.Entry(reminder).ReloadAsync(ct);
        if (moved == 0)
        {
            return NotScheduled(reminder, "only a scheduled reminder can be moved");
        }
        await ScheduleAsync(schedulers, reminder, time, ct);
        return TypedResults.Ok((await ViewsAsync(db, db.Set<Reminder>().Where(r => r.Id == id), ct))[0]);
    }

    private static async Task<Results<Ok<ReminderView>, ProblemHttpResult>> CancelAsync(Guid id, HubDbContext db, ISchedulerFactory schedulers,
        TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var (reminder, refused) = await LoadAsync(db, id, user, ct);
        if (reminder is null)
        {
            return refused!;
        }
        if (reminder.State == ReminderState.Scheduled)
        {
            // Conditional, like the firing's claim: when both race, exactly one changes the row, and the other sees that it did.
            var now = time.GetUtcNow();
            var cancelled = await db.Set<Reminder>().Where(r => r.Id == id && r.State == ReminderState.Scheduled)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReminderState.Cancelled).SetProperty(r => r.CancelledAt, now), ct);
            if (cancelled == 0)
            {
                await db.Entry(reminder).ReloadAsync(ct);
            }
        }
        if (reminder.State is not (ReminderState.Scheduled or ReminderState.Cancelled))
        {
            return NotScheduled(reminder, "there is nothing to cancel");
        }
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.DeleteJob(ReminderJob.KeyOf(id), ct);
        return TypedResults.Ok((await ViewsAsync(db, db.Set<Reminder>().Where(r => r.Id == id), ct))[0]);
    }

    private static ProblemHttpResult NotScheduled(Reminder reminder, string why) => reminder.State == ReminderState.Cancelled
        ? TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Cancelled",
            detail: $"The reminder was cancelled at {reminder.CancelledAt:u}; {why}.")
        : TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Already fired",
            detail: $"The reminder fired at {reminder.FiredAt:u} ({Wire(reminder.State)}: {reminder.Outcome}); {why}.");

    internal static async Task ScheduleAsync(ISchedulerFactory schedulers, Reminder reminder, TimeProvider time, CancellationToken ct)
    {
        var scheduler = await schedulers.GetScheduler(ct);
        await scheduler.ScheduleOnceAsync<ReminderJob>(ReminderJob.KeyOf(reminder.Id), reminder.DueAt, ReminderJob.DataOf(reminder.Id), time, ct);
    }

    private static async Task<(Reminder? Reminder, ProblemHttpResult? Refused)> LoadAsync(HubDbContext db, Guid id, ClaimsPrincipal user, CancellationToken ct)
    {
        var reminder = await db.Set<Reminder>().FirstOrDefaultAsync(r => r.Id == id, ct);
        if (reminder is null)
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Reminder not found", detail: $"There is no reminder {id}."));
        }
        if (reminder.AgentId != user.AgentId() && !user.CanActOnAnyConversation())
        {
            return (null, TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not your reminder",
                detail: "Only the agent who set it, a supervisor or an admin can see or change it."));
        }
        return (reminder, null);
    }

    private static async Task<List<ReminderView>> ViewsAsync(HubDbContext db, IQueryable<Reminder> query, CancellationToken ct)
    {
        var rows = await query.Select(r => new
        {
            Reminder = r,
            AgentName = db.Agents.Where(a => a.Id == r.AgentId).Select(a => a.DisplayName).FirstOrDefault(),
            ContactName = db.Contacts.Where(c => c.Id == r.ContactId).Select(c => c.DisplayName).FirstOrDefault(),
            Number = db.Conversations.Where(c => c.Id == r.ConversationId).Select(c => (long?)c.Number).FirstOrDefault(),
            Delivery = db.Outbox.Where(o => o.MessageId == r.MessageId).Select(o => (Outbox.OutboxState?)o.State).FirstOrDefault(),
        }).AsNoTracking().ToListAsync(ct);
        return [.. rows.Select(x =>
        {
            var r = x.Reminder;
            return new ReminderView(r.Id, r.Kind == ReminderKind.FollowUp ? "followUp" : "customer", Wire(r.State), r.DueAt, r.TimeZone, r.AgentId, x.AgentName,
                r.ContactId, x.ContactName, r.ConversationId, x.Number, r.Note, r.Channel, r.Template,
                r.Variables is null ? null : ReminderRunner.ReadVariables(r.Variables), x.Delivery?.ToString().ToLowerInvariant(), r.Outcome, r.CreatedAt,
                r.FiredAt, r.CancelledAt);
        })];
    }

    public static string Wire(ReminderState state) => state.ToString().ToLowerInvariant();

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
