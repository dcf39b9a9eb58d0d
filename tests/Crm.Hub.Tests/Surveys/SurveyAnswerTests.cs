using Crm.Hub.Surveys;

namespace Crm.Hub.Tests.Surveys;

public sealed class SurveyAnswerTests
{
    [Theory]
    [InlineData("Csat", "5", 5, null)]
    [InlineData("Csat", " 4 ", 4, null)]
    [InlineData("Csat", "5 thanks", 5, "thanks")]
    [InlineData("Csat", "۵ عالی بود", 5, "عالی بود")]
    [InlineData("Csat", "٣", 3, null)]
    [InlineData("Nps", "10/10", 10, null)]
    [InlineData("Nps", "۱۰/۱۰", 10, null)]
    [InlineData("Nps", "9 out of 10, great", 9, "great")]
    [InlineData("Nps", "I'd say 9", 9, "I'd say")]
    [InlineData("Nps", "0", 0, null)]
    [InlineData("Nps", "۰۹", 9, null)]
    [InlineData("Ces", "7!", 7, null)]
    [InlineData("Ces", "۲ از ۷", 2, null)]
    public void ReadsOneInRangeNumberAsTheScore(string kindName, string text, int score, string? comment)
    {
        var kind = Enum.Parse<SurveyKind>(kindName);
        var answer = SurveyAnswer.Parse(kind, text);

        Assert.Equal(new SurveyAnswer(score, comment), answer);
    }

    [Theory]
    [InlineData("Csat", "6")]
    [InlineData("Csat", "0")]
    [InlineData("Csat", "۶ ستاره")]
    [InlineData("Nps", "11")]
    [InlineData("Nps", "99999999999999999999")]
    [InlineData("Ces", "8")]
    [InlineData("Csat", "3 or 4")]
    [InlineData("Csat", "between 4-5")]
    [InlineData("Csat", "4.5")]
    [InlineData("Csat", "۴٫۵")]
    [InlineData("Nps", "5/5")]
    [InlineData("Csat", "great service, thank you")]
    [InlineData("Csat", "خیلی خوب بود")]
    public void OutOfRangeAmbiguousOrFreeTextIsACommentNotAScore(string kindName, string text)
    {
        var kind = Enum.Parse<SurveyKind>(kindName);
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

    private static readonly string[] Words = ["", "thanks", "عالی بود", "ok!", "خیلی ممنون،", "I'd say", "score:", "بد نبود"];

    private static string Script(int n, int script) => string.Concat(n.ToString(System.Globalization.CultureInfo.InvariantCulture)
        .Select(d => script switch { 1 => (char)('\u06F0' + (d - '0')), 2 => (char)('\u0660' + (d - '0')), _ => d }));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void AnyInRangeNumberInAnyScriptAmongWordsIsTheScore(int seed)
    {
        var random = new Random(seed);
        foreach (var kind in Enum.GetValues<SurveyKind>())
        {
            for (var score = kind.Min(); score <= kind.Max(); score++)
            {
                var text = $"{Words[random.Next(Words.Length)]} {Script(score, random.Next(3))} {Words[random.Next(Words.Length)]}";
                Assert.Equal(score, SurveyAnswer.Parse(kind, text).Score);

                var other = random.Next(kind.Min(), kind.Max() + 1);
                var twoNumbers = $"{Script(score, random.Next(3))} {Words[random.Next(1, Words.Length)]} {Script(other, random.Next(3))}";
                Assert.Equal(new SurveyAnswer(null, twoNumbers), SurveyAnswer.Parse(kind, twoNumbers));
            }
        }
    }
}
