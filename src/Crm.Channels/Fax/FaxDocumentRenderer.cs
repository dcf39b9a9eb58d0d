using System.Globalization;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Crm.Channels.Fax;

/// <summary>What the cover page of a faxed reply says.</summary>
public sealed record FaxCover(string BusinessName, string? BusinessFax, string To, DateTimeOffset Date, string? AgentName);

/// <summary>
/// Renders an agent's text reply as a fax-ready PDF: a cover page (business header, recipient, date, page count),
/// then the text wrapped to the page, each paragraph laid out in its own direction — Persian shaped by HarfBuzz and
/// set right to left, Latin and digits left to right inside it — and "Page x of y" on every page.
/// </summary>
public static class FaxDocumentRenderer
{
    private const float Margin = 56;
    private const float BodySize = 12;
    private const float LineHeight = BodySize * 1.6f;

    private static readonly Lazy<SKTypeface> Regular = new(() => LoadFont("Vazirmatn-Regular.ttf"));
    private static readonly Lazy<SKTypeface> Bold = new(() => LoadFont("Vazirmatn-Bold.ttf"));

    public static byte[] Render(FaxCover cover, string text, PaperSize paper = PaperSize.A4)
    {
        ArgumentNullException.ThrowIfNull(cover);
        ArgumentNullException.ThrowIfNull(text);
        var (width, height) = paper == PaperSize.Letter ? (612f, 792f) : (595f, 842f);
        using var font = new SKFont(Regular.Value, BodySize);
        using var shaper = new SKShaper(Regular.Value);
        var lines = Wrap(text, shaper, font, width - (2 * Margin));
        var linesPerPage = (int)((height - (2 * Margin) - 40) / LineHeight);
        var bodyPages = Math.Max(1, (lines.Count + linesPerPage - 1) / linesPerPage);
        var totalPages = bodyPages + 1;

        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream, new SKDocumentPdfMetadata
        {
            Title = $"Fax to {cover.To}",
            Creator = "Crm.Hub",
            Producer = "Crm.Hub",
            Creation = cover.Date.UtcDateTime,
            Modified = cover.Date.UtcDateTime,
        }))
        {
            using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
            var coverPage = document.BeginPage(width, height);
            DrawCover(coverPage, cover, totalPages, width, paint);
            Footer(coverPage, 1, totalPages, width, height, shaper, paint);
            document.EndPage();
            for (var page = 0; page < bodyPages; page++)
            {
                var canvas = document.BeginPage(width, height);
                var y = Margin + LineHeight;
                foreach (var line in lines.Skip(page * linesPerPage).Take(linesPerPage))
                {
                    DrawLine(canvas, line, shaper, font, Margin, width - Margin, y, paint);
                    y += LineHeight;
                }
                Footer(canvas, page + 2, totalPages, width, height, shaper, paint);
                document.EndPage();
            }
            document.Close();
        }
        return stream.ToArray();
    }

    private static void DrawCover(SKCanvas canvas, FaxCover cover, int totalPages, float width, SKPaint paint)
    {
        using var title = new SKFont(Bold.Value, 24);
        using var boldShaper = new SKShaper(Bold.Value);
        using var font = new SKFont(Regular.Value, 13);
        using var shaper = new SKShaper(Regular.Value);
        var y = Margin + 24;
        DrawLine(canvas, cover.BusinessName, boldShaper, title, Margin, width - Margin, y, paint);
        y += 20;
        if (!string.IsNullOrWhiteSpace(cover.BusinessFax))
        {
            DrawLine(canvas, $"Fax {cover.BusinessFax}", shaper, font, Margin, width - Margin, y, paint);
        }
        y += 16;
        canvas.DrawLine(Margin, y, width - Margin, y, paint);
        y += 36;
        string[] rows =
        [
            $"To: {cover.To}",
            $"Date: {cover.Date.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)}",
            $"Pages: {totalPages} including this cover page",
            cover.AgentName is { Length: > 0 } agent ? $"From: {agent}" : "",
        ];
        foreach (var row in rows.Where(r => r.Length > 0))
        {
            DrawLine(canvas, row, shaper, font, Margin, width - Margin, y, paint);
            y += 24;
        }
    }

    private static void Footer(SKCanvas canvas, int page, int total, float width, float height, SKShaper shaper, SKPaint paint)
    {
        using var font = new SKFont(Regular.Value, 9);
        canvas.DrawShapedText(shaper, $"Page {page} of {total}", width / 2, height - (Margin / 2), SKTextAlign.Center, font, paint);
    }

    /// <summary>One laid-out line: its runs in logical order, and the paragraph's direction.</summary>
    internal sealed record Line(IReadOnlyList<Run> Runs, bool RightToLeft);

    internal sealed record Run(string Text, bool RightToLeft);

    internal static List<Line> Wrap(string text, SKShaper shaper, SKFont font, float maxWidth)
    {
        var lines = new List<Line>();
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var rtl = IsRightToLeft(paragraph);
            var current = "";
            foreach (var word in paragraph.Split(' '))
            {
                var candidate = current.Length == 0 ? word : current + " " + word;
                if (current.Length > 0 && Measure(candidate, shaper, font) > maxWidth)
                {
                    lines.Add(new Line(Runs(current, rtl), rtl));
                    current = word;
                }
                else
                {
                    current = candidate;
                }
                // A single word wider than the line is cut where it overflows.
                while (Measure(current, shaper, font) > maxWidth && current.Length > 1)
                {
                    var cut = current.Length - 1;
                    while (cut > 1 && Measure(current[..cut], shaper, font) > maxWidth)
                    {
                        cut--;
                    }
                    lines.Add(new Line(Runs(current[..cut], rtl), rtl));
                    current = current[cut..];
                }
            }
            lines.Add(new Line(Runs(current, rtl), rtl));
        }
        return lines;
    }

    private static float Measure(string text, SKShaper shaper, SKFont font) =>
        Runs(text, IsRightToLeft(text)).Sum(r => shaper.Shape(r.Text, font).Width);

    private static void DrawLine(SKCanvas canvas, string text, SKShaper shaper, SKFont font, float left, float right, float y, SKPaint paint)
    {
        var rtl = IsRightToLeft(text);
        DrawLine(canvas, new Line(Runs(text, rtl), rtl), shaper, font, left, right, y, paint);
    }

    /// <summary>Runs go left to right in an LTR paragraph and right to left in an RTL one; each run is shaped in its own direction.</summary>
    private static void DrawLine(SKCanvas canvas, Line line, SKShaper shaper, SKFont font, float left, float right, float y, SKPaint paint)
    {
        var x = line.RightToLeft ? right : left;
        foreach (var run in line.Runs)
        {
            var width = shaper.Shape(run.Text, font).Width;
            if (line.RightToLeft)
            {
                x -= width;
            }
            canvas.DrawShapedText(shaper, run.Text, x, y, SKTextAlign.Left, font, paint);
            if (!line.RightToLeft)
            {
                x += width;
            }
        }
    }

    /// <summary>The paragraph direction: that of its first strong character (Unicode's rule P2), LTR when it has none.</summary>
    internal static bool IsRightToLeft(string text)
    {
        foreach (var c in text)
        {
            if (IsStrongRightToLeft(c))
            {
                return true;
            }
            if (char.IsLetter(c))
            {
                return false;
            }
        }
        return false;
    }

    /// <summary>
    /// Splits a line into direction runs: right-to-left letters, and left-to-right letters and digits. Spaces and
    /// punctuation belong to the run they sit in, or to the paragraph direction between runs of different direction.
    /// </summary>
    internal static List<Run> Runs(string text, bool paragraphRtl)
    {
        var runs = new List<Run>();
        var start = 0;
        bool? direction = null;
        for (var i = 0; i < text.Length; i++)
        {
            bool? strong = IsStrongRightToLeft(text[i]) ? true : char.IsLetterOrDigit(text[i]) ? false : null;
            if (strong is null)
            {
                continue;
            }
            if (direction is null)
            {
                direction = strong;
            }
            else if (strong != direction)
            {
                // Neutrals between two runs take the paragraph's direction: they stay with the run of that direction.
                var boundary = i;
                while (boundary > start && !char.IsLetterOrDigit(text[boundary - 1]) && !IsStrongRightToLeft(text[boundary - 1]))
                {
                    boundary--;
                }
                var split = direction == paragraphRtl ? i : boundary;
                runs.Add(new Run(text[start..split], direction.Value));
                start = split;
                direction = strong;
            }
        }
        if (start < text.Length || runs.Count == 0)
        {
            runs.Add(new Run(text[start..], direction ?? paragraphRtl));
        }
        return runs;
    }

    private static bool IsStrongRightToLeft(char c) =>
        c is (>= '\u0590' and <= '\u08FF') or (>= '\uFB1D' and <= '\uFDFF') or (>= '\uFE70' and <= '\uFEFF')
        && !char.IsDigit(c) && char.GetUnicodeCategory(c) is not UnicodeCategory.DecimalDigitNumber;

    private static SKTypeface LoadFont(string file)
    {
        using var stream = typeof(FaxDocumentRenderer).Assembly.GetManifestResourceStream($"Crm.Channels.Fax.Fonts.{file}")
            ?? throw new InvalidOperationException($"The embedded font {file} is missing from Crm.Channels.");
        return SKTypeface.FromStream(stream) ?? throw new InvalidOperationException($"The embedded font {file} could not be loaded.");
    }
}
