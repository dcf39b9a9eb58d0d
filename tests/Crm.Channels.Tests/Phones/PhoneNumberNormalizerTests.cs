using Crm.Channels.Phones;

namespace Crm.Channels.Tests.Phones;

public sealed class PhoneNumberNormalizerTests
{
    [Theory]
    [InlineData("+1 (415) 555-0123", "US", "+14155550123")]
    [InlineData("(415) 555-0123", "US", "+14155550123")]
    [InlineData("09121234567", "IR", "+989121234567")]
    [InlineData("۰۹۱۲۱۲۳۴۵۶۷", "IR", "+989121234567")]
    [InlineData("٠٩١٢١٢٣٤٥٦٧", "IR", "+989121234567")]
    [InlineData("+98 912 123 4567", "US", "+989121234567")]
    [InlineData("020 7946 0018", "GB", "+442079460018")]
    [InlineData("whatsapp:+14155550123", "GB", "+14155550123")]
    [InlineData("tel:+1-415-555-0123", "US", "+14155550123")]
    public void NumbersBecomeE164(string raw, string region, string expected)
    {
        var result = PhoneNumberNormalizer.Normalize(raw, region);
        Assert.Null(result.Error);
        Assert.Equal(expected, result.E164);
    }

    [Fact]
    public void MobileAndFixedLinesAreTold()
    {
        Assert.Equal("MOBILE", PhoneNumberNormalizer.Normalize("09121234567", "IR").Type);
        Assert.Equal("FIXED_LINE", PhoneNumberNormalizer.Normalize("020 7946 0018", "GB").Type);
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("12")]
    [InlineData("+999 123 456")]
    [InlineData("+1 415 555 0123 4567 8901 23")]
    public void NonNumbersAreErrorsNotExceptions(string raw)
    {
        var result = PhoneNumberNormalizer.Normalize(raw, "US");
        Assert.Null(result.E164);
        Assert.NotNull(result.Error);
    }

    [Theory]
    [InlineData("ACME", "ACME")]
    [InlineData(" 22395 ", "22395")]
    [InlineData("+14155550123", "+14155550123")]
    public void KeysKeepSenderIdsThatAreNotNumbers(string raw, string key) => Assert.Equal(key, PhoneNumberNormalizer.Key(raw, "US"));

    [Theory]
    [InlineData("US", true)]
    [InlineData("ir", true)]
    [InlineData("XX", false)]
    [InlineData("USA", false)]
    public void RegionsAreChecked(string region, bool supported) => Assert.Equal(supported, PhoneNumberNormalizer.IsSupportedRegion(region));
}
