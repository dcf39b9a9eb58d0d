using Crm.Hub.OptOut;
using Microsoft.AspNetCore.Http;

namespace Crm.Hub.Tests.OptOut;

/// <summary>The unsubscribe page's language choice and address masking, as pure functions.</summary>
public sealed class UnsubscribePageTests
{
    private static HttpRequest Request(string? acceptLanguage, string? query = null)
    {
        var context = new DefaultHttpContext();
        if (acceptLanguage is not null)
        {
            context.Request.Headers.AcceptLanguage = acceptLanguage;
        }
        if (query is not null)
        {
            context.Request.QueryString = new QueryString(query);
        }
        return context.Request;
    }

    [Theory]
    [InlineData(null, "en")]
    [InlineData("fa-IR,fa;q=0.9,en;q=0.8", "fa")]
    [InlineData("en-US,fa;q=0.5", "en")]
    [InlineData("de-DE,fa;q=0.7,en;q=0.3", "fa")]
    [InlineData("fa;q=0,en;q=0.1", "en")]
    [InlineData("de", "en")]
    [InlineData("garbage;;;q=x", "en")]
    public void LanguageFollowsTheBrowsersPreference(string? header, string expected) =>
        Assert.Equal(expected, UnsubscribePage.LanguageOf(Request(header)));

    [Fact]
    public void LangQueryOverridesTheHeader() => Assert.Equal("fa", UnsubscribePage.LanguageOf(Request("en", "?lang=fa")));

    [Theory]
    [InlineData("sara@example.com", "s•••••@example.com")]
    [InlineData("a@example.com", "a•••••@example.com")]
    [InlineData("+989121234567", "••••••••4567")]
    [InlineData("123", "123")]
    public void AddressesAreMaskedButRecognisable(string address, string masked) => Assert.Equal(masked, UnsubscribePage.Mask(address));
}
