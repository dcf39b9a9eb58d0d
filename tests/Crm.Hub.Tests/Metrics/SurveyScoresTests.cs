using Crm.Hub.Metrics;
using Crm.Hub.Surveys;

namespace Crm.Hub.Tests.Metrics;

public sealed class SurveyScoresTests
{
    [Fact]
    public void NpsRangesFromAllDetractorsToAllPromoters()
    {
        Assert.Equal(-100m, SurveyScores.Of(SurveyKind.Nps, [0, 3, 6]).Nps);
        Assert.Equal(100m, SurveyScores.Of(SurveyKind.Nps, [9, 10]).Nps);
        // Passives (7–8) count in the total only: promoters 1, detractors 1 of 4 -> 0.
        Assert.Equal(0m, SurveyScores.Of(SurveyKind.Nps, [10, 7, 8, 6]).Nps);
    }

    [Fact]
    public void NoAnswersNoFigure()
    {
        var csat = new SurveyScores(SurveyKind.Csat);
        Assert.Null(csat.Csat);
        Assert.Null(new SurveyScores(SurveyKind.Ces).Ces);
        Assert.Null(new SurveyScores(SurveyKind.Nps).Nps);
        // A figure of another kind is not this tally's to give.
        csat.Add(5);
        Assert.Null(csat.Nps);
        Assert.Equal(100m, csat.Csat);
    }

    [Theory]
    [InlineData("Csat", 0)]
    [InlineData("Csat", 6)]
    [InlineData("Nps", 11)]
    [InlineData("Ces", 0)]
    [InlineData("Ces", 8)]
    public void AScoreOffTheScaleIsRefused(string kindName, int score) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SurveyScores(Enum.Parse<SurveyKind>(kindName)).Add(score));
}
