using Crm.Channels;
using Crm.Channels.Sms;
using Crm.Hub.Attachments;

namespace Crm.Hub.Sms;

/// <summary>
/// Copies an MMS's files from the provider into our attachment store before the message is committed, so the
/// conversation keeps them after the provider's copies expire. A file that cannot be fetched is named in the
/// message text instead of silently vanishing.
/// </summary>
internal static partial class SmsMedia
{
    /// <summary>Twilio waits 15 s for the webhook's answer; the downloads must leave time to commit.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    public static async Task<InboundMessage> AttachAsync(TwilioInbound inbound, ISmsGateway gateway, AttachmentStore store, ILogger logger, CancellationToken ct)
    {
        if (inbound.Media.Count == 0)
        {
            return inbound.Message;
        }
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(Budget);
        var attachments = new List<InboundAttachment>();
        var problems = new List<string>();
        for (var i = 0; i < inbound.Media.Count; i++)
        {
            var media = inbound.Media[i];
            var name = $"mms-{i + 1}{Extension(media.ContentType)}";
            try
            {
                await using var download = await gateway.DownloadMediaAsync(media.Url, budget.Token);
                if (download.Content is null)
                {
                    problems.Add($"{name}: {download.Error}");
                    continue;
                }
                attachments.Add(await store.SaveAsync(download.Content, name, download.ContentType ?? media.ContentType, budget.Token));
            }
            catch (AttachmentTooLargeException ex)
            {
                problems.Add($"{name}: {ex.Message}");
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                problems.Add($"{name}: the download took longer than {Budget.TotalSeconds:0} s");
            }
            catch (IOException ex)
            {
                problems.Add($"{name}: {ex.Message}");
            }
        }
        foreach (var problem in problems)
        {
            Log.MediaNotFetched(logger, inbound.Message.ProviderMessageId, problem);
        }
        var body = problems.Count == 0
            ? inbound.Message.Body
            : string.Join('\n', new[] { inbound.Message.Body }.Where(b => b.Length > 0)
                .Concat(problems.Select(p => $"[MMS attachment not received — {p}]")));
        return inbound.Message with { Body = body, Attachments = [.. inbound.Message.Attachments ?? [], .. attachments] };
    }

    private static string Extension(string contentType) => contentType.ToLowerInvariant() switch
    {
        "image/jpeg" or "image/jpg" => ".jpg",
        "image/png" => ".png",
        "image/gif" => ".gif",
        "image/webp" => ".webp",
        "video/mp4" => ".mp4",
        "video/3gpp" => ".3gp",
        "audio/amr" => ".amr",
        "audio/mpeg" => ".mp3",
        "application/pdf" => ".pdf",
        "text/vcard" or "text/x-vcard" => ".vcf",
        "text/plain" => ".txt",
        _ => "",
    };

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "MMS {MessageSid}: {Problem}")]
        public static partial void MediaNotFetched(ILogger logger, string messageSid, string problem);
    }
}
