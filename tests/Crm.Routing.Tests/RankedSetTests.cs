namespace Crm.Routing.Tests;

/// <summary>The chunked sorted set behind the free-agent pools and the queue lanes behaves exactly like a <see cref="SortedSet{T}"/>.</summary>
public sealed class RankedSetTests
{
    [Theory]
    [InlineData(1, 50)]
    [InlineData(2, 500)]
    [InlineData(3, 5_000)]
    public void RandomAddsAndRemovesLeaveTheSameItemsInTheSameOrderAsASortedSet(int seed, int range)
    {
        var random = new Random(seed);
        var expected = new SortedSet<int>();
        var actual = new RankedSet<int>();
        for (var step = 0; step < 40_000; step++)
        {
            var item = random.Next(range);
            // Phases that mostly grow, then mostly shrink, so chunks split, empty out and merge.
            var adding = random.Next(100) < (step / 5_000 % 2 == 0 ? 70 : 30);
            Assert.Equal(adding ? expected.Add(item) : expected.Remove(item), adding ? actual.Add(item) : actual.Remove(item));
            Assert.Equal(expected.Count, actual.Count);
            if (step % 997 == 0)
            {
                Assert.Equal(expected, Items(actual));
            }
        }

        Assert.Equal(expected, Items(actual));
        Assert.All(Enumerable.Range(0, range), item => Assert.Equal(expected.Contains(item), actual.Contains(item)));
        if (expected.Count > 0)
        {
            Assert.Equal(expected.Min, actual.Min);
        }
    }

    [Fact]
    public void AnItemAlreadyThereIsNotAddedTwiceAndAMissingOneIsNotRemoved()
    {
        var set = new RankedSet<int>();
        Assert.False(set.Remove(1));
        Assert.True(set.Add(1));
        Assert.False(set.Add(1));
        Assert.True(set.Remove(1));
        Assert.False(set.Remove(1));
        Assert.Equal(0, set.Count);
        Assert.Empty(Items(set));
        Assert.Throws<InvalidOperationException>(() => set.Min);
    }

    [Fact]
    public void AscendingAndDescendingRunsSplitIntoChunksAndStayInOrder()
    {
        var set = new RankedSet<int>();
        for (var i = 1000; i > 0; i--)
        {
            set.Add(i * 2);
        }

        for (var i = 0; i < 1000; i++)
        {
            set.Add((i * 2) + 1);
        }

        Assert.Equal(Enumerable.Range(1, 2000), Items(set));
        for (var i = 1; i <= 2000; i += 2)
        {
            Assert.True(set.Remove(i));
        }

        Assert.Equal(Enumerable.Range(1, 1000).Select(i => i * 2), Items(set));
        Assert.Equal(2, set.Min);
    }

    private static List<int> Items(RankedSet<int> set)
    {
        var items = new List<int>();
        foreach (var item in set)
        {
            items.Add(item);
        }

        return items;
    }
}
