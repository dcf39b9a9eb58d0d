using Crm.Routing.Deadlines;

namespace Crm.Routing.Tests.Deadlines;

public sealed class DeadlineSetTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void EarliestSkipsRemovedDeadlinesAcrossCompactions()
    {
        var deadlines = new DeadlineSet();
        var ids = Enumerable.Range(0, 1_000).Select(i => new Guid(i, 0, 0, new byte[8])).ToArray();
        for (var i = 0; i < ids.Length; i++)
        {
            deadlines.Add(Start.AddSeconds(i), ids[i]);
        }

        for (var i = 0; i < 990; i++)
        {
            deadlines.Remove(Start.AddSeconds(i), ids[i]);
        }

        Assert.Equal(new Deadline(Start.AddSeconds(990), ids[990]), deadlines.Earliest);
    }

    [Fact]
    public void ReAddedDeadlineReplacesTheOldOne()
    {
        var deadlines = new DeadlineSet();
        var id = Guid.NewGuid();
        deadlines.Add(Start, id);
        deadlines.Remove(Start, id);
        deadlines.Add(Start.AddSeconds(30), id);

        Assert.Equal(Start.AddSeconds(30), deadlines.Earliest?.At);
        deadlines.Remove(Start, id);
        Assert.Equal(Start.AddSeconds(30), deadlines.Earliest?.At);
        deadlines.Remove(Start.AddSeconds(30), id);
        Assert.Null(deadlines.Earliest);
    }
}
