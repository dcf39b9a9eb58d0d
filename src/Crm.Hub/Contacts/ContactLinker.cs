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
internal sealed partial class ContactLinker(HubDbContext db, ContactMerger merger, IOptionsMonitor<PhoneOptions> phones, TimeProvider time,
    ILogger<ContactLinker> logger)
{
    private static readonly string[] PhoneChannels = [ChannelNames.Sms, ChannelNames.Fax];

    /// <summary>
    /// The contact proved it owns <paramref name="phone"/>: the number is recorded on it (if it has none), and a contact
    /// that texts or faxes from that number is merged with it — the older contact survives; the merge is audited
    /// with <paramref name="reason"/> and undoable. A later SMS or fax from the number joins the contact too.
    /// </summary>
    public Task LinkVerifiedPhoneAsync(Guid contactId, string phone, string reason, CancellationToken ct) =>
        LinkVerifiedPhoneAsync(contactId, null, phone, reason, ct);

    /// <summary>As <see cref="LinkVerifiedPhoneAsync(Guid, string, string, CancellationToken)"/>; <paramref name="provenBy"/>, the identity
    /// the proof came on (a Telegram user), is marked verified.</summary>
    public async Task LinkVerifiedPhoneAsync(Guid contactId, ChannelAddress? provenBy, string phone, string reason, CancellationToken ct)
    {
        // Contact cards carry international numbers, often without the '+'.
        if (PhoneNumberNormalizer.InternationalKey(phone, phones.CurrentValue.DefaultRegion) is not { } e164)
        {
            Log.NotANumber(logger, contactId);
            return;
        }
        var contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == contactId, ct);
        // A contact merged away since hands the proof on to the contact it was merged into.
        for (var hops = 0; contact?.MergedIntoId is { } next && hops < 8; hops++)
        {
            contact = await db.Contacts.FirstOrDefaultAsync(c => c.Id == next, ct);
        }
        if (contact is null || contact.MergedIntoId is not null)
        {
            return;
        }
        contact.Phone ??= e164;
        if (provenBy is not null)
        {
            var now = time.GetUtcNow();
            await db.ChannelIdentities
                .Where(i => i.ContactId == contact.Id && i.Channel == provenBy.Channel && i.AccountId == provenBy.AccountId && i.Address == provenBy.Address)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.VerifiedAt, i => now), ct);
        }
        await db.SaveChangesAsync(ct);

        // Identities of a merged-away contact moved to its survivor, so every owner found here is a live contact.
        var owners = await db.ChannelIdentities
            .Where(i => i.Address == e164 && PhoneChannels.Contains(i.Channel) && i.ContactId != contact.Id && i.Contact!.MergedIntoId == null)
            .Select(i => new { i.ContactId, i.Contact!.CreatedAt })
            .Distinct().ToListAsync(ct);
        var survivorId = contact.Id;
        var survivorCreated = contact.CreatedAt;
        foreach (var owner in owners.OrderBy(o => o.CreatedAt))
        {
            // The older contact survives: its id is the one people have been referring to.
            var (survivor, merged) = owner.CreatedAt < survivorCreated ? (owner.ContactId, survivorId) : (survivorId, owner.ContactId);
            var (merge, refused) = await merger.MergeAsync(survivor, merged, reason, null, ct);
            if (merge is null)
            {
                Log.NotMerged(logger, survivor, merged, refused!.Detail);
                continue;
            }
            Log.Merged(logger, merged, survivor, reason);
            (survivorId, survivorCreated) = (survivor, survivorCreated < owner.CreatedAt ? survivorCreated : owner.CreatedAt);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Contact {ContactId} shared a phone number that is not one; nothing linked")]
        public static partial void NotANumber(ILogger logger, Guid contactId);

        [LoggerMessage(2, LogLevel.Information, "Contact {Merged} merged into {Survivor}: {Reason}")]
        public static partial void Merged(ILogger logger, Guid merged, Guid survivor, string reason);

        [LoggerMessage(3, LogLevel.Warning, "Contacts {Survivor} and {Merged} share a verified phone number but were not merged: {Why}")]
        public static partial void NotMerged(ILogger logger, Guid survivor, Guid merged, string why);
    }
}
