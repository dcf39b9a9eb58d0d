using System.Text;
using Crm.Channels.Email;
using MimeKit;

namespace Crm.Channels.Tests.Email;

/// <summary>A corpus of awkward real-world MIME: every sample must come through with its text, names and files.</summary>
public sealed class EmailParserTests
{
    private static MimeMessage Load(string raw) => MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw.ReplaceLineEndings("\r\n"))));

    private static async Task<byte[]> BytesAsync(EmailPart part)
    {
        using var stream = new MemoryStream();
        await part.WriteToAsync(stream, CancellationToken.None);
        return stream.ToArray();
    }

    [Fact]
    public async Task AlternativeWithInlineImageAndAttachment()
    {
        var message = new MimeMessage { Subject = "Order 1042", MessageId = "abc@elsewhere.test" };
        message.From.Add(new MailboxAddress("Sara", "Sara@Elsewhere.Test"));
        message.To.Add(MailboxAddress.Parse("support@example.test"));
        var body = new BodyBuilder
        {
            TextBody = "the vase arrived broken",
            HtmlBody = """<p>the vase</p><img src="cid:photo1@mail"><img src="https://tracker.example.net/open.gif"><script>alert(1)</script>""",
        };
        body.LinkedResources.Add("vase.png", [1, 2, 3], ContentType.Parse("image/png")).ContentId = "photo1@mail";
        body.Attachments.Add("invoice.pdf", "%PDF"u8.ToArray(), ContentType.Parse("application/pdf"));
        message.Body = body.ToMessageBody();

        var parsed = EmailParser.Parse(message, "support@example.test");

        Assert.Equal("abc@elsewhere.test", parsed.ProviderMessageId);
        Assert.Equal("sara@elsewhere.test", parsed.FromAddress);
        Assert.Equal("Sara", parsed.FromName);
        Assert.Equal("the vase arrived broken", parsed.Text);
        Assert.DoesNotContain("<script", parsed.Html!.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\ssrc=""https://tracker", parsed.Html.Html);
        Assert.True(parsed.Html.HasRemoteImages);
        var inline = Assert.Single(parsed.Parts, p => p.Inline);
        Assert.Equal("photo1@mail", inline.ContentId);
        Assert.Equal([1, 2, 3], await BytesAsync(inline));
        var pdf = Assert.Single(parsed.Parts, p => !p.Inline);
        Assert.Equal("invoice.pdf", pdf.FileName);
        Assert.Equal("application/pdf", pdf.ContentType);
        Assert.Empty(parsed.Warnings);
        Assert.Equal(AutomaticKind.None, parsed.Automatic);
    }

    [Fact]
    public async Task PersianSubjectAndFileNamesInRfc2047AndRfc2231()
    {
        var parsed = EmailParser.Parse(Load("""
            From: =?UTF-8?B?2LPYp9ix2Kcg2KfYrdmF2K/bjA==?= <sara@elsewhere.test>
            To: support@example.test
            Subject: =?UTF-8?B?2LPZgdin2LHYtCDYtNqp2LPYqtmH?=
            Message-ID: <fa-1@elsewhere.test>
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: 8bit

            سلام، سفارش من شکسته رسید.
            --b1
            Content-Type: application/pdf
            Content-Disposition: attachment; filename*=UTF-8''%D9%81%D8%A7%DA%A9%D8%AA%D9%88%D8%B1.pdf
            Content-Transfer-Encoding: base64

            JVBERi0xLjQ=
            --b1
            Content-Type: image/jpeg; name="=?UTF-8?B?2LnaqdizLmpwZw==?="
            Content-Disposition: attachment
            Content-Transfer-Encoding: base64

            /9j/4AAQ
            --b1--
            """), null);

        Assert.Equal("سارا احمدی", parsed.FromName);
        Assert.Equal("سفارش شکسته", parsed.Subject);
        Assert.Equal("سلام، سفارش من شکسته رسید.", parsed.Text.Trim());
        Assert.Equal(["فاکتور.pdf", "عکس.jpg"], parsed.Parts.Select(p => p.FileName).ToArray());
        Assert.Equal("%PDF-1.4", Encoding.ASCII.GetString(await BytesAsync(parsed.Parts[0])));
    }

    [Fact]
    public void BrokenBoundaryKeepsTheTextThatIsThere()
    {
        var parsed = EmailParser.Parse(Load("""
            From: someone@elsewhere.test
            To: support@example.test
            Subject: broken
            Message-ID: <broken-1@elsewhere.test>
            MIME-Version: 1.0
            Content-Type: multipart/alternative; boundary="never-closed"

            --never-closed
            Content-Type: text/plain; charset=us-ascii

            The first part is fine and must not be lost.
            --never-closed
            Content-Type: text/html; charset=us-ascii

            <p>The html part has no closing boundary
            """), null);

        Assert.Contains("The first part is fine and must not be lost.", parsed.Text, StringComparison.Ordinal);
        Assert.Contains("no closing boundary", parsed.Html!.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void EightBitHeadersAndAMissingMessageIdAreReadWithAWarning()
    {
        var raw = "From: Reza Karimi <reza@elsewhere.test>\r\nTo: support@example.test\r\nSubject: سلام بدون کدگذاری\r\n\r\nمتن پیام\r\n";
        var message = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw)));

        var parsed = EmailParser.Parse(message, null);
        var again = EmailParser.Parse(MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(raw))), null);

        Assert.Equal("سلام بدون کدگذاری", parsed.Subject);
        Assert.Equal("متن پیام", parsed.Text.Trim());
        Assert.Null(parsed.MessageId);
        Assert.StartsWith("sha256:", parsed.ProviderMessageId, StringComparison.Ordinal);
        // The same bytes read twice (a re-read after UIDVALIDITY changed) give the same key, so it is stored once.
        Assert.Equal(parsed.ProviderMessageId, again.ProviderMessageId);
        Assert.Contains(parsed.Warnings, w => w.Contains("no Message-ID", StringComparison.Ordinal));
    }

    [Fact]
    public void HtmlOnlyMailGetsItsTextFromTheHtml()
    {
        var message = new MimeMessage { Subject = "html only", MessageId = "h@x" };
        message.From.Add(MailboxAddress.Parse("a@elsewhere.test"));
        message.Body = new TextPart("html") { Text = "<div>Line one</div><div>Line <i>two</i></div>" };

        var parsed = EmailParser.Parse(message, null);

        Assert.Equal("Line one\nLine two", parsed.Text);
    }

    [Fact]
    public async Task WinmailDatIsUnpacked()
    {
        var message = new MimeMessage { Subject = "from outlook", MessageId = "tnef@x" };
        message.From.Add(MailboxAddress.Parse("outlook@elsewhere.test"));
        var tnef = new MimeKit.Tnef.TnefPart { Content = new MimeContent(new MemoryStream(TnefSample.WithAttachment("report.txt", "quarterly numbers"u8.ToArray()))) };
        tnef.FileName = "winmail.dat";
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "See the report." }, tnef };

        var parsed = EmailParser.Parse(message, null);

        var report = Assert.Single(parsed.Parts);
        Assert.Equal("report.txt", report.FileName);
        Assert.Equal("quarterly numbers", Encoding.ASCII.GetString(await BytesAsync(report)));
    }

    [Fact]
    public void AttachedMessageIsKeptAsAnEmlFile()
    {
        var inner = new MimeMessage { Subject = "The original" };
        inner.From.Add(MailboxAddress.Parse("x@elsewhere.test"));
        inner.Body = new TextPart("plain") { Text = "inner" };
        var message = new MimeMessage { Subject = "Fwd", MessageId = "fwd@x" };
        message.From.Add(MailboxAddress.Parse("a@elsewhere.test"));
        message.Body = new Multipart("mixed") { new TextPart("plain") { Text = "forwarding" }, new MessagePart { Message = inner } };

        var parsed = EmailParser.Parse(message, null);

        var eml = Assert.Single(parsed.Parts);
        Assert.Equal("The original.eml", eml.FileName);
        Assert.Equal("message/rfc822", eml.ContentType);
    }

    [Theory]
    [InlineData("../../etc/passwd", "etcpasswd")]
    [InlineData("a\u0000b<c>.txt", "abc.txt")]
    [InlineData("", "part-3.bin")]
    public void FileNamesAreMadeSafe(string name, string expected) => Assert.Equal(expected, EmailParser.SafeFileName(name, 3, ".bin"));
}
