using Microsoft.AspNetCore.DataProtection;

namespace Crm.Hub.WebChat;

/// <summary>
/// A visitor's identity is a random id the widget keeps in localStorage, handed out signed so that
/// nobody can continue another visitor's conversation by guessing ids.
/// </summary>
internal sealed class VisitorTokens(IDataProtectionProvider provider)
{
    private readonly IDataProtector _protector = provider.CreateProtector("Crm.WebChat.Visitor.v1");

    public string Issue(Guid visitorId) => _protector.Protect(visitorId.ToString("N"));

    public bool TryRead(string? token, out Guid visitorId)
    {
        visitorId = Guid.Empty;
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
        {
            return false;
        }
        try
        {
            return Guid.TryParseExact(_protector.Unprotect(token), "N", out visitorId);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }
}
