using Crm.Channels;
using Crm.Hub.Campaigns;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Campaigns;
using Crm.Hub.Tests.Sms;
using Crm.Hub.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Outbox;

/// <summary>A queued campaign message whose address opts out before its turn (its send window, a 429's Retry-After) is never sent.</summary>
public sealed class OutboxOptOutTests(CampaignsHub hub) : IClassFixture<CampaignsHub>
{
    private sealed record Queued(Guid IdentityId, Guid MessageId, Guid? RecipientId);

    /// <summary>An outbound SMS to <paramref name="number"/> waiting in the outbox, as a campaign's (with its recipient row) or an agent's reply.</summary>
    private async Task<Queued> QueueAsync(string number, bool campaign, TimeSpan wait)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        var contact = new Contact { Id = Guid.NewGuid(), DisplayName = $"Customer {number}", CreatedAt = now };
        var identity = new ChannelIdentity
        {
            Id = Guid.NewGuid(), ContactId = contact.Id, Channel = ChannelNames.Sms, AccountId = SmsHub.BusinessNumber, Address = number, CreatedAt = now,
            LastSeenAt = now,
        };
        Campaign? bulk = campaign
            ? new Campaign
            {
                Id = Guid.NewGuid(), Name = $"Promo {number}", Channel = ChannelNames.Sms, BodyEn = "Sale!", DefaultTimeZone = "UTC", State = CampaignState.Running,
                Run = 1, Materialized = true, CreatedAt = now, UpdatedAt = now, LaunchedAt = now,
            }
            : null;
        var conversation = new Conversation
        {
            Id = Guid.NewGuid(), Number = 700_000 + Random.Shared.Next(100_000), ContactId = contact.Id, Channel = ChannelNames.Sms,
            Status = campaign ? ConversationStatus.Resolved : ConversationStatus.Assigned, CampaignId = bulk?.Id, CreatedAt = now, WaitingSince = now,
            LastMessageAt = now, ResolvedAt = campaign ? now : null,
        };
        var message = new Message
        {
            Id = Guid.NewGuid(), ConversationId = conversation.Id, Direction = MessageDirection.Outbound, Channel = ChannelNames.Sms,
            Body = campaign ? "Sale!" : "Here is your order number", DeliveryStatus = DeliveryStatus.Pending, CreatedAt = now,
        };
        db.AddRange(contact, identity, conversation, message);
        // Waiting as after a 429 with Retry-After: its next attempt a little later.
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.NewGuid(), MessageId = message.Id, Channel = ChannelNames.Sms, State = OutboxState.Pending, Attempts = 1, NextAttemptAt = now + wait,
            LastError = "20429 Too Many Requests", CreatedAt = now,
        });
        CampaignRecipient? recipient = null;
        if (bulk is not null)
        {
            db.Campaigns.Add(bulk);
            recipient = new CampaignRecipient
            {
                Id = Guid.NewGuid(), CampaignId = bulk.Id, Run = 1, ContactId = contact.Id, Address = number, State = RecipientState.Sending,
                MessageId = message.Id, CreatedAt = now, QueuedAt = now,
            };
            db.CampaignRecipients.Add(recipient);
        }
        await db.SaveChangesAsync();
        return new Queued(identity.Id, message.Id, recipient?.Id);
    }

    private async Task OptOutAsync(Guid identityId)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = TimeProvider.System.GetUtcNow();
        await db.ChannelIdentities.Where(i => i.Id == identityId).ExecuteUpdateAsync(s => s.SetProperty(i => i.OptedOutAt, now));
    }

    private Task<OutboxMessage> FinishedAsync(Guid messageId) => Wait.UntilFoundAsync(async () =>
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var row = await scope.ServiceProvider.GetRequiredService<HubDbContext>().Outbox.AsNoTracking().SingleAsync(o => o.MessageId == messageId);
        return row.State is OutboxState.Pending or OutboxState.Sending ? null : row;
    }, TimeSpan.FromSeconds(30));

    private async Task<T> ReadAsync<T>(Func<HubDbContext, Task<T>> read)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        return await read(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    [Fact]
    public async Task ACampaignMessageWaitingOnARetryIsNotSentOnceItsAddressOptedOut()
    {
        const string number = "+15557400001";
        var queued = await QueueAsync(number, campaign: true, TimeSpan.FromSeconds(1.5));
        await OptOutAsync(queued.IdentityId);

        var row = await FinishedAsync(queued.MessageId);

        Assert.Equal((OutboxState.Failed, "Opted out before sending"), (row.State, row.LastError));
        Assert.DoesNotContain(hub.Sends(), s => s["To"] == number);
        var recipient = await ReadAsync(db => db.CampaignRecipients.AsNoTracking().SingleAsync(r => r.Id == queued.RecipientId));
        Assert.Equal((RecipientState.Suppressed, "Opted out before sending"), (recipient.State, recipient.Error));
        var message = await ReadAsync(db => db.Messages.AsNoTracking().SingleAsync(m => m.Id == queued.MessageId));
        Assert.Equal((DeliveryStatus.Failed, "Opted out before sending"), (message.DeliveryStatus, message.DeliveryError));
    }

    [Fact]
    public async Task AnAgentsReplyToAnAddressThatOptedOutIsStillTheChannelsBusiness()
    {
        const string number = "+15557400002";
        var queued = await QueueAsync(number, campaign: false, TimeSpan.FromSeconds(0.5));
        await OptOutAsync(queued.IdentityId);

        var row = await FinishedAsync(queued.MessageId);

        Assert.Equal(OutboxState.Sent, row.State);
        Assert.Contains(hub.Sends(), s => s["To"] == number);
    }

    [Fact]
    public async Task ACampaignMessageToAnAddressStillSubscribedIsSent()
    {
        const string number = "+15557400003";
        var queued = await QueueAsync(number, campaign: true, TimeSpan.FromSeconds(0.5));

        var row = await FinishedAsync(queued.MessageId);

        Assert.Equal(OutboxState.Sent, row.State);
        Assert.Contains(hub.Sends(), s => s["To"] == number);
    }
}
