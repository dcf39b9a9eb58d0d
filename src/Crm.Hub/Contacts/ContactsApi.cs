using Crm.Hub.Auth;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

public sealed record IdentityView(string Channel, string Address, bool OptedOut, DateTimeOffset LastSeenAt);

public sealed record TimelineEntry(Guid ConversationId, long Number, string Channel, string Status, DateTimeOffset CreatedAt,
    DateTimeOffset LastMessageAt, string? LastMessagePreview);

public sealed record ContactView(Guid Id, string? DisplayName, string? Email, string? Phone, DateTimeOffset CreatedAt,
    IReadOnlyList<IdentityView> Identities, IReadOnlyList<TimelineEntry> Timeline);

internal static class ContactsApi
{
    public static IServiceCollection AddContacts(this IServiceCollection services)
    {
        services.AddScoped<ContactMerger>();
        services.AddScoped<ContactLinker>();
        return services;
    }

    public static RouteGroupBuilder MapContactsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/contacts").WithTags("Contacts").RequireAuthorization(Policies.Staff);
        group.MapGet("/{id:guid}", GetAsync).WithSummary("A contact with its channel identities and its cross-channel timeline.");
        return group;
    }

    private static async Task<Results<Ok<ContactView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken ct)
    {
        var contact = await db.Contacts.AsNoTracking().Include(c => c.Identities).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contact is null)
        {
            return TypedResults.Problem(title: "Contact not found", detail: $"There is no contact {id}.", statusCode: StatusCodes.Status404NotFound);
        }
        var timeline = await db.Conversations.AsNoTracking().Where(c => c.ContactId == id)
            .OrderByDescending(c => c.LastMessageAt).Take(200).ToListAsync(ct);
        return TypedResults.Ok(new ContactView(contact.Id, contact.DisplayName, contact.Email, contact.Phone, contact.CreatedAt,
            contact.Identities.Select(i => new IdentityView(i.Channel, i.Address, i.OptedOutAt is not null, i.LastSeenAt)).ToList(),
            timeline.Select(c => new TimelineEntry(c.Id, c.Number, c.Channel, ConversationViews.Wire(c.Status), c.CreatedAt,
                c.LastMessageAt, c.LastMessagePreview)).ToList()));
    }
}
