using System.Text;

namespace Crm.Hub.Surveys;

/// <summary>
/// What a customer's in-channel reply to a survey says: a score on the survey's scale, and whatever else they wrote. A reply
/// that is not one clear in-range number is kept whole as a comment, never guessed into a score.
/// </summary>
internal sealed record SurveyAnswer(int? Score, string? Comment)
{
    /// <summary>
    /// Reads a score from an SMS, Telegram or widget reply. Digits may be Latin, Persian (۰–۹) or Arabic-Indic (٠–٩) and may
    /// sit among words ("5 thanks", "۵ عالی بود", "I'd say 9"); "10/10" or "9 out of 10" name the scale's top and count as one
    /// number. Two numbers, a fraction ("4.5"), a number outside the scale, or no number at all make the text a comment.
    /// </summary>
    public static SurveyAnswer Parse(SurveyKind kind, string? text)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return new SurveyAnswer(null, null);
        }
        var latin = LatinDigits(trimmed);
        var numbers = Numbers(latin);
        // "10/10", "7 / 10", "9 out of 10": the second number names the scale, not a second answer.
        if (numbers.Count == 2 && numbers[1].Value == kind.Max() && NamesTheScale(latin[numbers[0].End..numbers[1].Start]))
        {
            numbers = [numbers[0] with { End = numbers[1].End }];
        }
        if (numbers.Count != 1 || numbers[0].Fractional || numbers[0].Value < kind.Min() || numbers[0].Value > kind.Max())
        {
            return new SurveyAnswer(null, trimmed);
        }
        var number = numbers[0];
        var rest = (trimmed[..number.Start] + " " + trimmed[number.End..]).Trim(' ', '.', ',', '!', '-', ':', '،', '؛', '\t', '\n', '\r');
        return new SurveyAnswer((int)number.Value, rest.Any(char.IsLetter) ? rest : null);
    }

    private sealed record Number(int Start, int End, long Value, bool Fractional);

    /// <summary>What stands between a score and the top of its scale: "/", "out of", "از" (Persian "of").</summary>
    private static bool NamesTheScale(string between) =>
        between.Trim() is "/" or "از" || between.Trim().Equals("out of", StringComparison.OrdinalIgnoreCase);

    /// <summary>Digits of any script as ASCII, one char for one char so positions stay valid in the original text.</summary>
    private static string LatinDigits(string text)
    {
        var b = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            b.Append(c switch
            {
                >= '\u06F0' and <= '\u06F9' => (char)('0' + (c - '\u06F0')),
                >= '\u0660' and <= '\u0669' => (char)('0' + (c - '\u0660')),
                _ => c,
            });
        }
        return b.ToString();
    }

    private static List<Number> Numbers(string text)
    {
        var found = new List<Number>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                i++;
                continue;
            }
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
            var integerPart = text[start..i].TrimStart('0');
            var fractional = false;
            // "4.5", "4,5", "۴٫۵": a decimal is not a score on these integer scales.
            if (i + 1 < text.Length && text[i] is '.' or ',' or '\u066B' && char.IsAsciiDigit(text[i + 1]))
            {
                fractional = true;
                i++;
                while (i < text.Length && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }
            var value = integerPart.Length == 0 ? 0
                : integerPart.Length > 6 ? long.MaxValue
                : long.Parse(integerPart, System.Globalization.CultureInfo.InvariantCulture);
            var end = i;
            found.Add(new Number(start, end, value, fractional));
        }
        return found;
    }
}
