using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Agents;

public sealed record TeamRequest(string? Name);

internal static class TeamsApi
{
    public static RouteGroupBuilder MapTeamsApi(this IEndpointRouteBuilder routes)
    {
        var teams = routes.MapGroup("/api/v1/teams").WithTags("Teams").RequireAuthorization(Policies.Staff);
        teams.MapGet("/", async (HubDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Teams.AsNoTracking().Include(t => t.Members).OrderBy(t => t.Name).ToListAsync(ct))
                .Select(t => new TeamView(t.Id, t.Name, t.Members.Select(m => m.AgentId).ToList())).ToList()))
            .WithSummary("Every team and its members.");
        teams.MapPost("/", CreateTeamAsync).RequireAuthorization(Policies.SupervisorOrAdmin).WithSummary("Creates a team.");
        return teams;
    }

    private static async Task<Results<Created<TeamView>, ValidationProblem>> CreateTeamAsync(TeamRequest request, HubDbContext db, TimeProvider time, CancellationToken ct)
    {
        var name = request.Name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A team name of 1 to 100 characters is required."] });
        }
        if (await db.Teams.AnyAsync(t => t.Name == name, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["name"] = ["A team with this name exists."] });
        }
        var team = new Team { Id = Guid.CreateVersion7(time.GetUtcNow()), Name = name, CreatedAt = time.GetUtcNow() };
        db.Teams.Add(team);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/teams/{team.Id}", new TeamView(team.Id, team.Name, []));
    }
}
