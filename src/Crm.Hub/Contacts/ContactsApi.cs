using System.Security.Claims;
using Crm.Channels.Phones;
using Crm.Hub.Auth;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Contacts;

public sealed record IdentityView(string Channel, string Address, bool OptedOut, DateTimeOffset LastSeenAt, string? RawAddress = null,
    bool Verified = false);

public sealed record TimelineEntry(Guid ConversationId, long Number, string Channel, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset LastMessageAt, string? LastMessagePreview);

/// <summary>
/// One merge as a contact's history shows it: the other contact is the one that is not the contact shown; an automatic
/// merge (strong evidence, e.g. a verified phone) has no agent, and its reason names the evidence.
/// </summary>
public sealed record MergeView(Guid Id, Guid SurvivorContactId, Guid MergedContactId, string? OtherContactName, string Reason, DateTimeOffset MergedAt,
    DateTimeOffset? UndoneAt, Guid? OtherContactId = null, bool Automatic = false, string? MergedBy = null, string? UndoneBy = null);

public sealed record ContactView(Guid Id, string? DisplayName, string? Email, string? Phone, DateTimeOffset CreatedAt,
    IReadOnlyList<IdentityView> Identities, IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<MergeView>? Merges = null,
    Guid? MergedFrom = null);

public sealed record ContactSummary(Guid Id, string? DisplayName, string? Email, string? Phone, IReadOnlyList<string> Channels);

/// <summary>A likely duplicate: <see cref="Evidence"/> says why ("same phone number +1…; same name …"), strongest first.</summary>
public sealed record MergeSuggestion(ContactSummary Contact, string Evidence, string Strength, IReadOnlyList<string>? Reasons = null);

/// <summary>Merge <see cref="OtherContactId"/> into the contact in the path; <see cref="Reason"/> (optional, ≤ 200) goes into the audit.</summary>
public sealed record MergeRequest(Guid? OtherContactId, string? Reason = null);

