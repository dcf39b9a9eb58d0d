using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Crm.Hub.WebChat;

internal sealed class VisitorAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>Authenticates the widget by its visitor token (query <c>visitor_token</c> or header <c>X-Visitor-Token</c>).</summary>
internal sealed class VisitorAuthenticationHandler(
    IOptionsMonitor<VisitorAuthenticationOptions> options, ILoggerFactory logger, UrlEncoder encoder, VisitorTokens tokens)
    : AuthenticationHandler<VisitorAuthenticationOptions>(options, logger, encoder)
{
    public const string SchemeName = "visitor";
    public const string QueryKey = "visitor_token";
    public const string HeaderName = "X-Visitor-Token";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? token = Request.Query[QueryKey];
        if (string.IsNullOrEmpty(token))
        {
            token = Request.Headers[HeaderName];
        }
        if (string.IsNullOrEmpty(token))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }
        if (!tokens.TryRead(token, out var visitorId))
        {
            return Task.FromResult(AuthenticateResult.Fail("The visitor token is not valid."));
        }
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, visitorId.ToString("N"))], SchemeName);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }
}

internal static class VisitorClaims
{
    public static Guid VisitorId(this ClaimsPrincipal user) =>
        Guid.ParseExact(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not a visitor."), "N");
}
