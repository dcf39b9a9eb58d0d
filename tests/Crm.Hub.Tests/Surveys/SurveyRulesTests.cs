using Crm.Hub.Conversations;
using Crm.Hub.Metrics;
using Crm.Hub.Realtime;
using Crm.Hub.Surveys;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Tests.Surveys;

/// <summary>The pure parts of surveys: which queue asks what, what counts as low, and how metrics read an answer event.</summary>
public sealed class SurveyRulesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 11, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(null, "csat", "Csat")]
    [InlineData("none", "csat", null)]
    [InlineData("NPS", "csat", "Nps")]
    [InlineData("ces", "none", "Ces")]
    [InlineData(null, "none", null)]
    public void AQueueChoiceWinsOverTheConfiguredDefault(string? queueChoice, string defaultKind, string? expected)
    {
        var kind = QueueSurveys.For(queueChoice, new SurveyOptions { DefaultKind = defaultKind });

        Assert.Equal(expected, kind?.ToString());
    }

    [Theory]
    [InlineData("stars")]
    [InlineData("")]
    [InlineData("csat5")]
    public void UnknownChoicesAreRefused(string value) => Assert.False(QueueSurveys.Parse(value, out _));

    [Theory]
    [InlineData("Csat", 2, true)]
    [InlineData("Csat", 3, false)]
    [InlineData("Nps", 6, true)]
    [InlineData("Nps", 7, false)]
    [InlineData("Ces", 5, true)]
    [InlineData("Ces", 4, false)]
    public void LowScoresFollowTheDefaultThresholds(string kind, int score, bool low) =>
        Assert.Equal(low, new SurveyOptions().IsLow(Enum.Parse<SurveyKind>(kind), score));

    [Fact]
    public void ThresholdsAreConfigurable()
    {
        var strict = new SurveyOptions { LowCsat = 3, LowNps = 8, HighCes = 4 };

        Assert.True(strict.IsLow(SurveyKind.Csat, 3));
        Assert.True(strict.IsLow(SurveyKind.Nps, 8));
        Assert.True(strict.IsLow(SurveyKind.Ces, 4));
        Assert.False(strict.IsLow(SurveyKind.Nps, 9));
    }

    private static ConversationEvent AnswerEvent(int? score, string? comment)
    {
        var survey = new SurveyRequest
        {
            Id = Guid.NewGuid(), ConversationId = Guid.Parse("00000000-0000-0000-0000-0000000000c1"), ContactId = Guid.NewGuid(),
            AgentId = Guid.Parse("00000000-0000-0000-0000-00000000000a"), Kind = SurveyKind.Nps, Channel = "sms", Locale = "en", Score = score,
        };
        return new ConversationEvent
        {
            Seq = 10, ConversationId = survey.ConversationId, Kind = SurveyEvents.Answered, ClientMethod = StaffEvents.SurveyAnswered, AgentId = survey.AgentId,
            Data = WireJson.Serialize(SurveyAnswers.View(survey, comment, "sms", T0, low: false)), At = T0,
        };
    }

    [Fact]
    public void MetricsReadAScoredAnswerWithItsKindAndAgent()
    {
        var change = ConversationHistoryMapper.Read(AnswerEvent(9, "fast"));

        var entry = change!.Entry!;
        Assert.Equal((TimelineKind.SurveyAnswered, SurveyKind.Nps, 9, T0), (entry.Kind, entry.Survey!.Value, entry.Score!.Value, entry.At));
        Assert.Equal(Guid.Parse("00000000-0000-0000-0000-00000000000a"), entry.AgentId);
        Assert.Null(change.Header);
    }

    [Fact]
    public void ACommentWithoutAScoreMovesNoMetric() => Assert.Null(ConversationHistoryMapper.Read(AnswerEvent(null, "the app is confusing")));

    [Fact]
    public void TheSurveyScoresOfHistoriesAddUp()
    {
        var scores = SurveyScores.Of(SurveyKind.Nps, new[] { AnswerEvent(9, null), AnswerEvent(10, null), AnswerEvent(3, null) }
            .Select(e => ConversationHistoryMapper.Read(e)!.Entry!.Score!.Value));

        Assert.Equal(3, scores.Responses);
        Assert.Equal(100m / 3, scores.Nps);
    }

    [Theory]
    [InlineData("DefaultKind", "stars", "Crm:Surveys:DefaultKind")]
    [InlineData("ExpiryHours", "0", "Crm:Surveys:ExpiryHours")]
    [InlineData("LowNps", "11", "Crm:Surveys:LowNps")]
    [InlineData("DelayAfterResolve", "30.00:00:00", "Crm:Surveys:DelayAfterResolve")]
    public void ABadSettingIsRefusedNamingItsKey(string key, string value, string named)
    {
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { [$"Crm:Surveys:{key}"] = value }).Build());
        services.AddSurveys();
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SurveyOptions>>().Value);

        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }
}
