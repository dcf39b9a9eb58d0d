using System.Net.Mail;
using System.Security.Claims;
using Crm.Channels;
using Crm.Hub.Auth;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Agents;

public sealed record AgentRequest(
    string? Email, string? DisplayName, string? Password, string? Role, IReadOnlyList<Guid>? TeamIds,
    IReadOnlyDictionary<string, int>? Capacity, bool AutoAccept = false, bool IsActive = true, IReadOnlyDictionary<string, int>? Skills = null,
    WeightedCapacity? Weighted = null);

/// <summary>
/// A capacity budget in units shared across channels: what one conversation of each channel costs (1 when missing), and which
/// channels a held conversation shuts out (fax → [webchat]: no chats while working a fax).
/// </summary>
public sealed record WeightedCapacity(int Units, IReadOnlyDictionary<string, int>? UnitsPerConversation, IReadOnlyDictionary<string, IReadOnlyList<string>>? Blocks);

public sealed record PresenceRequest(string? Presence);

internal static class AgentsApi
{
    public const int MinPasswordLength = 10;

    public static RouteGroupBuilder MapAgentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/v1/agents").WithTags("Agents").RequireAuthorization(Policies.Staff);
        group.MapGet("/", async (HubDbContext db, CancellationToken ct) =>
            TypedResults.Ok((await db.Agents.AsNoTracking().Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams).OrderBy(a => a.DisplayName).ToListAsync(ct))
                .Select(AgentViews.From).ToList()))
            .WithSummary("Every agent, with roles, teams, capacity and presence.");
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.Admin).WithSummary("Creates an agent (admins only).");
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.Admin).WithSummary("Changes an agent (admins only); password optional.");
        group.MapPut("/me/presence", SetPresenceAsync).WithSummary("Sets the caller's presence: online, away or offline.");
        return group;
    }

    private static async Task<Results<Created<AgentView>, ValidationProblem>> CreateAsync(
        AgentRequest request, HubDbContext db, IPasswordHasher<Agent> hasher, RoutingLoop routing, AgentPresenceTracker presence,
        Supervision.BoardFeed board, TimeProvider time, CancellationToken ct)
    {
        var errors = await ValidateAsync(request, db, existing: null, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var agent = new Agent
        {
            Id = Guid.CreateVersion7(time.GetUtcNow()),
            Email = request.Email!.Trim().ToLowerInvariant(),
            DisplayName = request.DisplayName!.Trim(),
            PasswordHash = "",
            CreatedAt = time.GetUtcNow(),
        };
        Apply(agent, request);
        agent.PasswordHash = hasher.HashPassword(agent, request.Password!);
        db.Agents.Add(agent);
        await db.SaveChangesAsync(ct);
        board.Post(new Supervision.DirectoryChanged());
        routing.Post(AgentEvents.Upserted(agent, presence.Effective(agent.Id, agent.Presence)));
        return TypedResults.Created($"/api/v1/agents/{agent.Id}", AgentViews.From(agent));
    }

    private static async Task<Results<Ok<AgentView>, ProblemHttpResult, ValidationProblem>> UpdateAsync(
        Guid id, AgentRequest request, HubDbContext db, IPasswordHasher<Agent> hasher, RoutingLoop routing, QueueClassifier queues,
        AgentPresenceTracker presence, StaffBroadcaster broadcaster, StaffDirectory directory, AgentConnections connections, Supervision.BoardFeed board,
        TimeProvider time, CancellationToken ct)
    {
        var agent = await db.Agents.Include(a => a.Capacities).Include(a => a.Skills).Include(a => a.Teams).FirstOrDefaultAsync(a => a.Id == id, ct);
        if (agent is null)
        {
            return TypedResults.Problem(title: "Agent not found", detail: $"There is no agent {id}.", statusCode: StatusCodes.Status404NotFound);
        }
        var errors = await ValidateAsync(request, db, agent, ct);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }
        var wasActive = agent.IsActive;
        var formerRole = agent.Role;
        agent.Email = request.Email!.Trim().ToLowerInvariant();
        agent.DisplayName = request.DisplayName!.Trim();
        Apply(agent, request);
        if (!string.IsNullOrEmpty(request.Password))
        {
            agent.PasswordHash = hasher.HashPassword(agent, request.Password);
        }
        var handedBack = wasActive && !agent.IsActive ? await HandBackAsync(db, agent.Id, time.GetUtcNow(), ct) : [];
        await db.SaveChangesAsync(ct);
        board.Post(new Supervision.DirectoryChanged());
        directory.Changed(agent.Id);
        if (!agent.IsActive || agent.Role != formerRole)
        {
            connections.AbortAll(agent.Id);
        }
        broadcaster.Publish(handedBack.Select(h => h.Event));
        if (agent.IsActive)
        {
            routing.Post(AgentEvents.Upserted(agent, presence.Effective(agent.Id, agent.Presence)));
        }
        else
        {
            routing.Post(new AgentRemoved(agent.Id));
            foreach (var (c, _) in handedBack)
            {
                routing.Post(queues.Waiting(c, c.WaitingSince));
            }
        }
        return TypedResults.Ok(AgentViews.From(agent));
    }

    /// <summary>A deactivated agent's conversations go back to the queue, for someone else to take.</summary>
    private static async Task<List<(Conversation Conversation, ConversationEvent Event)>> HandBackAsync(
        HubDbContext db, Guid agentId, DateTimeOffset now, CancellationToken ct)
    {
        var held = await db.Conversations.Include(c => c.Contact)
            .Where(c => c.AssigneeId == agentId && c.Status == ConversationStatus.Assigned).ToListAsync(ct);
        return held.Select(c =>
        {
            c.Status = ConversationStatus.Waiting;
            c.AssigneeId = null;
            c.ResponsibleAgentId = null;
            c.WaitingSince = now;
            return (c, db.Append(EventKinds.Queued, StaffEvents.ConversationUpdated, c.Id, agentId,
                ConversationViews.From(c, c.Contact?.DisplayName, null), now));
        }).ToList();
    }

    /// <summary>What is wrong with a weighted capacity, or null; shared with the what-if replay's candidate agents.</summary>
    internal static string? WeightedProblem(WeightedCapacity weighted)
    {
        if (weighted.Units is < 1 or > 1000)
        {
            return "Weighted capacity is 1-1000 units.";
        }
        if ((weighted.UnitsPerConversation ?? new Dictionary<string, int>()).FirstOrDefault(kv => !ChannelNames.IsKnown(kv.Key) || kv.Value is < 1 or > 1000) is { Key: not null } badCost)
        {
            return $"Units per conversation are 1-1000 per known channel ({string.Join(", ", ChannelNames.All)}); wrong: {badCost.Key}.";
        }
        // Channel names are exact (as in capacity): "Fax" or " fax" would otherwise be accepted and silently never match.
        var blocks = weighted.Blocks ?? new Dictionary<string, IReadOnlyList<string>>();
        return blocks.SelectMany(kv => (kv.Value ?? []).Prepend(kv.Key)).FirstOrDefault(c => !ChannelNames.IsKnown(c)) is { } badChannel
            ? $"'{badChannel}' in blocks is not a channel; use {string.Join(", ", ChannelNames.All)}."
            : null;
    }

    private static void Apply(Agent agent, AgentRequest request)
    {
        agent.Role = Enum.Parse<AgentRole>(request.Role ?? nameof(AgentRole.Agent), ignoreCase: true);
        agent.AutoAccept = request.AutoAccept;
        agent.IsActive = request.IsActive;
        // Capacities and skills are edited in place: EF tracks rows by key, so dropping and re-adding one would clash.
        if (request.Skills is { } skills)
        {
            // Skill names are compared exactly: lower-cased and trimmed here, as queues store them.
            var wanted = skills.ToDictionary(s => AgentSkills.Normalize(s.Key), s => s.Value);
            agent.Skills.RemoveAll(s => !wanted.ContainsKey(s.Skill));
            foreach (var (skill, level) in wanted)
            {
                if (agent.Skills.Find(s => s.Skill == skill) is { } row)
                {
                    row.Proficiency = level;
                }
                else
                {
                    agent.Skills.Add(new AgentSkill { AgentId = agent.Id, Skill = skill, Proficiency = level });
                }
            }
        }
        var capacity = request.Capacity ?? AgentDefaults.Capacities().ToDictionary(c => c.Channel, c => c.Capacity);
        agent.Capacities.RemoveAll(c => !capacity.ContainsKey(c.Channel));
        foreach (var (channel, value) in capacity)
        {
            if (agent.Capacities.Find(c => c.Channel == channel) is { } row)
            {
                row.Capacity = value;
            }
            else
            {
                agent.Capacities.Add(new AgentCapacity { AgentId = agent.Id, Channel = channel, Capacity = value });
            }
        }
        agent.CapacityUnits = request.Weighted?.Units;
        foreach (var row in agent.Capacities)
        {
            row.Units = request.Weighted?.UnitsPerConversation?.GetValueOrDefault(row.Channel) is int units and > 0 ? units : null;
            row.Blocks = request.Weighted?.Blocks?.GetValueOrDefault(row.Channel) is { } blocked
                ? string.Join(',', blocked.Where(b => b != row.Channel).Distinct())
                : "";
        }
        var teams = (request.TeamIds ?? []).ToHashSet();
        agent.Teams.RemoveAll(t => !teams.Contains(t.TeamId));
        agent.Teams.AddRange(teams.Where(t => !agent.Teams.Exists(m => m.TeamId == t)).Select(t => new TeamMembership { AgentId = agent.Id, TeamId = t }));
    }

    private static async Task<Dictionary<string, string[]>> ValidateAsync(AgentRequest request, HubDbContext db, Agent? existing, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.Email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email) || email.Length > 320 || !MailAddress.TryCreate(email, out _))
        {
            errors["email"] = ["A valid email address is required."];
        }
        else if (await db.Agents.AnyAsync(a => a.Email == email && (existing == null || a.Id != existing.Id), ct))
        {
            errors["email"] = ["Another agent already uses this email address."];
        }
        if (string.IsNullOrWhiteSpace(request.DisplayName) || request.DisplayName.Trim().Length > 200)
        {
            errors["displayName"] = ["A display name of 1 to 200 characters is required."];
        }
        if (existing is null || !string.IsNullOrEmpty(request.Password))
        {
            if (request.Password is null || request.Password.Length < MinPasswordLength)
            {
                errors["password"] = [$"The password must be at least {MinPasswordLength} characters long."];
            }
        }
        if (request.Role is not null && (!Enum.TryParse<AgentRole>(request.Role, ignoreCase: true, out var role) || !Enum.IsDefined(role)))
        {
            errors["role"] = ["role must be agent, supervisor, marketer or admin."];
        }
        if (AgentSkills.Problem(request.Skills) is { } skillProblem)
        {
            errors["skills"] = [skillProblem];
        }
        if (request.Capacity is not null)
        {
            var bad = request.Capacity.Where(kv => !ChannelNames.IsKnown(kv.Key) || kv.Value is < 0 or > 100).Select(kv => kv.Key).ToList();
            if (bad.Count > 0)
            {
                errors["capacity"] = [$"Capacity must be 0-100 per known channel ({string.Join(", ", ChannelNames.All)}); wrong: {string.Join(", ", bad)}."];
            }
        }
        if (request.Weighted is { } weighted && WeightedProblem(weighted) is { } weightedProblem)
        {
            errors["weighted"] = [weightedProblem];
        }
        if (request.TeamIds is { Count: > 0 } teamIds)
        {
            var known = await db.Teams.Where(t => teamIds.Contains(t.Id)).Select(t => t.Id).ToListAsync(ct);
            var unknown = teamIds.Except(known).ToList();
            if (unknown.Count > 0)
            {
                errors["teamIds"] = [$"Unknown team(s): {string.Join(", ", unknown)}."];
            }
        }
        return errors;
    }

    private static async Task<Results<Ok<AgentView>, ValidationProblem>> SetPresenceAsync(
        PresenceRequest request, ClaimsPrincipal user, AgentPresenceTracker presence, HubDbContext db, CancellationToken ct)
    {
        if (!Enum.TryParse<AgentPresence>(request.Presence, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["presence"] = ["presence must be online, away or offline."] });
        }
        await presence.SetChosenAsync(user.AgentId(), chosen, ct);
        return TypedResults.Ok((await AgentViews.FindAsync(db, user.AgentId(), ct))!);
    }
}
