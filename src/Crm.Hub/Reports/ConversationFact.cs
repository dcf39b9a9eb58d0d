using Crm.Hub.Metrics;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reports;

/// <summary>
/// One row per conversation with everything the period reports measure, kept current by <see cref="FactsProjector"/> from the
/// event list, so a report is one indexed GROUP BY instead of a replay of every event. Durations are whole seconds (the CSV's
/// unit, so the export and the summary add up to the same figures); dates are local dates in the board's time zone
/// (<c>Crm:Metrics:TimeZone</c>) at the time the row was written.
/// </summary>
internal sealed class ConversationFact
{
    public Guid ConversationId { get; set; }
    public Guid ContactId { get; set; }
    public required string Channel { get; set; }
    public Guid? QueueId { get; set; }
    public Guid? TeamId { get; set; }

    /// <summary>The agent who handled it: who resolved it, else who last accepted it.</summary>
    public Guid? AgentId { get; set; }
    public string? Category { get; set; }
    public int Priority { get; set; }

    public DateTimeOffset OpenedAt { get; set; }
    public DateOnly OpenedDate { get; set; }
    public DateTimeOffset? FirstResponseAt { get; set; }
    public DateTimeOffset? AssignedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateOnly? ResolvedDate { get; set; }

    public long? FirstResponseSeconds { get; set; }
    public long? FirstResponseBusinessSeconds { get; set; }
    public long? TimeToAssignSeconds { get; set; }
    public long? HandleSeconds { get; set; }
    public long? ResolutionSeconds { get; set; }
    public long? ResolutionBusinessSeconds { get; set; }

    public int Episodes { get; set; }
    public int ReopenCount { get; set; }
    public int TransferCount { get; set; }
    public bool? SameDay { get; set; }

    public SlaOutcome? SlaFirstResponse { get; set; }
    public SlaOutcome? SlaResolution { get; set; }

    /// <summary>When each SLA clock breaches if still running: a pending clock past it counts as breached at query time.</summary>
    public DateTimeOffset? FirstResponseDueAt { get; set; }
    public DateTimeOffset? ResolutionDueAt { get; set; }

    /// <summary>
    /// Seconds from this conversation's resolution to the next conversation the same contact opened on any channel; FCR is
    /// broken when that is within the window. Kept as a gap rather than a flag so a changed window applies to old rows.
    /// </summary>
    public long? ContactReturnSeconds { get; set; }

    /// <summary>The survey answered about this conversation, if any: csat, nps or ces, and the score.</summary>
    public string? SurveyKind { get; set; }
    public int? SurveyScore { get; set; }

    /// <summary>The last event folded in.</summary>
    public long LastSeq { get; set; }
}

/// <summary>How far <see cref="FactsProjector"/> has read the event list (one row per projection).</summary>
internal sealed class ProjectionCursor
{
    public required string Name { get; set; }
    public long Seq { get; set; }
}

internal static class ReportsConfiguration
{
    public static void Configure(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ConversationFact>(e =>
        {
            e.HasKey(f => f.ConversationId);
            e.Property(f => f.Channel).HasMaxLength(16);
            e.Property(f => f.Category).HasMaxLength(64);
            e.Property(f => f.SurveyKind).HasMaxLength(8);
            e.Property(f => f.SlaFirstResponse).HasConversion<string>().HasMaxLength(16);
            e.Property(f => f.SlaResolution).HasConversion<string>().HasMaxLength(16);
            // Every report filters a range of opening dates; the breakdowns group within it.
            e.HasIndex(f => f.OpenedDate);
            e.HasIndex(f => new { f.QueueId, f.OpenedDate });
            e.HasIndex(f => new { f.AgentId, f.OpenedDate });
            e.HasIndex(f => f.ContactId);
            // The rollup's agent-day upkeep reads the facts of an (agent, resolution day); a report reads the few rows whose
            // figures depend on now: resolved within the FCR window, or a clock not yet due.
            e.HasIndex(f => new { f.ResolvedDate, f.AgentId });
            e.HasIndex(f => f.ResolvedAt);
            e.HasIndex(f => f.FirstResponseDueAt);
            e.HasIndex(f => f.ResolutionDueAt);
        });
        modelBuilder.Entity<ProjectionCursor>(e =>
        {
            e.HasKey(c => c.Name);
            e.Property(c => c.Name).HasMaxLength(32);
        });
    }
}
