using Crm.Hub.Templates;

namespace Crm.Hub.Tests.Templates;

public sealed class CampaignTemplatesTests : IDisposable
{
    private static readonly TemplateCampaign Campaign = new("Spring renewals", "https://crm.example/unsubscribe/abc");
    private static readonly TemplateContact Sara = new("Sara Ahmadi", "sara@example.com", "+989121234567", "en",
        new Dictionary<string, string> { ["plan"] = "Gold", ["renewal_date"] = "2026-12-01" });

    private readonly CampaignTemplates _templates = new(TimeProvider.System);

    public void Dispose() => _templates.Dispose();

    [Fact]
    public void ScribanTemplateRendersTheContactAndCampaign()
    {
        var template = _templates.Compile("Hi {{ contact.first_name }}, your {{ contact.attributes.plan }} plan renews on {{ contact.attributes.renewal_date }}. " +
            "Stop: {{ campaign.unsubscribe_url }}", TemplateSyntax.Scriban);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.True(result.Succeeded);
        Assert.Equal("Hi Sara, your Gold plan renews on 2026-12-01. Stop: https://crm.example/unsubscribe/abc", result.Output);
    }

    [Fact]
    public void LiquidTemplateRendersTheSameModel()
    {
        var template = _templates.Compile("{% if contact.attributes.plan == 'Gold' %}Dear {{ contact.name | upcase }}{% endif %}", TemplateSyntax.Liquid);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal("Dear SARA AHMADI", result.Output);
    }

    [Fact]
    public void PersianTemplateRendersPersianText()
    {
        var ali = new TemplateContact("علی رضایی", null, "+989121112233", "fa");
        var template = _templates.Compile("سلام {{ contact.first_name }}، نوبت شما فردا است.", TemplateSyntax.Scriban);

        Assert.Equal("سلام علی، نوبت شما فردا است.", _templates.Render(template, ali, Campaign).Output);
    }

    [Fact]
    public void TemplateThatDoesNotParseReportsLineAndColumn()
    {
        var template = _templates.Compile("Hello {{ contact.name }}\nYour code: {{ if }}", TemplateSyntax.Scriban);

        Assert.False(template.IsValid);
        var error = template.Errors[0];
        Assert.Equal(2, error.Line);
        Assert.True(error.Column > 1, $"column {error.Column}");
        Assert.False(_templates.Render(template, Sara, Campaign).Succeeded);
    }

