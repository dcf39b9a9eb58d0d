using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.OptOut;

/// <summary>
/// Serves the links <see cref="UnsubscribeLinks"/> puts in campaign emails. GET only shows a confirmation (mail scanners open
/// links, and must not unsubscribe anyone); POST unsubscribes — the page's button and a mail client's RFC 8058 one-click POST
/// alike. There is no session or CSRF token to check: the signed token is the authority, and it can only opt out its own address.
/// </summary>
internal static class UnsubscribeApi
{
    public static IEndpointRouteBuilder MapUnsubscribe(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(UnsubscribeLinks.PathPrefix + "{token}", ShowAsync).ExcludeFromDescription().AllowAnonymous();
        routes.MapPost(UnsubscribeLinks.PathPrefix + "{token}", UnsubscribeAsync).ExcludeFromDescription().AllowAnonymous().DisableAntiforgery();
        return routes;
    }

    /// <summary>The channel and address a token names (and the campaign it came in), or null for a forged, damaged or orphaned token.</summary>
    private static async Task<(TokenAddress? Address, UnsubscribeRequest Request)> AddressOfAsync(string token, UnsubscribeLinks links, HubDbContext db,
        CancellationToken ct)
    {
        if (!links.TryRead(token, out var request))
        {
            return (null, request);
        }
        var address = await db.ChannelIdentities.AsNoTracking().Where(i => i.Id == request.IdentityId)
            .Select(i => new TokenAddress(i.Channel, i.Address)).FirstOrDefaultAsync(ct);
        return (address, request);
    }

    private sealed record TokenAddress(string Channel, string Address);

    private static async Task<IResult> ShowAsync(string token, HttpContext http, UnsubscribeLinks links, HubDbContext db, CancellationToken ct)
    {
        NoCache(http);
        var language = UnsubscribePage.LanguageOf(http.Request);
        var (identity, request) = await AddressOfAsync(token, links, db, ct);
        if (identity is null)
        {
            return UnsubscribePage.Render(language, UnsubscribeState.Invalid, null, "", StatusCodes.Status400BadRequest);
        }
        var optedOut = await db.ChannelIdentities.AnyAsync(i => i.Channel == identity.Channel && i.Address == identity.Address && i.OptedOutAt != null, ct);
        return UnsubscribePage.Render(language, optedOut ? UnsubscribeState.AlreadyDone : UnsubscribeState.Confirm,
            UnsubscribePage.Mask(identity.Address), UnsubscribeLinks.PathPrefix + token);
    }

    private static async Task<IResult> UnsubscribeAsync(string token, HttpContext http, UnsubscribeLinks links, HubDbContext db, Suppressions suppressions,
        CancellationToken ct)
    {
        NoCache(http);
        var language = UnsubscribePage.LanguageOf(http.Request);
        var (identity, request) = await AddressOfAsync(token, links, db, ct);
        if (identity is null)
        {
            return UnsubscribePage.Render(language, UnsubscribeState.Invalid, null, "", StatusCodes.Status400BadRequest);
        }
        var change = await suppressions.OptOutAsync(identity.Channel, identity.Address, OptOutSources.UnsubscribeLink, request.CampaignId, agentId: null,
            reason: null, ct);
        return UnsubscribePage.Render(language, change.AlreadyInThatState ? UnsubscribeState.AlreadyDone : UnsubscribeState.Done,
            UnsubscribePage.Mask(identity.Address), "");
    }

    private static void NoCache(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        // The token in the URL must not travel on to anything the page links to.
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
