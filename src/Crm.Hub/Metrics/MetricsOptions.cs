using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Metrics;

/// <summary>Section <c>Crm:Metrics</c>: what the board and the reports measure against when a queue says nothing of its own.</summary>
internal sealed class MetricsOptions
{
    public const string Section = "Crm:Metrics";

    /// <summary>IANA time zone in which "today" rolls over and reports bucket days.</summary>
    [Required]
    public string TimeZone { get; set; } = "UTC";

    [Range(1, 90, ErrorMessage = "Crm:Metrics:FcrWindowDays must be between 1 and 90.")]
    public int FcrWindowDays { get; set; } = 7;

    /// <summary>Default first-response target, in business minutes (a queue's own first-response SLA takes precedence).</summary>
    [Range(1, 60 * 24 * 30, ErrorMessage = "Crm:Metrics:FirstResponseMinutes must be between 1 and 43200.")]
    public int FirstResponseMinutes { get; set; } = 60;

    /// <summary>Default resolution target, in business hours.</summary>
    [Range(1, 24 * 90, ErrorMessage = "Crm:Metrics:ResolutionHours must be between 1 and 2160.")]
    public int ResolutionHours { get; set; } = 24;

    public static bool IsKnownTimeZone(string id) => TimeZoneInfo.TryFindSystemTimeZoneById(id, out _);
}