internal static class ContactsApi
{
    public static IServiceCollection AddContacts(this IServiceCollection services)
    {
        services.AddOptions<PhoneOptions>().BindConfiguration(PhoneOptions.Section)
            .Validate(o => PhoneNumberNormalizer.IsSupportedRegion(o.DefaultRegion),
                "Crm:Phones:DefaultRegion must be an ISO 3166 alpha-2 region libphonenumber knows, e.g. US, IR, GB.")
            .ValidateOnStart();
        services.AddScoped<ContactMerger>();
        services.AddScoped<ContactLinker>();
        return services;
    }

    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/contacts").WithTags("Contacts").RequireAuthorization(Policies.Staff);
        group.MapGet("/", SearchAsync).WithSummary("Contacts whose name, email, phone or channel address starts with the search text, newest first; offset and limit (at most 50) page.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A contact with its channel identities, cross-channel timeline and merges; a merged-away id answers with the contact it was merged into.");
        group.MapGet("/{id:guid}/merge-suggestions", SuggestionsAsync).WithSummary("Other contacts that may be the same person, with the evidence.");
        group.MapPost("/{id:guid}/merge", MergeAsync).WithSummary("Merges another contact into this one (identities and conversations move; undoable).");
        group.MapPost("/merges/{mergeId:guid}/undo", UndoAsync).WithSummary("Undoes a merge exactly: what moved goes back.");
        group.MapContactProfile();
        return group;
    }

    private static async Task<Results<Ok<List<ContactSummary>>, ProblemHttpResult>> SearchAsync(string? search, int? offset, int? limit,
        HubDbContext db, IOptionsMonitor<PhoneOptions> phones, CancellationToken ct)
    {
        var text = (search ?? "").Trim();
        if (text.Length > 200)
        {
            return TypedResults.Problem(title: "Search too long", detail: "Search text is at most 200 characters.", statusCode: StatusCodes.Status400BadRequest);
        }
        if (offset is < 0 || limit is < 1 or > 50)
        {
            return TypedResults.Problem(title: "Bad page", detail: "offset is 0 or more and limit is 1 to 50.", statusCode: StatusCodes.Status400BadRequest);
        }
        var query = db.Contacts.AsNoTracking().Where(c => c.MergedIntoId == null);
        if (text.Length > 0)
        {
            // LIKE ignores ASCII case in SQLite; the wildcards in what the agent typed are escaped.
            var prefix = LikeEscape(text) + "%";
            // Numbers are stored as E.164: "0912 123…" or "(415) 555-01" finds them by the stored form too.
            var number = PhoneNumberNormalizer.Normalize(text, phones.CurrentValue.DefaultRegion).E164 ?? text;
            var digits = PhonePrefix(text) ?? text;
            query = query.Where(c => (c.DisplayName != null && EF.Functions.Like(c.DisplayName, prefix, "\\"))
                || (c.Email != null && EF.Functions.Like(c.Email, prefix, "\\"))
                || (c.Phone != null && (c.Phone.StartsWith(text) || c.Phone.StartsWith(number) || c.Phone.StartsWith(digits)))
                || c.Identities.Any(i => i.Address.StartsWith(text) || i.Address.StartsWith(number) || i.Address.StartsWith(digits)));
        }
        var found = await query.OrderByDescending(c => c.CreatedAt).ThenBy(c => c.Id).Skip(offset ?? 0).Take(limit ?? 50)
            .Include(c => c.Identities).ToListAsync(ct);
        return TypedResults.Ok(found.Select(Summary).ToList());
    }

    /// <summary>"+1 (415) 555-01" or "98912" as the start of an E.164 number, or null when the text is not digits.</summary>
    private static string? PhonePrefix(string text)
    {
        var digits = new string([.. text.Where(char.IsAsciiDigit)]);
        return digits.Length >= 3 && text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.') ? "+" + digits : null;
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, ct);
        Guid? mergedFrom = null;
        for (var hops = 0; contact?.MergedIntoId is { } next && hops < 8; hops++)
        {
            mergedFrom ??= id;
            contact = await db.Contacts.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == next, ct);
        }
        if (contact is null)
        {
            return TypedResults.Problem(title: "Contact not found", detail: $"There is no contact {id}.", statusCode: StatusCodes.Status404NotFound);
        }
        var timeline = await db.Conversations.AsNoTracking().Where(c => c.ContactId == contact.Id)
            .OrderByDescending(c => c.LastMessageAt).Take(200).ToListAsync(ct);
        var merges = await db.ContactMerges.AsNoTracking()
            .Where(m => m.SurvivorContactId == contact.Id || m.MergedContactId == contact.Id)
            .OrderByDescending(m => m.MergedAt).Take(50).ToListAsync(ct);
        var otherIds = merges.Select(m => m.SurvivorContactId == contact.Id ? m.MergedContactId : m.SurvivorContactId).Distinct().ToList();
        var names = await db.Contacts.AsNoTracking().Where(c => otherIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.DisplayName, ct);
        var agentIds = merges.SelectMany(m => new[] { m.MergedByAgentId, m.UndoneByAgentId }).OfType<Guid>().Distinct().ToList();
        var agents = await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return TypedResults.Ok(new ContactView(contact.Id, contact.DisplayName, contact.Email, contact.Phone, contact.CreatedAt,
            contact.Identities.Select(i => new IdentityView(i.Channel, i.Address, i.OptedOutAt is not null, i.LastSeenAt, i.RawAddress, i.VerifiedAt is not null)).ToList(),
            timeline.Select(c => new TimelineEntry(c.Id, c.Number, c.Channel, ConversationViews.Wire(c.Status), c.CreatedAt,
                c.LastMessageAt, c.LastMessagePreview)).ToList(),
            merges.Select(m =>
            {
                var otherId = m.SurvivorContactId == contact.Id ? m.MergedContactId : m.SurvivorContactId;
                return new MergeView(m.Id, m.SurvivorContactId, m.MergedContactId, names.GetValueOrDefault(otherId), m.Reason, m.MergedAt, m.UndoneAt,
                    otherId, m.MergedByAgentId is null, Who(m.MergedByAgentId, agents), m.UndoneAt is null ? null : Who(m.UndoneByAgentId, agents));
            }).ToList(),
            mergedFrom));
    }

    /// <summary>Same phone number or email is strong evidence; the same name alone is weak (namesakes are common).</summary>
    private static async Task<Results<Ok<List<MergeSuggestion>>, ProblemHttpResult>> SuggestionsAsync(Guid id, HubDbContext db, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, ct);
        if (contact is null)
        {
            return TypedResults.Problem(title: "Contact not found", detail: $"There is no contact {id}.", statusCode: StatusCodes.Status404NotFound);
        }
        var phones = contact.Identities.Where(i => i.Address.StartsWith('+')).Select(i => i.Address)
            .Concat(contact.Phone is { } p ? [p] : []).Distinct().ToList();
        var email = contact.Email is { } e ? LikeEscape(e) : null;
        var name = contact.DisplayName is { } n ? LikeEscape(n) : null;
        var candidates = await db.Contacts.AsNoTracking().Include(c => c.Identities)
            .Where(c => c.Id != id && c.MergedIntoId == null
                && ((c.Phone != null && phones.Contains(c.Phone)) || c.Identities.Any(i => phones.Contains(i.Address))
                    || (email != null && c.Email != null && EF.Functions.Like(c.Email, email, "\\"))
                    || (name != null && c.DisplayName != null && EF.Functions.Like(c.DisplayName, name, "\\"))))
            .Take(20).ToListAsync(ct);
        var suggestions = candidates.Select(c =>
        {
            var strong = phones.Where(p => c.Phone == p || c.Identities.Any(i => i.Address == p)).Select(p => $"same phone number {p}").ToList();
            if (contact.Email is not null && string.Equals(c.Email, contact.Email, StringComparison.OrdinalIgnoreCase))
            {
                strong.Add($"same email {c.Email}");
            }
            var weak = contact.DisplayName is not null && string.Equals(c.DisplayName, contact.DisplayName, StringComparison.OrdinalIgnoreCase)
                ? $"same name {c.DisplayName}" : null;
            List<string> reasons = [.. strong, .. weak is null ? Array.Empty<string>() : [weak]];
            return new MergeSuggestion(Summary(c), string.Join("; ", reasons), strong.Count > 0 ? "strong" : "weak", reasons);
        }).Where(s => s.Reasons!.Count > 0).OrderBy(s => s.Strength == "strong" ? 0 : 1).ThenBy(s => s.Contact.DisplayName).ToList();
        return TypedResults.Ok(suggestions);
    }

    private static async Task<Results<Ok<MergeView>, ProblemHttpResult>> MergeAsync(Guid id, MergeRequest request, ContactMerger merger,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (request.OtherContactId is not { } other)
        {
            return TypedResults.Problem(title: "Which contact?", detail: "otherContactId is required.", statusCode: StatusCodes.Status400BadRequest);
        }
        var reason = request.Reason?.Trim();
        if (reason is { Length: > 200 })
        {
            return TypedResults.Problem(title: "Reason too long", detail: "reason is at most 200 characters.", statusCode: StatusCodes.Status400BadRequest);
        }
        var (merge, refused) = await merger.MergeAsync(id, other, string.IsNullOrEmpty(reason) ? "merged by an agent" : reason, user.AgentId(), ct);
        return merge is null
            ? TypedResults.Problem(title: refused!.Title, detail: refused.Detail, statusCode: refused.Status)
            : TypedResults.Ok(new MergeView(merge.Id, merge.SurvivorContactId, merge.MergedContactId, null, merge.Reason, merge.MergedAt, null,
                merge.MergedContactId, merge.MergedByAgentId is null));
    }

    private static async Task<Results<Ok<MergeView>, ProblemHttpResult>> UndoAsync(Guid mergeId, ContactMerger merger, ClaimsPrincipal user,
        CancellationToken ct)
    {
        var (merge, refused) = await merger.UndoAsync(mergeId, user.AgentId(), ct);
        return merge is null
            ? TypedResults.Problem(title: refused!.Title, detail: refused.Detail, statusCode: refused.Status)
            : TypedResults.Ok(new MergeView(merge.Id, merge.SurvivorContactId, merge.MergedContactId, null, merge.Reason, merge.MergedAt, merge.UndoneAt,
                merge.MergedContactId, merge.MergedByAgentId is null));
    }

    private static string LikeEscape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string? Who(Guid? agentId, Dictionary<Guid, string> agents) =>
        agentId is { } id ? agents.GetValueOrDefault(id) : null;

    private static ContactSummary Summary(Contact c) =>
        new(c.Id, c.DisplayName, c.Email, c.Phone, c.Identities.Select(i => i.Channel).Distinct().Order().ToList());
}
