using Crm.Channels.Phones;
using PhoneNumbers;

namespace Crm.Channels.Tests.Phones;

public sealed class PhoneNumberNormalizerTests
{
    [Theory]
    [InlineData("+1 (415) 555-0123", "US", "+14155550123")]
    [InlineData("(415) 555-0123", "US", "+14155550123")]
    [InlineData("1-415-555-0123", "US", "+14155550123")]
    [InlineData("09121234567", "IR", "+989121234567")]
    [InlineData("0912 123 4567", "IR", "+989121234567")]
    [InlineData("۰۹۱۲۱۲۳۴۵۶۷", "IR", "+989121234567")]
    [InlineData("٠٩١٢١٢٣٤٥٦٧", "IR", "+989121234567")]
    [InlineData("+۹۸ ۹۱۲ ۱۲۳ ۴۵۶۷", "US", "+989121234567")]
    [InlineData("+98 912 123 4567", "US", "+989121234567")]
    [InlineData("00989121234567", "GB", "+989121234567")]
    [InlineData("020 7946 0018", "GB", "+442079460018")]
    [InlineData("07911 123456", "GB", "+447911123456")]
    [InlineData("whatsapp:+14155550123", "GB", "+14155550123")]
    [InlineData("tel:+1-415-555-0123", "US", "+14155550123")]
    [InlineData("fax:+442079460018", "US", "+442079460018")]
    public void NumbersBecomeE164(string raw, string region, string expected)
    {
        var result = PhoneNumberNormalizer.Normalize(raw, region);
        Assert.Null(result.Error);
        Assert.Equal(expected, result.E164);
    }

    [Theory]
    [InlineData("989121234567", "US", "+989121234567")]
    [InlineData("447911123456", "US", "+447911123456")]
    [InlineData("989121234567", "IR", "+989121234567")]
    public void DigitsAloneThatAreNoLocalNumberAreReadAsInternational(string raw, string region, string expected) =>
        Assert.Equal(expected, PhoneNumberNormalizer.Normalize(raw, region).E164);

    [Fact]
    public void DigitsAloneThatAreALocalNumberStayLocal() =>
        Assert.Equal("+14155550123", PhoneNumberNormalizer.Normalize("4155550123", "US").E164);

    [Theory]
    [InlineData("14155550123", "IR", "+14155550123")]
    [InlineData("989121234567", "US", "+989121234567")]
    [InlineData("+989121234567", "US", "+989121234567")]
    public void ContactCardsAreInternationalWithOrWithoutThePlus(string raw, string region, string expected) =>
        Assert.Equal(expected, PhoneNumberNormalizer.Normalize(raw, region, assumeInternational: true).E164);

    [Theory]
    [InlineData("14155550123", "+14155550123")]
    [InlineData("+98 ۹۱۲ ۱۲۳ ۴۵۶۷", "+989121234567")]
    [InlineData("15556660001", "+15556660001")]
    [InlineData("+15556660001", "+15556660001")]
    [InlineData("22395", null)]
    [InlineData("0912", null)]
    [InlineData("ACME", null)]
    public void InternationalKeysAcceptNumbersTheMetadataDoesNotKnowYet(string raw, string? key) =>
        Assert.Equal(key, PhoneNumberNormalizer.InternationalKey(raw, "US"));

    [Fact]
    public void MobileAndFixedLinesAreTold()
    {
        Assert.Equal(PhoneNumberType.MOBILE, PhoneNumberNormalizer.Normalize("09121234567", "IR").Type);
        Assert.Equal(PhoneNumberType.FIXED_LINE, PhoneNumberNormalizer.Normalize("020 7946 0018", "GB").Type);
        Assert.Equal(PhoneNumberType.MOBILE, PhoneNumberNormalizer.Normalize("07911 123456", "GB").Type);
    }

    [Theory]
    [InlineData("+1 415 555 0123 ext. 45", "45")]
    [InlineData("+1 415 555 0123 x 7", "7")]
    [InlineData("tel:+1-415-555-0123;ext=801", "801")]
    [InlineData("020 7946 0018 ext 12", "12")]
    public void ExtensionsAreKeptApartFromTheE164Number(string raw, string extension)
    {
        var result = PhoneNumberNormalizer.Normalize(raw, "GB");
        Assert.NotNull(result.E164);
        Assert.DoesNotContain(extension, result.E164![^3..], StringComparison.Ordinal);
        Assert.Equal(extension, result.Extension);
    }

    [Fact]
    public void ANumberWithoutExtensionHasNone() => Assert.Null(PhoneNumberNormalizer.Normalize("+14155550123", "US").Extension);

    [Theory]
    [InlineData("", PhoneNumberError.Empty)]
    [InlineData("   ", PhoneNumberError.Empty)]
    [InlineData("whatsapp:", PhoneNumberError.Empty)]
    [InlineData("hello", PhoneNumberError.NotANumber)]
    [InlineData("ACME", PhoneNumberError.NotANumber)]
    [InlineData("12", PhoneNumberError.TooShort)]
    [InlineData("+999 123 456", PhoneNumberError.InvalidCountryCode)]
    [InlineData("+1 415 555 0123 4567 8901 23", PhoneNumberError.TooLong)]
    [InlineData("+1 415 555", PhoneNumberError.TooShort)]
    [InlineData("+98 100 000 0000", PhoneNumberError.NotValid)]
    public void NonNumbersAreTypedFailuresNotExceptions(string raw, PhoneNumberError error)
    {
        var result = PhoneNumberNormalizer.Normalize(raw, "US");
        Assert.Null(result.E164);
        Assert.False(result.IsValid);
        Assert.Equal(error, result.Error);
        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
    }

    [Theory]
    [InlineData("ACME", "ACME")]
    [InlineData(" 22395 ", "22395")]
    [InlineData("+14155550123", "+14155550123")]
    [InlineData("(415) 555-0123", "+14155550123")]
    [InlineData("whatsapp:+14155550123", "+14155550123")]
    public void KeysKeepSenderIdsThatAreNotNumbers(string raw, string key) => Assert.Equal(key, PhoneNumberNormalizer.Key(raw, "US"));

    [Theory]
    [InlineData("US", true)]
    [InlineData("ir", true)]
    [InlineData("GB", true)]
    [InlineData("XX", false)]
    [InlineData("USA", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void RegionsAreChecked(string? region, bool supported) => Assert.Equal(supported, PhoneNumberNormalizer.IsSupportedRegion(region));
}
