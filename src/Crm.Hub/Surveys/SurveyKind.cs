namespace Crm.Hub.Surveys;

/// <summary>The question a queue asks after resolution, each with its own scale.</summary>
internal enum SurveyKind
{
    /// <summary>Customer satisfaction, 1 (very dissatisfied) to 5 (very satisfied).</summary>
    Csat,
    /// <summary>Net promoter score, 0 (would not recommend) to 10 (certainly would).</summary>
    Nps,
    /// <summary>Customer effort score, 1 (very easy) to 7 (very difficult).</summary>
    Ces,
}

internal static class SurveyScales
{
    public static int Min(this SurveyKind kind) => kind switch
    {
        SurveyKind.Nps => 0,
        _ => 1,
    };

    public static int Max(this SurveyKind kind) => kind switch
    {
        SurveyKind.Csat => 5,
        SurveyKind.Nps => 10,
        SurveyKind.Ces => 7,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>The name a template file carries (<c>templates/surveys/{name}.{locale}.sbn</c>).</summary>
    public static string TemplateName(this SurveyKind kind) => kind.ToString().ToLowerInvariant();
}
