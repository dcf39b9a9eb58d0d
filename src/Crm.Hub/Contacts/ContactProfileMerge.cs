using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Contacts;

/// <summary>The consent a merge replaced on the survivor, to put back on undo.</summary>
internal sealed record ConsentBefore(string Channel, bool Granted, DateTimeOffset At, string Source);

/// <summary>What a merge gave the survivor of the merged contact's profile, so undo removes exactly that.</summary>
internal sealed record CopiedProfile(List<string> Tags, Dictionary<string, string> Attributes, List<string> Consents, List<ConsentBefore> Withdrawn);

/// <summary>
/// A merge hands the merged contact's profile on, so segments (which never see a merged-away contact) still find the
/// person by it: its tags, the attributes and consent answers the survivor has none of are copied to the survivor — the
/// merged contact keeps its own rows for undo — and a withdrawal of consent on it withdraws the survivor's too.
/// </summary>
internal static class ContactProfileMerge
{
    public static async Task<CopiedProfile> CopyAsync(HubDbContext db, Guid survivorId, Guid otherId, DateTimeOffset now, CancellationToken ct)
    {
        var tags = await db.ContactTags.Where(t => t.ContactId == survivorId || t.ContactId == otherId).ToListAsync(ct);
        var attributes = await db.ContactAttributes.Where(a => a.ContactId == survivorId || a.ContactId == otherId).ToListAsync(ct);
        var consents = await db.ContactConsents.Where(c => c.ContactId == survivorId || c.ContactId == otherId).ToListAsync(ct);
        var copied = new CopiedProfile([], [], [], []);
        foreach (var tag in tags.Where(t => t.ContactId == otherId && !tags.Any(s => s.ContactId == survivorId && s.Tag == t.Tag)))
        {
            db.ContactTags.Add(new ContactTag { ContactId = survivorId, Tag = tag.Tag });
            copied.Tags.Add(tag.Tag);
        }
        foreach (var attribute in attributes.Where(a => a.ContactId == otherId && !attributes.Any(s => s.ContactId == survivorId && s.Key == a.Key)))
        {
            db.ContactAttributes.Add(new ContactAttribute { ContactId = survivorId, Key = attribute.Key, Value = attribute.Value });
            copied.Attributes[attribute.Key] = attribute.Value;
        }
        foreach (var consent in consents.Where(c => c.ContactId == otherId))
        {
            var mine = consents.Find(c => c.ContactId == survivorId && c.Channel == consent.Channel);
            if (mine is null)
            {
                db.ContactConsents.Add(new ContactConsent
                {
                    ContactId = survivorId, Channel = consent.Channel, Granted = consent.Granted, At = consent.At, Source = consent.Source,
                });
                copied.Consents.Add(consent.Channel);
            }
            else if (mine.Granted && !consent.Granted)
            {
                copied.Withdrawn.Add(new ConsentBefore(mine.Channel, mine.Granted, mine.At, mine.Source));
                (mine.Granted, mine.At, mine.Source) = (false, now, "merge");
            }
        }
        return copied;
    }

    /// <summary>Takes back what <see cref="CopyAsync"/> gave, where it is still as the merge left it (a later edit wins).</summary>
    public static async Task UndoAsync(HubDbContext db, Guid survivorId, CopiedProfile copied, CancellationToken ct)
    {
        await db.ContactTags.Where(t => t.ContactId == survivorId && copied.Tags.Contains(t.Tag)).ExecuteDeleteAsync(ct);
        var attributes = await db.ContactAttributes.Where(a => a.ContactId == survivorId && copied.Attributes.Keys.Contains(a.Key)).ToListAsync(ct);
        db.ContactAttributes.RemoveRange(attributes.Where(a => copied.Attributes[a.Key] == a.Value));
        var channels = copied.Consents.Concat(copied.Withdrawn.Select(w => w.Channel)).ToList();
        foreach (var consent in await db.ContactConsents.Where(c => c.ContactId == survivorId && channels.Contains(c.Channel)).ToListAsync(ct))
        {
            if (copied.Withdrawn.Find(w => w.Channel == consent.Channel) is { } before)
            {
                if (!consent.Granted && consent.Source == "merge")
                {
                    (consent.Granted, consent.At, consent.Source) = (before.Granted, before.At, before.Source);
                }
            }
            else
            {
                db.ContactConsents.Remove(consent);
            }
        }
    }
}
