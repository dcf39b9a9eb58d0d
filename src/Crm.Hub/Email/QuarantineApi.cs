using Crm.Hub.Attachments;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Email;

public sealed record QuarantinedEmailView(Guid Id, string Mailbox, string Folder, long Uid, string? From, string? Subject, string Reason,
    long Size, bool HasRaw, DateTimeOffset QuarantinedAt);

public sealed record QuarantinePage(int Total, IReadOnlyList<QuarantinedEmailView> Items);

/// <summary>Mail the hub could not turn into a conversation message: listed for an admin, downloadable whole, retried or dismissed.</summary>
internal static class QuarantineApi
{
    public static IEndpointRouteBuilder MapEmailQuarantineApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/admin/email/quarantine").WithTags("Admin").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync).WithSummary("Quarantined mail, newest first, with the reason each was not stored as a message.");
        group.MapGet("/{id:guid}/raw", RawAsync).WithSummary("The message exactly as it came from the mailbox (.eml).");
        group.MapPost("/{id:guid}/retry", RetryAsync).WithSummary("Reads the message again (after a fix); it leaves quarantine when it is stored.");
        group.MapDelete("/{id:guid}", DismissAsync).WithSummary("Dismisses a quarantined message; the mailbox keeps its copy.");
        return routes;
    }

    private static async Task<IResult> ListAsync(HubDbContext db, int? skip, int? take, CancellationToken ct)
    {
        if (skip is < 0 || take is < 1 or > 200)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["take"] = ["skip must be 0 or more and take 1-200."] });
        }
        var total = await db.QuarantinedEmails.CountAsync(ct);
        var rows = await db.QuarantinedEmails.AsNoTracking().OrderByDescending(q => q.Id).Skip(skip ?? 0).Take(take ?? 50).ToListAsync(ct);
        return TypedResults.Ok(new QuarantinePage(total, [.. rows.Select(View)]));
    }

    private static async Task<IResult> RawAsync(Guid id, HubDbContext db, AttachmentStore store, CancellationToken ct)
    {
        var row = await db.QuarantinedEmails.AsNoTracking().FirstOrDefaultAsync(q => q.Id == id, ct);
        if (row is null)
        {
            return NotFound(id);
        }
        if (row.StoragePath is null || store.OpenRead(row.StoragePath) is not { } file)
        {
            return TypedResults.Problem(title: "Raw message not kept", detail: "The message was too large to keep here; it is still in the mailbox.",
                statusCode: StatusCodes.Status410Gone);
        }
        return TypedResults.File(file, "message/rfc822", $"quarantined-{row.Uid}.eml");
    }

    private static async Task<IResult> RetryAsync(Guid id, HubDbContext db, AttachmentStore store, EmailIngestor ingestor, CancellationToken ct)
    {
        var row = await db.QuarantinedEmails.FirstOrDefaultAsync(q => q.Id == id, ct);
        if (row is null)
        {
            return NotFound(id);
        }
        if (row.StoragePath is null || store.OpenRead(row.StoragePath) is not { } file)
        {
            return TypedResults.Problem(title: "Raw message not kept", detail: "Only a message whose raw copy was kept can be retried.",
                statusCode: StatusCodes.Status409Conflict);
        }
        byte[] raw;
        await using (file)
        {
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy, ct);
            raw = copy.ToArray();
        }
        db.QuarantinedEmails.Remove(row);
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        var outcome = await ingestor.StoreAsync(new FetchedMail(row.Mailbox, row.Folder, (uint)row.UidValidity, (uint)row.Uid, raw) { Replay = true }, ct);
        return TypedResults.Ok(new { outcome = outcome.ToString().ToLowerInvariant() });
    }

    private static async Task<IResult> DismissAsync(Guid id, HubDbContext db, CancellationToken ct)
    {
        var removed = await db.QuarantinedEmails.Where(q => q.Id == id).ExecuteDeleteAsync(ct);
        return removed == 0 ? NotFound(id) : TypedResults.NoContent();
    }

    private static QuarantinedEmailView View(QuarantinedEmail q) =>
        new(q.Id, q.Mailbox, q.Folder, q.Uid, q.From, q.Subject, q.Reason, q.Size, q.StoragePath is not null, q.QuarantinedAt);

    private static Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Not in quarantine", detail: $"There is no quarantined message {id}.", statusCode: StatusCodes.Status404NotFound);
}
