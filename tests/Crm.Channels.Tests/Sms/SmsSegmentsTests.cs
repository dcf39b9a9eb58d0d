using System.Text.Json;
using Crm.Channels.Sms;

namespace Crm.Channels.Tests.Sms;

/// <summary>
/// SMS segment counting, checked against the vectors the console's counter is checked against
/// (src/Crm.Hub/ClientApp/src/console/smsSegments.vectors.json; <c>npm run test:segments</c> there).
/// </summary>
public sealed class SmsSegmentsTests
{
    private const string VectorsPath = "src/Crm.Hub/ClientApp/src/console/smsSegments.vectors.json";

    public static TheoryData<string> Names() => [.. Vectors().Select(v => v.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void SharedVector(string name)
    {
        var vector = Vectors().Single(v => v.Name == name);
        var expected = new SmsSegmentCount(vector.Encoding == "gsm7" ? SmsEncoding.Gsm7 : SmsEncoding.Ucs2, vector.Units, vector.Segments, vector.PerSegment);
        Assert.Equal(expected, SmsSegments.Count(vector.Text));
    }

    [Fact]
    public void TheVectorsCoverBothEncodingsAndEveryLimit()
    {
        var vectors = Vectors();
        Assert.True(vectors.Count >= 20);
        Assert.Equal([67, 70, 153, 160], vectors.Select(v => v.PerSegment).Distinct().Order().ToArray());
    }

    [Fact]
    public void ALoneSurrogateCountsOneUnit() =>
        Assert.Equal(new SmsSegmentCount(SmsEncoding.Ucs2, 2, 1, 70), SmsSegments.Count("a\uD83D"));

    [Fact]
    public void NullIsRefused() => Assert.Throws<ArgumentNullException>(() => SmsSegments.Count(null!));

    private sealed record Vector(string Name, string Text, string Encoding, int Units, int Segments, int PerSegment);

    private static List<Vector> Vectors()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Find(VectorsPath)));
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new Vector(
            c.GetProperty("name").GetString()!,
            string.Concat(c.GetProperty("parts").EnumerateArray().Select(p => string.Concat(Enumerable.Repeat(p[0].GetString()!, p[1].GetInt32())))),
            c.GetProperty("encoding").GetString()!,
            c.GetProperty("units").GetInt32(),
            c.GetProperty("segments").GetInt32(),
            c.GetProperty("perSegment").GetInt32())).ToList();
    }

    /// <summary>The vectors live with the console's code; the tests run from bin/, somewhere below the repository root.</summary>
    private static string Find(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new FileNotFoundException($"{relative} was not found above {AppContext.BaseDirectory}.");
    }
}
