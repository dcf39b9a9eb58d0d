using System.Globalization;
using Crm.Hub.Auth;
using Crm.Hub.Metrics;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Surveys;

/// <summary>One survey as the API shows it: what was asked, where, and the answer if any.</summary>
public sealed record SurveyView(Guid Id, Guid ConversationId, long ConversationNumber, Guid ContactId, string? ContactName, Guid? AgentId,
    string? AgentName, Guid? QueueId, string Kind, string Channel, string Locale, string State, string? SkipReason, DateTimeOffset? SentAt,
    DateTimeOffset? ExpiresAt, int? Score, string? Comment, DateTimeOffset? AnsweredAt, string? AnsweredVia);

/// <summary>The figure of one kind over the period: CSAT % of 4–5, NPS promoters minus detractors, CES mean (DESIGN §8).</summary>
public sealed record SurveyFigure(string Kind, int Responses, decimal? Score, IReadOnlyDictionary<int, int> Counts);

public sealed record SurveySummary(int Sent, int Answered, decimal? ResponseRate, IReadOnlyList<SurveyFigure> Figures);

public sealed record SurveyResults(DateTimeOffset From, DateTimeOffset To, SurveySummary Summary, IReadOnlyList<SurveyView> Items, bool Truncated);

internal static class SurveysApi
{
    public const int MaxItems = 500;
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromDays(366);

    public static IEndpointRouteBuilder MapSurveysApi(this IEndpointRouteBuilder routes)
    {
        var supervisors = routes.MapGroup("/api/v1/surveys").WithTags("Surveys").RequireAuthorization(Policies.SupervisorOrAdmin);
        supervisors.MapGet("/", ListAsync)
            .WithSummary("Surveys sent in a period (from, to: ISO 8601; default the last 30 days), filtered by kind, queue and agent, with the CSAT/NPS/CES figures.");
        var staff = routes.MapGroup("/api/v1").WithTags("Surveys").RequireAuthorization(Policies.Staff);
        staff.MapGet("/conversations/{id:guid}/survey", async Task<Results<Ok<SurveyView>, NoContent>> (Guid id, HubDbContext db, CancellationToken ct) =>
                (await ViewsAsync(db, db.SurveyRequests.Where(s => s.ConversationId == id), 1, ct)).FirstOrDefault() is { } view
                    ? TypedResults.Ok(view) : TypedResults.NoContent())
            .WithSummary("The conversation's survey and its answer (204 when it has none yet).");
        staff.MapGet("/contacts/{id:guid}/surveys", async (Guid id, HubDbContext db, CancellationToken ct) =>
                TypedResults.Ok(await ViewsAsync(db, db.SurveyRequests.Where(s => s.ContactId == id && s.State != SurveyState.Skipped), 50, ct)))
            .WithSummary("The contact's latest surveys (up to 50), newest first.");
        return routes;
    }

    private static async Task<Results<Ok<SurveyResults>, ValidationProblem>> ListAsync(HubDbContext db, TimeProvider time, string? from, string? to,
        string? kind, Guid? queue, Guid? agent, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var end = ParseTime(to, "to", errors) ?? time.GetUtcNow();
        var start = ParseTime(from, "from", errors) ?? end - TimeSpan.FromDays(30);
        SurveyKind? only = null;
        if (kind is not null)
        {
            if (QueueSurveys.Parse(kind, out var k) && k is not null)
            {
                only = k;
            }
            else
            {
                errors["kind"] = [$"'{kind}' is not a survey kind; use csat, nps or ces."];
            }
        }
        if (errors.Count == 0 && start >= end)
        {
            errors["from"] = ["from must be before to."];
        }
        else if (errors.Count == 0 && end - start > MaxPeriod)
        {
            errors["to"] = ["A period is at most 366 days."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var query = db.SurveyRequests.AsNoTracking().Where(s => s.State != SurveyState.Skipped && s.SentAt >= start && s.SentAt < end);
        if (only is { } o)
        {
            query = query.Where(s => s.Kind == o);
        }
        if (queue is { } q)
        {
            query = query.Where(s => s.QueueId == q);
        }
        if (agent is { } a)
        {
            query = query.Where(s => s.AgentId == a);
        }
        var counts = await query.GroupBy(s => new { s.Kind, s.Score }).Select(g => new { g.Key.Kind, g.Key.Score, Count = g.Count() }).ToListAsync(ct);
        var sent = counts.Sum(c => c.Count);
        var answered = counts.Where(c => c.Score != null).Sum(c => c.Count);
        var figures = counts.Where(c => c.Score != null).GroupBy(c => c.Kind).OrderBy(g => g.Key).Select(g =>
        {
            var scores = SurveyScores.Of(g.Key, g.SelectMany(c => Enumerable.Repeat(c.Score!.Value, c.Count)));
            return new SurveyFigure(g.Key.TemplateName(), scores.Responses, scores.Csat ?? scores.Nps ?? scores.Ces,
                g.OrderBy(c => c.Score).ToDictionary(c => c.Score!.Value, c => c.Count));
        }).ToList();
        var items = await ViewsAsync(db, query, MaxItems + 1, ct);
        var summary = new SurveySummary(sent, answered, sent == 0 ? null : Math.Round(answered * 100m / sent, 1), figures);
        return TypedResults.Ok(new SurveyResults(start, end, summary, items.Take(MaxItems).ToList(), items.Count > MaxItems));
    }

    private static DateTimeOffset? ParseTime(string? value, string name, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            if (at.Year is < 2000 or > 9000)
            {
                errors[name] = [$"'{value}' is out of range; use a date between the years 2000 and 9000."];
                return null;
            }
            return at.ToUniversalTime();
        }
        errors[name] = [$"'{value}' is not a date or time; use ISO 8601, e.g. 2026-11-01 or 2026-11-01T08:00:00Z."];
        return null;
    }

    private static async Task<List<SurveyView>> ViewsAsync(HubDbContext db, IQueryable<SurveyRequest> query, int take, CancellationToken ct)
    {
        var rows = await query.AsNoTracking().OrderByDescending(s => s.CreatedAt).Take(take)
            .Select(s => new
            {
                Survey = s,
                Number = db.Conversations.Where(c => c.Id == s.ConversationId).Select(c => c.Number).FirstOrDefault(),
                Contact = db.Contacts.Where(c => c.Id == s.ContactId).Select(c => c.DisplayName).FirstOrDefault(),
                Agent = db.Agents.Where(x => x.Id == s.AgentId).Select(x => x.DisplayName).FirstOrDefault(),
            }).ToListAsync(ct);
        return rows.Select(r => new SurveyView(r.Survey.Id, r.Survey.ConversationId, r.Number, r.Survey.ContactId, r.Contact, r.Survey.AgentId, r.Agent,
            r.Survey.QueueId, r.Survey.Kind.TemplateName(), r.Survey.Channel, r.Survey.Locale, r.Survey.State.ToString().ToLowerInvariant(),
            r.Survey.SkipReason, r.Survey.SentAt, r.Survey.ExpiresAt, r.Survey.Score, r.Survey.Comment, r.Survey.AnsweredAt, r.Survey.AnsweredVia)).ToList();
    }
}
