using System.Text;
using Crm.Channels.Fax;
using SkiaSharp;
using SkiaSharp.HarfBuzz;

namespace Crm.Channels.Tests.Fax;

public sealed class FaxDocumentRendererTests
{
    private static readonly FaxCover Cover = new("ACME Support", "+15550001111", "+15551230000", new DateTimeOffset(2026, 11, 23, 9, 30, 0, TimeSpan.Zero), "Sara");

    [Fact]
    public void ShortReplyIsACoverAndOnePage()
    {
        var pdf = FaxDocumentRenderer.Render(Cover, "Thank you for your fax. Your order ships today.");
        Assert.StartsWith("%PDF-", Encoding.ASCII.GetString(pdf, 0, 5), StringComparison.Ordinal);
        Assert.Equal(2, PdfPages.Count(pdf));
    }

    [Fact]
    public void LongReplyFlowsOntoMorePages()
    {
        var text = string.Join("\n", Enumerable.Range(1, 120).Select(i => $"Line {i}: the quick brown fox jumps over the lazy dog again and again."));
        var pdf = FaxDocumentRenderer.Render(Cover, text, PaperSize.Letter);
        Assert.True(PdfPages.Count(pdf) >= 4, $"120 long lines fill at least three body pages; got {PdfPages.Count(pdf)} pages");
    }

    [Fact]
    public void PersianAndMixedTextRender()
    {
        var pdf = FaxDocumentRenderer.Render(Cover, "سلام، سفارش شماره 1234 شما امروز ارسال می‌شود.\nOrder #1234 — ارسال شد.\n\n" + new string('ش', 400));
        Assert.Equal(2, PdfPages.Count(pdf));
    }

    [Fact]
    public void PersianIsShapedIntoJoinedFormsNotIsolatedLetters()
    {
        using var typeface = SKTypeface.FromStream(typeof(FaxDocumentRenderer).Assembly.GetManifestResourceStream("Crm.Channels.Fax.Fonts.Vazirmatn-Regular.ttf")!);
        using var font = new SKFont(typeface, 12);
        using var shaper = new SKShaper(typeface);
        const string salam = "سلام";
        var shaped = shaper.Shape(salam, font).Codepoints;
        var isolated = font.GetGlyphs(salam).Select(g => (uint)g).ToArray();
        // HarfBuzz picks initial/medial/final forms and sets them right to left; nominal glyphs are neither.
        Assert.NotEqual(isolated, shaped);
        Assert.NotEqual(isolated.Reverse().ToArray(), shaped);
    }

    [Fact]
    public void ParagraphDirectionFollowsTheFirstStrongLetter()
    {
        Assert.True(FaxDocumentRenderer.IsRightToLeft("  123 سلام hello"));
        Assert.False(FaxDocumentRenderer.IsRightToLeft("Order سلام"));
        Assert.False(FaxDocumentRenderer.IsRightToLeft("12345"));
    }

    [Fact]
    public void MixedLineSplitsIntoDirectionRuns()
    {
        var runs = FaxDocumentRenderer.Runs("سفارش Order 1234 ارسال شد", paragraphRtl: true);
        Assert.Equal([true, false, true], runs.Select(r => r.RightToLeft).ToArray());
        Assert.Equal("سفارش Order 1234 ارسال شد", string.Concat(runs.Select(r => r.Text)));
        Assert.Equal("Order 1234", runs[1].Text.Trim());
    }

    [Fact]
    public void PageCountReadsPdfsAndRefusesOtherBytes()
    {
        Assert.Null(PdfPages.Count(Encoding.ASCII.GetBytes("hello world")));
        Assert.Equal(3, PdfPages.Count(Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj << /Type /Pages /Kids [2 0 R 3 0 R 4 0 R] /Count 3 >> endobj")));
        Assert.Equal(2, PdfPages.Count(Encoding.ASCII.GetBytes("%PDF-1.4\n<< /Type /Page >> << /Type/Page /Parent 1 0 R >>")));
        var random = new Random(5);
        for (var round = 0; round < 500; round++)
        {
            var bytes = new byte[random.Next(0, 4000)];
            random.NextBytes(bytes);
            var head = "%PDF-1.7\n/Type /Pages /Count 99999999 /Type/Page"u8;
            head[..Math.Min(head.Length, bytes.Length)].CopyTo(bytes);
            var pages = PdfPages.Count(bytes);
            Assert.True(pages is null or > 0);
        }
    }
}
