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
/// Runs a campaign: makes the run's recipient list once (page by page, so memory stays flat), then feeds pending
/// recipients to the outbox at the sender's pace, checking opt-out and quiet hours at the moment of sending. A recipient
/// is marked <see cref="RecipientState.Sending"/> in the same transaction that writes its message and outbox row, so after
/// a crash it is never queued again; the outbox's outcome (sent, failed, unknown) flows back in <see cref="CampaignProgress"/>.
/// </summary>
internal sealed partial class CampaignRunner(
    IServiceScopeFactory scopes, SenderPacer pacer, CampaignSenders senders, CampaignControl control, CampaignProgress progress,
    CampaignTemplates templates, UnsubscribeLinks unsubscribe, OutboxSignal outbox, TimeProvider time, ILogger<CampaignRunner> logger)
{
    public const int MaterializePage = 1000;
    public const int SendPage = 200;

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
            return await SendAsync(campaign, stop.Token);
        }
        catch (OperationCanceledException) when (!jobToken.IsCancellationRequested)
        {
            // Paused or cancelled through the API: the state is already stored, nothing staged was committed.
            return null;
        }
        finally
        {
            control.Unregister(campaignId, stop);
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
                    .SetProperty(c => c.Materialized, false).SetProperty(c => c.UpdatedAt, now), ct);
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
            var present = (await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && ids.Contains(r.ContactId))
                .Select(r => r.ContactId).ToListAsync(ct)).ToHashSet();
            var now = time.GetUtcNow();
            foreach (var c in page.Where(c => !present.Contains(c.Id)))
            {
                db.CampaignRecipients.Add(new CampaignRecipient
                {
                    Id = Guid.CreateVersion7(now),
                    CampaignId = campaign.Id,
                    Run = campaign.Run,
                    ContactId = c.Id,
                    Address = c.Address,
                    Name = c.DisplayName is { Length: > 200 } tooLong ? tooLong[..200] : c.DisplayName,
                    TimeZone = c.TimeZone,
                    Locale = c.Locale,
                    State = c.Address is null ? RecipientState.Suppressed : RecipientState.Pending,
                    Error = c.Address is null ? $"The contact has no {channel} address." : null,
                    CreatedAt = now,
                });
            }
            await db.SaveChangesAsync(ct);
            after = page[^1].Id;
        }
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Materialized, true), ct);
        }
        campaign.Materialized = true;
    }

    private async Task<DateTimeOffset?> SendAsync(Campaign campaign, CancellationToken ct)
    {
        var sender = senders.Key(campaign.Channel, campaign.Sender);
        pacer.SetPace(sender, campaign.Pace);
        var throttledUntil = DateTimeOffset.MinValue;
        var lastSync = 0L;
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
            if (time.GetElapsedTime(lastSync) >= SyncInterval)
            {
                await progress.SyncAsync(db, campaign, ct);
                throttledUntil = await FollowThrottlingAsync(db, campaign, sender, throttledUntil, ct);
                await progress.PublishAsync(db, campaign, force: false, ct);
                lastSync = time.GetTimestamp();
            }

            var now = time.GetUtcNow();
            var page = await db.CampaignRecipients
                .Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run && r.State == RecipientState.Pending && (r.NotBefore == null || r.NotBefore <= now))
                .OrderBy(r => r.Id).Take(SendPage).ToListAsync(ct);
            if (page.Count == 0)
            {
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
            }
            catch (DbUpdateException e)
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
        var addresses = page.Select(r => r.Address!).Distinct().ToList();
        var identities = await db.ChannelIdentities.AsNoTracking().Where(i => i.Channel == channel && addresses.Contains(i.Address))
            .Select(i => new { i.Id, i.ContactId, i.Address, i.OptedOutAt, i.UndeliverableAt }).ToListAsync(ct);
        var contactIds = page.Select(r => r.ContactId).ToList();
        var contacts = await db.Contacts.AsNoTracking().Where(c => contactIds.Contains(c.Id))
            .Select(c => new { c.Id, c.Email, c.Phone }).ToDictionaryAsync(c => c.Id, ct);
        var attributes = (await db.ContactAttributes.AsNoTracking().Where(a => contactIds.Contains(a.ContactId)).ToListAsync(ct))
            .ToLookup(a => a.ContactId);
        var quiet = campaign.QuietStartMinute is { } qs && campaign.QuietEndMinute is { } qe ? new QuietHours(qs, qe) : (QuietHours?)null;
        CampaignRules.TryZone(campaign.DefaultTimeZone, out var defaultZone);

        var staged = new List<(CampaignRecipient Recipient, Conversation Conversation)>();
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
                    continue;
                }
            }
            var same = identities.Where(i => i.Address == recipient.Address).ToList();
            // Any identity of this channel and address opted out stops the send, whichever contact it belongs to.
            if (same.Any(i => i.OptedOutAt is not null))
            {
                Suppress(recipient, $"Opted out of {channel} messages.");
                continue;
            }
            if (same.Any(i => i.UndeliverableAt is not null))
            {
                Suppress(recipient, "The address is undeliverable (it bounced for good).");
                continue;
            }
            var identityId = same.FirstOrDefault(i => i.ContactId == recipient.ContactId)?.Id ?? same.FirstOrDefault()?.Id;
            var contact = contacts.GetValueOrDefault(recipient.ContactId);
            var rendered = Render(campaign, recipient, contact?.Email, contact?.Phone,
                attributes[recipient.ContactId].ToDictionary(a => a.Key, a => a.Value), identityId);
            if (rendered.Error is not null)
            {
                recipient.State = RecipientState.Failed;
                recipient.Error = rendered.Error;
                continue;
            }

            await pacer.WaitAsync(sender, ct);
            now = time.GetUtcNow();
            var conversation = Stage(db, campaign, recipient, rendered.Body!, rendered.Subject, now);
            staged.Add((recipient, conversation));
            if (time.GetElapsedTime(batchStarted) >= CommitWindow)
            {
                await CommitAsync(db, campaign.Id, staged, ct);
                staged.Clear();
                batchStarted = time.GetTimestamp();
            }
        }
        await CommitAsync(db, campaign.Id, staged, ct);
    }

    private static void Suppress(CampaignRecipient recipient, string reason)
    {
        recipient.State = RecipientState.Suppressed;
        recipient.Error = reason;
    }

    private sealed record Rendered(string? Body, string? Subject, string? Error);

    private Rendered Render(Campaign campaign, CampaignRecipient recipient, string? email, string? phone, Dictionary<string, string> attributes,
        Guid? identityId)
    {
        var fa = recipient.Locale == "fa";
        var (body, subject, locale) = (fa && campaign.BodyFa is not null) || campaign.BodyEn is null
            ? (campaign.BodyFa!, campaign.SubjectFa, "fa")
            : (campaign.BodyEn, campaign.SubjectEn, "en");
        var unsubscribeUrl = identityId is { } id ? unsubscribe.Link(new UnsubscribeRequest(id, campaign.Id)).AbsoluteUri : null;
        var contact = new TemplateContact(recipient.Name, email, phone ?? (campaign.Channel == ChannelNames.Sms ? recipient.Address : null), locale, attributes);
        var model = new TemplateCampaign(campaign.Name, unsubscribeUrl);
        var text = templates.Render(templates.Compile(body, campaign.Syntax), contact, model);
        if (!text.Succeeded)
        {
            return new Rendered(null, null, "Template: " + string.Join("; ", text.Errors.Select(e => $"line {e.Line}, column {e.Column}: {e.Message}")));
        }
        string? subjectText = null;
        if (subject is not null)
        {
            var s = templates.Render(templates.Compile(subject, campaign.Syntax), contact, model);
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

    /// <summary>The campaign message as a resolved conversation of its own (so the contact's history shows it), its message and outbox row.</summary>
    private static Conversation Stage(HubDbContext db, Campaign campaign, CampaignRecipient recipient, string body, string? subject, DateTimeOffset now)
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
            Id = Guid.CreateVersion7(now),
            ConversationId = conversation.Id,
            Direction = MessageDirection.Outbound,
            Channel = campaign.Channel,
            Body = body,
            DeliveryStatus = DeliveryStatus.Pending,
            CreatedAt = now,
            Email = subject is null ? null : new Email.EmailDetails { Subject = subject },
        };
        db.Conversations.Add(conversation);
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(now), MessageId = message.Id, Channel = campaign.Channel, State = OutboxState.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        recipient.State = RecipientState.Sending;
        recipient.MessageId = message.Id;
        recipient.QueuedAt = now;
        return conversation;
    }

    /// <summary>Commits the staged sends with the recipients' marks (and every skip decided meanwhile) in one transaction, then wakes the outbox.</summary>
    private async Task CommitAsync(HubDbContext db, Guid campaignId, List<(CampaignRecipient Recipient, Conversation Conversation)> staged,
        CancellationToken ct)
    {
        // The commit itself is not cancelled half-way: a pause takes effect between commits.
        await using var transaction = await db.Database.BeginTransactionAsync(CancellationToken.None);
        // Still running? The update also locks the campaign's row, so a pause or cancel either lands before this batch
        // (and nothing of it is queued) or waits for it (and answers after it): never a send queued after a 200.
        var running = await db.Campaigns.Where(c => c.Id == campaignId && c.State == CampaignState.Running)
            .ExecuteUpdateAsync(u => u.SetProperty(c => c.UpdatedAt, c => c.UpdatedAt), CancellationToken.None);
        if (running == 0)
        {
            await transaction.RollbackAsync(CancellationToken.None);
            db.ChangeTracker.Clear();
            throw new OperationCanceledException("The campaign was paused or cancelled.");
        }
        if (staged.Count > 0)
        {
            var number = await db.Conversations.MaxAsync(c => (long?)c.Number, CancellationToken.None) ?? 0;
            foreach (var (_, conversation) in staged)
            {
                conversation.Number = ++number;
            }
        }
        await db.SaveChangesAsync(CancellationToken.None);
        await transaction.CommitAsync(CancellationToken.None);
        if (staged.Count > 0)
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
                .ExecuteUpdateAsync(u => u.SetProperty(c => c.State, next).SetProperty(c => c.CompletedAt, now).SetProperty(c => c.UpdatedAt, now), ct) == 0)
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
    }
}
