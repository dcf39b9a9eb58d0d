using System.ComponentModel.DataAnnotations;
using Crm.Hub.Agents;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Auth;

internal sealed record LoginRequest([property: Required] string? Email, [property: Required] string? Password);

internal static class AuthApi
{
    public static RouteGroupBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/auth").WithTags("Auth");

        group.MapPost("/login", LoginAsync).RequireRateLimiting(AuthSetup.LoginRateLimit)
            .WithSummary("Signs in to the console with a cookie.");
        group.MapPost("/token", TokenAsync).RequireRateLimiting(AuthSetup.LoginRateLimit)
            .WithSummary("Exchanges email and password for a bearer token for the REST API and hubs.");
        group.MapPost("/logout", async (HttpContext http) =>
        {
            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return TypedResults.NoContent();
        }).WithSummary("Signs out of the console.");
        group.MapGet("/me", async Task<Results<Ok<AgentView>, UnauthorizedHttpResult>> (HttpContext http, HubDbContext db, CancellationToken ct) =>
        {
            var agent = await AgentViews.FindAsync(db, http.User.AgentId(), ct);
            return agent is null ? TypedResults.Unauthorized() : TypedResults.Ok(agent);
        }).RequireAuthorization(Policies.Staff).WithSummary("The signed-in agent.");
        return group;
    }

    private static async Task<Results<Ok<AgentView>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        LoginRequest request, HttpContext http, HubDbContext db, IPasswordHasher<Agent> hasher, CancellationToken ct)
    {
        var (agent, invalid, refused) = await CheckCredentialsAsync(request, db, hasher, ct);
        if (agent is null)
        {
            return invalid is not null ? invalid : refused!;
        }
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme,
            StaffClaims.For(agent, CookieAuthenticationDefaults.AuthenticationScheme),
            new AuthenticationProperties { IsPersistent = true });
        return TypedResults.Ok(AgentViews.From(agent));
    }

    private static async Task<Results<SignInHttpResult, ValidationProblem, ProblemHttpResult>> TokenAsync(
        LoginRequest request, HubDbContext db, IPasswordHasher<Agent> hasher, CancellationToken ct)
    {
        var (agent, invalid, refused) = await CheckCredentialsAsync(request, db, hasher, ct);
        if (agent is null)
        {
            return invalid is not null ? invalid : refused!;
        }
        return TypedResults.SignIn(StaffClaims.For(agent, BearerTokenDefaults.AuthenticationScheme),
            authenticationScheme: BearerTokenDefaults.AuthenticationScheme);
    }

    private static async Task<(Agent? Agent, ValidationProblem? Invalid, ProblemHttpResult? Refused)> CheckCredentialsAsync(
        LoginRequest request, HubDbContext db, IPasswordHasher<Agent> hasher, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            return (null, TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["credentials"] = ["Email and password are both required."],
            }), null);
        }
        var email = request.Email.Trim().ToLowerInvariant();
        var agent = await db.Agents.Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams)
            .FirstOrDefaultAsync(a => a.Email == email, ct);
        var result = agent is null ? PasswordVerificationResult.Failed : hasher.VerifyHashedPassword(agent, agent.PasswordHash, request.Password);
        if (agent is null || result == PasswordVerificationResult.Failed || !agent.IsActive)
        {
            return (null, null, TypedResults.Problem(title: "Sign-in failed", detail: "The email or password is not correct, or the account is disabled.",
                statusCode: StatusCodes.Status401Unauthorized));
        }
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            agent.PasswordHash = hasher.HashPassword(agent, request.Password);
            await db.SaveChangesAsync(ct);
        }
        return (agent, null, null);
    }
}
