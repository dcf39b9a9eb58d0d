using Microsoft.Extensions.Options;

namespace Crm.Hub.Metrics;

/// <summary>
/// The <see cref="MetricsSettings"/> in force: the configured defaults (<see cref="MetricsOptions"/>) plus, per queue, its own
/// business calendar and SLA targets once the routing policy is loaded (<see cref="Update"/> swaps them in atomically, so a
/// reader sees one consistent set).
/// </summary>
internal sealed class MetricsSettingsSource(IOptions<MetricsOptions> options)
{
    private MetricsSettings? _current;

    public MetricsSettings Current => Volatile.Read(ref _current) ?? Defaults();

    /// <summary>Replaces the per-queue calendars and SLA policies (after a routing policy save or at start-up).</summary>
    public void Update(IReadOnlyDictionary<Guid, BusinessCalendar> queueCalendars, IReadOnlyDictionary<Guid, SlaPolicy> queuePolicies) =>
        Volatile.Write(ref _current, Defaults() with { QueueCalendars = queueCalendars, QueuePolicies = queuePolicies });

    private MetricsSettings Defaults()
    {
        var o = options.Value;
        var zone = TimeZoneInfo.FindSystemTimeZoneById(o.TimeZone);
        var target = new SlaTarget(TimeSpan.FromMinutes(o.FirstResponseMinutes), TimeSpan.FromHours(o.ResolutionHours));
        return new MetricsSettings(zone, BusinessCalendar.AroundTheClock(zone), new SlaPolicy(target, []), TimeSpan.FromDays(o.FcrWindowDays));
    }
}
