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
            var line = lines[i].Trim();
            var withNext = i + 1 < lines.Length ? line + " " + lines[i + 1].Trim() : line;
            if (OriginalMessageRule().IsMatch(line) || UnderscoreRule().IsMatch(line)
                || WroteHeader().IsMatch(line) || (WroteStart().IsMatch(line) && WroteHeader().IsMatch(withNext))
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

    private static IEnumerable<string> NextLines(string[] lines, int i) => lines.Skip(i + 1).Take(4).Select(l => l.Trim());

    [GeneratedRegex(@"^-{2,}\s*(Original Message|Forwarded message|پیام اصلی)\s*-{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex OriginalMessageRule();

    [GeneratedRegex("^_{10,}$")]
    private static partial Regex UnderscoreRule();

    [GeneratedRegex(@"^(On|Am|Le|El|Op|Il)\s.{4,200}\s(wrote|schrieb|a écrit|escribió|schreef|ha scritto)\s?:$", RegexOptions.IgnoreCase)]
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
