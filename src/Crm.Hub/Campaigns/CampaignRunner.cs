using System.Data.Common;
using Crm.Channels;
using Crm.Hub.Campaigns.Pacing;
using Crm.Hub.Conversations;
using Crm.Hub.OptOut;
using Crm.Hub.Outbox;
using Crm.Hub.Segments;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Campaigns;

/// <summary>
/// Runs a campaign in three steps, each page by page so memory stays flat and each resumable after a crash:
/// <list type="number">
/// <item>materialise the run's recipient list once;</item>
/// <item>prepare: render every pending recipient's message and store it on the recipient row (the campaign's own queue, one
/// set-based write per page), so template failures show before anything is sent;</item>
/// <item>send: hand prepared messages to the outbox at the sender's pace, checking opt-out and quiet hours at that moment.</item>
/// </list>
/// A recipient is marked <see cref="RecipientState.Sending"/> in the same transaction that writes its message and outbox
/// row, so after a crash it is never queued again; the outbox's outcome (sent, failed, unknown) flows back in
/// <see cref="CampaignProgress"/>.
/// </summary>
internal sealed partial class CampaignRunner(
    IServiceScopeFactory scopes, SenderPacer pacer, CampaignSenders senders, CampaignControl control, CampaignProgress progress,
    CampaignTemplates templates, UnsubscribeLinks unsubscribe, OutboxSignal outbox, TimeProvider time, ILogger<CampaignRunner> logger)
{
    public const int MaterializePage = 1000;
    public const int SendPage = 1000;
    public const int PreparePage = 4000;

    /// <summary>How long staged sends wait for more before they are committed (and so released to the outbox) together.</summary>
    private static readonly TimeSpan CommitWindow = TimeSpan.FromMilliseconds(50);

    /// <summary>How often outcomes, throttling and the live counters are looked at while sending.</summary>
    private static readonly TimeSpan SyncInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Runs (or continues) the campaign until it is done, stopped or waiting; returns when to come back for deferred recipients.</summary>
    public async Task<DateTimeOffset?> RunAsync(Guid campaignId, CancellationToken jobToken)
    {
        using var stop = control.Register(campaignId, jobToken);
        try
        {
            var campaign = await StartRunAsync(campaignId, stop.Token);
            if (campaign is null)
            {
                return null;
            }
            if (!campaign.Materialized)
            {
                await MaterializeAsync(campaign, stop.Token);
            }
            if (!campaign.Prepared)
            {
                await PrepareAsync(campaign, stop.Token);
            }
            return await SendAsync(campaign, stop.Token);
        }
        catch (OperationCanceledException) when (!jobToken.IsCancellationRequested)
        {
            // Paused or cancelled through the API: the state is already stored, nothing staged was committed.
            await ForgetUnsentAsync(campaignId, jobToken);
            return null;
        }
        finally
        {
            control.Unregister(campaignId, stop);
        }
    }

    /// <summary>A cancelled run's recipients that were never sent keep no rendered message (a million of them is a lot of text).</summary>
    private async Task ForgetUnsentAsync(Guid campaignId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        if (await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.State).FirstOrDefaultAsync(ct) != CampaignState.Cancelled)
        {
            return;
        }
        // In slices, so other writers get the database between them.
        while (await db.CampaignRecipients.Where(r => r.CampaignId == campaignId && r.State == RecipientState.Pending && r.Body != null)
                   .OrderBy(r => r.Id).Take(5000)
                   .ExecuteUpdateAsync(u => u.SetProperty(r => r.Body, r => null).SetProperty(r => r.Subject, r => null), ct) > 0)
        {
        }
    }

    /// <summary>A firing of a scheduled campaign starts a new run; of a running one (recovery, resume, quiet hours over) continues it.</summary>
    private async Task<Campaign?> StartRunAsync(Guid campaignId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null || campaign.State is not (CampaignState.Scheduled or CampaignState.Running))
        {
            return null;
        }
        if (campaign.State == CampaignState.Scheduled)
        {
            // Only if nobody paused or cancelled it meanwhile: a conditional update, never an overwrite of their state.
            var now = time.GetUtcNow();
            var started = await db.Campaigns.Where(c => c.Id == campaignId && c.State == CampaignState.Scheduled)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, CampaignState.Running).SetProperty(c => c.Run, c => c.Run + 1)
                    .SetProperty(c => c.Materialized, false).SetProperty(c => c.Prepared, false).SetProperty(c => c.UpdatedAt, c => now), ct);
            if (started == 0)
            {
                return null;
            }
            await db.Entry(campaign).ReloadAsync(ct);
            Log.RunStarted(logger, campaign.Id, campaign.Run);
        }
        await progress.PublishAsync(db, campaign, force: true, ct);
        return campaign;
    }

    private async Task MaterializeAsync(Campaign campaign, CancellationToken ct)
    {
        Guid? after = null;
        var channel = campaign.Channel;
        while (true)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var segment = await db.Segments.AsNoTracking().FirstOrDefaultAsync(s => s.Id == campaign.SegmentId, ct);
            if (segment is null)
            {
                break;
            }
            var query = SegmentQuery.Build(db, SegmentDefinition.FromJson(segment.Definition), time).AsNoTracking();
            if (after is { } last)
            {
                query = query.Where(c => c.Id.CompareTo(last) > 0);
            }
            var page = await query.OrderBy(c => c.Id).Take(MaterializePage)
                .Select(c => new
                {
                    c.Id,
                    c.DisplayName,
                    c.TimeZone,
                    c.Locale,
                    // The address the outbox will send to: the contact's latest seen one on the channel.
                    Address = db.ChannelIdentities.Where(i => i.ContactId == c.Id && i.Channel == channel)
                        .OrderByDescending(i => i.LastSeenAt).Select(i => i.Address).FirstOrDefault(),
                })
                .ToListAsync(ct);
            if (page.Count == 0)
            {
                break;
            }
            var ids = page.Select(p => p.Id).ToList();
            var present = (await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && EF.Parameter(ids).Contains(r.ContactId))
                .Select(r => r.ContactId).ToListAsync(ct)).ToHashSet();
            // Two contacts with one address (a shared family phone, a duplicate not yet merged) get the campaign once.
            var addresses = page.Select(p => p.Address).OfType<string>().Distinct().ToList();
            var taken = (await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && EF.Parameter(addresses).Contains(r.Address!))
                .Select(r => r.Address!).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
            var now = time.GetUtcNow();
            var recipients = new List<CampaignRecipient>(page.Count);
            foreach (var c in page.Where(c => !present.Contains(c.Id)))
            {
                var duplicate = c.Address is not null && !taken.Add(c.Address);
                recipients.Add(new CampaignRecipient
                {
                    Id = Guid.CreateVersion7(now),
                    CampaignId = campaign.Id,
                    Run = campaign.Run,
                    ContactId = c.Id,
                    Address = c.Address,
                    Name = c.DisplayName is { Length: > 200 } tooLong ? tooLong[..200] : c.DisplayName,
                    TimeZone = c.TimeZone,
                    Locale = c.Locale,
                    State = c.Address is null || duplicate ? RecipientState.Suppressed : RecipientState.Pending,
                    Error = c.Address is null ? $"The contact has no {channel} address."
                        : duplicate ? $"Another recipient of this campaign has the same {channel} address." : null,
                    CreatedAt = now,
                });
            }
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await RowWriter<CampaignRecipient>.InsertAllAsync(db, recipients, ct);
            await transaction.CommitAsync(ct);
            after = page[^1].Id;
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Materialized, true), ct);
        }
        campaign.Materialized = true;
        Log.Materialized(logger, campaign.Id, campaign.Run);
    }

    /// <summary>
    /// Renders the message of every pending recipient not yet rendered, a page at a time, and stores it on the recipient row
    /// with one multi-row UPDATE per page (a recipient whose template fails is marked failed with the line and column). Runs
    /// again from the start after a crash; rows already rendered are skipped.
    /// </summary>
    private async Task PrepareAsync(Campaign campaign, CancellationToken ct)
    {
        var set = new CampaignTemplateSet(templates, campaign);
        var channel = campaign.Channel;
        CampaignCounters counters;
        await using (var scope = scopes.CreateAsyncScope())
        {
            // Counted once; what this step changes is added as it goes, so the live counters cost no count of a big run.
            counters = await CampaignProgress.CountAsync(scope.ServiceProvider.GetRequiredService<HubDbContext>(), campaign, ct);
        }
        Guid? after = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var (page, models) = await ReadUnpreparedAsync(db, campaign, after, ct);
            if (page.Count == 0)
            {
                break;
            }
            // The unsubscribe link names the identity it opts out; only templates that mention the link need it looked up.
            var identities = set.NeedsUnsubscribeLink ? await IdentitiesAsync(db, channel, page, ct) : null;
            var failed = new List<CampaignRecipient>();
            for (var i = 0; i < page.Count; i++)
            {
                var recipient = page[i];
                var same = identities?[recipient.Address!];
                var identityId = same?.FirstOrDefault(x => x.ContactId == recipient.ContactId)?.Id ?? same?.FirstOrDefault()?.Id;
                var rendered = Render(campaign, set, recipient, models[i].Email, models[i].Phone, models[i].Attributes, identityId);
                (recipient.Body, recipient.Subject) = (rendered.Body, rendered.Subject);
                if (rendered.Error is not null)
                {
                    recipient.State = RecipientState.Failed;
                    recipient.Error = rendered.Error;
                    failed.Add(recipient);
                }
            }
            await using (var transaction = await db.Database.BeginTransactionAsync(ct))
            {
                // The text only: rewriting the state too would move every row in the run's state index.
                await RowWriter<CampaignRecipient>.UpdateAllAsync(db, page.FindAll(r => r.Body is not null), set.HasSubject ? TextWithSubject : Text, ct);
                if (failed.Count > 0)
                {
                    await using var failures = RowWriter<CampaignRecipient>.Update(db, nameof(CampaignRecipient.State), nameof(CampaignRecipient.Error));
                    foreach (var recipient in failed)
                    {
                        await failures.WriteAsync(recipient, ct);
                    }
                }
                await transaction.CommitAsync(ct);
            }
            after = page[^1].Id;
            counters = counters with
            {
                Pending = counters.Pending - failed.Count, Failed = counters.Failed + failed.Count, Prepared = counters.Prepared + page.Count - failed.Count,
            };
            progress.Publish(campaign, counters);
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Prepared, true), ct);
        }
        campaign.Prepared = true;
        Log.Prepared(logger, campaign.Id, campaign.Run);
    }

    /// <summary>What a template may read of a recipient's contact besides the recipient row itself.</summary>
    private sealed record ContactModel(string? Email, string? Phone, Dictionary<string, string> Attributes);

    /// <summary>
    /// The next page of pending recipients without a message, in id order after <paramref name="after"/>, with what rendering
    /// reads of their contacts — in one query: the contact's email and phone (a contact erased meanwhile has neither) and one
    /// row per attribute, so a recipient with three attributes comes three times in a row.
    /// </summary>
    private static async Task<(List<CampaignRecipient> Page, List<ContactModel> Models)> ReadUnpreparedAsync(
        HubDbContext db, Campaign campaign, Guid? after, CancellationToken ct)
    {
        var unprepared = db.CampaignRecipients.AsNoTracking()
            .Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && r.State == RecipientState.Pending && r.Body == null);
        if (after is { } last)
        {
            unprepared = unprepared.Where(r => r.Id.CompareTo(last) > 0);
        }
        var rows = await (
            from r in unprepared.OrderBy(r => r.Id).Take(PreparePage)
            join c in db.Contacts on r.ContactId equals c.Id into contact
            from c in contact.DefaultIfEmpty()
            join a in db.ContactAttributes on r.ContactId equals a.ContactId into attribute
            from a in attribute.DefaultIfEmpty()
            orderby r.Id
            select new
            {
                r.Id, r.ContactId, r.Address, r.Name, r.Locale, Email = c == null ? null : c.Email, Phone = c == null ? null : c.Phone,
                Key = a == null ? null : a.Key, Value = a == null ? null : a.Value,
            })
            .ToListAsync(ct);
        var page = new List<CampaignRecipient>(PreparePage);
        var models = new List<ContactModel>(PreparePage);
        foreach (var row in rows)
        {
            if (page.Count == 0 || page[^1].Id != row.Id)
            {
                page.Add(new CampaignRecipient { Id = row.Id, ContactId = row.ContactId, Address = row.Address, Name = row.Name, Locale = row.Locale });
                models.Add(new ContactModel(row.Email, row.Phone, new Dictionary<string, string>(StringComparer.Ordinal)));
            }
            if (row.Key is not null)
            {
                models[^1].Attributes[row.Key] = row.Value ?? "";
            }
        }
        return (page, models);
    }

    private static readonly string[] Text = [nameof(CampaignRecipient.Body)];
    private static readonly string[] TextWithSubject = [nameof(CampaignRecipient.Body), nameof(CampaignRecipient.Subject)];

    private sealed record IdentityOfAddress(Guid Id, Guid ContactId, string Address, DateTimeOffset? OptedOutAt, DateTimeOffset? UndeliverableAt);

    /// <summary>Every identity on the channel with one of the page's addresses, whichever contact it belongs to.</summary>
    private static async Task<ILookup<string, IdentityOfAddress>> IdentitiesAsync(HubDbContext db, string channel, List<CampaignRecipient> page, CancellationToken ct)
    {
        var addresses = page.Select(r => r.Address!).Distinct().ToList();
        return (await db.ChannelIdentities.AsNoTracking().Where(i => i.Channel == channel && EF.Parameter(addresses).Contains(i.Address))
            .Select(i => new IdentityOfAddress(i.Id, i.ContactId, i.Address, i.OptedOutAt, i.UndeliverableAt)).ToListAsync(ct))
            .ToLookup(i => i.Address, StringComparer.Ordinal);
    }

    private async Task<DateTimeOffset?> SendAsync(Campaign campaign, CancellationToken ct)
    {
        var sender = senders.Key(campaign.Channel, campaign.Sender);
        pacer.SetPace(sender, campaign.Pace);
        var throttledUntil = DateTimeOffset.MinValue;
        var lastSync = 0L;
        var syncEvery = SyncInterval;
        // Keyset paging: a page starts after the last recipient looked at, so a million-recipient run never re-reads its head.
        // A page that failed to commit is read again from the same place; deferred ones wait for the next pass.
        Guid? after = null;
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var state = await db.Campaigns.Where(c => c.Id == campaign.Id).Select(c => c.State).FirstAsync(ct);
            if (state != CampaignState.Running)
            {
                return null;
            }
            if (time.GetElapsedTime(lastSync) >= syncEvery)
            {
                var syncStarted = time.GetTimestamp();
                await progress.SyncAsync(db, campaign, ct);
                throttledUntil = await FollowThrottlingAsync(db, campaign, sender, throttledUntil, ct);
                await progress.PublishAsync(db, campaign, force: false, ct);
                lastSync = time.GetTimestamp();
                // Counting a huge run takes a while: keep the bookkeeping under a tenth of the sending time.
                var took = time.GetElapsedTime(syncStarted, lastSync);
                syncEvery = took * 10 > SyncInterval ? took * 10 : SyncInterval;
            }

            var now = time.GetUtcNow();
            var pending = db.CampaignRecipients.AsNoTracking()
                .Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && r.State == RecipientState.Pending);
            if (after is { } last)
            {
                pending = pending.Where(r => r.Id.CompareTo(last) > 0);
            }
            var page = await pending.Where(r => r.NotBefore == null || r.NotBefore <= now).OrderBy(r => r.Id).Take(SendPage).ToListAsync(ct);
            if (page.Count == 0)
            {
                if (after is not null)
                {
                    // The end of this pass: one more from the start picks up whatever a failed commit left behind.
                    after = null;
                    continue;
                }
                var deferred = await db.CampaignRecipients
                    .Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && r.State == RecipientState.Pending)
                    .MinAsync(r => r.NotBefore, ct);
                if (deferred is { } resumeAt)
                {
                    Log.Deferred(logger, campaign.Id, resumeAt);
                    return resumeAt;
                }
                await FinishRunAsync(db, campaign, ct);
                return null;
            }
            try
            {
                await SendPageAsync(db, campaign, sender, page, ct);
                after = page[^1].Id;
            }
            catch (Exception e) when (e is DbUpdateException or DbException)
            {
                // Nothing of the failed commit happened; its recipients are still pending and are tried again.
                Log.PageFailed(logger, e, campaign.Id);
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, ct);
            }
        }
    }

    private async Task SendPageAsync(HubDbContext db, Campaign campaign, string sender, List<CampaignRecipient> page, CancellationToken ct)
    {
        var channel = campaign.Channel;
        var identities = await IdentitiesAsync(db, channel, page, ct);
        var quiet = campaign.QuietStartMinute is { } qs && campaign.QuietEndMinute is { } qe ? new QuietHours(qs, qe) : (QuietHours?)null;
        CampaignRules.TryZone(campaign.DefaultTimeZone, out var defaultZone);

        var batch = new SendBatch();
        var batchStarted = time.GetTimestamp();
        foreach (var recipient in page)
        {
            var now = time.GetUtcNow();
            // Quiet hours, checked now in the recipient's own time zone: deferred, never dropped.
            if (quiet is { } hours)
            {
                var zone = recipient.TimeZone is { } tz && CampaignRules.TryZone(tz, out var own) ? own : defaultZone;
                if (hours.DeferUntil(now, zone) is { } until)
                {
                    recipient.NotBefore = until;
                    batch.Skipped.Add(recipient);
                    continue;
                }
            }
            var same = identities[recipient.Address!];
            // Any identity of this channel and address opted out stops the send, whichever contact it belongs to.
            if (same.Any(i => i.OptedOutAt is not null))
            {
                batch.Skipped.Add(Suppress(recipient, $"Opted out of {channel} messages."));
                continue;
            }
            if (same.Any(i => i.UndeliverableAt is not null))
            {
                batch.Skipped.Add(Suppress(recipient, "The address is undeliverable (it bounced for good)."));
                continue;
            }
            if (recipient.Body is not { } body)
            {
                // Preparing renders every pending recipient before sending starts; a row without a message is a fault, not a send.
                recipient.State = RecipientState.Failed;
                recipient.Error = "The message was not prepared.";
                batch.Skipped.Add(recipient);
                continue;
            }

            // A slow pace (1 msg/s, a fax line) must not hold staged sends back for a whole interval: release them first.
            if (batch.Sending.Count > 0 && pacer.UntilNext(sender) > CommitWindow - time.GetElapsedTime(batchStarted))
            {
                await CommitAsync(db, campaign.Id, batch, ct);
                batch = new SendBatch();
                batchStarted = time.GetTimestamp();
            }
            await pacer.WaitAsync(sender, ct);
            batch.Stage(campaign, recipient, body, recipient.Subject, time.GetUtcNow());
            if (time.GetElapsedTime(batchStarted) >= CommitWindow)
            {
                await CommitAsync(db, campaign.Id, batch, ct);
                batch = new SendBatch();
                batchStarted = time.GetTimestamp();
            }
        }
        await CommitAsync(db, campaign.Id, batch, ct);
    }

    private static CampaignRecipient Suppress(CampaignRecipient recipient, string reason)
    {
        recipient.State = RecipientState.Suppressed;
        recipient.Error = reason;
        (recipient.Body, recipient.Subject) = (null, null);
        return recipient;
    }

    private sealed record Rendered(string? Body, string? Subject, string? Error);

    /// <summary>The campaign's templates compiled once per run, and whether any of them asks for the unsubscribe link.</summary>
    private sealed class CampaignTemplateSet(CampaignTemplates templates, Campaign campaign)
    {
        public CampaignTemplate? BodyEn { get; } = campaign.BodyEn is null ? null : templates.Compile(campaign.BodyEn, campaign.Syntax);
        public CampaignTemplate? BodyFa { get; } = campaign.BodyFa is null ? null : templates.Compile(campaign.BodyFa, campaign.Syntax);
        public CampaignTemplate? SubjectEn { get; } = campaign.SubjectEn is null ? null : templates.Compile(campaign.SubjectEn, campaign.Syntax);
        public CampaignTemplate? SubjectFa { get; } = campaign.SubjectFa is null ? null : templates.Compile(campaign.SubjectFa, campaign.Syntax);

        public bool HasSubject => SubjectEn is not null || SubjectFa is not null;

        /// <summary>Signing a link costs more than rendering the message; only templates that mention it get one.</summary>
        public bool NeedsUnsubscribeLink { get; } = new[] { campaign.BodyEn, campaign.BodyFa, campaign.SubjectEn, campaign.SubjectFa }
            .Any(t => t is not null && t.Contains("unsubscribe", StringComparison.OrdinalIgnoreCase));
    }

    private Rendered Render(Campaign campaign, CampaignTemplateSet set, CampaignRecipient recipient, string? email, string? phone,
        Dictionary<string, string> attributes, Guid? identityId)
    {
        var fa = recipient.Locale == "fa";
        var (body, subject, locale) = (fa && set.BodyFa is not null) || set.BodyEn is null
            ? (set.BodyFa!, set.SubjectFa, "fa")
            : (set.BodyEn, set.SubjectEn, "en");
        var unsubscribeUrl = set.NeedsUnsubscribeLink && identityId is { } id
            ? unsubscribe.Link(new UnsubscribeRequest(id, campaign.Id)).AbsoluteUri
            : null;
        var contact = new TemplateContact(recipient.Name, email, phone ?? (campaign.Channel == ChannelNames.Sms ? recipient.Address : null), locale, attributes);
        var model = new TemplateCampaign(campaign.Name, unsubscribeUrl);
        var text = templates.Render(body, contact, model);
        if (!text.Succeeded)
        {
            return new Rendered(null, null, "Template: " + string.Join("; ", text.Errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")));
        }
        string? subjectText = null;
        if (subject is not null)
        {
            var s = templates.Render(subject, contact, model);
            if (!s.Succeeded)
            {
                return new Rendered(null, null, "Subject: " + string.Join("; ", s.Errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")));
            }
            subjectText = s.Output;
        }
        return string.IsNullOrWhiteSpace(text.Output)
            ? new Rendered(null, null, "The template rendered an empty message.")
            : new Rendered(text.Output, subjectText, null);
    }

    /// <summary>
    /// Sends decided since the last commit: per staged recipient the campaign message as a resolved conversation of its own (so
    /// the contact's history shows it), its message and outbox row; and every recipient whose row changed (staged, skipped, deferred).
    /// </summary>
    private sealed class SendBatch
    {
        public List<Conversation> Conversations { get; } = [];
        public List<Message> Messages { get; } = [];
        public List<OutboxMessage> Outbox { get; } = [];
        public List<CampaignRecipient> Sending { get; } = [];

        /// <summary>Recipients decided without a send: suppressed, failed to render, or deferred by quiet hours.</summary>
        public List<CampaignRecipient> Skipped { get; } = [];

        public void Stage(Campaign campaign, CampaignRecipient recipient, string body, string? subject, DateTimeOffset now)
        {
            var conversation = new Conversation
            {
                Id = Guid.CreateVersion7(now),
                ContactId = recipient.ContactId,
                Channel = campaign.Channel,
                Status = ConversationStatus.Resolved,
                CampaignId = campaign.Id,
                CreatedAt = now,
                WaitingSince = now,
                LastMessageAt = now,
                ResolvedAt = now,
                LastMessagePreview = ConversationViews.Preview(body),
            };
            var message = new Message
            {
                Id = recipient.Id,
                ConversationId = conversation.Id,
                Direction = MessageDirection.Outbound,
                Channel = campaign.Channel,
                Body = body,
                DeliveryStatus = DeliveryStatus.Pending,
                CreatedAt = now,
                Email = subject is null ? null : new Email.EmailDetails { Subject = subject },
            };
            Conversations.Add(conversation);
            Messages.Add(message);
            Outbox.Add(new OutboxMessage
            {
                Id = Guid.CreateVersion7(now), MessageId = message.Id, Channel = campaign.Channel, State = OutboxState.Pending, NextAttemptAt = now, CreatedAt = now,
            });
            Sending.Add(recipient);
        }
    }

    /// <summary>
    /// Commits a batch in one transaction — its conversations, messages and outbox rows written through prepared statements,
    /// not the change tracker, since a campaign queues tens of thousands a second — then wakes the outbox.
    /// </summary>
    private async Task CommitAsync(HubDbContext db, Guid campaignId, SendBatch batch, CancellationToken ct)
    {
        if (batch.Sending.Count == 0 && batch.Skipped.Count == 0)
        {
            ct.ThrowIfCancellationRequested();
            return;
        }
        // The commit itself is not cancelled half-way: a pause takes effect between commits.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // Still running? The update also locks the campaign's row, so a pause or cancel either lands before this batch
        // (and nothing of it is queued) or waits for it (and answers after it): never a send queued after a 200.
        var running = await db.Campaigns.Where(c => c.Id == campaignId && c.State == CampaignState.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UpdatedAt, c => c.UpdatedAt), CancellationToken.None);
        if (running == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            throw new OperationCanceledException("The campaign was paused or cancelled.");
        }
        if (batch.Conversations.Count > 0)
        {
            var number = await ConversationNumbers.ReserveAsync(db, batch.Conversations.Count, CancellationToken.None) - 1;
            foreach (var conversation in batch.Conversations)
            {
                conversation.Number = ++number;
            }
            await RowWriter<Conversation>.InsertAllAsync(db, batch.Conversations, CancellationToken.None);
            await RowWriter<Message>.InsertAllAsync(db, [.. batch.Messages.Where(m => m.Email is null)], CancellationToken.None);
            // Email details live in an owned table; the few email sends a second go through EF.
            var emails = batch.Messages.Where(m => m.Email is not null).ToList();
            if (emails.Count > 0)
            {
                db.Messages.AddRange(emails);
                await db.SaveChangesAsync(CancellationToken.None);
                db.ChangeTracker.Clear();
            }
            await RowWriter<OutboxMessage>.InsertAllAsync(db, batch.Outbox, CancellationToken.None);
            // Queued now, all at once: a staged recipient's message carries the recipient's own id (one message per recipient).
            var queuedAt = time.GetUtcNow();
            foreach (var chunk in batch.Sending.Chunk(500))
            {
                var ids = chunk.Select(r => r.Id).ToList();
                await db.CampaignRecipients.Where(r => EF.Parameter(ids).Contains(r.Id)).ExecuteUpdateAsync(u => u
                    .SetProperty(r => r.State, RecipientState.Sending).SetProperty(r => r.QueuedAt, r => queuedAt).SetProperty(r => r.MessageId, r => r.Id)
                    // The message row carries the text from now on.
                    .SetProperty(r => r.Body, r => null).SetProperty(r => r.Subject, r => null),
                    CancellationToken.None);
            }
        }
        if (batch.Skipped.Count > 0)
        {
            await using var recipients = RowWriter<CampaignRecipient>.Update(db, nameof(CampaignRecipient.State), nameof(CampaignRecipient.Error),
                nameof(CampaignRecipient.NotBefore), nameof(CampaignRecipient.Body), nameof(CampaignRecipient.Subject));
            foreach (var recipient in batch.Skipped)
            {
                await recipients.WriteAsync(recipient, CancellationToken.None);
            }
        }
        await transaction.CommitAsync(CancellationToken.None);
        if (batch.Conversations.Count > 0)
        {
            outbox.Wake();
        }
        ct.ThrowIfCancellationRequested();
    }

    /// <summary>The provider pushed back (a 429 the outbox is retrying after Retry-After): slow the sender down once per push-back.</summary>
    private async Task<DateTimeOffset> FollowThrottlingAsync(HubDbContext db, Campaign campaign, string sender, DateTimeOffset seenUntil, CancellationToken ct)
    {
        var retry = await db.Outbox
            .Where(o => o.State == OutboxState.Pending && o.Attempts > 0 && o.NextAttemptAt > seenUntil
                && db.CampaignRecipients.Any(r => r.CampaignId == campaign.Id && r.MessageId == o.MessageId && r.State == RecipientState.Sending))
            .OrderByDescending(o => o.NextAttemptAt).Select(o => new { o.NextAttemptAt, o.LastError }).FirstOrDefaultAsync(ct);
        if (retry is null || retry.LastError is null || !(retry.LastError.Contains("429", StringComparison.Ordinal) || retry.LastError.Contains("21611", StringComparison.Ordinal)))
        {
            return retry?.NextAttemptAt ?? seenUntil;
        }
        var pause = retry.NextAttemptAt - time.GetUtcNow();
        pacer.SlowDown(sender, pause > TimeSpan.Zero ? pause : null);
        Log.SlowedDown(logger, campaign.Id, sender, pacer.CurrentRate(sender));
        return retry.NextAttemptAt;
    }

    private async Task FinishRunAsync(HubDbContext db, Campaign campaign, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var next = campaign.Schedule == CampaignSchedule.Recurring ? CampaignState.Scheduled : CampaignState.Completed;
        // Conditional: a pause or cancel that landed meanwhile stays.
        if (await db.Campaigns.Where(c => c.Id == campaign.Id && c.State == CampaignState.Running)
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, c => next).SetProperty(c => c.CompletedAt, c => now).SetProperty(c => c.UpdatedAt, c => now), ct) == 0)
        {
            return;
        }
        var stored = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == campaign.Id, ct);
        Log.RunFinished(logger, campaign.Id, campaign.Run);
        // Every recipient is queued; follow the outbox a while longer so the live counters reach the outcomes.
        var settle = time.GetTimestamp();
        while (!ct.IsCancellationRequested)
        {
            await progress.SyncAsync(db, stored, ct);
            await progress.PublishAsync(db, stored, force: true, ct);
            if (time.GetElapsedTime(settle) > SettleTime
                || !await db.CampaignRecipients.AnyAsync(r => r.CampaignId == stored.Id && r.Run == stored.Run && r.State == RecipientState.Sending, ct))
            {
                return;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), time, ct);
        }
    }

    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(30);

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Campaign {CampaignId} run {Run} started")]
        public static partial void RunStarted(ILogger logger, Guid campaignId, int run);

        [LoggerMessage(2, LogLevel.Information, "Campaign {CampaignId} run {Run} has queued every recipient")]
        public static partial void RunFinished(ILogger logger, Guid campaignId, int run);

        [LoggerMessage(3, LogLevel.Information, "Campaign {CampaignId} waits for quiet hours to end at {ResumeAt}")]
        public static partial void Deferred(ILogger logger, Guid campaignId, DateTimeOffset resumeAt);

        [LoggerMessage(4, LogLevel.Warning, "Campaign {CampaignId}: a page of sends could not be committed; trying again")]
        public static partial void PageFailed(ILogger logger, Exception e, Guid campaignId);

        [LoggerMessage(5, LogLevel.Warning, "Campaign {CampaignId}: the provider throttled {Sender}; now {Rate} messages/s")]
        public static partial void SlowedDown(ILogger logger, Guid campaignId, string sender, double rate);

        [LoggerMessage(6, LogLevel.Information, "Campaign {CampaignId} run {Run} has every message rendered and queued for sending")]
        public static partial void Prepared(ILogger logger, Guid campaignId, int run);

        [LoggerMessage(7, LogLevel.Information, "Campaign {CampaignId} run {Run} has its recipient list")]
        public static partial void Materialized(ILogger logger, Guid campaignId, int run);
    }
}
