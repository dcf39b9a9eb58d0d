using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Scheduling;

/// <summary>Section <c>Crm:Scheduling</c>: the Quartz scheduler that runs campaigns and reminders.</summary>
internal sealed class HubSchedulingOptions
{
    public const string Section = "Crm:Scheduling";

    /// <summary>Every node of one hub shares this name (and the job store); clustered nodes differ by instance id.</summary>
    public const string InstanceName = "crm-hub";

    /// <summary>Nodes share the job store and take over each other's jobs; needs PostgreSQL (SQLite is one node).</summary>
    public bool Clustered { get; set; }

    /// <summary>How late a trigger may fire before its misfire instruction decides what happens instead.</summary>
    [Range(1, 3600, ErrorMessage = "Crm:Scheduling:MisfireThresholdSeconds must be between 1 and 3600.")]
    public int MisfireThresholdSeconds { get; set; } = 60;
}
