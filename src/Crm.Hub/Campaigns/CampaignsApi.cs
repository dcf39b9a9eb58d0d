using System.Globalization;
using System.Security.Claims;
using System.Text;
using Crm.Hub.Auth;
using Crm.Hub.Segments;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Campaigns;

public sealed record CampaignTemplateView(string? Key, string Syntax, string? BodyEn, string? BodyFa, string? SubjectEn, string? SubjectFa);

public sealed record CampaignScheduleView(string Kind, DateTimeOffset? At, string? Cron, string? TimeZone, DateTimeOffset? NextRunAt);

public sealed record CampaignView(
    Guid Id, string Name, string Channel, string? Sender, Guid? SegmentId, CampaignTemplateView Template, CampaignScheduleView Schedule, double Pace,
    QuietHoursRequest? QuietHours, string DefaultTimeZone, string State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LaunchedAt,
    DateTimeOffset? CompletedAt, CampaignCounters Counters);

public sealed record CampaignSummary(Guid Id, string Name, string Channel, string State, int Run, DateTimeOffset CreatedAt, DateTimeOffset? LaunchedAt);

public sealed record CampaignValidation(bool Valid, int AudienceCount);

/// <summary>The delivery funnel of the current run, and what stopped the rest.</summary>
public sealed record CampaignReport(Guid Id, string Name, string State, CampaignCounters Counters, IReadOnlyList<FunnelStep> Funnel,
    IReadOnlyList<CampaignFailure> Failures, int ConversationsOpened);

public sealed record FunnelStep(string Step, int Count);

internal static class CampaignsApi
{
    public static RouteGroupBuilder MapCampaignsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/campaigns").WithTags("Campaigns").RequireAuthorization(Policies.Marketing);
        group.MapGet("/", ListAsync).WithSummary("Campaigns, newest first.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("One campaign with its live counters.");
        group.MapPost("/", CreateAsync).WithSummary("Saves a draft campaign (checked: channel, template with line/column errors, pace, quiet hours, schedule).");
        group.MapPut("/{id:guid}", UpdateAsync).WithSummary("Changes a draft.");
        group.MapPost("/validate", ValidateAsync).WithSummary("Checks a campaign as a launch would, without saving it; answers the audience size.");
        group.MapPost("/{id:guid}/launch", LaunchAsync).WithSummary("Launches a draft: now, at its time, or on its recurring schedule.");
        group.MapPost("/{id:guid}/pause", PauseAsync).WithSummary("Pauses a scheduled or running campaign (within a second).");
        group.MapPost("/{id:guid}/resume", ResumeAsync).WithSummary("Resumes a paused campaign where it stopped.");
        group.MapPost("/{id:guid}/cancel", CancelAsync).WithSummary("Cancels a campaign for good; recipients not yet queued are never sent.");
        group.MapGet("/{id:guid}/report", ReportAsync).WithSummary("Delivery funnel and failures by reason of the current run.");
        group.MapGet("/{id:guid}/recipients.csv", RecipientsCsvAsync).WithSummary("Every recipient of the current run with state, reason and times, as CSV.");
        return group;
    }

