using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;

namespace Crm.Hub.Attachments;

internal static class AttachmentsApi
{
    /// <summary>Types a browser may show inline; anything else downloads, so a stored file can never run as a page of ours.</summary>
    private static readonly HashSet<string> InlineTypes =
        ["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain"];

    public static IServiceCollection AddAttachments(this IServiceCollection services)
    {
        services.AddOptions<AttachmentOptions>().BindConfiguration(AttachmentOptions.Section)
            .Validate(o => o.MaxBytes > 0, "Crm:Attachments:MaxBytes must be positive.").ValidateOnStart();
        services.AddSingleton<AttachmentStore>();
        return services;
    }

    public static IEndpointRouteBuilder MapAttachmentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/attachments/{id:guid}", DownloadAsync).RequireAuthorization(Policies.Staff).WithTags("Attachments")
            .WithSummary("A message's file. Images, PDFs and plain text open inline with ?inline=true; everything else downloads.");
        return routes;
    }

    private static async Task<IResult> DownloadAsync(Guid id, bool? inline, HubDbContext db, AttachmentStore store, HttpContext http, CancellationToken ct)
    {
        var attachment = await db.Attachments.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        if (attachment is null)
        {
            return TypedResults.Problem(title: "Attachment not found", detail: $"There is no attachment {id}.", statusCode: StatusCodes.Status404NotFound);
        }
        var file = store.OpenRead(attachment.StoragePath);
        if (file is null)
        {
            return TypedResults.Problem(title: "Attachment file missing",
                detail: $"The file of attachment {id} is no longer in the attachment store.", statusCode: StatusCodes.Status410Gone);
        }
        var showInline = inline == true && InlineTypes.Contains(attachment.ContentType);
        http.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        http.Response.Headers[HeaderNames.ContentSecurityPolicy] = "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'";
        http.Response.Headers[HeaderNames.CacheControl] = "private, max-age=86400, immutable";
        return showInline
            ? TypedResults.Stream(file, attachment.ContentType, enableRangeProcessing: true,
                entityTag: new EntityTagHeaderValue($"\"{attachment.Sha256}\""))
            : TypedResults.File(file, attachment.ContentType, attachment.FileName, enableRangeProcessing: true,
                entityTag: new EntityTagHeaderValue($"\"{attachment.Sha256}\""));
    }
}
