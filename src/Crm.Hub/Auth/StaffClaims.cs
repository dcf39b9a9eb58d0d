using System.Security.Claims;
using Crm.Hub.Agents;

namespace Crm.Hub.Auth;

internal static class StaffClaims
{
    public static ClaimsPrincipal For(Agent agent, string authenticationType) => new(new ClaimsIdentity(
        [
            new Claim(ClaimTypes.NameIdentifier, agent.Id.ToString()),
            new Claim(ClaimTypes.Name, agent.DisplayName),
            new Claim(ClaimTypes.Email, agent.Email),
            new Claim(ClaimTypes.Role, agent.Role.ToString()),
        ],
        authenticationType));

    public static Guid AgentId(this ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("Not a staff principal."));

    /// <summary>Supervisors and admins may act on any conversation; agents only on their own.</summary>
    public static bool CanActOnAnyConversation(this ClaimsPrincipal user) =>
        user.IsInRole(nameof(AgentRole.Supervisor)) || user.IsInRole(nameof(AgentRole.Admin));
}

internal static class Policies
{
    public const string Staff = "staff";
    public const string Admin = "admin";
    public const string SupervisorOrAdmin = "supervisor-or-admin";

    /// <summary>Campaigns and their templates: marketers, supervisors and admins.</summary>
    public const string Marketing = "marketing";
    public const string Visitor = "visitor";
}
