namespace Crm.Channels.Fax;

/// <summary>The seam a fax provider implements (Phaxio today; Sinch, Telnyx, a T.38 bridge would be one folder each).</summary>
public interface IFaxGateway
{
    FaxCapabilities Capabilities { get; }

    /// <summary>Sends PDF documents; the provider reports progress to <see cref="FaxSendRequest.CallbackUrl"/>.</summary>
    Task<SendResult> SendAsync(FaxSendRequest request, CancellationToken cancellationToken);

    Task<FaxStatusChanged?> GetStatusAsync(string providerFaxId, CancellationToken cancellationToken);

    Task<bool> CancelAsync(string providerFaxId, CancellationToken cancellationToken);

    /// <summary>The fax as a PDF, or null when the provider no longer has it.</summary>
    Task<byte[]?> DownloadAsync(string providerFaxId, CancellationToken cancellationToken);
}

/// <summary>A fax to send. <c>ClientReference</c> is our message id: the idempotency key, also sent as the provider's tag.</summary>
public sealed record FaxSendRequest(string To, string? From, IReadOnlyList<FaxDocument> Documents, string? HeaderText, string ClientReference,
    Uri? CallbackUrl);

public sealed record FaxDocument(string FileName, byte[] Pdf);

public sealed record FaxCapabilities(int MaxRecipients, long MaxDocumentBytes, bool SignedCallbacks, bool Cancel);

/// <summary>What a fax provider's callback says.</summary>
public abstract record FaxEvent(string ProviderFaxId);

/// <summary>An outbound fax moved on; <see cref="Status"/> is ours, <see cref="Error"/> the provider's reason.</summary>
public sealed record FaxStatusChanged(string ProviderFaxId, DeliveryStatus Status, int? Pages, string? Error) : FaxEvent(ProviderFaxId);

/// <summary>A fax arrived; <see cref="Pdf"/> is the document when the callback carried it.</summary>
public sealed record FaxReceived(string ProviderFaxId, string From, string To, int? Pages, DateTimeOffset ReceivedAt, byte[]? Pdf) : FaxEvent(ProviderFaxId);
