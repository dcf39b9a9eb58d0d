using Crm.Hub.Reports;

namespace Crm.Hub.Tests.Reports;

/// <summary>The projector's tail folds an event that commits after a higher-numbered one, and gives up on a hole only after a while.</summary>
public sealed class EventTailTests
{
    private static readonly DateTimeOffset T0 = new(2026, 6, 1, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void InOrderEventsMoveTheCursorToTheLastOne()
    {
        var tail = new EventTail();
        Assert.Equal(0, tail.After(0));
        var (fold, cursor) = tail.Take([1, 2, 3], [], T0);
        Assert.Equal([1L, 2, 3], fold);
        Assert.Equal(3, cursor);
        Assert.Null(tail.HoleSpan);
        Assert.Equal(3, tail.After(3));
    }

    [Fact]
    public void AnEventCommittedLateInsideAHoleIsFoldedAndTheCursorWaitsForIt()
    {
        var tail = new EventTail();
        tail.After(10);
        // 12 is committed, 11 (taken earlier by a slower writer) is not yet.
        var (fold, cursor) = tail.Take([12, 13], [], T0);
        Assert.Equal([12L, 13], fold);
        Assert.Equal(10, cursor);
        Assert.Equal((11L, 11L), tail.HoleSpan);
        Assert.Equal(13, tail.After(cursor));

        // Next pass: 11 shows up; 12 and 13 are read again in the span but not folded again.
        (fold, cursor) = tail.Take([14], [11], T0.AddSeconds(1));
        Assert.Equal([11L, 14], fold);
        Assert.Equal(14, cursor);
        Assert.Null(tail.HoleSpan);
    }

    [Fact]
    public void AHoleNeverFilledIsGivenUpAfterTheTimeout()
    {
        var tail = new EventTail();
        tail.After(0);
        var (_, cursor) = tail.Take([1, 5], [], T0);
        Assert.Equal(1, cursor);
        Assert.Equal((2L, 4L), tail.HoleSpan);
        (var fold, cursor) = tail.Take([], [3], T0.AddSeconds(5));
        Assert.Equal([3L], fold);
        Assert.Equal(1, cursor);
        // 3 is not folded twice while the rest of the hole is still awaited.
        (fold, cursor) = tail.Take([], [3], T0.AddSeconds(6));
        Assert.Empty(fold);
        (fold, cursor) = tail.Take([6], [3], T0 + EventTail.HoleTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal([6L], fold);
        Assert.Equal(6, cursor);
        Assert.Null(tail.HoleSpan);
    }

    [Fact]
    public void AfterARestartTheTailStartsFromTheDurableCursor()
    {
        var tail = new EventTail();
        tail.After(0);
        tail.Take([1, 3], [], T0);
        // Another process (or a restart) moved the cursor past what this tail knows: it follows the cursor.
        Assert.Equal(50, tail.After(50));
        Assert.Null(tail.HoleSpan);
    }

    [Fact]
    public void AfterAFailedPassTheTailStartsAgainFromTheCursor()
    {
        var tail = new EventTail();
        tail.After(0);
        tail.Take([1, 2, 3], [], T0);
        tail.Reset();
        Assert.Equal(0, tail.After(0));
        var (fold, cursor) = tail.Take([1, 2, 3], [], T0);
        Assert.Equal([1L, 2, 3], fold);
        Assert.Equal(3, cursor);
    }
}
