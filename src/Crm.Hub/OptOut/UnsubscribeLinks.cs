using Crm.Hub.Hosting;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Crm.Hub.OptOut;

/// <summary>What an unsubscribe link stands for: the address that opts out, and the campaign it came in (for the report).</summary>
internal readonly record struct UnsubscribeRequest(Guid IdentityId, Guid? CampaignId);

/// <summary>
/// The unsubscribe link in every campaign email, and the RFC 2369 / RFC 8058 headers that let a mail client offer
/// one-click unsubscribe. The token is signed (Data Protection), so nobody can opt someone else out by guessing ids; it
/// never expires, since a customer may click a link in a mail that is years old.
/// </summary>
internal sealed class UnsubscribeLinks(IDataProtectionProvider provider, IOptions<HubOptions> hub)
{
    public const string PathPrefix = "/u/";
    private const int PayloadLength = 33;
    private readonly IDataProtector _protector = provider.CreateProtector("Crm.OptOut.Unsubscribe.v1");

    public string Token(UnsubscribeRequest request)
    {
        Span<byte> payload = stackalloc byte[PayloadLength];
        request.IdentityId.TryWriteBytes(payload[..16]);
        payload[16] = request.CampaignId is null ? (byte)0 : (byte)1;
        (request.CampaignId ?? Guid.Empty).TryWriteBytes(payload[17..]);
        return WebEncoders.Base64UrlEncode(_protector.Protect(payload.ToArray()));
    }

    /// <summary>The page a person opens from the mail (GET shows a confirmation, POST unsubscribes).</summary>
    public Uri Link(UnsubscribeRequest request) => new(hub.Value.Url(PathPrefix + Token(request)));

    /// <summary>The headers every campaign email carries: a mail client POSTs <c>List-Unsubscribe=One-Click</c> to the link.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers(UnsubscribeRequest request) =>
    [
        new("List-Unsubscribe", $"<{Link(request)}>"),
        new("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
    ];

    public bool TryRead(string? token, out UnsubscribeRequest request)
    {
        request = default;
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
        {
            return false;
        }
        try
        {
            var payload = _protector.Unprotect(WebEncoders.Base64UrlDecode(token));
            if (payload.Length != PayloadLength || payload[16] > 1)
            {
                return false;
            }
            request = new UnsubscribeRequest(new Guid(payload.AsSpan(0, 16)), payload[16] == 1 ? new Guid(payload.AsSpan(17, 16)) : null);
            return true;
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException)
        {
            return false;
        }
    }
}