    [Fact]
    public void LiquidSyntaxErrorIsReportedNotThrown()
    {
        var template = _templates.Compile("line one\n{% for x in contact.attributes %}never closed", TemplateSyntax.Liquid);

        Assert.False(template.IsValid);
        Assert.All(template.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1));
    }

    [Fact]
    public void EndlessLoopStopsAtTheLoopLimitWithItsLine()
    {
        var template = _templates.Compile("start\n{{ for i in 1..1000000 }}x{{ end }}", TemplateSyntax.Scriban);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Errors[0].Line);
        Assert.Contains("limit", result.Errors[0].Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void RunawayRecursionIsStopped()
    {
        var template = _templates.Compile("{{ func boom(n)\n ret boom(n + 1)\nend }}{{ boom 1 }}", TemplateSyntax.Scriban);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void TemplateThatRunsTooLongIsStoppedWithWhere()
    {
        // Within every loop and recursion limit, but 3^18 calls: only the time limit stops it.
        var template = _templates.Compile("{{ func f(n)\n if n > 0\n f(n-1)\n f(n-1)\n f(n-1)\n end\n end\n f(18) }}", TemplateSyntax.Scriban);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.False(result.Succeeded);
        Assert.Contains("took longer than", result.Errors[0].Message, StringComparison.Ordinal);
        Assert.True(result.Errors[0].Line >= 1);
    }

    [Fact]
    public void OutputPastTheCapIsAnErrorNotAHugeMessage()
    {
        var template = _templates.Compile("{{ for i in 1..900 }}{{ 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }}{{ end }}",
            TemplateSyntax.Scriban);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.False(result.Succeeded);
        Assert.Null(result.Output);
    }

    [Fact]
    public void OnlyTheModelIsReachable()
    {
        // No .NET object is exposed: the model is plain values, so there is nothing to walk into.
        var template = _templates.Compile("[{{ contact.name.length }}][{{ contact.GetType }}][{{ campaign.name.Length }}]", TemplateSyntax.Scriban);

        var result = _templates.Render(template, Sara, Campaign);

        Assert.True(result.Succeeded, string.Join("; ", result.Errors));
        Assert.Equal("[][][]", result.Output);
    }

    [Fact]
    public void StrictRenderNamesAMisspelledVariable()
    {
        var template = _templates.Compile("Hi {{ contcat.name }}", TemplateSyntax.Scriban);

        var lenient = _templates.Render(template, Sara, Campaign);
        var strict = _templates.Render(template, Sara, Campaign, strict: true);

        Assert.Equal("Hi ", lenient.Output);
        Assert.False(strict.Succeeded);
        Assert.Equal(new TemplateError(1, 7, strict.Errors[0].Message), strict.Errors[0]);
        Assert.Contains("contcat", strict.Errors[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void HtmlModeEncodesContactValuesButNotTheTemplatesMarkup()
    {
        var mallory = new TemplateContact("<script>alert(1)</script> & Co", "m@example.com", null, "en",
            new Dictionary<string, string> { ["note"] = "\"quoted\" <b>" });
        var template = _templates.Compile(
            "<p>Dear <b>{{ contact.name }}</b></p><a title=\"{{ contact.attributes.note }}\" href=\"{{ campaign.unsubscribe_url }}\">x</a>",
            TemplateSyntax.Scriban);

        var result = _templates.Render(template, mallory, Campaign, html: true);

        Assert.Equal(
            "<p>Dear <b>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co</b></p><a title=\"&quot;quoted&quot; &lt;b&gt;\" href=\"https://crm.example/unsubscribe/abc\">x</a>",
            result.Output);
    }

    [Fact]
    public void HtmlModeEncodesCapturedValuesOnce()
    {
        var mallory = new TemplateContact("<i>M</i>", null, null, "en");
        var template = _templates.Compile("{{ capture greeting }}Hi {{ contact.name }}{{ end }}<h1>{{ greeting }}</h1>", TemplateSyntax.Scriban);

        var result = _templates.Render(template, mallory, Campaign, html: true);

        Assert.Equal("<h1>Hi &lt;i&gt;M&lt;/i&gt;</h1>", result.Output);
    }

    [Fact]
    public void HtmlModeKeepsPersianReadable()
    {
        var template = _templates.Compile("<p>{{ contact.name }}</p>", TemplateSyntax.Scriban);

        var result = _templates.Render(template, new TemplateContact("مریم", null, null, "fa"), Campaign, html: true);

        Assert.Equal("<p>مریم</p>", result.Output);
    }

    [Fact]
    public void LiquidTemplateInHtmlModeEncodesValuesToo()
    {
        var template = _templates.Compile("<p>{{ contact.name | upcase }}</p>", TemplateSyntax.Liquid);

        var result = _templates.Render(template, new TemplateContact("<b>x</b>", null, null, "en"), Campaign, html: true);

        Assert.Equal("<p>&lt;B&gt;X&lt;/B&gt;</p>", result.Output);
    }

    [Fact]
    public void SameBodyIsParsedOnce()
    {
        var first = _templates.Compile("Hi {{ contact.name }}", TemplateSyntax.Scriban);
        var second = _templates.Compile("Hi {{ contact.name }}", TemplateSyntax.Scriban);
        var liquid = _templates.Compile("Hi {{ contact.name }}", TemplateSyntax.Liquid);

        Assert.Same(first, second);
        Assert.NotSame(first, liquid);
    }

    [Theory]
    [InlineData(TemplateSyntax.Scriban, "{{ x = contact.name }}")]
    [InlineData(TemplateSyntax.Liquid, "{% assign x = contact.name %}")]
    internal void NothingOfOneRecipientReachesTheNextRender(TemplateSyntax syntax, string assignment)
    {
        // Contexts are reused between renders: a variable one recipient's render set must be gone for the next.
        var setter = _templates.Compile(assignment + "{{ x }}", syntax);
        var reader = _templates.Compile("[{{ x }}]", syntax);

        Assert.Equal("Sara Ahmadi", _templates.Render(setter, Sara, Campaign).Output);
        Assert.Equal("[]", _templates.Render(reader, new TemplateContact("Ali", null, null, "en"), Campaign).Output);
    }

    [Fact]
    public void BuiltinsCannotBeChangedForLaterRenders()
    {
        var tamper = _templates.Compile("{{ string.greeting = contact.name }}", TemplateSyntax.Scriban);

        var result = _templates.Render(tamper, Sara, Campaign);

        Assert.False(result.Succeeded);
        Assert.Equal("[]", _templates.Render(_templates.Compile("[{{ string.greeting }}]", TemplateSyntax.Scriban), Sara, Campaign).Output);
        Assert.Equal("SARA", _templates.Render(_templates.Compile("{{ contact.first_name | string.upcase }}", TemplateSyntax.Scriban), Sara, Campaign).Output);
    }

    [Fact]
    public void RenderAfterAnInterruptedOneStartsClean()
    {
        var runaway = _templates.Compile("{{ for i in 1..900 }}{{ 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' }}{{ end }}",
            TemplateSyntax.Scriban);
        var greeting = _templates.Compile("Hi {{ contact.first_name }}", TemplateSyntax.Scriban);

        Assert.False(_templates.Render(runaway, Sara, Campaign).Succeeded);
        Assert.Equal("Hi Sara", _templates.Render(greeting, Sara, Campaign).Output);
        Assert.Equal("<b>Hi &lt;i&gt;</b>", _templates.Render(_templates.Compile("<b>Hi {{ contact.name }}</b>", TemplateSyntax.Scriban),
            new TemplateContact("<i>", null, null, "en"), Campaign, html: true).Output);
        Assert.Equal("Hi Sara", _templates.Render(greeting, Sara, Campaign).Output);
    }
}
