using Crm.Channels;
using Crm.Channels.Fax;
using Crm.Hub.Attachments;
using Crm.Hub.Conversations;
using Crm.Hub.Hosting;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Fax;

/// <summary>
/// The outbox's way out for fax: the agent's text becomes a PDF (cover page, shaped Persian, page numbers), kept on the
/// message so the agent sees exactly what was sent, and goes to the provider with our status callback.
/// </summary>
internal sealed class FaxChannelSender(
    IServiceScopeFactory scopes, IOptionsMonitor<FaxOptions> options, IOptions<HubOptions> hub, StaffBroadcaster broadcaster, TimeProvider time)
    : IChannelSender
{
    /// <summary>The file name of the PDF rendered from the agent's text, to tell it from PDFs the agent attached.</summary>
    private const string RenderedPrefix = "fax-reply-";

    public string Channel => ChannelNames.Fax;

    // A resent request would dial and print again: after a crash mid-send the outcome is unknown.
    public bool IsIdempotent => false;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var fax = options.CurrentValue;
        if (!fax.IsConfigured)
        {
            return SendResult.Permanent("Fax is not configured on this hub (Crm:Channels:Fax).");
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
        var pdf = await DocumentAsync(message, fax, db, store, cancellationToken);
        var documents = new List<FaxDocument> { new($"fax-{message.MessageId:N}.pdf", pdf) };
        // PDFs the agent attached follow the typed reply, in the order they were attached.
        foreach (var file in message.Files.Where(f => f.ContentType == "application/pdf" && !f.FileName.StartsWith(RenderedPrefix, StringComparison.Ordinal)))
        {
            if (store.OpenRead(file.StoragePath) is not { } stream)
            {
                return SendResult.Permanent($"The attached file {file.FileName} is no longer in the attachment store.");
            }
            await using (stream)
            {
                using var copy = new MemoryStream();
                await stream.CopyToAsync(copy, cancellationToken);
                documents.Add(new FaxDocument(file.FileName, copy.ToArray()));
            }
        }
        var gateway = scope.ServiceProvider.GetRequiredService<IFaxGateway>();
        return await gateway.SendAsync(new FaxSendRequest(message.To.Address, fax.From, documents,
            fax.HeaderText, message.MessageId.ToString(), new Uri(hub.Value.Url(FaxWebhooks.Path))), cancellationToken);
    }

    /// <summary>The reply's PDF: rendered and attached on the first attempt, the same file on every retry.</summary>
    private async Task<byte[]> DocumentAsync(OutboundMessage message, FaxOptions fax, HubDbContext db, AttachmentStore store, CancellationToken ct)
    {
        var existing = await db.Attachments.AsNoTracking()
            .FirstOrDefaultAsync(a => a.MessageId == message.MessageId && a.FileName.StartsWith(RenderedPrefix), ct);
        if (existing is not null && store.OpenRead(existing.StoragePath) is { } file)
        {
            await using (file)
            {
                using var copy = new MemoryStream();
                await file.CopyToAsync(copy, ct);
                return copy.ToArray();
            }
        }
        var pdf = FaxDocumentRenderer.Render(new FaxCover(fax.BusinessName, fax.From, message.To.Address, message.CreatedAt, message.SenderName),
            message.Body, fax.PaperSize);
        var saved = await store.SaveAsync(pdf, $"{RenderedPrefix}{message.CreatedAt:yyyyMMdd-HHmm}.pdf", "application/pdf", ct);
        var attachment = new Attachment
        {
            Id = Guid.CreateVersion7(message.CreatedAt),
            MessageId = message.MessageId,
            FileName = saved.FileName,
            ContentType = saved.ContentType,
            Size = saved.Size,
            Sha256 = saved.Sha256,
            StoragePath = saved.StoragePath,
            Pages = PdfPages.Count(pdf),
        };
        var reply = await db.Messages.Include(m => m.Attachments).FirstOrDefaultAsync(m => m.Id == message.MessageId, ct);
        if (reply is null)
        {
            return pdf; // a test send from the admin page: no conversation to attach it to
        }
        // Added through the set: a client-set key in a navigation would be taken for an existing row.
        db.Attachments.Add(attachment);
        // Consoles show the rendered PDF on the reply before the fax machine has even answered.
        var e = db.Append(EventKinds.Edited, StaffEvents.MessageUpdated, reply.ConversationId, null,
            new { message = ConversationViews.From(reply, message.SenderName) }, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        broadcaster.Publish([e]);
        return pdf;
    }
}
