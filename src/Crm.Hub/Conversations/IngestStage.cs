using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Routing.Classification;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

/// <summary>
/// Stages a batch of inbound messages in one unit of work. It remembers what it added, because the
/// database does not see a contact or conversation created earlier in the same batch until the commit.
/// </summary>
internal sealed class IngestStage(HubDbContext db, DateTimeOffset now, QueueClassifier queues, Surveys.SurveyOptions? surveys = null)
{
    private readonly Dictionary<(string Channel, string Account, string Address), Contact> _contacts = [];
    private readonly Dictionary<Guid, Conversation?> _openConversations = [];
    private readonly Dictionary<(string Channel, string Account, string Address), ChannelIdentity?> _prefetched = [];

    /// <summary>Prefetched owners of phone numbers the batch has new SMS or fax senders from (null: nobody has the number).</summary>
    private readonly Dictionary<string, Contact?> _phoneOwners = [];

    public List<ConversationEvent> Events { get; } = [];

    public List<Conversation> Opened { get; } = [];

    /// <summary>Resolved conversations a threaded reply brought back into routing.</summary>
    public List<Conversation> Reopened { get; } = [];

    public async Task<IngestResult?> FindDuplicateAsync(InboundMessage inbound)
    {
        var hit = await db.Messages.AsNoTracking()
            .Where(m => m.Channel == inbound.From.Channel && m.ProviderMessageId == inbound.ProviderMessageId)
            .Select(m => new { m.Id, m.ConversationId, m.CreatedAt, m.DeliveryStatus, ContactId = db.Conversations.Where(c => c.Id == m.ConversationId).Select(c => c.ContactId).First() })
            .FirstOrDefaultAsync();
        return hit is null ? null : new IngestResult(true, hit.Id, hit.ConversationId, hit.ContactId, hit.CreatedAt, hit.DeliveryStatus ?? DeliveryStatus.Sent);
    }