    private static async Task<Ok<List<CampaignSummary>>> ListAsync(HubDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Campaigns.AsNoTracking().OrderByDescending(c => c.CreatedAt).ToListAsync(ct))
            .Select(c => new CampaignSummary(c.Id, c.Name, c.Channel, CampaignStates.Wire(c.State), c.Run, c.CreatedAt, c.LaunchedAt)).ToList());

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CampaignProgress progress, TimeProvider time,
        CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        await progress.SyncAsync(db, campaign, ct);
        return TypedResults.Ok(await ViewAsync(db, campaign, time, ct));
    }

    private static async Task<Results<Created<CampaignView>, ValidationProblem>> CreateAsync(CampaignRequest request, HubDbContext db, TimeProvider time,
        IOptions<CampaignOptions> options, CampaignTemplates templates, BuiltInCampaignTemplates builtIns, ClaimsPrincipal user, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(now), Name = "", Channel = "", DefaultTimeZone = options.Value.DefaultTimeZone, State = CampaignState.Draft,
            CreatedByAgentId = user.AgentId(), CreatedAt = now, UpdatedAt = now,
        };
        var errors = CampaignRules.Apply(request, campaign, options.Value, templates, builtIns);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The campaign has errors");
        }
        db.Campaigns.Add(campaign);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/campaigns/{campaign.Id}", await ViewAsync(db, campaign, time, ct));
    }

    private static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, CampaignRequest request, HubDbContext db,
        TimeProvider time, IOptions<CampaignOptions> options, CampaignTemplates templates, BuiltInCampaignTemplates builtIns, CancellationToken ct)
    {
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        if (campaign.State != CampaignState.Draft)
        {
            return Conflict($"The campaign is {CampaignStates.Wire(campaign.State)}; only a draft can be changed.");
        }
        var errors = CampaignRules.Apply(request, campaign, options.Value, templates, builtIns);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The campaign has errors");
        }
        campaign.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(await ViewAsync(db, campaign, time, ct));
    }

    private static async Task<Results<Ok<CampaignValidation>, ValidationProblem>> ValidateAsync(CampaignRequest request, HubDbContext db, TimeProvider time,
        IOptions<CampaignOptions> options, CampaignTemplates templates, BuiltInCampaignTemplates builtIns, CampaignLifecycle lifecycle, CancellationToken ct)
    {
        var campaign = new Campaign { Name = "", Channel = "", DefaultTimeZone = options.Value.DefaultTimeZone };
        var errors = CampaignRules.Apply(request, campaign, options.Value, templates, builtIns);
        if (errors.Count == 0)
        {
            errors = await lifecycle.CheckAsync(db, campaign, ct);
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The campaign cannot be launched");
        }
        var segment = await db.Segments.AsNoTracking().FirstAsync(s => s.Id == campaign.SegmentId, ct);
        var count = await SegmentQuery.Build(db, SegmentDefinition.FromJson(segment.Definition), time).CountAsync(ct);
        return TypedResults.Ok(new CampaignValidation(true, count));
    }

    private static async Task<Results<Ok<CampaignView>, ValidationProblem, ProblemHttpResult>> LaunchAsync(Guid id, HubDbContext db, TimeProvider time,
        CampaignLifecycle lifecycle, CancellationToken ct)
    {
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        if (campaign.State != CampaignState.Draft)
        {
            return Conflict($"The campaign is {CampaignStates.Wire(campaign.State)}; only a draft can be launched.");
        }
        var errors = await lifecycle.CheckAsync(db, campaign, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The campaign cannot be launched");
        }
        var now = time.GetUtcNow();
        if (!await CampaignLifecycle.MoveAsync(db, id, CampaignState.Draft, CampaignState.Scheduled, now, null, ct))
        {
            return Conflict("The campaign changed meanwhile; reload it.");
        }
        await db.Campaigns.Where(c => c.Id == id).ExecuteUpdateAsync(s => s.SetProperty(c => c.LaunchedAt, c => now), ct);
        await lifecycle.ScheduleAsync(campaign, ct);
        return TypedResults.Ok(await ReloadAsync(db, id, time, ct));
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> PauseAsync(Guid id, HubDbContext db, TimeProvider time,
        CampaignLifecycle lifecycle, CampaignProgress progress, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        if (campaign.State is not (CampaignState.Running or CampaignState.Scheduled)
            || !await CampaignLifecycle.MoveAsync(db, id, campaign.State, CampaignState.Paused, time.GetUtcNow(), campaign.State, ct))
        {
            return Conflict($"The campaign is {CampaignStates.Wire(campaign.State)}; only a scheduled or running campaign can be paused.");
        }
        await lifecycle.PausedAsync(id, ct);
        return TypedResults.Ok(await ReloadAsync(db, id, time, ct, progress));
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> ResumeAsync(Guid id, HubDbContext db, TimeProvider time,
        CampaignLifecycle lifecycle, CampaignProgress progress, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        var to = campaign.ResumeTo ?? CampaignState.Running;
        if (campaign.State != CampaignState.Paused || !await CampaignLifecycle.MoveAsync(db, id, CampaignState.Paused, to, time.GetUtcNow(), null, ct))
        {
            return Conflict($"The campaign is {CampaignStates.Wire(campaign.State)}; only a paused campaign can be resumed.");
        }
        await lifecycle.ResumedAsync(id, to, ct);
        return TypedResults.Ok(await ReloadAsync(db, id, time, ct, progress));
    }

    private static async Task<Results<Ok<CampaignView>, ProblemHttpResult>> CancelAsync(Guid id, HubDbContext db, TimeProvider time,
        CampaignLifecycle lifecycle, CampaignProgress progress, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        if (campaign.State is not (CampaignState.Scheduled or CampaignState.Running or CampaignState.Paused)
            || !await CampaignLifecycle.MoveAsync(db, id, campaign.State, CampaignState.Cancelled, time.GetUtcNow(), null, ct))
        {
            return Conflict($"The campaign is {CampaignStates.Wire(campaign.State)}; it cannot be cancelled.");
        }
        await lifecycle.CancelledAsync(id, ct);
        return TypedResults.Ok(await ReloadAsync(db, id, time, ct, progress));
    }

    private static async Task<Results<Ok<CampaignReport>, ProblemHttpResult>> ReportAsync(Guid id, HubDbContext db, CampaignProgress progress, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        await progress.SyncAsync(db, campaign, ct);
        var counters = await CampaignProgress.CountAsync(db, campaign, ct);
        var failures = await CampaignProgress.FailuresAsync(db, campaign, ct);
        FunnelStep[] funnel =
        [
            new("audience", counters.Total),
            new("queued", counters.Total - counters.Pending - counters.Suppressed),
            new("sent", counters.Sent),
            new("delivered", counters.Delivered),
            new("replied", counters.Replied),
        ];
        return TypedResults.Ok(new CampaignReport(campaign.Id, campaign.Name, CampaignStates.Wire(campaign.State), counters, funnel, failures, counters.Replied));
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> RecipientsCsvAsync(Guid id, HubDbContext db, HttpContext http, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
        {
            return NotFound(id);
        }
        http.Response.ContentType = "text/csv; charset=utf-8";
        http.Response.Headers.ContentDisposition = $"attachment; filename=\"campaign-{campaign.Id:N}-run{campaign.Run}.csv\"";
        await using var writer = new StreamWriter(http.Response.Body, new UTF8Encoding(false), 64 * 1024);
        await writer.WriteLineAsync("contact_id,name,address,state,error,queued_at,sent_at,delivered_at,replied_at,opted_out_at");
        Guid? after = null;
        while (true)
        {
            var query = db.CampaignRecipients.AsNoTracking().Where(r => r.CampaignId == id && r.Run == campaign.Run);
            if (after is { } last)
            {
                query = query.Where(r => r.Id.CompareTo(last) > 0);
            }
            var page = await query.OrderBy(r => r.Id).Take(1000).ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }
            foreach (var r in page)
            {
                await writer.WriteLineAsync(string.Join(',', r.ContactId.ToString(), Csv(r.Name), Csv(r.Address), CampaignStates.Wire(r.State), Csv(r.Error),
                    Time(r.QueuedAt), Time(r.SentAt), Time(r.DeliveredAt), Time(r.RepliedAt), Time(r.OptedOutAt)));
            }
            after = page[^1].Id;
        }
        await writer.FlushAsync(ct);
        return TypedResults.Empty;
    }

    /// <summary>
    /// Quotes a field when needed, and defuses a leading = + - @ tab or carriage return (OWASP's CSV injection list) so a spreadsheet
    /// never runs a name as a formula; a phone number (+ and digits) is left as it is.
    /// </summary>
    internal static string Csv(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' && !(value[0] == '+' && value.Skip(1).All(char.IsDigit)))
        {
            value = "'" + value;
        }
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    private static string Time(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static async Task<CampaignView> ReloadAsync(HubDbContext db, Guid id, TimeProvider time, CancellationToken ct, CampaignProgress? progress = null)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == id, ct);
        if (progress is not null)
        {
            await progress.PublishAsync(db, campaign, force: true, ct);
        }
        return await ViewAsync(db, campaign, time, ct);
    }

    private static async Task<CampaignView> ViewAsync(HubDbContext db, Campaign c, TimeProvider time, CancellationToken ct) => new(
        c.Id, c.Name, c.Channel, c.Sender, c.SegmentId,
        new CampaignTemplateView(c.TemplateKey, c.Syntax.ToString().ToLowerInvariant(), c.BodyEn, c.BodyFa, c.SubjectEn, c.SubjectFa),
        new CampaignScheduleView(c.Schedule.ToString().ToLowerInvariant(), c.StartAt, c.Cron, c.ScheduleTimeZone,
            c.Schedule == CampaignSchedule.Recurring && !CampaignStates.IsFinal(c.State) && c.State != CampaignState.Draft ? CampaignRules.NextFire(c, time.GetUtcNow()) : null),
        c.Pace,
        c.QuietStartMinute is { } s && c.QuietEndMinute is { } e ? new QuietHoursRequest(QuietHours.Format(s), QuietHours.Format(e)) : null,
        c.DefaultTimeZone, CampaignStates.Wire(c.State), c.CreatedAt, c.UpdatedAt, c.LaunchedAt, c.CompletedAt, await CampaignProgress.CountAsync(db, c, ct));

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such campaign", detail: $"There is no campaign {id}.");

    private static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "The campaign cannot do that now", detail: detail);
}
