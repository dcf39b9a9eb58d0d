using Crm.Hub.Auth;
using Crm.Routing.Replay;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Crm.Hub.Routing.WhatIf;

/// <summary>What-if replay for supervisors: "with this policy and these people, how would that day have gone?"</summary>
internal static class WhatIfApi
{
    public static RouteGroupBuilder MapWhatIfApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/routing/replay").WithTags("Routing").RequireAuthorization(Policies.SupervisorOrAdmin);
        group.MapPost("/", ReplayAsync)
            .WithSummary("Replays a recorded day through a candidate policy version and staffing: waits, SLA compliance, agent occupancy.");
        return group;
    }

    private static async Task<Results<Ok<ReplayReport>, ValidationProblem>> ReplayAsync(WhatIfRequest request, WhatIfRunner runner, CancellationToken ct)
    {
        var (report, errors) = await runner.RunAsync(request, ct);
        return report is null ? TypedResults.ValidationProblem(errors) : TypedResults.Ok(report);
    }
}
