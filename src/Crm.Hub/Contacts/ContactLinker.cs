using Crm.Channels;
using Crm.Channels.Phones;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Contacts;

/// <summary>
/// Links contacts on strong evidence only (PROTOCOLS §8): a customer who proves a phone number is theirs
/// (shares their own contact card on Telegram) is the same person as the contact texting or faxing from it.
/// </summary>
internal sealed class ContactLinker(HubDbContext db, ContactMerger merger, IOptionsMonitor<PhoneOptions> phones, TimeProvider time)
{
    private static readonly string[] PhoneChannels = [ChannelNames.Sms, ChannelNames.Fax];

    public async Task LinkVerifiedPhoneAsync(Guid contactId, ChannelAddress provenBy, string phone, string reason, CancellationToken ct)
    {
        phone = PhoneNumberNormalizer.Key(phone, phones.CurrentValue.DefaultRegion);
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == contactId && c.MergedIntoId == null, ct);
        if (contact is null)
        {
            return;
        }
        var now = time.GetUtcNow();
        contact.Phone ??= phone;
        await db.ChannelIdentities
            .Where(i => i.ContactId == contactId && i.Channel == provenBy.Channel && i.AccountId == provenBy.AccountId && i.Address == provenBy.Address)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.VerifiedAt, now), ct);
        await db.SaveChangesAsync(ct);

        var owners = await db.ChannelIdentities.Where(i => i.Address == phone && PhoneChannels.Contains(i.Channel) && i.ContactId != contactId)
            .Select(i => i.ContactId).Distinct().ToListAsync(ct);
        foreach (var ownerId in owners)
        {
            var owner = await db.Contacts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == ownerId && c.MergedIntoId == null, ct);
            if (owner is null)
            {
                continue;
            }
            // The older contact survives: its id is the one people have been referring to.
            var (survivor, merged) = owner.CreatedAt <= contact.CreatedAt ? (owner.Id, contactId) : (contactId, owner.Id);
            await merger.MergeAsync(survivor, merged, reason, null, ct);
            contactId = survivor;
        }
    }
}
