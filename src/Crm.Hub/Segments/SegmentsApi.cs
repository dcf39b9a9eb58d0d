using System.Security.Claims;
using Crm.Hub.Agents;
using Crm.Hub.Auth;
using Crm.Hub.Contacts;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Segments;

public sealed record SegmentView(Guid Id, string Name, SegmentDefinition Definition, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record SegmentRequest(string? Name, SegmentDefinition? Definition);

public sealed record SegmentCount(int Count);

public sealed record SegmentContact(Guid Id, string? DisplayName, string? Email, string? Phone, string? Locale, DateTimeOffset CreatedAt);

public sealed record SegmentContactsPage(int Page, int PageSize, int Total, IReadOnlyList<SegmentContact> Contacts);

internal static class SegmentsApi
{
    /// <summary>Who works on audiences (segments, contact imports): marketers, supervisors and admins.</summary>
    public const string AudiencePolicy = "audience";

    public const int PageSize = 50;

    public static IServiceCollection AddSegments(this IServiceCollection services)
    {
        services.AddAuthorizationBuilder().AddPolicy(AudiencePolicy, p => p.AddAuthenticationSchemes(AuthSetup.StaffScheme)
            .RequireRole(nameof(AgentRole.Marketer), nameof(AgentRole.Supervisor), nameof(AgentRole.Admin)).AddRequirements(new ActiveStaffRequirement()));
        return services;
    }

    public static RouteGroupBuilder MapSegmentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/segments").WithTags("Segments").RequireAuthorization(AudiencePolicy);
        group.MapGet("/", ListAsync).WithSummary("Saved segments, by name.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One segment with its condition tree.");
        group.MapPost("/", CreateAsync).WithSummary("Saves a segment: a name and a condition tree (validated; errors name the path of the bad condition).");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Renames a segment or replaces its conditions.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a segment.");
        group.MapPost("/count", CountAsync).WithSummary("How many contacts an unsaved condition tree matches now (for the editor's live count).");
        group.MapGet("/{id:guid}/contacts", ContactsAsync).WithSummary($"A page ({PageSize}) of the segment's contacts, newest first; page counts from 1.");
        return group;
    }

    private static async Task<Ok<List<SegmentView>>> ListAsync(HubDbContext db, CancellationToken ct)
    {
        var segments = await db.Segments.AsNoTracking().OrderBy(s => s.Name).ToListAsync(ct);
        return TypedResults.Ok(segments.Select(View).ToList());
    }

    private static async Task<Results<Ok<SegmentView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken ct) =>
        await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) is { } segment ? TypedResults.Ok(View(segment)) : NotFound(id);

    private static async Task<Results<Created<SegmentView>, ValidationProblem, ProblemHttpResult>> CreateAsync(SegmentRequest request, HubDbContext db,
        TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = Validate(request, out var name);
        await CheckImportsAsync(db, request.Definition, "definition.", errors, ct);
        if (errors.Count == 0 && await db.Segments.AnyAsync(s => s.Name == name, ct))
        {
            errors["name"] = [$"There is already a segment named \"{name}\"."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The segment has errors");
        }
        var now = time.GetUtcNow();
        var segment = new Segment
        {
            Id = Guid.CreateVersion7(now), Name = name, Definition = request.Definition!.ToJson(), CreatedByAgentId = user.AgentId(),
            CreatedAt = now, UpdatedAt = now,
        };
        db.Segments.Add(segment);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/segments/{segment.Id}", View(segment));
    }

    private static async Task<Results<Ok<SegmentView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, SegmentRequest request, HubDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        var segment = await db.Segments.FirstOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null)
        {
            return NotFound(id);
        }
        var errors = Validate(request, out var name);
        await CheckImportsAsync(db, request.Definition, "definition.", errors, ct);
        if (errors.Count == 0 && await db.Segments.AnyAsync(s => s.Name == name && s.Id != id, ct))
        {
            errors["name"] = [$"There is already a segment named \"{name}\"."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The segment has errors");
        }
        segment.Name = name;
        segment.Definition = request.Definition!.ToJson();
        segment.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(segment));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken ct) =>
        await db.Segments.Where(s => s.Id == id).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : NotFound(id);

    private static async Task<Results<Ok<SegmentCount>, ValidationProblem>> CountAsync(SegmentDefinition? definition, HubDbContext db, TimeProvider time,
        CancellationToken ct)
    {
        var errors = SegmentValidator.Validate(definition);
        await CheckImportsAsync(db, definition, "", errors, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The segment has errors");
        }
        return TypedResults.Ok(new SegmentCount(await SegmentQuery.Build(db, definition!, time).CountAsync(ct)));
    }

    private static async Task<Results<Ok<SegmentContactsPage>, ValidationProblem, ProblemHttpResult>> ContactsAsync(Guid id, int? page, HubDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        if (page is < 1 or > 100_000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["page"] = ["page counts from 1."] });
        }
        var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        if (segment is null)
        {
            return NotFound(id);
        }
        var query = SegmentQuery.Build(db, SegmentDefinition.FromJson(segment.Definition), time).AsNoTracking();
        var number = page ?? 1;
        var total = await query.CountAsync(ct);
        var contacts = await query.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Skip((number - 1) * PageSize).Take(PageSize)
            .Select(c => new SegmentContact(c.Id, c.DisplayName, c.Email, c.Phone, c.Locale, c.CreatedAt)).ToListAsync(ct);
        return TypedResults.Ok(new SegmentContactsPage(number, PageSize, total, contacts));
    }

    private static Dictionary<string, string[]> Validate(SegmentRequest request, out string name)
    {
        name = (request.Name ?? "").Trim();
        var errors = SegmentValidator.Validate(request.Definition)
            .ToDictionary(e => e.Key == "definition" ? e.Key : "definition." + e.Key, e => e.Value);
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["A segment needs a name of 1 to 100 characters."];
        }
        return errors;
    }

    /// <summary>An import condition names an import that exists and was started (an upload still waiting for its columns has no contacts).</summary>
    private static async Task CheckImportsAsync(HubDbContext db, SegmentDefinition? definition, string prefix, Dictionary<string, string[]> errors,
        CancellationToken ct)
    {
        var named = SegmentValidator.Imports(definition).ToList();
        if (named.Count == 0)
        {
            return;
        }
        var ids = named.Select(n => n.ImportId).Distinct().ToList();
        var found = await db.ContactImports.AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.Status, ct);
        foreach (var (path, importId) in named)
        {
            var error = !found.TryGetValue(importId, out var status) ? $"There is no contact import {importId}."
                : status == ContactImportStatus.Uploaded ? $"Contact import {importId} was uploaded but never started; confirm its columns first."
                : null;
            if (error is not null)
            {
                errors[prefix + path + ".value"] = [error];
            }
        }
    }

    internal static SegmentView View(Segment s) => new(s.Id, s.Name, SegmentDefinition.FromJson(s.Definition), s.CreatedAt, s.UpdatedAt);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Segment not found", detail: $"There is no segment {id}.", statusCode: StatusCodes.Status404NotFound);
}
