using System.Security.Claims;
using System.Text.Json;
using Crm.Hub.Auth;
using Crm.Hub.Segments;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Contacts;

/// <summary>An upload as the user first sees it: the detected shape, the first rows and a suggested mapping to confirm or change.</summary>
public sealed record ContactImportPreview(Guid Id, string FileName, string Delimiter, bool HasHeader, IReadOnlyList<string> Headers,
    IReadOnlyList<string[]> Rows, IReadOnlyList<ImportColumn> SuggestedMapping, IReadOnlyList<string> Fields);

/// <summary>An import's state and counts; <see cref="ErrorReportUrl"/> is set once rows were skipped.</summary>
public sealed record ContactImportView(Guid Id, string FileName, string Status, int TotalRows, int RowsDone, int Created, int Updated, int Skipped,
    int Errors, string? Failure, string? ErrorReportUrl, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

internal static class ContactImportApi
{
    public static IServiceCollection AddContactImports(this IServiceCollection services)
    {
        services.AddOptions<ContactImportOptions>().BindConfiguration(ContactImportOptions.Section)
            .Validate(o => o.MaxUploadBytes > 0, "Crm:Imports:MaxUploadBytes must be positive.")
            .Validate(o => o.BatchSize is >= 1 and <= 10_000, "Crm:Imports:BatchSize must be 1 to 10000.")
            .ValidateOnStart();
        services.AddSingleton<ContactImportFiles>();
        services.AddSingleton<ContactImportProgress>();
        services.AddScoped<ContactImportRunner>();
        services.AddSingleton<ContactImportWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<ContactImportWorker>());
        return services;
    }

    public static RouteGroupBuilder MapContactImportsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/contact-imports").WithTags("Contact imports").RequireAuthorization(SegmentsApi.AudiencePolicy);
        group.MapPost("/", UploadAsync).WithSummary("Uploads a CSV of contacts (multipart field \"file\") and answers with a preview and a suggested column mapping.");
        group.MapPost("/{id:guid}/start", StartAsync).WithSummary("Confirms the column mapping and starts the import in the background; progress is pushed as ContactImportProgress.");
        group.MapGet("/", ListAsync).WithSummary("The 50 most recent finished imports, newest first (what a segment's \"imported from\" condition can name).");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("An import's status and counts: rows done of total, created, updated, skipped.");
        group.MapPost("/{id:guid}/segment", SegmentAsync)
            .WithSummary("Saves a segment of exactly the contacts a finished import created or merged rows into, named after the file and date, for a campaign's audience.");
        group.MapGet("/{id:guid}/errors.csv", ErrorsAsync).WithSummary("The rows that were not imported, each with its row number and what was wrong.");
        return group;
    }

    private static async Task<Results<Ok<ContactImportPreview>, ProblemHttpResult, ValidationProblem>> UploadAsync(HttpRequest request, HubDbContext db,
        ContactImportFiles files, IOptions<ContactImportOptions> options, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var max = options.Value.MaxUploadBytes;
        if (request.ContentLength > max + 64 * 1024)
        {
            return TooLarge(max);
        }
        if (!request.HasFormContentType)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Send the CSV as multipart/form-data in a field named file."] });
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max + 64 * 1024;
        }
        IFormFile? file;
        try
        {
            var form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = max }, ct);
            file = form.Files.GetFile("file");
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            return ex is BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } || ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? TooLarge(max)
                : TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"The upload could not be read: {ex.Message}"] });
        }
        if (file is null || file.Length == 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["Choose a CSV file: the field \"file\" is missing or empty."] });
        }
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var path = files.UploadPath(id);
        await using (var target = File.Create(path))
        {
            await file.CopyToAsync(target, ct);
        }
        CsvShape shape;
        try
        {
            shape = ContactImportCsv.Preview(path);
        }
        catch (CsvHelper.CsvFormatException ex)
        {
            File.Delete(path);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = [$"This is not a CSV file we can read: {ex.Message.Split('\n')[0]}"] });
        }
        if (shape.Headers.Count == 0)
        {
            File.Delete(path);
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["file"] = ["The file has no rows."] });
        }
        var name = Path.GetFileName(file.FileName);
        db.ContactImports.Add(new ContactImport
        {
            Id = id, AgentId = user.AgentId(), FileName = name.Length > 255 ? name[..255] : name, StoragePath = path, Delimiter = shape.Delimiter,
            Status = ContactImportStatus.Uploaded, CreatedAt = now,
        });
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ContactImportPreview(id, name, shape.Delimiter, shape.HasHeader, shape.Headers, shape.Rows,
            ImportFields.Suggest(shape.Headers, shape.HasHeader, shape.Rows), ImportFields.All));
    }

    private static async Task<Results<Accepted<ContactImportView>, ProblemHttpResult, ValidationProblem>> StartAsync(Guid id, ImportMapping? mapping,
        HubDbContext db, ContactImportFiles files, ContactImportWorker worker, CancellationToken ct)
    {
        var import = await db.ContactImports.FirstOrDefaultAsync(i => i.Id == id, ct);
        if (import is null)
        {
            return NotFound(id);
        }
        if (import.Status != ContactImportStatus.Uploaded)
        {
            return TypedResults.Problem(title: "Already started", detail: $"Import {id} is {Wire(import.Status)}; upload the file again to import it again.",
                statusCode: StatusCodes.Status409Conflict);
        }
        var shape = ContactImportCsv.Preview(files.UploadPath(id));
        var errors = ImportFields.Validate(mapping, shape.Headers.Count);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The column mapping has errors");
        }
        var confirmed = mapping! with { Columns = [.. mapping.Columns.Where(c => c.Field != ImportFields.Ignore)] };
        import.Mapping = JsonSerializer.Serialize(confirmed, ContactImportFiles.Json);
        import.Status = ContactImportStatus.Queued;
        await db.SaveChangesAsync(ct);
        worker.Enqueue(id);
        return TypedResults.Accepted($"/api/v1/contact-imports/{id}", View(import));
    }

    private static async Task<Ok<List<ContactImportView>>> ListAsync(HubDbContext db, CancellationToken ct)
    {
        var imports = await db.ContactImports.AsNoTracking()
            .Where(i => i.Status == ContactImportStatus.Completed || i.Status == ContactImportStatus.Failed)
            .OrderByDescending(i => i.CreatedAt).Take(50).ToListAsync(ct);
        return TypedResults.Ok(imports.Select(View).ToList());
    }

    private static async Task<Results<Ok<ContactImportView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken ct) =>
        await db.ContactImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct) is { } import ? TypedResults.Ok(View(import)) : NotFound(id);

    private static async Task<Results<Created<SegmentView>, ProblemHttpResult>> SegmentAsync(Guid id, HubDbContext db, TimeProvider time,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var import = await db.ContactImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        if (import is null)
        {
            return NotFound(id);
        }
        if (import.Status is not (ContactImportStatus.Completed or ContactImportStatus.Failed))
        {
            return TypedResults.Problem(title: "Import not finished", detail: $"Import {id} is {Wire(import.Status)}; its audience is known once it has finished.",
                statusCode: StatusCodes.Status409Conflict);
        }
        if (import.Created + import.Updated == 0)
        {
            return TypedResults.Problem(title: "No contacts imported", detail: $"Import {id} imported no contacts, so there is no audience to send to.",
                statusCode: StatusCodes.Status409Conflict);
        }
        var definition = new SegmentDefinition(SegmentFields.All, [new SegmentDefinition(Field: SegmentFields.Import, Operator: "is", Value: id.ToString())]);
        var json = definition.ToJson();
        // Asking twice (a double click, the back button) gives the same segment rather than a second copy.
        if (await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Definition == json, ct) is { } existing)
        {
            return TypedResults.Created($"/api/v1/segments/{existing.Id}", SegmentsApi.View(existing));
        }
        var now = time.GetUtcNow();
        var day = (import.FinishedAt ?? import.CreatedAt).ToUniversalTime().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var file = import.FileName.Length > 80 ? import.FileName[..80] : import.FileName;
        var name = $"{file} ({day})";
        var taken = await db.Segments.AsNoTracking().Where(s => s.Name.StartsWith(name)).Select(s => s.Name).ToListAsync(ct);
        for (var n = 2; taken.Contains(name); n++)
        {
            name = $"{file} ({day}) #{n}";
        }
        var segment = new Segment
        {
            Id = Guid.CreateVersion7(now), Name = name, Definition = json, CreatedByAgentId = user.AgentId(), CreatedAt = now, UpdatedAt = now,
        };
        db.Segments.Add(segment);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", SegmentsApi.View(segment));
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> ErrorsAsync(Guid id, HubDbContext db, ContactImportFiles files,
        CancellationToken ct)
    {
        var import = await db.ContactImports.AsNoTracking().FirstOrDefaultAsync(i => i.Id == id, ct);
        var path = files.ErrorReportPath(id);
        if (import is null || !File.Exists(path))
        {
            return TypedResults.Problem(title: "No error report", detail: $"Import {id} has no error report (yet).", statusCode: StatusCodes.Status404NotFound);
        }
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        return TypedResults.File(stream, "text/csv; charset=utf-8", Path.GetFileNameWithoutExtension(import.FileName) + "-errors.csv");
    }

    public static ContactImportView View(ContactImport i) => new(i.Id, i.FileName, Wire(i.Status), i.TotalRows, i.RowsDone, i.Created, i.Updated,
        i.Skipped, i.ErrorCount, i.Failure, i.ErrorCount > 0 ? $"/api/v1/contact-imports/{i.Id}/errors.csv" : null, i.CreatedAt, i.FinishedAt);

    private static string Wire(ContactImportStatus status) => status.ToString().ToLowerInvariant();

    private static ProblemHttpResult TooLarge(long max) => TypedResults.Problem(title: "File too large",
        detail: $"A contact list is at most {max / (1024 * 1024)} MB; split the file.", statusCode: StatusCodes.Status413PayloadTooLarge);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Import not found", detail: $"There is no contact import {id}.", statusCode: StatusCodes.Status404NotFound);
}
