using Crm.Routing.Agents;

namespace Crm.Routing.Waiting;

internal sealed class TrackedConversation
{
    private Dictionary<Guid, Exclusion>? _exclusions;

    public required Guid Id { get; init; }

    public required string Channel { get; init; }

    public required int Priority { get; set; }

    public required DateTimeOffset WaitingSince { get; init; }

    public required long Arrival { get; init; }

    public Guid? TeamId { get; set; }

    public Guid? ResponsibleAgentId { get; init; }

    public Guid? TargetAgentId { get; init; }

    /// <summary>The skill an agent needs, at <see cref="MinProficiency"/> or above, until the fallback relaxes it.</summary>
    public SkillKey? Skill { get; set; }

    public int MinProficiency { get; set; } = 1;

    /// <summary>Set once the skill fallback ran: the closest match (or any agent of the channel) may take it.</summary>
    public bool SkillRelaxed { get; set; }

    /// <summary>When it started waiting in its current rung of the escalation ladder; the skill fallback counts from here.</summary>
    public DateTimeOffset StepSince { get; set; }

    /// <summary>The escalation ladder after the first queue, and how many rungs it has climbed.</summary>
    public IReadOnlyList<OverflowStep> Overflow { get; init; } = [];

    public int StepsTaken { get; set; }

    public OverflowStep? NextStep => StepsTaken < Overflow.Count ? Overflow[StepsTaken] : null;

    /// <summary>The name of the rung it waits in now; null in its first queue.</summary>
    public string? StepName => StepsTaken > 0 ? Overflow[StepsTaken - 1].Name : null;

    /// <summary>When the queued conversation overflows to its next rung.</summary>
    public DateTimeOffset? OverflowAt { get; set; }

    /// <summary>When its SLA comes at risk, and when the supervisor is alerted if it still has no agent; null once settled.</summary>
    public DateTimeOffset? RiskAt { get; set; }

    public DateTimeOffset? AlertAt { get; set; }

    /// <summary>Its SLA is at risk: it goes ahead of everything not at risk. Part of the queue key, so change it only outside the queue.</summary>
    public bool AtRisk { get; set; }

    /// <summary>When the queued conversation's skill fallback is due.</summary>
    public DateTimeOffset? FallbackAt { get; set; }

    public bool NeedsSkill => Skill is not null && !SkillRelaxed;

    public ConversationStatus Status { get; set; }

    public Guid? HolderId { get; set; }

    public DateTimeOffset? OfferExpiresAt { get; set; }

    public LaneKey? Lane { get; set; }

    /// <summary>Set while the conversation waits in its busy responsible agent's reserved lane.</summary>
    public DateTimeOffset? HeldForResponsibleUntil { get; set; }

    /// <summary>When the conversation breaches its SLA (first response due); null when it has none.</summary>
    public DateTimeOffset? SlaDueAt { get; init; }

    /// <summary>Priority levels gained by waiting (aging); part of the queue key, so change it only outside the queue.</summary>
    public int AgedBy { get; set; }

    /// <summary>When the queued conversation gains its next aging level.</summary>
    public DateTimeOffset? AgesAt { get; set; }

    /// <summary>The queue priority of a conversation at risk of breaching its SLA: above any a queue can set, so among those at risk the earliest breach goes first.</summary>
    public const int AtRiskPriority = 1_000_000;

    public QueuePosition Position => new(AtRisk ? AtRiskPriority : Priority + AgedBy, SlaDueAt?.UtcTicks ?? long.MaxValue, WaitingSince.UtcTicks, Arrival, Id);

    /// <summary>Agents never to be offered this conversation again; null while there are none.</summary>
    public ICollection<Guid>? ExcludedAgents => _exclusions?.Keys;

    public int ExcludedCount => _exclusions?.Count ?? 0;

    public static TrackedConversation From(ConversationWaiting waiting, long arrival, SkillKey? skill) => new()
    {
        Id = waiting.ConversationId,
        Channel = waiting.Channel,
        Priority = waiting.Priority,
        WaitingSince = waiting.WaitingSince,
        Arrival = arrival,
        TeamId = waiting.TeamId,
        ResponsibleAgentId = waiting.ResponsibleAgentId,
        TargetAgentId = waiting.TargetAgentId,
        SlaDueAt = waiting.SlaDueAt,
        Skill = skill,
        MinProficiency = Math.Clamp(waiting.MinProficiency, 1, 5),
        StepSince = waiting.WaitingSince,
        Overflow = waiting.Overflow ?? [],
    };

    /// <summary>Puts a conversation that already climbed some rungs of this wait straight onto the last of them.</summary>
    public void ResumeRung(int rungs, Func<string, SkillKey> skill)
    {
        StepsTaken = Math.Clamp(rungs, 0, Overflow.Count);
        if (StepsTaken == 0)
        {
            return;
        }

        var step = Overflow[StepsTaken - 1];
        TeamId = step.TeamId;
        Skill = string.IsNullOrWhiteSpace(step.Skill) ? null : skill(step.Skill);
        MinProficiency = Math.Clamp(step.MinProficiency, 1, 5);
        Priority = Math.Max(Priority, step.Priority ?? Priority);
        StepSince = WaitingSince + step.After;
    }

    public bool Excludes(Guid agentId) => _exclusions?.ContainsKey(agentId) == true;

    public Exclusion? ExclusionOf(Guid agentId) =>
        _exclusions is not null && _exclusions.TryGetValue(agentId, out var why) ? why : null;

    public void Exclude(Guid agentId, Exclusion why) => (_exclusions ??= [])[agentId] = why;
}
