using Crm.Routing;

namespace Crm.Hub.Agents;

internal enum AgentRole
{
    Agent,
    Supervisor,
    Marketer,
    Admin,
}

/// <summary>A user of the console. Every role is an agent; supervisors and admins may also take conversations.</summary>
internal sealed class Agent
{
    public Guid Id { get; set; }

    /// <summary>Lower-cased; unique.</summary>
    public required string Email { get; set; }

    public required string DisplayName { get; set; }
    public required string PasswordHash { get; set; }
    public AgentRole Role { get; set; }
    public bool IsActive { get; set; } = true;
    public bool AutoAccept { get; set; }
    public AgentPresence Presence { get; set; } = AgentPresence.Offline;
    public DateTimeOffset CreatedAt { get; set; }
    public List<AgentCapacity> Capacities { get; set; } = [];

    /// <summary>Weighted capacity: the units the agent's conversations share across channels; null for per-channel limits only.</summary>
    public int? CapacityUnits { get; set; }
    public List<AgentSkill> Skills { get; set; } = [];
    public List<TeamMembership> Teams { get; set; } = [];
}

/// <summary>A skill the agent has (billing, persian, vip…), at a proficiency from 1 (basic) to 5 (expert).</summary>
internal sealed class AgentSkill
{
    public Guid AgentId { get; set; }
    public required string Skill { get; set; }
    public int Proficiency { get; set; }
}

/// <summary>How many conversations of one channel the agent takes at once.</summary>
internal sealed class AgentCapacity
{
    public Guid AgentId { get; set; }
    public required string Channel { get; set; }
    public int Capacity { get; set; }

    /// <summary>Units one conversation of this channel costs under <see cref="Agent.CapacityUnits"/> (null: 1).</summary>
    public int? Units { get; set; }

    /// <summary>Comma-separated channels the agent takes nothing of while holding a conversation of this one.</summary>
    public string Blocks { get; set; } = "";
}

internal sealed class Team
{
    public Guid Id { get; set; }
    public required string Name { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<TeamMembership> Members { get; set; } = [];
}

internal sealed class TeamMembership
{
    public Guid TeamId { get; set; }
    public Guid AgentId { get; set; }
}
