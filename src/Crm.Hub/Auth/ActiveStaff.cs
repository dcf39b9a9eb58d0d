using System.Collections.Concurrent;
using System.Security.Claims;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Auth;

/// <summary>
/// Cookies and tokens carry the role they were issued with. This requirement checks, on every request and hub
/// call, that the account is still active and still has that role, so deactivating or demoting takes effect at once.
/// </summary>
internal sealed class ActiveStaffRequirement : IAuthorizationRequirement;

/// <summary>Who is active with which role, read from the database and kept for a short while.</summary>
internal sealed class StaffDirectory(IServiceScopeFactory scopes, TimeProvider time)
{
    private static readonly TimeSpan Freshness = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, (bool Active, string Role, DateTimeOffset ReadAt)> _entries = new();

    public async Task<bool> IsActiveInRoleAsync(Guid agentId, string role)
    {
        if (!_entries.TryGetValue(agentId, out var entry) || time.GetUtcNow() - entry.ReadAt > Freshness)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var row = await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => new { a.IsActive, a.Role }).FirstOrDefaultAsync();
            entry = (row?.IsActive ?? false, row?.Role.ToString() ?? "", time.GetUtcNow());
            _entries[agentId] = entry;
        }
        return entry.Active && entry.Role == role;
    }

    /// <summary>Forget what we knew of an agent: their next request reads the database.</summary>
    public void Changed(Guid agentId) => _entries.TryRemove(agentId, out _);
}

internal sealed class ActiveStaffHandler(StaffDirectory directory) : AuthorizationHandler<ActiveStaffRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, ActiveStaffRequirement requirement)
    {
        var id = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        var role = context.User.FindFirstValue(ClaimTypes.Role);
        if (Guid.TryParse(id, out var agentId) && role is not null && await directory.IsActiveInRoleAsync(agentId, role))
        {
            context.Succeed(requirement);
        }
    }
}
