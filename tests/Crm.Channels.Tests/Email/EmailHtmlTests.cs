using Crm.Channels.Email;

namespace Crm.Channels.Tests.Email;

public sealed class EmailHtmlTests
{
    [Fact]
    public void ScriptsHandlersAndFramesAreRemovedAndRemoteImagesHeldBack()
    {
        var clean = EmailHtml.Sanitize("""
            <p onclick="steal()">Hi <b>there</b></p><script>alert(1)</script><iframe src="https://evil.test"></iframe>
            <img src="https://tracker.example.net/open.gif" alt="t"><img src="cid:logo@mail"><a href="javascript:alert(1)">x</a>
            <a href="https://shop.example/orders">orders</a><form action="https://evil.test"><input name="p"></form>
            """);

        Assert.DoesNotContain("<script", clean.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("onclick", clean.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("iframe", clean.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("javascript:", clean.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<form", clean.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(@"\ssrc=""https://tracker", clean.Html);
        Assert.Contains("data-remote-src=\"https://tracker.example.net/open.gif\"", clean.Html, StringComparison.Ordinal);
        Assert.Contains("src=\"cid:logo@mail\"", clean.Html, StringComparison.Ordinal);
        Assert.Contains("target=\"_blank\"", clean.Html, StringComparison.Ordinal);
        Assert.True(clean.HasRemoteImages);
        Assert.Equal(["logo@mail"], clean.ContentIds);
    }

    [Fact]
    public void StyleBlocksSurviveButRemoteCssImagesDoNot()
    {
        var clean = EmailHtml.Sanitize("""<style>p { color: red } .x { background-image: url(https://t.example/a.png) }</style><p style="background-image:url(https://t.example/b.png);color:blue">x</p>""");
        Assert.Contains("p { color: rgba(255, 0, 0, 1) }", clean.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("t.example", clean.Html, StringComparison.Ordinal);
        Assert.Contains("color: rgba(0, 0, 255, 1)", clean.Html, StringComparison.Ordinal);
    }

    [Fact]
    public void TextOfHtmlKeepsBlocksAsLines()
    {
        var text = EmailHtml.ToText("<html><head><style>p{}</style></head><body><p>Hello  <b>Sara</b>,</p><div>your order<br>ships today.</div><ul><li>one</li><li>two</li></ul></body></html>");
        Assert.Equal("Hello Sara,\nyour order\nships today.\none\ntwo", text);
    }
}