    /// <summary>
    /// Loads, in two queries for the whole batch, every identity the batch writes from with its contact and open
    /// conversation, so a busy writer pays per batch what it would otherwise pay per message.
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyCollection<InboundMessage> batch)
    {
        if (batch.Count < 2)
        {
            return;
        }
        var wanted = batch.Select(m => (m.From.Channel, m.From.AccountId, m.From.Address)).ToHashSet();
        var addresses = wanted.Select(k => k.Address).Distinct().ToList();
        var sameAddress = await db.ChannelIdentities.Include(i => i.Contact).Where(i => addresses.Contains(i.Address)).ToListAsync();
        var identities = sameAddress.Where(i => wanted.Contains((i.Channel, i.AccountId, i.Address))).ToList();
        var owners = await PrefetchPhoneOwnersAsync(wanted, sameAddress, identities);
        var contactIds = identities.Select(i => i.ContactId).Concat(owners.Select(c => c.Id)).Distinct().ToList();
        var open = await db.Conversations.Where(c => contactIds.Contains(c.ContactId) && c.Status != ConversationStatus.Resolved).ToListAsync();
        foreach (var key in wanted)
        {
            _prefetched[key] = null;
        }
        foreach (var identity in identities)
        {
            _prefetched[(identity.Channel, identity.AccountId, identity.Address)] = identity;
            _openConversations[identity.ContactId] = open.Where(c => c.ContactId == identity.ContactId).MaxBy(c => c.LastMessageAt);
        }
        foreach (var owner in owners)
        {
            _openConversations[owner.Id] = open.Where(c => c.ContactId == owner.Id).MaxBy(c => c.LastMessageAt);
        }
    }

    /// <summary>
    /// For the batch's first messages from phone numbers on SMS or fax: who already owns each number, from the identities
    /// the batch query loaded anyway, plus — only when some number has no SMS or fax identity yet — one query for
    /// contacts with that verified phone. Web chat batches never get here.
    /// </summary>
    private async Task<List<Contact>> PrefetchPhoneOwnersAsync(HashSet<(string Channel, string AccountId, string Address)> wanted,
        List<ChannelIdentity> sameAddress, List<ChannelIdentity> known)
    {
        var knownKeys = known.Select(i => (i.Channel, i.AccountId, i.Address)).ToHashSet();
        var numbers = wanted.Where(k => IsPhone(k.Channel, k.Address) && !knownKeys.Contains(k)).Select(k => k.Address).ToHashSet();
        if (numbers.Count == 0)
        {
            return [];
        }
        foreach (var identity in sameAddress.Where(i => PhoneChannels.Contains(i.Channel) && numbers.Contains(i.Address) && i.Contact is not null)
            .OrderBy(i => i.Contact!.CreatedAt))
        {
            _phoneOwners.TryAdd(identity.Address, identity.Contact);
        }
        var unowned = numbers.Where(n => !_phoneOwners.ContainsKey(n)).ToList();
        if (unowned.Count > 0)
        {
            var verified = await db.Contacts.Where(c => c.Phone != null && unowned.Contains(c.Phone) && c.MergedIntoId == null)
                .OrderBy(c => c.CreatedAt).ToListAsync();
            foreach (var contact in verified)
            {
                _phoneOwners.TryAdd(contact.Phone!, contact);
            }
        }
        foreach (var number in numbers)
        {
            _phoneOwners.TryAdd(number, null);
        }
        return [.. _phoneOwners.Values.OfType<Contact>().Where(c => c.MergedIntoId == null).Distinct()];
    }

    private static bool IsPhone(string channel, string address) => PhoneChannels.Contains(channel) && address.StartsWith('+');

    public async Task<(Message Message, Conversation Conversation)> AddAsync(InboundMessage inbound, IngestExtras? extras = null)
    {
        var contact = await ResolveContactAsync(inbound);
        if (await SurveyAnswerAsync(inbound, extras, contact) is { } answered)
        {
            return answered;
        }
        var conversation = await ThreadedConversationAsync(contact, extras) ?? await OpenConversationAsync(contact, inbound, extras?.Summary);

        var message = new Message
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversation.Id,
            Direction = MessageDirection.Inbound,
            Channel = inbound.From.Channel,
            Body = inbound.Body,
            ProviderMessageId = inbound.ProviderMessageId,
            // An assigned conversation's messages reach the assignee's console with this very commit.
            DeliveryStatus = conversation.Status == ConversationStatus.Assigned ? DeliveryStatus.Delivered : DeliveryStatus.Sent,
            CreatedAt = now,
            Attachments = (inbound.Attachments ?? []).Select(a => new Attachment
            {
                Id = Guid.CreateVersion7(now),
                FileName = a.FileName,
                ContentType = a.ContentType,
                Size = a.Size,
                Sha256 = a.Sha256,
                StoragePath = a.StoragePath,
                Pages = a.Pages,
                ContentId = a.ContentId,
                Inline = a.Inline,
            }).ToList(),
        };
        db.Messages.Add(message);
        conversation.LastMessageAt = now;
        conversation.LastMessagePreview = ConversationViews.Preview(extras?.Summary ?? inbound.Body);

        if (Opened.Contains(conversation))
        {
            Events.Add(db.Append(EventKinds.Opened, StaffEvents.ConversationUpdated, conversation.Id, null,
                ConversationViews.From(conversation, contact.DisplayName, null), now));
        }
        else if (Reopened.Contains(conversation) && !_reopenAnnounced.Contains(conversation.Id))
        {
            _reopenAnnounced.Add(conversation.Id);
            Events.Add(db.Append(EventKinds.Reopened, StaffEvents.ConversationUpdated, conversation.Id, null,
                ConversationViews.From(conversation, conversation.Contact?.DisplayName ?? contact.DisplayName, null), now));
        }
        // Consoles move the conversation's preview and time from MessageAdded; no second event per message.
        Events.Add(db.Append(EventKinds.Received, StaffEvents.MessageAdded, conversation.Id, null, ConversationViews.From(message, null), now));
        return (message, conversation);
    }

    private readonly HashSet<Guid> _reopenAnnounced = [];

    /// <summary>
    /// A reply to the contact's open survey (<see cref="Surveys.SurveyReplies"/>): with a score it is stored in the surveyed conversation
    /// without reopening it, and returned; words alone become the survey's comment and the message goes on as an ordinary one (null).
    /// </summary>
    private const int MaxWordsBesideAScore = 3;

    private async Task<(Message, Conversation)?> SurveyAnswerAsync(InboundMessage inbound, IngestExtras? extras, Contact contact)
    {
        if (surveys is null || extras is not null || !Surveys.SurveyReplies.AnswersIn(inbound.From.Channel)
            || db.Entry(contact).State == EntityState.Added || await OpenOfAsync(contact.Id) is not null
            || await Surveys.SurveyReplies.OpenSurveyAsync(db, contact.Id, inbound.From.Channel, now) is not { } survey)
        {
            return null;
        }
        var answer = Surveys.SurveyAnswer.Parse(survey.Kind, inbound.Body);
        // A score is a short reply ("4", "5 thanks", "I'd say 9"); a sentence with a number in it ("it came 2 days late") is the
        // customer writing to us, kept as the survey's comment and handled as an ordinary message.
        if (answer is { Score: not null, Comment: { } words } && words.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length > MaxWordsBesideAScore)
        {
            answer = new Surveys.SurveyAnswer(null, inbound.Body.Trim());
        }
        if (answer.Score is null)
        {
            Events.AddRange((await Surveys.SurveyAnswers.RecordAsync(db, survey, answer, inbound.From.Channel, surveys, now, default)).Events);
            return null;
        }
        var conversation = await db.Conversations.Include(c => c.Contact).FirstAsync(c => c.Id == survey.ConversationId);
        var message = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Direction = MessageDirection.Inbound, Channel = inbound.From.Channel,
            Body = inbound.Body, ProviderMessageId = inbound.ProviderMessageId, DeliveryStatus = DeliveryStatus.Sent, CreatedAt = now,
        };
        db.Messages.Add(message);
        Events.Add(db.Append(Surveys.SurveyEvents.Reply, StaffEvents.MessageAdded, conversation.Id, null, ConversationViews.From(message, null), now));
        Events.AddRange((await Surveys.SurveyAnswers.RecordAsync(db, survey, answer, inbound.From.Channel, surveys, now, default)).Events);
        return (message, conversation);
    }

    /// <summary>
    /// The conversation a channel's threading names, when the message should join it: it is open, or it was resolved and the
    /// contact has nothing else open (one stream per customer), in which case a person's reply reopens it for routing and the
    /// agent who handled it is first in line. A machine's reply joins a resolved conversation without reopening it.
    /// </summary>
    private async Task<Conversation?> ThreadedConversationAsync(Contact contact, IngestExtras? extras)
    {
        if (extras?.ThreadInto is not { } id)
        {
            return null;
        }
        var threaded = db.Conversations.Local.FirstOrDefault(c => c.Id == id)
            ?? await db.Conversations.Include(c => c.Contact).FirstOrDefaultAsync(c => c.Id == id);
        if (threaded is null || threaded.IsOpen)
        {
            return threaded;
        }
        var open = await OpenOfAsync(contact.Id);
        if (open is not null && open.Id != threaded.Id)
        {
            return open;
        }
        if (extras.Automatic)
        {
            return threaded;
        }
        threaded.Status = ConversationStatus.Waiting;
        threaded.ResponsibleAgentId = threaded.AssigneeId ?? threaded.ResponsibleAgentId;
        threaded.AssigneeId = null;
        threaded.ResolvedAt = null;
        threaded.WaitingSince = now;
        Reopened.Add(threaded);
        if (threaded.ContactId == contact.Id)
        {
            _openConversations[contact.Id] = threaded;
        }
        return threaded;
    }

    private async Task<Conversation?> OpenOfAsync(Guid contactId)
    {
        if (!_openConversations.TryGetValue(contactId, out var conversation))
        {
            conversation = await db.Conversations
                .Where(c => c.ContactId == contactId && c.Status != ConversationStatus.Resolved)
                .OrderByDescending(c => c.LastMessageAt)
                .FirstOrDefaultAsync();
            _openConversations[contactId] = conversation;
        }
        return conversation;
    }

    private async Task<Conversation> OpenConversationAsync(Contact contact, InboundMessage inbound, string? summary)
    {
        var conversation = await OpenOfAsync(contact.Id);
        if (conversation is null)
        {
            var number = await ConversationNumbers.ReserveAsync(db, 1, default);
            conversation = new Conversation
            {
                Id = Guid.CreateVersion7(now),
                Number = number,
                ContactId = contact.Id,
                Channel = inbound.From.Channel,
                Status = ConversationStatus.Waiting,
                ResponsibleAgentId = contact.ResponsibleAgentId,
                CreatedAt = now,
                WaitingSince = now,
            };
            // The first message decides the queue: its priority and first-response SLA.
            conversation.PolicyVersion = queues.Policy.Version;
            // Tags cost a query, so only when some queue routes by them (VIP…); a brand-new contact has none.
            IReadOnlyCollection<string>? tags = queues.Policy.RoutesByContactTags
                ? await db.ContactTags.Where(t => t.ContactId == contact.Id).Select(t => t.Tag).ToListAsync()
                : null;
            if (queues.Classify(new ConversationFacts(inbound.From.Channel, summary ?? inbound.Body, inbound.From.AccountId, tags)) is { } queue)
            {
                conversation.QueueId = queue.Id;
                conversation.TeamId = queue.TeamId;
                conversation.Priority = queue.Priority;
                conversation.SlaDueAt = queue.FirstResponseSla is { } sla ? queues.SlaDue(queue.Id, now, sla) : null;
                conversation.Category ??= queues.CategoryOf(queue.Id);
                conversation.RequiredSkill = queue.Skill;
                conversation.MinProficiency = queue.MinProficiency;
            }
            // A customer answering a campaign message: the conversation is linked to it and the recipient marked replied.
            await Crm.Hub.Campaigns.CampaignReplies.LinkAsync(db, conversation, now);
            db.Conversations.Add(conversation);
            Opened.Add(conversation);
        }
        _openConversations[contact.Id] = conversation;
        return conversation;
    }

    private ChannelIdentity NewIdentity(Guid contactId, InboundMessage inbound) => new()
    {
        Id = Guid.CreateVersion7(now),
        ContactId = contactId,
        Channel = inbound.From.Channel,
        AccountId = inbound.From.AccountId,
        Address = inbound.From.Address,
        RawAddress = inbound.RawFromAddress,
        CreatedAt = now,
        LastSeenAt = now,
    };

    private static readonly string[] PhoneChannels = [ChannelNames.Sms, ChannelNames.Fax];

    /// <summary>
    /// For a first message from a phone number on SMS or fax: the contact who already uses that number on either
    /// (the oldest, if several), or else the contact who proved it owns the number (<see cref="Contact.Phone"/>).
    /// </summary>
    private async Task<Contact?> SamePhoneContactAsync(ChannelAddress from)
    {
        if (!IsPhone(from.Channel, from.Address))
        {
            return null;
        }
        var inBatch = _contacts.FirstOrDefault(c => c.Key.Address == from.Address && PhoneChannels.Contains(c.Key.Channel)).Value;
        if (inBatch is not null)
        {
            return inBatch;
        }
        if (!_phoneOwners.TryGetValue(from.Address, out var owner))
        {
            owner = await db.ChannelIdentities.Where(i => i.Address == from.Address && PhoneChannels.Contains(i.Channel))
                    .OrderBy(i => i.Contact!.CreatedAt).Select(i => i.Contact).FirstOrDefaultAsync()
                ?? await db.Contacts.Where(c => c.Phone == from.Address && c.MergedIntoId == null).OrderBy(c => c.CreatedAt).FirstOrDefaultAsync();
        }
        // A merged-away contact hands its numbers on to the contact it was merged into.
        for (var hops = 0; owner?.MergedIntoId is { } next && hops < 8; hops++)
        {
            owner = await db.Contacts.FirstOrDefaultAsync(c => c.Id == next);
        }
        if (owner is not null && !_openConversations.ContainsKey(owner.Id))
        {
            _openConversations[owner.Id] = await db.Conversations
                .Where(c => c.ContactId == owner.Id && c.Status != ConversationStatus.Resolved)
                .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync();
        }
        return owner;
    }

    /// <summary>The contact (the oldest, if several) who gave this email address, following merges to the survivor.</summary>
    private async Task<Contact?> SameEmailContactAsync(string address)
    {
        var inBatch = _contacts.Values.FirstOrDefault(c => string.Equals(c.Email, address, StringComparison.OrdinalIgnoreCase));
        if (inBatch is not null)
        {
            return inBatch;
        }
        var owner = await db.Contacts.Where(c => c.Email == address).OrderBy(c => c.CreatedAt).FirstOrDefaultAsync();
        for (var hops = 0; owner?.MergedIntoId is { } next && hops < 8; hops++)
        {
            owner = await db.Contacts.FirstOrDefaultAsync(c => c.Id == next);
        }
        return owner;
    }

    private async Task<Contact> ResolveContactAsync(InboundMessage inbound)
    {
        var from = inbound.From;
        var key = (from.Channel, from.AccountId, from.Address);
        if (_contacts.TryGetValue(key, out var cached))
        {
            return cached;
        }
        ChannelIdentity? identity;
        if (_prefetched.TryGetValue(key, out var prefetched))
        {
            identity = prefetched;
        }
        else
        {
            // A lone message: one query for the identity, its contact and the contact's open conversation.
            var found = await db.ChannelIdentities
                .Where(i => i.Channel == from.Channel && i.AccountId == from.AccountId && i.Address == from.Address)
                .Select(i => new
                {
                    Identity = i,
                    i.Contact,
                    Open = db.Conversations.Where(c => c.ContactId == i.ContactId && c.Status != ConversationStatus.Resolved)
                        .OrderByDescending(c => c.LastMessageAt).FirstOrDefault(),
                })
                .FirstOrDefaultAsync();
            identity = found?.Identity;
            if (found?.Contact is { } contactFound)
            {
                _openConversations[contactFound.Id] = found.Open;
            }
        }
        Contact contact;
        if (identity?.Contact is { } known)
        {
            // Minute precision is plenty for "last seen", and spares an UPDATE on every message of a busy chat.
            if (now - identity.LastSeenAt > TimeSpan.FromMinutes(1))
            {
                identity.LastSeenAt = now;
            }
            if (identity.UndeliverableAt is not null)
            {
                // Mail from the address proves it works again.
                identity.UndeliverableAt = null;
                identity.UndeliverableReason = null;
            }
            known.DisplayName ??= inbound.SenderName;
            known.Email ??= inbound.SenderEmail;
            contact = known;
        }
        else if (await SamePhoneContactAsync(from) is { } samePhone)
        {
            // Strong evidence (PROTOCOLS §8, issue: "same phone number on SMS and fax"; a verified phone): the number's owner is the same person.
            db.ChannelIdentities.Add(NewIdentity(samePhone.Id, inbound));
            samePhone.DisplayName ??= inbound.SenderName;
            samePhone.Phone ??= from.Address;
            contact = samePhone;
        }
        else if (from.Channel == ChannelNames.Email && await SameEmailContactAsync(from.Address) is { } sameEmail)
        {
            // The address a chat visitor gave, or a contact merged with it: mail from it is the same person's.
            db.ChannelIdentities.Add(NewIdentity(sameEmail.Id, inbound));
            sameEmail.DisplayName ??= inbound.SenderName;
            contact = sameEmail;
        }
        else
        {
            contact = new Contact
            {
                Id = Guid.CreateVersion7(now),
                DisplayName = inbound.SenderName,
                Email = inbound.SenderEmail,
                Phone = IsPhone(from.Channel, from.Address) ? from.Address : null,
                CreatedAt = now,
            };
            contact.Identities.Add(NewIdentity(contact.Id, inbound));
            db.Contacts.Add(contact);
            _openConversations[contact.Id] = null;
        }
        _contacts[key] = contact;
        return contact;
    }
}
