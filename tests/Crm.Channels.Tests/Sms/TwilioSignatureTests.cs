using System.Security.Cryptography;
using System.Text;
using Crm.Channels.Sms;

namespace Crm.Channels.Tests.Sms;

/// <summary>The published vectors (twilio-csharp, twilio-node, twilio-python request validator tests), PROTOCOLS.md §1.</summary>
public sealed class TwilioSignatureTests
{
    private const string Token = "12345";
    private const string Url = "https://mycompany.com/myapp.php?foo=1&bar=2";
    private const string BodyHash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";

    private static readonly KeyValuePair<string, string>[] P =
    [
        new("CallSid", "CA1234567890ABCDE"),
        new("Caller", "+14158675309"),
        new("Digits", "1234"),
        new("From", "+14158675309"),
        new("To", "+18005551212"),
    ];

    [Theory]
    [InlineData(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com:80/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [InlineData("http://mycompany.com:1234/myapp.php?foo=1&bar=2", "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    public void ComputeMatchesPublishedVectors(string url, string expected) =>
        Assert.Equal(expected, TwilioSignature.Compute(url, P, Token));

    [Fact]
    public void ParameterOrderDoesNotMatter() =>
        Assert.Equal("RSOYDt4T1cUTdK1PDd93/VVr8B8=", TwilioSignature.Compute(Url, P.Reverse(), Token));

    [Fact]
    public void RepeatedKeyValuesAreSortedAndDeduplicated()
    {
        KeyValuePair<string, string>[] parameters =
        [
            new("Sid", "CA123"),
            new("SidAccount", "AC123"),
            new("Digits", "5678"),
            new("Digits", "1234"),
            new("Digits", "1234"),
        ];
        Assert.Equal("IK+Dwps556ElfBT0I3Rgjkr1wJU=", TwilioSignature.Compute(Url, parameters, Token));
    }

    [Fact]
    public void JsonBodyVariantSignsTheUrlCarryingTheBodyHash()
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("""{"property": "value", "boolean": true}""")));
        Assert.Equal(BodyHash, hash);
        Assert.Equal("a9nBmqA0ju/hNViExpshrM61xv4=", TwilioSignature.Compute($"{Url}&bodySHA256={hash}", [], Token));
        Assert.Equal("y77kIzt2vzLz71DgmJGsen2scGs=", TwilioSignature.Compute($"https://mycompany.com/myapp.php?bodySHA256={hash}", [], Token));
    }

    [Theory]
    [InlineData(Url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData(Url, "kvajT1Ptam85bY51eRf/AJRuM3w=")] // Twilio signed with :443, we are configured without
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "RSOYDt4T1cUTdK1PDd93/VVr8B8=")]
    [InlineData("https://mycompany.com:443/myapp.php?foo=1&bar=2", "kvajT1Ptam85bY51eRf/AJRuM3w=")]
    [InlineData("http://mycompany.com/myapp.php?foo=1&bar=2", "0ZXoZLH/DfblKGATFgpif+LLRf4=")]
    [InlineData("https://mycompany.com:1234/myapp.php?foo=1&bar=2", "CYn1h0gLBdNxDGkKJg6hYohgeD8=")]
    [InlineData("https://MyCompany.com/myapp.php?foo=1&bar=2", "g9IN/x4Cft2g517EjYvEvM/W7LU=")]
    public void IsValidAcceptsEitherDefaultPortSpelling(string configuredUrl, string signature) =>
        Assert.True(TwilioSignature.IsValid(configuredUrl, P, signature, Token));

    [Fact]
    public void IsValidKeepsHostCasingAsConfigured() =>
        Assert.False(TwilioSignature.IsValid(Url, P, "g9IN/x4Cft2g517EjYvEvM/W7LU=", Token));

    [Fact]
    public void IsValidDoesNotDropANonDefaultPort() =>
        Assert.False(TwilioSignature.IsValid("https://mycompany.com:1234/myapp.php?foo=1&bar=2", P, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Token));

    [Fact]
    public void IsValidRejectsATamperedParameter()
    {
        var tampered = P.Select(kv => kv.Key == "Digits" ? new KeyValuePair<string, string>("Digits", "9999") : kv);
        Assert.False(TwilioSignature.IsValid(Url, tampered, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Token));
    }

    [Fact]
    public void IsValidRejectsAnAddedParameter() =>
        Assert.False(TwilioSignature.IsValid(Url, [.. P, new("Extra", "x")], "RSOYDt4T1cUTdK1PDd93/VVr8B8=", Token));

    [Fact]
    public void IsValidRejectsAnotherToken() =>
        Assert.False(TwilioSignature.IsValid(Url, P, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "54321"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("RSOYDt4T1cUTdK1PDd93/VVr8B8")]
    [InlineData("not base64 at all")]
    public void IsValidRejectsAMissingOrMalformedSignature(string? signature) =>
        Assert.False(TwilioSignature.IsValid(Url, P, signature, Token));

    [Theory]
    [InlineData("https://a.test/x", new[] { "https://a.test/x", "https://a.test:443/x" })]
    [InlineData("https://a.test:443/x?y=1", new[] { "https://a.test:443/x?y=1", "https://a.test/x?y=1" })]
    [InlineData("http://a.test", new[] { "http://a.test", "http://a.test:80" })]
    [InlineData("HTTP://A.test:80?q", new[] { "HTTP://A.test:80?q", "HTTP://A.test?q" })]
    [InlineData("https://u:p@a.test/x", new[] { "https://u:p@a.test/x", "https://u:p@a.test:443/x" })]
    [InlineData("https://[::1]:443/x", new[] { "https://[::1]:443/x", "https://[::1]/x" })]
    [InlineData("https://a.test:8443/x", new[] { "https://a.test:8443/x" })]
    [InlineData("not a url", new[] { "not a url" })]
    public void PortVariantsSpellTheDefaultPortBothWays(string url, string[] expected) =>
        Assert.Equal(expected, TwilioSignature.PortVariants(url));
}
