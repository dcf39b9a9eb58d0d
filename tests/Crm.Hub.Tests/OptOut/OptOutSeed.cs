using Crm.Hub.Contacts;
using Crm.Hub.OptOut;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.OptOut;

/// <summary>Contacts and identities written straight to a test hub's database, and links signed by its own key ring.</summary>
internal static class OptOutSeed
{
    /// <summary>A contact with one identity per (channel, account, address) given; returns the contact and identity ids.</summary>
    public static async Task<(Guid ContactId, List<Guid> IdentityIds)> ContactAsync(HubServer hub, string name,
        params (string Channel, string Account, string Address)[] identities)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        var contact = new Contact { Id = Guid.NewGuid(), DisplayName = name, CreatedAt = now };
        foreach (var (channel, account, address) in identities)
        {
            contact.Identities.Add(new ChannelIdentity
            {
                Id = Guid.NewGuid(), Channel = channel, AccountId = account, Address = address, CreatedAt = now, LastSeenAt = now,
            });
        }
        db.Contacts.Add(contact);
        await db.SaveChangesAsync();
        return (contact.Id, [.. contact.Identities.Select(i => i.Id)]);
    }

    public static async Task<List<ChannelIdentity>> IdentitiesAsync(HubServer hub, string channel, string address)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.ChannelIdentities.AsNoTracking().Where(i => i.Channel == channel && i.Address == address).ToListAsync();
    }

    public static async Task<List<OptOutRecord>> RecordsAsync(HubServer hub, string address)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.OptOutRecords.AsNoTracking().Where(r => r.Address == address).OrderBy(r => r.At).ToListAsync();
    }

    /// <summary>Sets an identity's flags as a channel would (an SMS STOP, a Telegram block, a hard bounce), leaving no record.</summary>
    public static async Task MarkAsync(HubServer hub, Guid identityId, bool optedOut, bool bounced = false)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var identity = await db.ChannelIdentities.FirstAsync(i => i.Id == identityId);
        identity.OptedOutAt = optedOut ? TimeProvider.System.GetUtcNow() : null;
        if (bounced)
        {
            identity.UndeliverableAt = TimeProvider.System.GetUtcNow();
            identity.UndeliverableReason = "550 5.1.1 mailbox unknown";
        }
        await db.SaveChangesAsync();
    }

    public static string Token(HubServer hub, Guid identityId, Guid? campaignId = null) =>
        hub.Services.GetRequiredService<UnsubscribeLinks>().Token(new UnsubscribeRequest(identityId, campaignId));
}
