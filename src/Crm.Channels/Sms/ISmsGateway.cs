namespace Crm.Channels.Sms;

/// <summary>The seam a second SMS provider implements.</summary>
public interface ISmsGateway
{
    /// <summary>Sends <paramref name="body"/> to <paramref name="to"/> (E.164); the provider reports delivery to <paramref name="statusCallback"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "'to' is the domain word; VB's To keyword is no concern here.")]
    Task<SendResult> SendAsync(string to, string body, Uri? statusCallback, CancellationToken cancellationToken);

    /// <summary>Fetches an inbound MMS file the provider holds; the caller copies <see cref="MediaDownload.Content"/> and disposes it.</summary>
    Task<MediaDownload> DownloadMediaAsync(Uri url, CancellationToken cancellationToken);
}

/// <summary>An MMS file being downloaded, or why it could not be.</summary>
public sealed record MediaDownload(Stream? Content, string? ContentType, string? Error) : IAsyncDisposable
{
    public static MediaDownload Failed(string error) => new(null, null, error);

    public async ValueTask DisposeAsync()
    {
        if (Content is not null)
        {
            await Content.DisposeAsync();
        }
    }
}
