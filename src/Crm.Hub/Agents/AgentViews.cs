using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Agents;

public sealed record AgentView(
    Guid Id, string Email, string DisplayName, string Role, IReadOnlyList<Guid> TeamIds,
    IReadOnlyDictionary<string, int> Capacity, bool AutoAccept, string Presence, IReadOnlyDictionary<string, int>? Skills = null,
    WeightedCapacity? Weighted = null);

public sealed record TeamView(Guid Id, string Name, IReadOnlyList<Guid> MemberIds);

internal static class AgentViews
{
    public static AgentView From(Agent agent) => new(
        agent.Id, agent.Email, agent.DisplayName, Wire(agent.Role),
        agent.Teams.Select(t => t.TeamId).ToList(),
        agent.Capacities.ToDictionary(c => c.Channel, c => c.Capacity),
        agent.AutoAccept, Wire(agent.Presence), agent.Skills.OrderBy(s => s.Skill, StringComparer.Ordinal).ToDictionary(s => s.Skill, s => s.Proficiency),
        agent.CapacityUnits is int units
            ? new WeightedCapacity(
                units,
                agent.Capacities.Where(c => c.Units is not null).ToDictionary(c => c.Channel, c => c.Units!.Value),
                agent.Capacities.Where(c => c.Blocks.Length > 0).ToDictionary(c => c.Channel, IReadOnlyList<string> (c) => SplitList(c.Blocks)))
            : null);

    private static List<string> SplitList(string list) => [.. Routing.QueueClassifier.Split(list)];

    public static async Task<AgentView?> FindAsync(HubDbContext db, Guid id, CancellationToken ct)
    {
        var agent = await db.Agents.AsNoTracking().Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams)
            .FirstOrDefaultAsync(a => a.Id == id, ct);
        return agent is null ? null : From(agent);
    }

    public static string Wire(AgentRole role) => role.ToString().ToLowerInvariant();

    public static string Wire(AgentPresence presence) => presence.ToString().ToLowerInvariant();
}
