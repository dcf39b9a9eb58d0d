using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Routing;

/// <summary>Section <c>Crm:Routing</c>.</summary>
internal sealed class HubRoutingOptions
{
    public const string Section = "Crm:Routing";

    [Range(1, 3600, ErrorMessage = "Crm:Routing:OfferTimeoutSeconds must be between 1 and 3600.")]
    public int OfferTimeoutSeconds { get; set; } = 30;

    [Range(0, 86400, ErrorMessage = "Crm:Routing:StickyWaitSeconds must be between 0 and 86400.")]
    public int StickyWaitSeconds { get; set; } = 60;

    [Range(0, 3600, ErrorMessage = "Crm:Routing:DisconnectGraceSeconds must be between 0 and 3600.")]
    public int DisconnectGraceSeconds { get; set; } = 5;

    /// <summary>Every this many seconds waited counts as one more priority level (no starvation); 0 turns aging off.</summary>
    [Range(0, 86400, ErrorMessage = "Crm:Routing:AgingStepSeconds must be between 0 and 86400.")]
    public int AgingStepSeconds { get; set; } = 300;

    /// <summary>How long a conversation needing a skill waits for a qualified agent before the closest match; 0 waits however long.</summary>
    [Range(0, 86400, ErrorMessage = "Crm:Routing:SkillFallbackSeconds must be between 0 and 86400.")]
    public int SkillFallbackSeconds { get; set; } = 60;

    /// <summary>Away after this many seconds without console activity (online again at the next); 0 turns it off.</summary>
    [Range(0, 86400, ErrorMessage = "Crm:Routing:AwayAfterIdleSeconds must be between 0 and 86400.")]
    public int AwayAfterIdleSeconds { get; set; } = 900;

    /// <summary>The decline limit: offers declined or missed in a row before the agent is set away; 0 turns it off.</summary>
    [Range(0, 100, ErrorMessage = "Crm:Routing:OffersNotTakenBeforeAway must be between 0 and 100.")]
    public int OffersNotTakenBeforeAway { get; set; } = 3;

    /// <summary>A waiting conversation is at risk (jumps its queue, supervisor alerted) with less than this % of its SLA period left; 0 turns it off.</summary>
    [Range(0, 100, ErrorMessage = "Crm:Routing:SlaAtRiskPercent must be between 0 and 100.")]
    public int SlaAtRiskPercent { get; set; } = 20;

    /// <summary>LeastLoadedLongestIdle (fair idle time, the default) or RoundRobin.</summary>
    [EnumDataType(typeof(Crm.Routing.AgentSelection), ErrorMessage = "Crm:Routing:Selection must be LeastLoadedLongestIdle or RoundRobin.")]
    public Crm.Routing.AgentSelection Selection { get; set; } = Crm.Routing.AgentSelection.LeastLoadedLongestIdle;

    /// <summary>The engine's options from these settings; the live loop and the what-if replay use the same.</summary>
    public Crm.Routing.RoutingOptions ToEngineOptions() => new()
    {
        OfferTimeout = TimeSpan.FromSeconds(OfferTimeoutSeconds),
        StickyWait = TimeSpan.FromSeconds(StickyWaitSeconds),
        Selection = Selection,
        AgingStep = TimeSpan.FromSeconds(AgingStepSeconds),
        OffersNotTakenBeforeAway = OffersNotTakenBeforeAway,
        SkillFallbackAfter = TimeSpan.FromSeconds(SkillFallbackSeconds),
        AwayAfterIdle = TimeSpan.FromSeconds(AwayAfterIdleSeconds),
        SlaAtRiskShare = SlaAtRiskPercent / 100.0,
    };
}
