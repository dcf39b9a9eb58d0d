using System.Security.Claims;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Templates;

/// <summary>The text of a template in one locale; <see cref="Subject"/> only for email.</summary>
public sealed record TemplateText(string? Body, string? Subject);

/// <summary>
/// A template to save: <see cref="Channel"/> sms, email, telegram or fax; <see cref="Syntax"/> scriban (default) or liquid;
/// <see cref="Locales"/> the text per locale (en, fa; at least one).
/// </summary>
public sealed record SavedTemplateRequest(string? Name, string? Channel, string? Syntax, IReadOnlyDictionary<string, TemplateText?>? Locales);

public sealed record SavedTemplateView(Guid Id, string Name, string Channel, string Syntax, IReadOnlyDictionary<string, TemplateText> Locales,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>
/// The template library under <c>/api/v1/templates/saved</c>. A template that does not parse is not saved: the answer names each
/// error by locale, field, line and column (readable under <c>errors</c>, structured under <c>templateErrors</c>).
/// </summary>
internal static class SavedTemplatesApi
{
    public const int MaxBodyLength = 20_000;
    public const int MaxSubjectLength = 500;
    internal static readonly string[] Channels = ["sms", "email", "telegram", "fax"];
    private static readonly string[] Locales = ["en", "fa"];

    public static RouteGroupBuilder MapSavedTemplatesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/templates/saved").WithTags("Templates").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", ListAsync).WithSummary("Saved templates, by name.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One saved template with its text per locale.");
        group.MapPost("/", CreateAsync).WithSummary("Saves a new template (it must parse; errors with locale, line and column).");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Replaces a saved template's name, channel, syntax or text.");
        group.MapDelete("/{id:guid}", DeleteAsync).WithSummary("Deletes a saved template (campaigns keep the copy they made).");
        return group;
    }

    private static async Task<Ok<List<SavedTemplateView>>> ListAsync(HubDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.SavedTemplates.AsNoTracking().OrderBy(t => t.Name).ToListAsync(ct)).Select(View).ToList());

    private static async Task<Results<Ok<SavedTemplateView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken ct) =>
        await db.SavedTemplates.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, ct) is { } template ? TypedResults.Ok(View(template)) : NotFound(id);

    private static async Task<Results<Created<SavedTemplateView>, ValidationProblem>> CreateAsync(SavedTemplateRequest request, HubDbContext db,
        CampaignTemplates templates, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var validated = Validate(request, templates);
        if (validated.Problem is null && await db.SavedTemplates.AnyAsync(t => t.Name == validated.Name, ct))
        {
            return DuplicateName(validated.Name);
        }
        if (validated.Problem is { } problem)
        {
            return problem;
        }
        var now = time.GetUtcNow();
        var template = new SavedTemplate { Id = Guid.CreateVersion7(now), Name = validated.Name, Channel = validated.Channel, CreatedAt = now };
        Apply(template, validated, user.AgentId(), now);
        db.SavedTemplates.Add(template);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/templates/saved/{template.Id}", View(template));
    }

    private static async Task<Results<Ok<SavedTemplateView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, SavedTemplateRequest request,
        HubDbContext db, CampaignTemplates templates, TimeProvider time, ClaimsPrincipal user, CancellationToken ct)
    {
        var template = await db.SavedTemplates.FirstOrDefaultAsync(t => t.Id == id, ct);
        if (template is null)
        {
            return NotFound(id);
        }
        var validated = Validate(request, templates);
        if (validated.Problem is null && await db.SavedTemplates.AnyAsync(t => t.Name == validated.Name && t.Id != id, ct))
        {
            return DuplicateName(validated.Name);
        }
        if (validated.Problem is { } problem)
        {
            return problem;
        }
        Apply(template, validated, user.AgentId(), time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(template));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(Guid id, HubDbContext db, CancellationToken ct) =>
        await db.SavedTemplates.Where(t => t.Id == id).ExecuteDeleteAsync(ct) > 0 ? TypedResults.NoContent() : NotFound(id);

    private sealed record Validated(string Name, string Channel, TemplateSyntax Syntax, TemplateText? En, TemplateText? Fa, ValidationProblem? Problem);

    private static Validated Validate(SavedTemplateRequest request, CampaignTemplates templates)
    {
        var errors = new Dictionary<string, string[]>();
        var templateErrors = new Dictionary<string, IReadOnlyList<TemplateError>>();
        var name = (request.Name ?? "").Trim();
        if (name.Length is 0 or > 100)
        {
            errors["name"] = ["A template needs a name of 1 to 100 characters."];
        }
        var channel = request.Channel?.Trim().ToLowerInvariant() ?? "";
        if (!Channels.Contains(channel))
        {
            errors["channel"] = ["channel must be sms, email, telegram or fax."];
        }
        TemplateSyntax? syntax = request.Syntax?.Trim().ToLowerInvariant() switch
        {
            null or "" or "scriban" => TemplateSyntax.Scriban,
            "liquid" => TemplateSyntax.Liquid,
            _ => null,
        };
        if (syntax is null)
        {
            errors["syntax"] = ["syntax must be scriban or liquid."];
        }
        var locales = request.Locales ?? new Dictionary<string, TemplateText?>();
        foreach (var unknown in locales.Keys.Where(k => !Locales.Contains(k)))
        {
            errors[$"locales.{unknown}"] = ["Templates are written in en and fa only."];
        }
        var written = Locales.Where(l => locales.GetValueOrDefault(l) is { Body: not null and not "" }).ToList();
        if (written.Count == 0)
        {
            errors["locales"] = ["Write the message in at least one locale (en or fa)."];
        }
        foreach (var locale in written)
        {
            var text = locales[locale]!;
            Check(text.Body, $"locales.{locale}.body", MaxBodyLength);
            if (channel == "email" && string.IsNullOrWhiteSpace(text.Subject))
            {
                errors[$"locales.{locale}.subject"] = ["An email template needs a subject."];
            }
            else if (channel != "email" && text.Subject is not null)
            {
                errors[$"locales.{locale}.subject"] = ["Only email templates have a subject."];
            }
            else if (text.Subject is not null)
            {
                Check(text.Subject, $"locales.{locale}.subject", MaxSubjectLength);
            }
        }
        var problem = errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, title: "The template has errors.",
            extensions: new Dictionary<string, object?> { ["templateErrors"] = templateErrors });
        return new Validated(name, channel, syntax ?? TemplateSyntax.Scriban, Text("en"), Text("fa"), problem);

        TemplateText? Text(string locale) => written.Contains(locale) ? locales[locale] : null;

        void Check(string? source, string field, int maxLength)
        {
            if (source!.Length > maxLength)
            {
                errors[field] = [$"At most {maxLength} characters."];
                return;
            }
            if (syntax is { } s && templates.Compile(source, s).Errors is { Count: > 0 } found)
            {
                errors[field] = [.. found.Select(e => $"Line {e.Line}, column {e.Column}: {e.Message}")];
                templateErrors[field] = found;
            }
        }
    }

    private static void Apply(SavedTemplate template, Validated v, Guid agentId, DateTimeOffset now)
    {
        template.Name = v.Name;
        template.Channel = v.Channel;
        template.Syntax = v.Syntax;
        template.BodyEn = v.En?.Body;
        template.SubjectEn = v.En?.Subject;
        template.BodyFa = v.Fa?.Body;
        template.SubjectFa = v.Fa?.Subject;
        template.UpdatedByAgentId = agentId;
        template.UpdatedAt = now;
    }

    private static SavedTemplateView View(SavedTemplate t)
    {
        var locales = new Dictionary<string, TemplateText>();
        if (t.BodyEn is not null)
        {
            locales["en"] = new TemplateText(t.BodyEn, t.SubjectEn);
        }
        if (t.BodyFa is not null)
        {
            locales["fa"] = new TemplateText(t.BodyFa, t.SubjectFa);
        }
        return new SavedTemplateView(t.Id, t.Name, t.Channel, t.Syntax.ToString().ToLowerInvariant(), locales, t.CreatedAt, t.UpdatedAt);
    }

    private static ValidationProblem DuplicateName(string name) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = [$"There is already a template named \"{name}\"."] },
            title: "The template has errors.");

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Template not found", detail: $"There is no saved template {id}.", statusCode: StatusCodes.Status404NotFound);
}
