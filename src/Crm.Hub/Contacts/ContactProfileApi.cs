using Crm.Channels;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

public sealed record ConsentView(string Channel, bool Granted, DateTimeOffset At, string Source);

/// <summary>What segments filter on: tags, custom attributes, time zone, locale and marketing consent per channel.</summary>
public sealed record ContactProfileView(Guid ContactId, IReadOnlyList<string> Tags, IReadOnlyDictionary<string, string> Attributes, string? TimeZone,
    string? Locale, IReadOnlyList<ConsentView> Consents);

/// <summary>
/// A change to a contact's profile; a field left out stays as it is. <see cref="Tags"/> and <see cref="Attributes"/> replace the
/// whole set; <see cref="Consent"/> sets the channels it names (true = granted, false = withdrawn). An empty time zone or locale clears it.
/// </summary>
public sealed record ContactProfileUpdate(IReadOnlyList<string>? Tags = null, IReadOnlyDictionary<string, string>? Attributes = null,
    string? TimeZone = null, string? Locale = null, IReadOnlyDictionary<string, bool>? Consent = null);

internal static class ContactProfileApi
{
    public static void MapContactProfile(this RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}/profile", GetAsync).WithSummary("A contact's tags, attributes, time zone, locale and marketing consent.");
        group.MapPut("/{id:guid}/profile", PutAsync)
            .WithSummary("Sets a contact's tags, attributes, time zone (IANA), locale (en, fa) or marketing consent per channel; fields left out are kept.");
    }

    private static async Task<Results<Ok<ContactProfileView>, ProblemHttpResult>> GetAsync(Guid id, HubDbContext db, CancellationToken ct)
    {
        var contact = await LoadAsync(db.Contacts.AsNoTracking(), id, ct);
        return contact is null ? NotFound(id) : TypedResults.Ok(View(contact));
    }

    private static async Task<Results<Ok<ContactProfileView>, ProblemHttpResult, ValidationProblem>> PutAsync(Guid id, ContactProfileUpdate update,
        HubDbContext db, TimeProvider time, CancellationToken ct)
    {
        var errors = Validate(update, out var tags, out var attributes, out var zone, out var locale);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The profile has errors");
        }
        var contact = await LoadAsync(db.Contacts, id, ct);
        if (contact is null)
        {
            return NotFound(id);
        }
        if (tags is not null)
        {
            contact.Tags.RemoveAll(t => !tags.Contains(t.Tag));
            contact.Tags.AddRange(tags.Where(t => contact.Tags.All(x => x.Tag != t)).Select(t => new ContactTag { ContactId = id, Tag = t }));
        }
        if (attributes is not null)
        {
            contact.Attributes.RemoveAll(a => !attributes.ContainsKey(a.Key));
            foreach (var (key, value) in attributes)
            {
                if (contact.Attributes.Find(a => a.Key == key) is { } existing)
                {
                    existing.Value = value;
                }
                else
                {
                    contact.Attributes.Add(new ContactAttribute { ContactId = id, Key = key, Value = value });
                }
            }
        }
        if (update.TimeZone is not null)
        {
            contact.TimeZone = zone;
        }
        if (update.Locale is not null)
        {
            contact.Locale = locale;
        }
        foreach (var (channel, granted) in update.Consent ?? new Dictionary<string, bool>())
        {
            SetConsent(contact, channel, granted, "agent", time.GetUtcNow());
        }
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(contact));
    }

    /// <summary>Records consent; an unchanged answer keeps the time it was first given.</summary>
    public static void SetConsent(Contact contact, string channel, bool granted, string source, DateTimeOffset at)
    {
        if (contact.Consents.Find(c => c.Channel == channel) is { } existing)
        {
            if (existing.Granted != granted)
            {
                (existing.Granted, existing.At, existing.Source) = (granted, at, source);
            }
            return;
        }
        contact.Consents.Add(new ContactConsent { ContactId = contact.Id, Channel = channel, Granted = granted, At = at, Source = source });
    }

    private static Dictionary<string, string[]> Validate(ContactProfileUpdate update, out List<string>? tags, out Dictionary<string, string>? attributes,
        out string? zone, out string? locale)
    {
        var errors = new Dictionary<string, string[]>();
        tags = update.Tags?.Select(t => ContactProfileRules.NormalizeTag(t ?? "")).Distinct().ToList();
        for (var i = 0; tags is not null && i < tags.Count; i++)
        {
            if (ContactProfileRules.TagError(tags[i]) is { } error)
            {
                errors[$"tags[{i}]"] = [error];
            }
        }
        if (tags is { Count: > ContactProfileRules.MaxTags })
        {
            errors["tags"] = [$"A contact has at most {ContactProfileRules.MaxTags} tags."];
        }
        attributes = null;
        if (update.Attributes is not null)
        {
            attributes = [];
            foreach (var (rawKey, value) in update.Attributes)
            {
                var key = ContactProfileRules.NormalizeKey(rawKey);
                if ((ContactProfileRules.AttributeKeyError(key) ?? ContactProfileRules.AttributeValueError(key, value ?? "")) is { } error)
                {
                    errors[$"attributes.{rawKey}"] = [error];
                    continue;
                }
                attributes[key] = (value ?? "").Trim();
            }
            if (attributes.Count > ContactProfileRules.MaxAttributes)
            {
                errors["attributes"] = [$"A contact has at most {ContactProfileRules.MaxAttributes} attributes."];
            }
        }
        zone = null;
        if (update.TimeZone is { Length: > 0 } wantedZone)
        {
            zone = ContactProfileRules.TimeZoneId(wantedZone);
            if (zone is null)
            {
                errors["timeZone"] = [$"\"{wantedZone}\" is not an IANA time zone this server knows (e.g. Asia/Tehran, Europe/London)."];
            }
        }
        locale = null;
        if (update.Locale is { Length: > 0 } wantedLocale)
        {
            locale = ContactProfileRules.Locale(wantedLocale);
            if (locale is null)
            {
                errors["locale"] = [$"Locale must be one of {string.Join(", ", ContactProfileRules.Locales)}."];
            }
        }
        foreach (var channel in update.Consent?.Keys ?? [])
        {
            if (!ChannelNames.IsKnown(channel))
            {
                errors[$"consent.{channel}"] = [$"\"{channel}\" is not a channel; channels are {string.Join(", ", ChannelNames.All)}."];
            }
        }
        return errors;
    }

    private static Task<Contact?> LoadAsync(IQueryable<Contact> contacts, Guid id, CancellationToken ct) =>
        contacts.Include(c => c.Tags).Include(c => c.Attributes).Include(c => c.Consents).AsSplitQuery()
            .FirstOrDefaultAsync(c => c.Id == id && c.MergedIntoId == null, ct);

    private static ProblemHttpResult NotFound(Guid id) =>
        TypedResults.Problem(title: "Contact not found", detail: $"There is no contact {id}.", statusCode: StatusCodes.Status404NotFound);

    public static ContactProfileView View(Contact c) => new(c.Id, [.. c.Tags.Select(t => t.Tag).Order(StringComparer.Ordinal)],
        c.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).ToDictionary(a => a.Key, a => a.Value), c.TimeZone, c.Locale,
        [.. c.Consents.OrderBy(x => x.Channel, StringComparer.Ordinal).Select(x => new ConsentView(x.Channel, x.Granted, x.At, x.Source))]);
}
