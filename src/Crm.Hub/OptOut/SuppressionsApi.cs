using System.Globalization;
using System.Security.Claims;
using System.Text;
using Crm.Channels;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.OptOut;

/// <summary>One suppressed address: nobody is messaged there by a campaign or a reminder until it is removed.</summary>
public sealed record SuppressionEntry(string Channel, string Address, Guid ContactId, string? ContactName, DateTimeOffset Since, string Source,
    Guid? CampaignId, string? Reason);

public sealed record SuppressionPage(int Page, int PageSize, int Total, IReadOnlyList<SuppressionEntry> Entries);

/// <summary>Opt a contact's address out: the contact and a channel (its address there), or a channel and an address.</summary>
public sealed record SuppressionRequest(Guid? ContactId, string? Channel, string? Address, string? Reason);

/// <summary>Put an address back on its channel; the reason is kept in the audit trail.</summary>
public sealed record ResubscribeRequest(string? Channel, string? Address, string? Reason);

public sealed record SuppressionResult(string Channel, string Address, int Identities, bool Changed);

internal static class SuppressionsApi
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
    public const int MaxReasonLength = 500;
    private static readonly System.Buffers.SearchValues<char> CsvSpecial = System.Buffers.SearchValues.Create(",\"\r\n");
    private static readonly System.Buffers.SearchValues<char> Digits = System.Buffers.SearchValues.Create("0123456789 ");

    public static RouteGroupBuilder MapSuppressionsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/v1/suppressions.csv", Csv).WithTags("Opt-out").RequireAuthorization(Policies.Admin)
            .WithSummary("The whole suppression list (same filters) as CSV: channel, address, contact, since, source, campaign, reason.");
        var group = routes.MapGroup("/api/v1/suppressions").WithTags("Opt-out").RequireAuthorization(Policies.Admin);
        group.MapGet("/", ListAsync)
            .WithSummary("Addresses nobody is messaged at (opted out, or mail bounced), newest first; filter by channel and by text in the address or contact name.");
        group.MapPost("/", AddAsync).WithSummary("Opts a contact's address out of a channel (every account of the channel), as the admin.");
        group.MapPost("/resubscribe", ResubscribeAsync).WithSummary("Puts an address back on its channel (clears its opt-out or bounce); a reason is required.");
        return group;
    }

    private static async Task<Results<Ok<SuppressionPage>, ValidationProblem>> ListAsync(HubDbContext db, string? channel, string? q, int? page, int? pageSize,
        CancellationToken ct)
    {
        if (Validate(channel, page, pageSize) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Bad filter");
        }
        var size = pageSize ?? DefaultPageSize;
        var number = page ?? 1;
        var query = Filtered(db, channel, q);
        var total = await query.CountAsync(ct);
        var entries = (await Rows(db, query.Skip((number - 1) * size).Take(size)).ToListAsync(ct)).Select(Entry).ToList();
        return TypedResults.Ok(new SuppressionPage(number, size, total, entries));
    }

    private static Results<PushStreamHttpResult, ValidationProblem> Csv(HubDbContext db, string? channel, string? q, CancellationToken ct)
    {
        if (Validate(channel, null, null) is { } errors)
        {
            return TypedResults.ValidationProblem(errors, title: "Bad filter");
        }
        var rows = Rows(db, Filtered(db, channel, q)).AsAsyncEnumerable();
        // Streamed as read, in one query: a list of a million addresses is never held in memory, nor read page by page.
        return TypedResults.Stream(async body =>
        {
            await using var writer = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), bufferSize: 64 * 1024);
            await writer.WriteAsync("channel,address,contact_id,contact_name,since,source,campaign_id,reason\r\n");
            var n = 0;
            await foreach (var row in rows.WithCancellation(ct))
            {
                var e = Entry(row);
                await writer.WriteAsync(string.Join(',', Cell(e.Channel), Cell(e.Address), Cell(e.ContactId.ToString()), Cell(e.ContactName),
                    Cell(e.Since.ToString("O", CultureInfo.InvariantCulture)), Cell(e.Source), Cell(e.CampaignId?.ToString()), Cell(e.Reason)) + "\r\n");
                if (++n % 1000 == 0)
                {
                    await writer.FlushAsync(ct);
                }
            }
        }, "text/csv; charset=utf-8", "suppressions.csv");
    }

    private static async Task<Results<Ok<SuppressionResult>, ValidationProblem, ProblemHttpResult>> AddAsync(SuppressionRequest request, HubDbContext db,
        Suppressions suppressions, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Channel) || !ChannelNames.IsKnown(request.Channel))
        {
            errors["channel"] = [$"channel must be one of {string.Join(", ", ChannelNames.All)}."];
        }
        if (request.ContactId is null && string.IsNullOrWhiteSpace(request.Address))
        {
            errors["address"] = ["Give the contact (contactId) or the address to opt out."];
        }
        if (request.Reason is { Length: > MaxReasonLength })
        {
            errors["reason"] = [$"reason is at most {MaxReasonLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Cannot opt out");
        }
        var identities = db.ChannelIdentities.Where(i => i.Channel == request.Channel);
        if (request.ContactId is { } contactId)
        {
            identities = identities.Where(i => i.ContactId == contactId);
        }
        if (!string.IsNullOrWhiteSpace(request.Address))
        {
            var address = request.Address.Trim();
            identities = identities.Where(i => i.Address == address);
        }
        var addresses = await identities.Select(i => i.Address).Distinct().ToListAsync(ct);
        if (addresses.Count == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such address",
                detail: request.ContactId is null ? $"No contact has the {request.Channel} address {request.Address}." : $"The contact has no {request.Channel} address.");
        }
        if (addresses.Count > 1)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["address"] = [$"The contact has {addresses.Count} {request.Channel} addresses ({string.Join(", ", addresses)}); say which one."],
            }, title: "Cannot opt out");
        }
        var change = await suppressions.OptOutAsync(request.Channel!, addresses[0], OptOutSources.Admin, campaignId: null, user.AgentId(),
            request.Reason?.Trim(), ct);
        return TypedResults.Ok(new SuppressionResult(request.Channel!, addresses[0], change.Identities, !change.AlreadyInThatState));
    }

    private static async Task<Results<Ok<SuppressionResult>, ValidationProblem, ProblemHttpResult>> ResubscribeAsync(ResubscribeRequest request,
        Suppressions suppressions, ClaimsPrincipal user, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Channel) || !ChannelNames.IsKnown(request.Channel))
        {
            errors["channel"] = [$"channel must be one of {string.Join(", ", ChannelNames.All)}."];
        }
        if (string.IsNullOrWhiteSpace(request.Address))
        {
            errors["address"] = ["address is required."];
        }
        if (string.IsNullOrWhiteSpace(request.Reason))
        {
            errors["reason"] = ["Say why the address may be messaged again (e.g. \"customer asked by phone on 3 May\")."];
        }
        else if (request.Reason.Length > MaxReasonLength)
        {
            errors["reason"] = [$"reason is at most {MaxReasonLength} characters."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Cannot re-subscribe");
        }
        var address = request.Address!.Trim();
        var change = await suppressions.ResubscribeAsync(request.Channel!, address, user.AgentId(), request.Reason!.Trim(), ct);
        if (change.Identities == 0)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such address",
                detail: $"No contact has the {request.Channel} address {address}.");
        }
        return TypedResults.Ok(new SuppressionResult(request.Channel!, address, change.Identities, !change.AlreadyInThatState));
    }

    private static Dictionary<string, string[]>? Validate(string? channel, int? page, int? pageSize)
    {
        var errors = new Dictionary<string, string[]>();
        if (!string.IsNullOrEmpty(channel) && !ChannelNames.IsKnown(channel))
        {
            errors["channel"] = [$"channel must be one of {string.Join(", ", ChannelNames.All)}."];
        }
        if (page is < 1)
        {
            errors["page"] = ["page counts from 1."];
        }
        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}."];
        }
        return errors.Count > 0 ? errors : null;
    }

    private static IQueryable<Contacts.ChannelIdentity> Filtered(HubDbContext db, string? channel, string? q)
    {
        var query = db.ChannelIdentities.AsNoTracking().Where(i => i.OptedOutAt != null || i.UndeliverableAt != null);
        if (!string.IsNullOrEmpty(channel))
        {
            query = query.Where(i => i.Channel == channel);
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var text = q.Trim();
            query = query.Where(i => i.Address.Contains(text) || (i.Contact!.DisplayName != null && i.Contact.DisplayName.Contains(text)));
        }
        return query.OrderByDescending(i => i.OptedOutAt ?? i.UndeliverableAt).ThenBy(i => i.Id);
    }

    /// <summary>A suppressed identity with its address's latest opt-out record (source, campaign, reason), in one query.</summary>
    internal sealed record SuppressionRow(string Channel, string Address, Guid ContactId, string? DisplayName, DateTimeOffset? OptedOutAt,
        DateTimeOffset? UndeliverableAt, string? UndeliverableReason, string? RecordSource, Guid? RecordCampaignId, string? RecordReason);

    private static IQueryable<SuppressionRow> Rows(HubDbContext db, IQueryable<Contacts.ChannelIdentity> identities)
    {
        // The latest record of each address says how it got on the list; a STOP or a block set by the channel leaves none.
        return identities.Select(i => new SuppressionRow(i.Channel, i.Address, i.ContactId, i.Contact!.DisplayName, i.OptedOutAt, i.UndeliverableAt,
            i.UndeliverableReason,
            db.Set<OptOutRecord>().Where(r => r.Channel == i.Channel && r.Address == i.Address && r.Action == OptOutAction.OptedOut)
                .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Select(r => r.Source).FirstOrDefault(),
            db.Set<OptOutRecord>().Where(r => r.Channel == i.Channel && r.Address == i.Address && r.Action == OptOutAction.OptedOut)
                .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Select(r => r.CampaignId).FirstOrDefault(),
            db.Set<OptOutRecord>().Where(r => r.Channel == i.Channel && r.Address == i.Address && r.Action == OptOutAction.OptedOut)
                .OrderByDescending(r => r.At).ThenByDescending(r => r.Id).Select(r => r.Reason).FirstOrDefault()));
    }

    private static SuppressionEntry Entry(SuppressionRow r)
    {
        var optedOut = r.OptedOutAt is not null;
        var record = optedOut && r.RecordSource is not null;
        return new SuppressionEntry(r.Channel, r.Address, r.ContactId, r.DisplayName, (r.OptedOutAt ?? r.UndeliverableAt)!.Value,
            record ? r.RecordSource! : Suppressions.SourceOf(r.Channel, optedOut), record ? r.RecordCampaignId : null,
            record ? r.RecordReason : optedOut ? null : r.UndeliverableReason);
    }

    /// <summary>A CSV cell, quoted when needed; a cell a spreadsheet would run as a formula is defused with a leading quote.</summary>
    internal static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }
        var formula = value[0] is '=' or '@' or '\t' or '\r'
            || (value[0] is '+' or '-' && value.AsSpan(1).ContainsAnyExcept(Digits));
        var text = formula ? "'" + value : value;
        return text.AsSpan().IndexOfAny(CsvSpecial) >= 0 ? "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : text;
    }
}
