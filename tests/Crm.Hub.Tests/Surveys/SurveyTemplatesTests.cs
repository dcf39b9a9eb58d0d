using Crm.Hub.Surveys;
using Crm.Hub.Templates;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Tests.Surveys;

public sealed class SurveyTemplatesTests
{
    [Theory]
    [InlineData("Csat", "en", "1", "5")]
    [InlineData("Csat", "fa", "۱", "۵")]
    [InlineData("Nps", "en", "0", "10")]
    [InlineData("Nps", "fa", "۰", "۱۰")]
    [InlineData("Ces", "en", "1", "7")]
    [InlineData("Ces", "fa", "۱", "۷")]
    public void EachSurveyQuestionRendersInEachLocaleWithItsScale(string kindName, string locale, string low, string high)
    {
        var kind = Enum.Parse<SurveyKind>(kindName);
        var templates = new MessageTemplates(Options.Create(new TemplateOptions()));
        Assert.True(File.Exists(Path.Combine(templates.Root, "surveys", $"{kind.TemplateName()}.{locale}.sbn")));

        var text = templates.Render("surveys", kind.TemplateName(), locale, new Dictionary<string, object?>
        {
            ["contact"] = new Dictionary<string, object?> { ["name"] = "Sara" },
            ["conversation"] = new Dictionary<string, object?> { ["number"] = 42L },
            ["business"] = new Dictionary<string, object?> { ["name"] = "Acme" },
        });

        Assert.NotNull(text);
        Assert.Contains("Sara", text, StringComparison.Ordinal);
        Assert.Contains("Acme", text, StringComparison.Ordinal);
        Assert.Contains(low, text, StringComparison.Ordinal);
        Assert.Contains(high, text, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", text, StringComparison.Ordinal);
    }

    [Fact]
    public void AQuestionWithoutAContactNameStillReads()
    {
        var templates = new MessageTemplates(Options.Create(new TemplateOptions()));

        var text = templates.Render("surveys", "csat", "fa", new Dictionary<string, object?>
        {
            ["contact"] = new Dictionary<string, object?> { ["name"] = null },
            ["conversation"] = new Dictionary<string, object?> { ["number"] = 7L },
            ["business"] = new Dictionary<string, object?> { ["name"] = "Acme" },
        });

        Assert.StartsWith("از پاسخی", text, StringComparison.Ordinal);
    }
}
