using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Hub.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Segments;

/// <summary>
/// A hub seeded once with five contacts that differ in every way a segment can filter on, so each condition has an exact
/// expected answer. Dates are relative to <see cref="Now"/>, the hub's own clock at seeding.
/// </summary>
public sealed class SegmentsHub : HubServer
{
    private Task? _seeded;

    public DateTimeOffset Now { get; private set; }

    public Dictionary<Guid, string> Names { get; } = [];

    public Task SeededAsync() => _seeded ??= SeedAsync();

    private async Task SeedAsync()
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        Now = scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow();
        var number = 9_000;

        Contact Add(string name, int createdDaysAgo, string? locale, string[] tags, (string Key, string Value)[] attributes)
        {
            var contact = new Contact
            {
                Id = Guid.NewGuid(), DisplayName = name, Locale = locale, CreatedAt = Now.AddDays(-createdDaysAgo),
                Tags = [.. tags.Select(t => new ContactTag { Tag = t })],
                Attributes = [.. attributes.Select(a => new ContactAttribute { Key = a.Key, Value = a.Value })],
            };
            db.Contacts.Add(contact);
            Names[contact.Id] = name;
            return contact;
        }

        void Identity(Contact contact, string channel, string address, bool optedOut = false, bool undeliverable = false) =>
            db.ChannelIdentities.Add(new ChannelIdentity
            {
                Id = Guid.NewGuid(), ContactId = contact.Id, Channel = channel, AccountId = "default", Address = address, CreatedAt = Now, LastSeenAt = Now,
                OptedOutAt = optedOut ? Now : null, UndeliverableAt = undeliverable ? Now : null,
            });

        void Consent(Contact contact, string channel, bool granted) =>
            db.ContactConsents.Add(new ContactConsent { ContactId = contact.Id, Channel = channel, Granted = granted, At = Now, Source = "test" });

        void Conversation(Contact contact, int daysAgo, string? category, bool inbound)
        {
            var at = Now.AddDays(-daysAgo);
            var conversation = new Conversation
            {
                Id = Guid.NewGuid(), Number = number++, ContactId = contact.Id, Channel = ChannelNames.Sms, Status = ConversationStatus.Resolved,
                Category = category, CreatedAt = at, WaitingSince = at, LastMessageAt = at,
            };
            db.Conversations.Add(conversation);
            db.Messages.Add(new Message
            {
                Id = Guid.NewGuid(), ConversationId = conversation.Id, Channel = ChannelNames.Sms, Body = "hello",
                Direction = inbound ? MessageDirection.Inbound : MessageDirection.Outbound, CreatedAt = at,
            });
        }

        var ana = Add("Ana", 100, "fa", ["vip", "newsletter"], [("plan", "gold"), ("city", "Tehran")]);
        Identity(ana, ChannelNames.Sms, "+15550100001");
        Consent(ana, ChannelNames.Sms, true);
        Conversation(ana, 2, null, inbound: true);
        Conversation(ana, 5, "complaint", inbound: true);

        var bob = Add("Bob", 10, "en", ["newsletter"], [("plan", "silver")]);
        Identity(bob, ChannelNames.Email, "bob@example.test");
        Identity(bob, ChannelNames.Sms, "+15550100002", optedOut: true);
        Consent(bob, ChannelNames.Email, true);
        Consent(bob, ChannelNames.Sms, false);
        Conversation(bob, 40, null, inbound: true);
        // An agent's reply is not the customer's last contact.
        Conversation(bob, 1, null, inbound: false);

        var cyd = Add("Cyd", 1, null, [], [("plan", "gold-plus")]);
        Identity(cyd, ChannelNames.Email, "cyd@example.test", undeliverable: true);
        Identity(cyd, ChannelNames.Telegram, "123456");
        Conversation(cyd, 60, "complaint", inbound: false);

        var dan = Add("Dan", 3, "fa", ["vip"], [("plan", "gold")]);
        Identity(dan, ChannelNames.Sms, "+15550100004");
        dan.MergedIntoId = ana.Id;

        var eve = Add("Eve", 400, "fa", ["vip"], []);
        Identity(eve, ChannelNames.Fax, "+15550100005");
        Conversation(eve, 200, null, inbound: true);

        await db.SaveChangesAsync();
    }
}
