using System.Text.RegularExpressions;

namespace Crm.Channels.Email;

/// <summary>
/// Finds where a reply's own words end and the quoted earlier mail begins, for the thread view; the full text is
/// always kept. Recognises the common client headers ("On … wrote:", Outlook's "From:/Sent:" block and
/// "Original Message" rule, the Persian "… نوشت:") and a trailing block of "&gt;" lines.
/// </summary>
public static partial class QuotedReplies
{
    public static string Trim(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var cut = lines.Length;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = WithoutDirectionMarks(lines[i]).Trim();
            var next = i + 1 < lines.Length ? WithoutDirectionMarks(lines[i + 1]).Trim() : "";
            // A header wrapped over two lines; but a line above a complete header is the customer's own.
            var wrapped = next.Length > 0 && WroteStart().IsMatch(line) && !WroteHeader().IsMatch(next) && WroteHeader().IsMatch(line + " " + next);
            if (OriginalMessageRule().IsMatch(line) || UnderscoreRule().IsMatch(line)
                || WroteHeader().IsMatch(line) || wrapped
                || PersianWrote().IsMatch(line)
                || (OutlookFrom().IsMatch(line) && NextLines(lines, i).Any(l => OutlookField().IsMatch(l))))
            {
                cut = i;
                break;
            }
        }
        // A block of quoted lines at the end, when no header introduced it.
        var end = cut;
        while (end > 0 && (lines[end - 1].TrimStart().StartsWith('>') || lines[end - 1].Trim().Length == 0))
        {
            end--;
        }
        if (end < cut && lines[end..cut].Any(l => l.TrimStart().StartsWith('>')))
        {
            cut = end;
        }
        var own = string.Join('\n', lines[..cut]).TrimEnd();
        return own.Length == 0 ? text.TrimEnd() : own;
    }

    private static IEnumerable<string> NextLines(string[] lines, int i) => lines.Skip(i + 1).Take(4).Select(l => WithoutDirectionMarks(l).Trim());

    /// <summary>Mail clients wrap right-to-left headers ("… نوشت:") in invisible direction marks.</summary>
    private static string WithoutDirectionMarks(string line) =>
        line.Any(IsDirectionMark) ? new string(line.Where(c => !IsDirectionMark(c)).ToArray()) : line;

    private static bool IsDirectionMark(char c) => c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Forwarded message|پیام اصلی)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessageRule();

    [GeneratedRegex("^_{10,}$")]
    private static partial Regex UnderscoreRule();

    // German and Dutch clients put the name after the verb: "Am … schrieb Name <address>:".
    [GeneratedRegex(@"^(On|Am|Le|El|Op|Il)\s.{4,200}\s(wrote|schrieb|a écrit|escribió|schreef|ha scritto)(\s.{1,200})?\s?:$", RegexOptions.IgnoreCase)]
    private static partial Regex WroteHeader();

    [GeneratedRegex(@"^(On|Am|Le|El|Op|Il)\s.{4,}", RegexOptions.IgnoreCase)]
    private static partial Regex WroteStart();

    [GeneratedRegex(@"^.{4,200}\sنوشت\s?:$")]
    private static partial Regex PersianWrote();

    [GeneratedRegex(@"^(From|Von|De|از)\s?:\s.+", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookFrom();

    [GeneratedRegex(@"^(Sent|Date|Gesendet|Envoyé|To|Subject|ارسال|تاریخ|موضوع)\s?:\s.+", RegexOptions.IgnoreCase)]
    private static partial Regex OutlookField();
}
