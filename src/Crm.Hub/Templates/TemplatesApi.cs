using Crm.Hub.Auth;
using Crm.Hub.Campaigns;
using Crm.Hub.Hosting;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Templates;

/// <summary>
/// A template to try out. <see cref="Syntax"/>: scriban (default) or liquid; <see cref="Channel"/>: sms, email, telegram
/// or fax; <see cref="Locale"/>: en (default) or fa. Without <see cref="ContactId"/> a sample contact of the locale is used.
/// </summary>
public sealed record TemplatePreviewRequest(string? Body, string? Channel, string? Syntax = null, string? Locale = null, Guid? ContactId = null,
    string? Subject = null);

/// <summary>
/// The rendered message: <see cref="Html"/> for email (contact values HTML-encoded), <see cref="Text"/> otherwise, with the
/// segment count and cost for SMS.
/// </summary>
public sealed record TemplatePreview(string Channel, string Locale, Guid? ContactId, string? Text, string? Html, string? Subject, SmsCostEstimate? Sms);

internal static class TemplatesApi
{
    private const int MaxBodyLength = SavedTemplatesApi.MaxBodyLength;
    private static string[] Channels => SavedTemplatesApi.Channels;

    public static IServiceCollection AddCampaignTemplates(this IServiceCollection services)
    {
        services.AddSingleton<CampaignTemplates>();
        services.AddSingleton<BuiltInCampaignTemplates>();
        return services;
    }

    public static RouteGroupBuilder MapTemplatesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/templates").WithTags("Templates").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", (BuiltInCampaignTemplates builtIn) => TypedResults.Ok(builtIn.All()))
            .WithSummary("The built-in campaign templates with their message (and email subject) per locale.");
        group.MapPost("/preview", PreviewAsync)
            .WithSummary("Renders a template for a real contact (or a sample one): text or HTML, with segments and cost for SMS; errors with line and column.");
        return group;
    }

    private static async Task<Results<Ok<TemplatePreview>, ValidationProblem, NotFound>> PreviewAsync(TemplatePreviewRequest request, HubDbContext db,
        CampaignTemplates templates, IOptions<CampaignOptions> campaigns, IOptions<HubOptions> hub, CancellationToken ct)
    {
        var problems = new Dictionary<string, string[]>();
        var channel = request.Channel?.Trim().ToLowerInvariant();
        if (channel is null || !Channels.Contains(channel))
        {
            problems["channel"] = ["channel must be sms, email, telegram or fax."];
        }
        var locale = request.Locale?.Trim().ToLowerInvariant() ?? "en";
        if (locale is not ("en" or "fa"))
        {
            problems["locale"] = ["locale must be en or fa."];
        }
        TemplateSyntax? syntax = request.Syntax?.Trim().ToLowerInvariant() switch
        {
            null or "scriban" => TemplateSyntax.Scriban,
            "liquid" => TemplateSyntax.Liquid,
            _ => null,
        };
        if (syntax is null)
        {
            problems["syntax"] = ["syntax must be scriban or liquid."];
        }
        if (string.IsNullOrWhiteSpace(request.Body) || request.Body.Length > MaxBodyLength)
        {
            problems["body"] = [$"body must be a template of 1 to {MaxBodyLength} characters."];
        }
        if (problems.Count > 0)
        {
            return TypedResults.ValidationProblem(problems);
        }

        var contact = SampleContact(locale);
        if (request.ContactId is { } id)
        {
            var stored = await db.Contacts.AsNoTracking().Where(c => c.Id == id && c.MergedIntoId == null)
                .Select(c => new { c.DisplayName, c.Email, c.Phone }).FirstOrDefaultAsync(ct);
            if (stored is null)
            {
                return TypedResults.NotFound();
            }
            contact = new TemplateContact(stored.DisplayName, stored.Email, stored.Phone, locale);
        }
        var campaign = new TemplateCampaign("Preview", hub.Value.Url("/unsubscribe/preview"));

        var email = channel == "email";
        var body = templates.Render(templates.Compile(request.Body!, syntax!.Value), contact, campaign, html: email, strict: true);
        var subject = email && !string.IsNullOrWhiteSpace(request.Subject)
            ? templates.Render(templates.Compile(request.Subject, syntax.Value), contact, campaign, strict: true)
            : null;
        if (!body.Succeeded || subject is { Succeeded: false })
        {
            return Invalid(body.Errors, subject?.Errors ?? []);
        }
        return TypedResults.Ok(new TemplatePreview(channel!, locale, request.ContactId,
            Text: email ? null : body.Output,
            Html: email ? body.Output : null,
            Subject: subject?.Output,
            Sms: channel == "sms" ? SmsCostEstimate.For(body.Output!, campaigns.Value) : null));
    }

    /// <summary>The editor's errors: one readable line per error, and the same errors structured under <c>templateErrors</c>.</summary>
    private static ValidationProblem Invalid(IReadOnlyList<TemplateError> body, IReadOnlyList<TemplateError> subject)
    {
        var errors = new Dictionary<string, string[]>();
        if (body.Count > 0)
        {
            errors["body"] = [.. body.Select(e => $"Line {e.Line}, column {e.Column}: {e.Message}")];
        }
        if (subject.Count > 0)
        {
            errors["subject"] = [.. subject.Select(e => $"Line {e.Line}, column {e.Column}: {e.Message}")];
        }
        return TypedResults.ValidationProblem(errors, title: "The template has errors.", extensions: new Dictionary<string, object?>
        {
            ["templateErrors"] = body,
            ["subjectErrors"] = subject,
        });
    }

    /// <summary>A made-up contact whose attributes fill every built-in template, so a preview without a contact reads naturally.</summary>
    private static TemplateContact SampleContact(string locale) => locale == "fa"
        ? new TemplateContact("مریم رضایی", "maryam@example.com", "+989121234567", "fa", SampleAttributes("۱۴۰۵/۰۹/۱۵", "۱۰:۳۰", "طلایی"))
        : new TemplateContact("Alex Morgan", "alex@example.com", "+15555550123", "en", SampleAttributes("December 6", "10:30", "Gold"));

    private static Dictionary<string, string> SampleAttributes(string date, string time, string plan) => new()
    {
        ["appointment_date"] = date,
        ["appointment_time"] = time,
        ["plan"] = plan,
        ["renewal_date"] = date,
        ["survey_url"] = "https://example.com/s/abc123",
    };
}
