using Crm.Hub.Campaigns.Pacing;
using Microsoft.Extensions.Time.Testing;

namespace Crm.Hub.Tests.Campaigns;

public sealed class SenderPacerTests
{
    private const string Sender = "+15550000001";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero));

    [Theory]
    [InlineData(1)]
    [InlineData(30)]
    [InlineData(100)]
    [InlineData(0.5)]
    public void TakingAsSoonAsAllowedPacesAtTheConfiguredRate(double rate)
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, rate);

        var sends = new List<DateTimeOffset>();
        while (sends.Count < 1000)
        {
            if (pacer.TryTake(Sender, out var wait))
            {
                sends.Add(_time.GetUtcNow());
            }
            else
            {
                Assert.True(wait > TimeSpan.Zero);
                _time.Advance(wait);
            }
        }

        AssertRate(rate, sends);
    }

    [Fact]
    public void UntilNextSaysHowLongTheNextSlotIsAwayWithoutTakingIt()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 2);
        Assert.Equal(TimeSpan.Zero, pacer.UntilNext(Sender));
        Assert.True(pacer.TryTake(Sender, out _));

        Assert.Equal(TimeSpan.FromMilliseconds(500), pacer.UntilNext(Sender));
        _time.Advance(TimeSpan.FromMilliseconds(200));
        Assert.Equal(TimeSpan.FromMilliseconds(300), pacer.UntilNext(Sender));
        // Asking took nothing: the slot is still there when it comes.
        _time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.Zero, pacer.UntilNext(Sender));
        Assert.True(pacer.TryTake(Sender, out _));
        Assert.False(pacer.TryTake(Sender, out _));
    }

    [Theory]
    [InlineData(1, 37)]
    [InlineData(30, 7)]
    [InlineData(100, 3)]
    public async Task SenderLoopThatWakesLateStillAveragesTheConfiguredRate(double rate, int clockStepMs)
    {
        // The clock moves in coarse steps, so every wait ends up to a step late, like a real timer.
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, rate);

        var sends = new List<DateTimeOffset>();
        // Off xunit's synchronization context, so a wait completes inline when the clock passes its slot.
        await Task.Run(async () =>
        {
            while (sends.Count < 1000)
            {
                var wait = pacer.WaitAsync(Sender, CancellationToken.None);
                while (!wait.IsCompleted)
                {
                    _time.Advance(TimeSpan.FromMilliseconds(clockStepMs));
                }
                await wait;
                sends.Add(_time.GetUtcNow());
            }
        });

        AssertRate(rate, sends);
    }

    [Theory]
    [InlineData(100, 30, 10, 1)]
    [InlineData(100, 250, 100, 1)]
    [InlineData(30, 120, 10, 1)]
    [InlineData(1, 2500, 10, 10)]
    public async Task SenderLoopBusyForSeveralIntervalsMakesTheTimeUpAndStillAveragesTheConfiguredRate(double rate, int busyMs, int every, int clockStepMs)
    {
        // Like the campaign runner: every few sends it commits, and the commit takes longer than an interval (but the loop
        // could still go faster than the pace, or no pacer could help it).
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, rate);

        var sends = new List<DateTimeOffset>();
        await Task.Run(async () =>
        {
            while (sends.Count < 1000)
            {
                var wait = pacer.WaitAsync(Sender, CancellationToken.None);
                while (!wait.IsCompleted)
                {
                    _time.Advance(TimeSpan.FromMilliseconds(clockStepMs));
                }
                await wait;
                sends.Add(_time.GetUtcNow());
                if (sends.Count % every == 0)
                {
                    _time.Advance(TimeSpan.FromMilliseconds(busyMs));
                }
            }
        });

        // (How fast the time is made up is asserted exactly below, with TryTake: here a wait's continuation may run a clock step late.)
        AssertRate(rate, sends);
    }

    [Fact]
    public void SenderBehindItsGridCatchesUpAtTwiceThePaceThenKeepsThePace()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 10);
        var start = _time.GetUtcNow();
        Assert.True(pacer.TryTake(Sender, out _));

        // Busy for a second: nine slots went by unused.
        _time.Advance(TimeSpan.FromSeconds(1));
        var sends = new List<TimeSpan>();
        while (_time.GetUtcNow() - start <= TimeSpan.FromSeconds(3))
        {
            if (pacer.TryTake(Sender, out var wait))
            {
                sends.Add(_time.GetUtcNow() - start);
            }
            else
            {
                _time.Advance(wait);
            }
        }

        // Every slot of the 3 s is used (31 with the first), the missed ones 50 ms apart, then one per 100 ms again.
        Assert.Equal(30, sends.Count);
        var gaps = sends.Zip(sends.Skip(1), (a, b) => (b - a).TotalMilliseconds).ToList();
        Assert.All(gaps.Take(18), g => Assert.Equal(50, g, 6));
        Assert.All(gaps.Skip(18), g => Assert.Equal(100, g, 6));
        Assert.Equal(TimeSpan.FromSeconds(3), sends[^1]);
    }

    [Fact]
    public void SenderIdleLongerThanTheCatchUpHorizonStartsAfreshWithoutMakingTheTimeUp()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 10);
        Assert.True(pacer.TryTake(Sender, out _));

        _time.Advance(SenderPacer.CatchUpHorizon + TimeSpan.FromSeconds(1));

        Assert.Equal(1, TakeAllNow(pacer));
        Assert.False(pacer.TryTake(Sender, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
    }

    [Fact]
    public void FirstSendAfterSettingThePaceStartsTheGridSoTheSecondComesAWholeIntervalLater()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 1);

        // The campaign runner reads its first page of recipients between setting the pace and its first send.
        _time.Advance(TimeSpan.FromMilliseconds(400));

        Assert.True(pacer.TryTake(Sender, out _));
        Assert.False(pacer.TryTake(Sender, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(1), wait);
    }

    [Fact]
    public void ProviderRejectionWhileBehindIsNotFollowedByCatchingUp()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 10);
        Assert.True(pacer.TryTake(Sender, out _));
        _time.Advance(TimeSpan.FromSeconds(1));

        // A 429 now: the missed slots are forgiven, not sent into a provider that just pushed back.
        pacer.SlowDown(Sender);

        Assert.Equal(1, TakeAllNow(pacer));
        Assert.False(pacer.TryTake(Sender, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(200), wait);
    }

    [Fact]
    public void SettingThePaceAgainForgivesTheTimeBehind()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 10);
        Assert.True(pacer.TryTake(Sender, out _));
        _time.Advance(TimeSpan.FromSeconds(1));

        // A new run of a campaign on the same number starts on a fresh grid.
        pacer.SetPace(Sender, 10);

        Assert.Equal(1, TakeAllNow(pacer));
        Assert.False(pacer.TryTake(Sender, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(100), wait);
    }

    [Fact]
    public void FullBucketAllowsTheBurstThenOnePerInterval()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 2, burst: 5);

        Assert.Equal(5, TakeAllNow(pacer));
        Assert.False(pacer.TryTake(Sender, out var wait));
        Assert.Equal(TimeSpan.FromMilliseconds(500), wait);

        _time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(1, TakeAllNow(pacer));

        // Idle time refills the bucket, but never past the burst.
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(5, TakeAllNow(pacer));
    }

    [Fact]
    public async Task FractionalRateWaitsTwoSecondsBetweenMessages()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 0.5);
        await pacer.WaitAsync(Sender, CancellationToken.None);

        var second = pacer.WaitAsync(Sender, CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.False(second.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await second;
    }

    [Fact]
    public void ProviderRejectionPausesUntilRetryAfterThenHalvesThePaceAndRecoversGradually()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 10, burst: 4);
        Assert.Equal(4, TakeAllNow(pacer));

        pacer.SlowDown(Sender, TimeSpan.FromSeconds(5));
        Assert.Equal(5, pacer.CurrentRate(Sender));
        Assert.False(pacer.TryTake(Sender, out var wait));
        Assert.Equal(TimeSpan.FromSeconds(5), wait);

        // After the pause the bucket resumes empty, at half the pace: one now, the next 200 ms later.
        _time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, TakeAllNow(pacer));
        Assert.False(pacer.TryTake(Sender, out wait));
        Assert.Equal(TimeSpan.FromMilliseconds(200), wait);

        // A second 429 without Retry-After halves again.
        pacer.SlowDown(Sender);
        Assert.Equal(2.5, pacer.CurrentRate(Sender));

        // Each quiet recovery interval adds back a quarter of the configured rate.
        _time.Advance(SenderPacer.RecoveryInterval);
        Assert.Equal(5, pacer.CurrentRate(Sender));
        _time.Advance(SenderPacer.RecoveryInterval);
        Assert.Equal(7.5, pacer.CurrentRate(Sender));
        _time.Advance(SenderPacer.RecoveryInterval * 5);
        Assert.Equal(10, pacer.CurrentRate(Sender));
    }

    [Fact]
    public void PaceAfterRecoveryIsTheConfiguredOneAgain()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 20);
        pacer.SlowDown(Sender, TimeSpan.FromSeconds(1));
        _time.Advance(SenderPacer.RecoveryInterval * 3);

        var sends = new List<DateTimeOffset>();
        while (sends.Count < 1000)
        {
            if (pacer.TryTake(Sender, out var wait))
            {
                sends.Add(_time.GetUtcNow());
            }
            else
            {
                _time.Advance(wait);
            }
        }
        AssertRate(20, sends);
    }

    [Fact]
    public void SendersArePacedIndependently()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace("bot-a", 1);
        pacer.SetPace("bot-b", 1);
        pacer.SlowDown("bot-a", TimeSpan.FromMinutes(1));

        Assert.False(pacer.TryTake("bot-a", out _));
        Assert.True(pacer.TryTake("bot-b", out _));
        Assert.Throws<InvalidOperationException>(() => pacer.TryTake("unknown", out _));
    }

    [Fact]
    public async Task ConcurrentTakersNeverGetMoreTokensThanThePaceAllows()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 50, burst: 10);
        var taken = 0;

        for (var round = 0; round < 20; round++)
        {
            await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(() =>
            {
                for (var attempt = 0; attempt < 10_000; attempt++)
                {
                    if (pacer.TryTake(Sender, out _))
                    {
                        Interlocked.Increment(ref taken);
                    }
                }
            })));
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        // The burst at the start, then 5 for each 100 ms the clock moved between rounds (19 times).
        Assert.Equal(10 + 19 * 5, taken);
    }

    [Fact]
    public async Task ConcurrentWaitersAreGivenDistinctSlots()
    {
        var pacer = new SenderPacer(_time);
        pacer.SetPace(Sender, 10);
        var reserved = 0;
        var waits = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            // WaitAsync reserves its slot before it first awaits.
            var wait = pacer.WaitAsync(Sender, CancellationToken.None);
            Interlocked.Increment(ref reserved);
            await wait;
        })).ToList();
        await UntilAsync(() => Volatile.Read(ref reserved) == 20);

        // One more waiter is released per 100 ms, never two. (Continuations run on the thread pool: give each a moment.)
        for (var released = 1; released <= 20; released++)
        {
            await UntilAsync(() => waits.Count(w => w.IsCompleted) >= released);
            await Task.Delay(30);
            Assert.Equal(released, waits.Count(w => w.IsCompleted));
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }
        await Task.WhenAll(waits);
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }
    }

    private static int TakeAllNow(SenderPacer pacer)
    {
        var n = 0;
        while (pacer.TryTake(Sender, out _))
        {
            n++;
        }
        return n;
    }

    private static void AssertRate(double configured, List<DateTimeOffset> sends)
    {
        var measured = (sends.Count - 1) / (sends[^1] - sends[0]).TotalSeconds;
        Assert.InRange(measured, configured * 0.99, configured * 1.01);
    }
}
