using System.ComponentModel.DataAnnotations;

namespace Crm.Hub.Surveys;

/// <summary>Section <c>Crm:Surveys</c>: which survey a conversation gets when its queue does not say, when, and what counts as a low score.</summary>
internal sealed class SurveyOptions
{
    public const string Section = "Crm:Surveys";

    /// <summary>The survey of conversations whose queue names none, or that matched no queue: none, csat, nps or ces.</summary>
    public string DefaultKind { get; set; } = "csat";

    /// <summary>How long after resolution the survey waits: a conversation reopened within it gets none (yet).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "7.00:00:00", ErrorMessage = "Crm:Surveys:DelayAfterResolve is 0 to 7 days (e.g. 00:05:00).")]
    public TimeSpan DelayAfterResolve { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long a survey takes answers; later replies are ordinary messages.</summary>
    [Range(1, 24 * 90, ErrorMessage = "Crm:Surveys:ExpiryHours is 1 to 2160 (90 days).")]
    public int ExpiryHours { get; set; } = 72;

    /// <summary>How often the hub looks for conversations due a survey and surveys past their expiry.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00", ErrorMessage = "Crm:Surveys:SweepInterval is 50 ms to 1 hour (e.g. 00:00:10).")]
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A CSAT answer at or below this opens a follow-up task (1–5).</summary>
    [Range(1, 5, ErrorMessage = "Crm:Surveys:LowCsat is 1 to 5.")]
    public int LowCsat { get; set; } = 2;

    /// <summary>An NPS answer at or below this opens a follow-up task (0–10; 6 = every detractor).</summary>
    [Range(0, 10, ErrorMessage = "Crm:Surveys:LowNps is 0 to 10.")]
    public int LowNps { get; set; } = 6;

    /// <summary>A CES answer at or above this (hard effort) opens a follow-up task (1–7).</summary>
    [Range(1, 7, ErrorMessage = "Crm:Surveys:HighCes is 1 to 7.")]
    public int HighCes { get; set; } = 5;

    /// <summary>Conversations resolved in these categories open a follow-up task whatever the survey says.</summary>
    public List<string> FollowUpCategories { get; set; } = ["complaint"];

    /// <summary>The name the survey signs with (<c>business.name</c> in the templates).</summary>
    [Required(ErrorMessage = "Crm:Surveys:BusinessName is required."), StringLength(100, ErrorMessage = "Crm:Surveys:BusinessName is at most 100 characters.")]
    public string BusinessName { get; set; } = "Customer service";

    public TimeSpan Expiry => TimeSpan.FromHours(ExpiryHours);

    /// <summary>The configured default, or null for "no survey".</summary>
    public SurveyKind? Default => QueueSurveys.Parse(DefaultKind, out var kind) ? kind : null;

    /// <summary>Whether an answer is low enough (or, for CES, hard enough) for a supervisor to follow up.</summary>
    public bool IsLow(SurveyKind kind, int score) => kind switch
    {
        SurveyKind.Csat => score <= LowCsat,
        SurveyKind.Nps => score <= LowNps,
        SurveyKind.Ces => score >= HighCes,
        _ => false,
    };
}

/// <summary>What a queue stores as its survey: null (the configured default), "none", or a kind.</summary>
internal static class QueueSurveys
{
    public const string None = "none";

    public static readonly string[] Choices = [None, "csat", "nps", "ces"];

    /// <summary>True when <paramref name="value"/> is a valid choice; <paramref name="kind"/> is null for "none".</summary>
    public static bool Parse(string? value, out SurveyKind? kind)
    {
        kind = null;
        switch (value?.Trim().ToLowerInvariant())
        {
            case None:
                return true;
            case "csat":
                kind = SurveyKind.Csat;
                return true;
            case "nps":
                kind = SurveyKind.Nps;
                return true;
            case "ces":
                kind = SurveyKind.Ces;
                return true;
            default:
                return false;
        }
    }

    /// <summary>The survey a conversation of this queue gets: the queue's choice, else the configured default.</summary>
    public static SurveyKind? For(string? queueChoice, SurveyOptions options) =>
        queueChoice is not null && Parse(queueChoice, out var kind) ? kind : options.Default;
}
