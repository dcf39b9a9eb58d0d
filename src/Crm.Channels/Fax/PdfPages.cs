using System.Text;
using System.Text.RegularExpressions;

namespace Crm.Channels.Fax;

/// <summary>
/// A PDF's page count without a PDF library: the largest <c>/Count</c> of a <c>/Type /Pages</c> node, else the number
/// of <c>/Type /Page</c> objects. Null when neither is readable (e.g. the page tree sits in a compressed object stream);
/// the console's viewer counts pages itself then.
/// </summary>
public static partial class PdfPages
{
    public static int? Count(ReadOnlySpan<byte> pdf)
    {
        if (pdf.Length < 8 || !pdf[..5].SequenceEqual("%PDF-"u8))
        {
            return null;
        }
        var text = Encoding.Latin1.GetString(pdf);
        var counts = PagesCount().Matches(text).Select(m => int.TryParse((m.Groups[1].Success ? m.Groups[1] : m.Groups[2]).ValueSpan, out var n) ? n : 0).ToList();
        if (counts.Count > 0 && counts.Max() > 0)
        {
            return counts.Max();
        }
        var pages = PageObject().Count(text);
        return pages > 0 ? pages : null;
    }

    [GeneratedRegex(@"/Type\s*/Pages\b[^>]*?/Count\s+(\d{1,6})|/Count\s+(\d{1,6})[^>]*?/Type\s*/Pages\b", RegexOptions.None, 1000)]
    private static partial Regex PagesCount();

    [GeneratedRegex(@"/Type\s*/Page(?![a-zA-Z])", RegexOptions.None, 1000)]
    private static partial Regex PageObject();
}
