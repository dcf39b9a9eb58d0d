using Crm.Hub.Metrics;

namespace Crm.Hub.Tests.Metrics;

public sealed class PercentilesTests
{
    private static TimeSpan S(int seconds) => TimeSpan.FromSeconds(seconds);

    [Fact]
    public void NearestRankPicksAMeasuredValue()
    {
        // 20 values 1..20 s: p50 rank ⌈10⌉ = 10 -> 10 s; p95 rank ⌈19⌉ = 19 -> 19 s; p100 -> 20 s; p1 rank ⌈0.2⌉ = 1 -> 1 s.
        var values = Enumerable.Range(1, 20).Reverse().Select(S).ToList();
        Assert.Equal(S(10), Percentiles.Of(values, 50));
        Assert.Equal(S(19), Percentiles.Of(values, 95));
        Assert.Equal(S(20), Percentiles.Of(values, 100));
        Assert.Equal(S(1), Percentiles.Of(values, 1));
        Assert.Null(Percentiles.Of([], 50));
        Assert.Throws<ArgumentOutOfRangeException>(() => Percentiles.Of(values, 0));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void TheRunningPercentileMatchesTheExactOneAfterEveryValue(int seed)
    {
        var random = new Random(seed);
        var seen = new List<TimeSpan>();
        var running = new[] { new RunningPercentile(50), new RunningPercentile(95), new RunningPercentile(99), new RunningPercentile(1) };
        for (var i = 0; i < 400; i++)
        {
            // Few distinct values, so ties are common.
            var value = S(random.Next(0, 60));
            seen.Add(value);
            foreach (var p in running)
            {
                p.Add(value);
                Assert.Equal(Percentiles.Of(seen, p.Percent), p.Value);
            }
        }
    }

    [Fact]
    public void RunningStatsMatchTheFiguresOfTheSet()
    {
        var values = new[] { S(30), S(10), S(20), S(40) };
        var stats = new DurationStats();
        foreach (var v in values)
        {
            stats.Add(v);
        }
        // Mean 100 / 4 = 25 s; p50 rank 2 -> 20 s; p95 rank ⌈3.8⌉ = 4 -> 40 s.
        Assert.Equal(new DurationFigures(4, S(25), S(20), S(40)), stats.Figures);
        Assert.Equal(stats.Figures, DurationFigures.Of(values));
    }
}
