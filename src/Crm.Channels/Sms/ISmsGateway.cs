namespace Crm.Channels.Sms;

/// <summary>The seam a second SMS provider implements.</summary>
public interface ISmsGateway
{
    /// <summary>Sends <paramref name="body"/> to <paramref name="to"/> (E.164); the provider reports delivery to <paramref name="statusCallback"/>.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1716", Justification = "'to' is the domain word; VB's To keyword is no concern here.")]
    Task<SendResult> SendAsync(string to, string body, Uri? statusCallback, CancellationToken cancellationToken);
}
