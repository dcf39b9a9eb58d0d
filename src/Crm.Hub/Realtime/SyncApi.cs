using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Realtime;

public sealed record SyncResult(long LastSeq, IReadOnlyList<HubEvent> Events, bool HasMore);

internal static class SyncApi
{
    public const int MaxPage = 1000;

    public static RouteHandlerBuilder MapSyncApi(this IEndpointRouteBuilder routes) =>
        routes.MapGet("/api/v1/sync", SyncAsync).WithTags("Realtime").RequireAuthorization(Policies.Staff)
            .WithSummary("Every pushed event after seq, oldest first, for consoles that reconnect. Page with hasMore; with nothing newer, lastSeq is the newest seq.");

    private static async Task<Results<Ok<SyncResult>, ValidationProblem>> SyncAsync(HubDbContext db, long? since, int? limit, CancellationToken ct)
    {
        if (since is < 0)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["since"] = ["since must be 0 or a seq the hub sent."] });
        }
        var take = Math.Clamp(limit ?? MaxPage, 1, MaxPage);
        var after = since ?? 0;
        var rows = await db.Events.AsNoTracking().Where(e => e.Seq > after).OrderBy(e => e.Seq).Take(take + 1).ToListAsync(ct);
        var hasMore = rows.Count > take;
        var page = rows.Take(take).Select(StaffBroadcaster.ToHubEvent).ToList();
        // With nothing newer, lastSeq is the hub's newest seq: a client ahead of it (a restored database) starts over from there.
        var lastSeq = page.Count > 0 ? page[^1].Seq : await db.Events.MaxAsync(e => (long?)e.Seq, ct) ?? 0;
        return TypedResults.Ok(new SyncResult(lastSeq, page, hasMore));
    }
}
