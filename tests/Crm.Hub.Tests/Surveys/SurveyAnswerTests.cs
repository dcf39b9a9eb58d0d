using Crm.Hub.Surveys;

namespace Crm.Hub.Tests.Surveys;

public sealed class SurveyAnswerTests
{
    [Theory]
    [InlineData(SurveyKind.Csat, "5", 5, null)]
    [InlineData(SurveyKind.Csat, " 4 ", 4, null)]
    [InlineData(SurveyKind.Csat, "5 thanks", 5, "thanks")]
    [InlineData(SurveyKind.Csat, "۵ عالی بود", 5, "عالی بود")]
    [InlineData(SurveyKind.Csat, "٣", 3, null)]
    [InlineData(SurveyKind.Nps, "10/10", 10, null)]
    [InlineData(SurveyKind.Nps, "۱۰/۱۰", 10, null)]
    [InlineData(SurveyKind.Nps, "9 out of 10, great", 9, "great")]
    [InlineData(SurveyKind.Nps, "I'd say 9", 9, "I'd say")]
    [InlineData(SurveyKind.Nps, "0", 0, null)]
    [InlineData(SurveyKind.Nps, "۰۹", 9, null)]
    [InlineData(SurveyKind.Ces, "7!", 7, null)]
    [InlineData(SurveyKind.Ces, "۲ از ۷", 2, null)]
    public void ReadsOneInRangeNumberAsTheScore(SurveyKind kind, string text, int score, string? comment)
    {
        var answer = SurveyAnswer.Parse(kind, text);

        Assert.Equal(new SurveyAnswer(score, comment), answer);
    }

    [Theory]
    [InlineData(SurveyKind.Csat, "6")]
    [InlineData(SurveyKind.Csat, "0")]
    [InlineData(SurveyKind.Csat, "۶ ستاره")]
    [InlineData(SurveyKind.Nps, "11")]
    [InlineData(SurveyKind.Nps, "99999999999999999999")]
    [InlineData(SurveyKind.Ces, "8")]
    [InlineData(SurveyKind.Csat, "3 or 4")]
    [InlineData(SurveyKind.Csat, "between 4-5")]
    [InlineData(SurveyKind.Csat, "4.5")]
    [InlineData(SurveyKind.Csat, "۴٫۵")]
    [InlineData(SurveyKind.Nps, "5/5")]
    [InlineData(SurveyKind.Csat, "great service, thank you")]
    [InlineData(SurveyKind.Csat, "خیلی خوب بود")]
    public void OutOfRangeAmbiguousOrFreeTextIsACommentNotAScore(SurveyKind kind, string text)
    {
        var answer = SurveyAnswer.Parse(kind, text);

        Assert.Null(answer.Score);
        Assert.Equal(text.Trim(), answer.Comment);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void AnEmptyReplyIsNeitherScoreNorComment(string? text) =>
        Assert.Equal(new SurveyAnswer(null, null), SurveyAnswer.Parse(SurveyKind.Nps, text));
}
