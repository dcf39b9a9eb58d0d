using Crm.Channels;
using Crm.Channels.Telegram;
using Crm.Hub.Attachments;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Telegram;

/// <summary>
/// Does what one update means, the same way for webhook and long polling: files copied in, then the message
/// committed through the ingest pipeline; edits and blocks recorded. Safe to repeat: a redelivered update is a
/// duplicate message, an edit to the same text, or the same opt-out.
/// </summary>
internal sealed partial class TelegramUpdateHandler(
    IngestPipeline ingest, HubDbContext db, AttachmentStore attachments, ContactLinker linker, StaffBroadcaster broadcaster,
    IServiceProvider services, TimeProvider time, ILogger<TelegramUpdateHandler> logger)
{
    public async Task HandleAsync(TelegramUpdate update, CancellationToken ct)
    {
        switch (update)
        {
            case TelegramMessageReceived received:
                await ReceiveAsync(received, ct);
                break;
            case TelegramMessageEdited edited:
                await EditAsync(edited, ct);
                break;
            case TelegramBlockChanged block:
                DateTimeOffset? optedOut = block.Blocked ? time.GetUtcNow() : null;
                await db.ChannelIdentities
                    .Where(i => i.Channel == block.User.Channel && i.AccountId == block.User.AccountId && i.Address == block.User.Address)
                    .ExecuteUpdateAsync(u => u.SetProperty(i => i.OptedOutAt, i => optedOut), ct);
                break;
            case TelegramIgnored ignored:
                Log.Ignored(logger, ignored.UpdateId, ignored.Reason);
                break;
        }
    }

    private async Task ReceiveAsync(TelegramMessageReceived received, CancellationToken ct)
    {
        var message = received.Message;
        var known = await db.Messages.AnyAsync(m => m.Channel == ChannelNames.Telegram && m.ProviderMessageId == message.ProviderMessageId, ct);
        if (!known && received.Files.Count > 0)
        {
            message = await DownloadAsync(received, ct);
        }
        var result = await ingest.IngestAsync(message, ct);
        if (!result.Duplicate && received.VerifiedPhone is { } phone)
        {
            await linker.LinkVerifiedPhoneAsync(result.ContactId, message.From, phone, "shared their own phone number on Telegram", ct);
        }
    }

    private async Task<InboundMessage> DownloadAsync(TelegramMessageReceived received, CancellationToken ct)
    {
        var gateway = services.GetRequiredService<TelegramBotGateway>();
        var saved = new List<InboundAttachment>();
        var problems = new List<string>();
        foreach (var file in received.Files)
        {
            var temp = new FileStream(Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920,
                FileOptions.DeleteOnClose | FileOptions.Asynchronous);
            await using (temp)
            {
                try
                {
                    await gateway.DownloadAsync(file.FileId, temp, ct);
                    temp.Position = 0;
                    saved.Add(await attachments.SaveAsync(temp, file.FileName, file.ContentType, ct));
                }
                catch (Exception ex) when (ex is global::Telegram.Bot.Exceptions.ApiRequestException or global::Telegram.Bot.Exceptions.RequestException
                    or HttpRequestException or InvalidDataException or AttachmentTooLargeException)
                {
                    problems.Add($"{file.FileName}: {ex.Message}");
                    Log.FileNotFetched(logger, received.Message.ProviderMessageId, file.FileName, ex.Message);
                }
            }
        }
        var body = string.Join('\n', new[] { received.Message.Body }.Where(b => b.Length > 0)
            .Concat(problems.Select(p => $"[Telegram file not received — {p}]")));
        return received.Message with { Body = body, Attachments = saved };
    }

    private async Task EditAsync(TelegramMessageEdited edited, CancellationToken ct)
    {
        var message = await db.Messages.Include(m => m.Attachments)
            .FirstOrDefaultAsync(m => m.Channel == ChannelNames.Telegram && m.ProviderMessageId == edited.ProviderMessageId, ct);
        if (message is null || message.Body == edited.Body)
        {
            return;
        }
        var previous = message.Body;
        message.Body = edited.Body;
        message.EditedAt = edited.EditedAt;
        var view = ConversationViews.From(message, null);
        var e = db.Append(EventKinds.Edited, StaffEvents.MessageUpdated, message.ConversationId, null,
            new { message = view, previousBody = previous }, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        broadcaster.Publish([e]);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Debug, "Telegram update {UpdateId} ignored: {Reason}")]
        public static partial void Ignored(ILogger logger, int updateId, string reason);

        [LoggerMessage(2, LogLevel.Warning, "Telegram message {MessageId}: file {FileName} not fetched: {Error}")]
        public static partial void FileNotFetched(ILogger logger, string messageId, string fileName, string error);
    }
}
