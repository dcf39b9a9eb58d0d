using Crm.Hub.Surveys;

namespace Crm.Hub.Metrics;

/// <summary>
/// Survey results of one kind, counted per score so they add up incrementally and merge. Figures per DESIGN §8:
/// CSAT is the share of 4–5 answers (percent), NPS the percentage of promoters (9–10) minus that of detractors (0–6),
/// CES the average answer (1–7, lower is easier). Each is null without answers.
/// </summary>
internal sealed class SurveyScores(SurveyKind kind)
{
    private readonly int[] _counts = new int[kind.Max() + 1];

    public SurveyKind Kind { get; } = kind;

    public int Responses { get; private set; }

    public int CountOf(int score) => _counts[score];

    public void Add(int score)
    {
        if (score < Kind.Min() || score > Kind.Max())
        {
            throw new ArgumentOutOfRangeException(nameof(score), score, $"A {Kind} score is between {Kind.Min()} and {Kind.Max()}.");
        }
        _counts[score]++;
        Responses++;
    }

    /// <summary>CSAT: percent of answers that are 4 or 5.</summary>
    public decimal? Csat => Kind == SurveyKind.Csat && Responses > 0 ? (_counts[4] + _counts[5]) * 100m / Responses : null;

    /// <summary>NPS: percent promoters (9–10) minus percent detractors (0–6), from −100 to 100.</summary>
    public decimal? Nps => Kind == SurveyKind.Nps && Responses > 0
        ? (_counts[9] + _counts[10] - _counts[..7].Sum()) * 100m / Responses
        : null;

    /// <summary>CES: the mean answer.</summary>
    public decimal? Ces => Kind == SurveyKind.Ces && Responses > 0
        ? _counts.Select((n, score) => (decimal)n * score).Sum() / Responses
        : null;

    public static SurveyScores Of(SurveyKind kind, IEnumerable<int> scores)
    {
        var s = new SurveyScores(kind);
        foreach (var score in scores)
        {
            s.Add(score);
        }
        return s;
    }
}
