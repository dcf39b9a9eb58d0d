using System.Globalization;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Attachments;
using Crm.Hub.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Crm.Hub.Email;

/// <summary>One message as the watcher read it from the mailbox.</summary>
internal sealed record FetchedMail(string Mailbox, string Folder, uint UidValidity, uint Uid, byte[] Raw)
{
    /// <summary>Read again from quarantine: the mailbox cursor is already past it and must not move.</summary>
    public bool Replay { get; init; }
}

internal enum MailOutcome
{
    Stored,
    Duplicate,
    /// <summary>A delivery report about mail we sent, recorded on that message.</summary>
    Bounce,
    /// <summary>Our own mail seen again (a copy to the support address): already in the conversation.</summary>
    OwnMail,
    Quarantined,
}

/// <summary>
/// Stores one fetched email: as a conversation message (threaded, with its files and sanitized HTML), as a bounce on the
/// message it reports on, or in quarantine with the reason — and in every case moves the mailbox cursor in the same commit,
/// so a restart neither repeats nor skips it.
/// </summary>
internal sealed partial class EmailIngestor(
    IngestPipeline ingest, HubDbContext db, AttachmentStore attachments, EmailKeys keys, IOptionsMonitor<EmailOptions> options,
    StaffBroadcaster broadcaster, EmailAcknowledger acknowledger, TimeProvider time, ILogger<EmailIngestor> logger)
{
    public static string CursorAccount(string mailbox, string folder) => $"{mailbox}|{folder}";

    public async Task<MailOutcome> StoreAsync(FetchedMail mail, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mail);
        MimeMessage message;
        ParsedEmail parsed;
        try
        {
            message = await MimeMessage.LoadAsync(new MemoryStream(mail.Raw, writable: false), ct);
            parsed = EmailParser.Parse(message, options.CurrentValue.Address, options.CurrentValue.MaxAttachments);
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException or InvalidOperationException
            or NotSupportedException or IndexOutOfRangeException or NullReferenceException or OverflowException)
        {
            return await QuarantineAsync(mail, null, $"The message could not be read as MIME: {ex.Message}", ct);
        }
        if (parsed.Report is { } report)
        {
            return await BounceAsync(mail, parsed, report, ct);
        }
        if (parsed.Automatic == AutomaticKind.FromUs && EmailComposer.OurMessage(parsed.MessageId ?? "", options.CurrentValue.Domain) is not null)
        {
            await AdvanceCursorOnlyAsync(mail, ct);
            return MailOutcome.OwnMail;
        }
        if (parsed.FromAddress is null || !EmailOptions.IsValidAddress(parsed.FromAddress))
        {
            return await QuarantineAsync(mail, parsed, parsed.FromAddress is null
                ? "The message names no sender, so there is no one to answer."
                : $"The sender '{parsed.FromAddress}' is not an address that can be answered.", ct);
        }
        return await StoreMessageAsync(mail, parsed, ct);
    }

    private async Task<MailOutcome> StoreMessageAsync(FetchedMail mail, ParsedEmail parsed, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var warnings = parsed.Warnings.ToList();
        // A message read again (after a UIDVALIDITY change) must not store its files twice; without files there is nothing to check.
        var known = parsed.Parts.Count > 0
            && await db.Messages.AnyAsync(m => m.Channel == ChannelNames.Email && m.ProviderMessageId == parsed.ProviderMessageId, ct);
        var files = known ? [] : await SavePartsAsync(parsed, o.MaxAttachmentBytes, warnings, ct);
        var thread = await ThreadAsync(parsed, ct);
        var text = parsed.Text.TrimEnd();
        var body = text.Length > 0 ? text : parsed.Subject;
        var inbound = new InboundMessage(new ChannelAddress(ChannelNames.Email, o.Address!.ToLowerInvariant(), parsed.FromAddress!),
            parsed.ProviderMessageId, body, time.GetUtcNow(), parsed.FromName, parsed.FromAddress, files);
        var summary = parsed.Subject.Length > 0 ? $"{parsed.Subject} — {parsed.TrimmedText}" : parsed.TrimmedText;
        var details = new EmailDetails
        {
            Subject = Truncate(parsed.Subject, 998),
            InternetMessageId = parsed.MessageId is { } id ? Truncate(id, 998) : null,
            InReplyTo = parsed.InReplyTo is { } reply ? Truncate(reply, 998) : null,
            References = parsed.References.Count == 0 ? null : Truncate(string.Join(' ', parsed.References), 20000),
            Html = parsed.Html?.Html,
            HasRemoteImages = parsed.Html?.HasRemoteImages ?? false,
            TrimmedText = parsed.TrimmedText == parsed.Text ? null : parsed.TrimmedText,
            Automatic = parsed.Automatic == AutomaticKind.None ? null : Truncate($"{parsed.Automatic}: {parsed.AutomaticEvidence}", 200),
            Warnings = warnings.Count == 0 ? null : Truncate(string.Join('\n', warnings), 4000),
            Counterpart = parsed.FromName is { } name ? $"{name} <{parsed.FromAddress}>" : parsed.FromAddress,
        };
        var result = await ingest.IngestAsync(inbound, new IngestExtras
        {
            ThreadInto = thread,
            Automatic = parsed.Automatic != AutomaticKind.None,
            Summary = summary,
            Stage = async (tx, message) =>
            {
                message.Email = details;
                await AdvanceCursorAsync(tx, mail, time.GetUtcNow(), ct);
            },
        }, ct);
        if (result.Duplicate)
        {
            // Seen before (a re-delivery, or a re-read after UIDVALIDITY changed): only the cursor moves.
            await AdvanceCursorOnlyAsync(mail, ct);
            return MailOutcome.Duplicate;
        }
        try
        {
            await acknowledger.AcknowledgeAsync(result, parsed, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The customer's mail is stored; a failed acknowledgement must not send it to quarantine.
            Log.AcknowledgementFailed(logger, ex, parsed.ProviderMessageId);
        }
        return MailOutcome.Stored;
    }

    /// <summary>
    /// The conversation a reply belongs to: a Message-ID it answers or references that we know (ours carry our message id),
    /// then the signed conversation address it was sent to. Null when it starts something new.
    /// </summary>
    private async Task<Guid?> ThreadAsync(ParsedEmail parsed, CancellationToken ct)
    {
        var domain = options.CurrentValue.Domain;
        var ids = new[] { parsed.InReplyTo }.Concat(parsed.References.Reverse()).OfType<string>().Distinct().Take(50).ToList();
        if (ids.Count > 0)
        {
            var ours = ids.Select(i => EmailComposer.OurMessage(i, domain)).OfType<Guid>().ToList();
            var hit = await db.Messages.AsNoTracking()
                .Where(m => ours.Contains(m.Id) || (m.Channel == ChannelNames.Email && m.ProviderMessageId != null && ids.Contains(m.ProviderMessageId)))
                .Select(m => new { m.Id, m.ConversationId, m.ProviderMessageId })
                .ToListAsync(ct);
            // The most recent id in the thread that we know decides.
            foreach (var id in ids)
            {
                var match = hit.FirstOrDefault(h => h.ProviderMessageId == id || EmailComposer.OurMessage(id, domain) == h.Id);
                if (match is not null)
                {
                    return match.ConversationId;
                }
            }
        }
        var replyAddresses = keys.ReplyAddresses();
        foreach (var recipient in parsed.Recipients)
        {
            if (replyAddresses.ConversationOf(recipient) is { } number)
            {
                return await db.Conversations.Where(c => c.Number == number).Select(c => (Guid?)c.Id).FirstOrDefaultAsync(ct);
            }
        }
        return null;
    }

    private async Task<List<InboundAttachment>> SavePartsAsync(ParsedEmail parsed, long maxBytes, List<string> warnings, CancellationToken ct)
    {
        var saved = new List<InboundAttachment>();
        var limit = Math.Min(maxBytes, attachments.MaxBytes);
        foreach (var part in parsed.Parts)
        {
            var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (temp)
            {
                try
                {
                    await part.WriteToAsync(temp, ct);
                    if (temp.Length > limit)
                    {
                        warnings.Add($"{part.FileName} ({temp.Length / 1024.0 / 1024.0:0.#} MB) is larger than the {limit / 1024 / 1024} MB the hub keeps; ask the customer for it another way.");
                        continue;
                    }
                    temp.Position = 0;
                    var stored = await attachments.SaveAsync(temp, part.FileName, part.ContentType, ct);
                    saved.Add(stored with { ContentId = part.ContentId is { Length: <= 500 } cid ? cid : null, Inline = part.Inline });
                }
                catch (Exception ex) when (ex is FormatException or ParseException or IOException or InvalidDataException or AttachmentTooLargeException
                    or NotSupportedException)
                {
                    warnings.Add($"{part.FileName} could not be read: {ex.Message}");
                    Log.PartNotSaved(logger, parsed.ProviderMessageId, part.FileName, ex.Message);
                }
            }
        }
        return saved;
    }

    private async Task<MailOutcome> BounceAsync(FetchedMail mail, ParsedEmail parsed, DeliveryReport report, CancellationToken ct)
    {
        var o = options.CurrentValue;
        var replyAddresses = keys.ReplyAddresses();
        var messageId = parsed.Recipients.Select(replyAddresses.BouncedMessageOf).OfType<Guid>().FirstOrDefault() is var viaEnvelope && viaEnvelope != Guid.Empty
            ? viaEnvelope
            : report.OriginalMessageId is { } original ? EmailComposer.OurMessage(original, o.Domain) : null;
        var failures = report.Recipients.Where(r => r.IsFailure).ToList();
        var message = messageId is { } id ? await db.Messages.FirstOrDefaultAsync(m => m.Id == id && m.Direction == MessageDirection.Outbound, ct) : null;
        if (message is null)
        {
            return await QuarantineAsync(mail, parsed, failures.Count > 0
                ? $"A bounce for mail this hub has no record of sending ({string.Join(", ", failures.Select(f => $"{f.Recipient}: {f.Reason}"))})."
                : "A delivery report for mail this hub has no record of sending.", ct);
        }
        if (failures.Count == 0)
        {
            // "delayed", "relayed", "delivered": nothing to change; the report itself is not a customer message.
            Log.ReportNoted(logger, message.Id, string.Join(", ", report.Recipients.Select(r => $"{r.Recipient} {r.Action} {r.Status}")));
            await AdvanceCursorOnlyAsync(mail, ct);
            return MailOutcome.Bounce;
        }
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var reason = "Bounced: " + string.Join("; ", failures.Select(f => $"{f.Recipient} — {f.Reason}"));
        ConversationEvent? changed = null;
        if ((message.DeliveryStatus ?? DeliveryStatus.Pending).CanMoveTo(DeliveryStatus.Failed))
        {
            message.DeliveryStatus = DeliveryStatus.Failed;
            message.DeliveryError = Truncate(reason, 1000);
            changed = db.Append(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged, message.ConversationId, null, new
            {
                messageId = message.Id,
                conversationId = message.ConversationId,
                deliveryStatus = ConversationViews.Wire(DeliveryStatus.Failed),
                error = message.DeliveryError,
            }, now);
        }
        foreach (var hard in failures.Where(f => f.IsHardBounce))
        {
            var address = hard.Recipient.ToLowerInvariant();
            await db.ChannelIdentities.Where(i => i.Channel == ChannelNames.Email && i.Address == address)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.UndeliverableAt, i => now).SetProperty(i => i.UndeliverableReason, i => Truncate(hard.Reason, 1000)), ct);
        }
        await AdvanceCursorAsync(db, mail, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        if (changed is not null)
        {
            broadcaster.Publish([changed]);
        }
        return MailOutcome.Bounce;
    }

    /// <summary>Keeps a message the hub cannot turn into a conversation message, whole, for an admin — and moves on past it.</summary>
    public async Task<MailOutcome> QuarantineAsync(FetchedMail mail, ParsedEmail? parsed, string reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(mail);
        var now = time.GetUtcNow();
        string? path = null;
        try
        {
            path = (await attachments.SaveAsync(mail.Raw, $"message-{mail.UidValidity}-{mail.Uid}.eml", "message/rfc822", ct)).StoragePath;
        }
        catch (AttachmentTooLargeException)
        {
            reason += $" The raw message ({mail.Raw.Length / 1024 / 1024} MB) is too large to keep here; it is still in the mailbox.";
        }
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var exists = await db.QuarantinedEmails.AnyAsync(q => q.Mailbox == mail.Mailbox && q.Folder == mail.Folder
            && q.UidValidity == mail.UidValidity && q.Uid == mail.Uid, ct);
        if (!exists)
        {
            db.QuarantinedEmails.Add(new QuarantinedEmail
            {
                Id = Guid.CreateVersion7(now),
                Mailbox = mail.Mailbox,
                Folder = mail.Folder,
                UidValidity = mail.UidValidity,
                Uid = mail.Uid,
                From = parsed?.FromAddress is { } from ? Truncate(from, 400) : null,
                Subject = parsed?.Subject is { Length: > 0 } subject ? Truncate(subject, 998) : null,
                Reason = Truncate(reason, 2000),
                StoragePath = path,
                Size = mail.Raw.Length,
                QuarantinedAt = now,
            });
        }
        await AdvanceCursorAsync(db, mail, now, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        Log.Quarantined(logger, mail.Uid, mail.Mailbox, reason);
        return MailOutcome.Quarantined;
    }

    private async Task AdvanceCursorOnlyAsync(FetchedMail mail, CancellationToken ct)
    {
        await AdvanceCursorAsync(db, mail, time.GetUtcNow(), ct);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Moves the (UIDVALIDITY, last UID) cursor forward to this message; never back.</summary>
    public static async Task AdvanceCursorAsync(HubDbContext tx, FetchedMail mail, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tx);
        ArgumentNullException.ThrowIfNull(mail);
        if (mail.Replay)
        {
            return;
        }
        var account = CursorAccount(mail.Mailbox, mail.Folder);
        var cursor = tx.ChannelCursors.Local.FirstOrDefault(c => c.Channel == ChannelNames.Email && c.AccountId == account)
            ?? await tx.ChannelCursors.FirstOrDefaultAsync(c => c.Channel == ChannelNames.Email && c.AccountId == account, ct);
        var value = MailCursor.Format(mail.UidValidity, mail.Uid);
        if (cursor is null)
        {
            tx.ChannelCursors.Add(new ChannelCursor { Channel = ChannelNames.Email, AccountId = account, Value = value, UpdatedAt = now });
            return;
        }
        var (validity, uid) = MailCursor.Parse(cursor.Value);
        if (validity != mail.UidValidity || mail.Uid > uid)
        {
            cursor.Value = value;
            cursor.UpdatedAt = now;
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Email {MessageId}: part {FileName} not stored: {Error}")]
        public static partial void PartNotSaved(ILogger logger, string messageId, string fileName, string error);

        [LoggerMessage(2, LogLevel.Warning, "Email UID {Uid} of {Mailbox} quarantined: {Reason}")]
        public static partial void Quarantined(ILogger logger, uint uid, string mailbox, string reason);

        [LoggerMessage(4, LogLevel.Error, "Email {MessageId}: the acknowledgement could not be queued")]
        public static partial void AcknowledgementFailed(ILogger logger, Exception ex, string messageId);

        [LoggerMessage(3, LogLevel.Information, "Delivery report for message {MessageId}: {Summary}")]
        public static partial void ReportNoted(ILogger logger, Guid messageId, string summary);
    }
}

/// <summary>The mailbox cursor's stored form: "uidvalidity:lastuid".</summary>
internal static class MailCursor
{
    public static string Format(uint uidValidity, uint uid) =>
        string.Create(CultureInfo.InvariantCulture, $"{uidValidity}:{uid}");

    public static (uint UidValidity, uint Uid) Parse(string? value)
    {
        var parts = (value ?? "").Split(':');
        return parts.Length == 2 && uint.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var validity)
            && uint.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var uid)
            ? (validity, uid)
            : (0, 0);
    }
}
