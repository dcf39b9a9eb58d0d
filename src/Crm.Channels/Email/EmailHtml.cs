using System.Text;
using AngleSharp.Css.Dom;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;
using Ganss.Xss;

namespace Crm.Channels.Email;

/// <summary>A customer's HTML made safe to show: what remains, whether remote images were held back, which inline parts it shows.</summary>
public sealed record SanitizedHtml(string Html, bool HasRemoteImages, IReadOnlySet<string> ContentIds);

/// <summary>
/// HTML bodies: sanitized before they are stored (no scripts, handlers, forms, frames or foreign styles), <c>cid:</c> images
/// kept for the hub to point at its authenticated attachment URLs, and remote images held in <c>data-remote-src</c>
/// until an agent chooses to load them — a remote image tells the sender the mail was read.
/// </summary>
public static class EmailHtml
{
    public const string RemoteSourceAttribute = "data-remote-src";

    /// <summary>What one <see cref="Sanitize"/> call found; the configured sanitizer is shared, its findings are per thread.</summary>
    private sealed class Findings
    {
        public bool Remote;
        public HashSet<string> ContentIds { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    [ThreadStatic]
    private static Findings? _findings;

    // Building a sanitizer (tag, attribute and CSS tables) costs more than cleaning a typical email, so it is built once.
    private static readonly HtmlSanitizer Sanitizer = CreateSanitizer();

    public static SanitizedHtml Sanitize(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var findings = _findings = new Findings();
        try
        {
            var clean = Sanitizer.Sanitize(html);
            return new SanitizedHtml(clean, findings.Remote, findings.ContentIds);
        }
        finally
        {
            _findings = null;
        }
    }

    private static HtmlSanitizer CreateSanitizer()
    {
        var sanitizer = new HtmlSanitizer();
        sanitizer.AllowedSchemes.Add("cid");
        sanitizer.AllowedSchemes.Add("mailto");
        sanitizer.AllowedTags.Add("style");
        sanitizer.AllowedTags.Add("center");
        sanitizer.AllowedAtRules.Add(CssRuleType.Media);
        // Nothing in a customer's mail may post anywhere from the console.
        foreach (var tag in new[] { "form", "input", "button", "select", "textarea", "option", "optgroup", "fieldset", "legend", "label", "datalist", "output" })
        {
            sanitizer.AllowedTags.Remove(tag);
        }
        // Remote CSS images are trackers too; the viewer's content security policy is the second guard.
        foreach (var property in new[] { "background-image", "list-style-image", "border-image", "content", "cursor" })
        {
            sanitizer.AllowedCssProperties.Remove(property);
        }
        sanitizer.PostProcessNode += (_, e) =>
        {
            var findings = _findings!;
            switch (e.Node)
            {
                case IHtmlImageElement image when image.GetAttribute("src") is { } src:
                    if (src.StartsWith("cid:", StringComparison.OrdinalIgnoreCase))
                    {
                        findings.ContentIds.Add(Uri.UnescapeDataString(src[4..]).Trim('<', '>'));
                    }
                    else if (src.StartsWith("http:", StringComparison.OrdinalIgnoreCase) || src.StartsWith("https:", StringComparison.OrdinalIgnoreCase)
                        || src.StartsWith("//", StringComparison.Ordinal))
                    {
                        image.SetAttribute(RemoteSourceAttribute, src);
                        image.RemoveAttribute("src");
                        findings.Remote = true;
                    }
                    break;
                case IHtmlAnchorElement anchor when anchor.HasAttribute("href"):
                    anchor.SetAttribute("target", "_blank");
                    anchor.SetAttribute("rel", "noopener noreferrer");
                    break;
            }
        };
        return sanitizer;
    }

    /// <summary>The text a person reads in the HTML: block elements as line breaks, no markup, no styles or scripts.</summary>
    public static string ToText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser().ParseDocument(html);
        var text = new StringBuilder();
        if (document.Body is { } body)
        {
            Append(body, text);
        }
        return CollapseBlankLines(text.ToString());
    }

    private static readonly HashSet<string> Blocks =
        ["P", "DIV", "BR", "LI", "TR", "H1", "H2", "H3", "H4", "H5", "H6", "BLOCKQUOTE", "PRE", "TABLE", "UL", "OL", "HR", "SECTION", "ARTICLE", "HEADER", "FOOTER"];

    private static void Append(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText t:
                    text.Append(WhitespaceRun(t.Data));
                    break;
                case IElement e when e.LocalName is "script" or "style" or "head" or "title":
                    break;
                case IElement e:
                    var block = Blocks.Contains(e.TagName);
                    if (block && text.Length > 0 && text[^1] != '\n')
                    {
                        text.Append('\n');
                    }
                    if (e.LocalName == "td" && text.Length > 0 && text[^1] is not ('\n' or ' '))
                    {
                        text.Append(' ');
                    }
                    Append(e, text);
                    if (block && text.Length > 0 && text[^1] != '\n')
                    {
                        text.Append('\n');
                    }
                    break;
            }
        }
    }

    private static string WhitespaceRun(string data)
    {
        var builder = new StringBuilder(data.Length);
        var space = false;
        foreach (var c in data)
        {
            if (char.IsWhiteSpace(c) && c != '\u00A0')
            {
                if (!space)
                {
                    builder.Append(' ');
                }
                space = true;
            }
            else
            {
                builder.Append(c);
                space = false;
            }
        }
        return builder.ToString();
    }

    private static string CollapseBlankLines(string text)
    {
        var lines = text.Split('\n').Select(l => l.Trim()).ToList();
        var result = new StringBuilder();
        var blank = 0;
        foreach (var line in lines)
        {
            if (line.Length == 0)
            {
                blank++;
                continue;
            }
            if (result.Length > 0)
            {
                result.Append(blank > 0 ? "\n\n" : "\n");
            }
            blank = 0;
            result.Append(line);
        }
        return result.ToString();
    }
}
