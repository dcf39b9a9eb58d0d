using System.Collections.Concurrent;

namespace Crm.Hub.Campaigns.Pacing;

/// <summary>
/// A token bucket per sender (a Twilio number, a bot, an SMTP account, a fax line), shared by every campaign that sends
/// through it. Kept as a theoretical arrival time (GCRA): each message reserves the next slot on an exact grid,
/// <c>anchor + n / rate</c>, so a sender loop that wakes a little late, or a rate like 1/30 s that is no whole number of
/// ticks, never drifts — the average rate over N sends is the configured one.
/// <para>
/// A sender behind the grid was busy (a commit, a page of recipients to read, a stall of the machine), not idle: up to
/// <see cref="CatchUpHorizon"/> behind (or two intervals, if longer) it keeps its place and makes the time up, never faster
/// than twice its pace (half an interval between sends), so a loop that is late now and then still averages the configured
/// rate. Further behind it was idle: the grid restarts there, and idle time refills the bucket up to the burst, no further.
/// </para>
/// <para>
/// A provider's 429 (<see cref="SlowDown"/>): nothing is sent before its Retry-After, the bucket resumes empty (no burst
/// straight after a rejection), and the rate is halved (each further 429 halves it again, to 1/64 of the configured rate at
/// the lowest). Each <see cref="RecoveryInterval"/> without another 429 then adds back a quarter of the configured rate
/// until it is whole again (additive increase, multiplicative decrease, as TCP does).
/// </para>
/// </summary>
internal sealed class SenderPacer(TimeProvider time)
{
    public static readonly TimeSpan RecoveryInterval = TimeSpan.FromSeconds(10);

    /// <summary>How far behind its grid a sender may fall and still make the time up (at most twice its pace) rather than lose it.</summary>
    public static readonly TimeSpan CatchUpHorizon = TimeSpan.FromSeconds(2);
    private const double SlowDownFactor = 0.5;
    private const double RecoveryStep = 0.25;
    private const double SlowestShare = 1.0 / 64;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <summary>Sets (or changes) a sender's pace: <paramref name="messagesPerSecond"/> may be fractional (0.5 = one every 2 s).</summary>
    public void SetPace(string sender, double messagesPerSecond, int burst = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(sender);
        if (!double.IsFinite(messagesPerSecond) || messagesPerSecond <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(messagesPerSecond), messagesPerSecond, "A pace is a positive number of messages per second.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(burst, 1);
        var now = time.GetUtcNow().UtcTicks;
        var bucket = _buckets.GetOrAdd(sender, _ => new Bucket(messagesPerSecond, burst, now));
        lock (bucket)
        {
            bucket.Configure(messagesPerSecond, burst, now);
        }
    }

    /// <summary>Takes a token if one is there; otherwise says how long until the next.</summary>
    public bool TryTake(string sender, out TimeSpan wait)
    {
        var bucket = Of(sender);
        var now = time.GetUtcNow().UtcTicks;
        lock (bucket)
        {
            var earliest = bucket.Earliest(now);
            if (earliest > now)
            {
                wait = TimeSpan.FromTicks(earliest - now);
                return false;
            }
            bucket.Take(now);
            wait = TimeSpan.Zero;
            return true;
        }
    }

    /// <summary>How long until the sender's next slot, without taking it (zero when one is free now).</summary>
    public TimeSpan UntilNext(string sender)
    {
        var bucket = Of(sender);
        var now = time.GetUtcNow().UtcTicks;
        lock (bucket)
        {
            return TimeSpan.FromTicks(Math.Max(0, bucket.Earliest(now) - now));
        }
    }

    /// <summary>
    /// Reserves the sender's next slot and waits for it. A cancelled wait gives its slot up rather than back, so a
    /// cancellation can slow a sender by one message but never speed it past its pace.
    /// </summary>
    public async ValueTask WaitAsync(string sender, CancellationToken cancellationToken)
    {
        var bucket = Of(sender);
        var now = time.GetUtcNow().UtcTicks;
        long slot;
        lock (bucket)
        {
            slot = Math.Max(now, bucket.Earliest(now));
            bucket.Take(slot);
        }
        if (slot > now)
        {
            await Task.Delay(TimeSpan.FromTicks(slot - now), time, cancellationToken);
        }
    }

    /// <summary>The provider answered 429: pause until <paramref name="retryAfter"/> has passed, and halve the pace for a while.</summary>
    public void SlowDown(string sender, TimeSpan? retryAfter = null)
    {
        var bucket = Of(sender);
        var now = time.GetUtcNow().UtcTicks;
        lock (bucket)
        {
            bucket.SlowDown(now, retryAfter is { Ticks: > 0 } pause ? pause.Ticks : 0);
        }
    }

    /// <summary>The rate the sender is paced at now, in messages per second (lower than configured while recovering from a 429).</summary>
    public double CurrentRate(string sender)
    {
        var bucket = Of(sender);
        var now = time.GetUtcNow().UtcTicks;
        lock (bucket)
        {
            return bucket.Configured * bucket.Share(now);
        }
    }

    private Bucket Of(string sender) => _buckets.TryGetValue(sender, out var bucket)
        ? bucket
        : throw new InvalidOperationException($"No pace is set for sender '{sender}'.");

    /// <summary>One sender's state; every member runs under the bucket's lock.</summary>
    private sealed class Bucket
    {
        private long _anchor;
        private long _count;
        private long _last = long.MinValue;
        private bool _fresh = true;
        private double _rate;
        private double _shareAtSlowDown = 1;
        private long _slowedAt;

        public Bucket(double rate, int burst, long now)
        {
            Configured = rate;
            Burst = burst;
            _rate = rate;
            _anchor = now;
        }

        public double Configured { get; private set; }

        private int Burst { get; set; }

        private long TicksPerToken => (long)Math.Round(TimeSpan.TicksPerSecond / _rate);

        /// <summary>The theoretical arrival time of the next message, on the exact grid from the anchor.</summary>
        private long Next => _anchor + (long)Math.Round(_count * (TimeSpan.TicksPerSecond / _rate));

        public void Configure(double rate, int burst, long now)
        {
            Reanchor(now);
            Configured = rate;
            Burst = burst;
            _rate = rate * Share(now);
        }

        /// <summary>Behind the grid by more than this, the sender was idle rather than busy.</summary>
        private long Horizon => Math.Max(CatchUpHorizon.Ticks, 2 * TicksPerToken);

        /// <summary>
        /// The earliest moment the next message conforms: up to <c>burst - 1</c> intervals ahead of the grid; while catching
        /// up (on or behind the grid, within the horizon), no sooner than half an interval after the last send.
        /// </summary>
        public long Earliest(long now)
        {
            Follow(now);
            var grid = Next - (Burst - 1) * TicksPerToken;
            var behind = now - Next;
            return behind >= 0 && behind <= Horizon && _last != long.MinValue ? Math.Max(grid, _last + TicksPerToken / 2) : grid;
        }

        /// <summary>
        /// Spends the slot at <paramref name="at"/>. A sender up to the horizon behind the grid keeps its place on it (a
        /// timer that wakes late or a commit that took a while must not cost it the time); further behind it was idle, and
        /// the grid restarts at <paramref name="at"/>, so idle time is never banked beyond the burst.
        /// </summary>
        public void Take(long at)
        {
            // A fresh grid (a new pace, a pause after a 429) starts at its first send: time before it is not owed.
            if (at - Next > Horizon || (_fresh && at > Next))
            {
                _anchor = at;
                _count = 0;
            }
            _count++;
            _last = at;
            _fresh = false;
        }

        public void SlowDown(long now, long pauseTicks)
        {
            _shareAtSlowDown = Math.Max(SlowestShare, Share(now) * SlowDownFactor);
            _slowedAt = now;
            Reanchor(now);
            _rate = Configured * _shareAtSlowDown;
            // Resume empty at the end of the pause: the first message goes then, the next one an interval later.
            var resume = now + pauseTicks;
            var emptyAt = resume + (Burst - 1) * TicksPerToken;
            if (Next < emptyAt)
            {
                _anchor = emptyAt;
                _count = 0;
            }
        }

        /// <summary>The share of the configured rate allowed at <paramref name="now"/>: climbs back a step per quiet interval.</summary>
        public double Share(long now)
        {
            if (_shareAtSlowDown >= 1)
            {
                return 1;
            }
            var steps = (now - _slowedAt) / RecoveryInterval.Ticks;
            return Math.Min(1, _shareAtSlowDown + steps * RecoveryStep);
        }

        /// <summary>Moves the grid to the rate the recovery rule allows now, keeping the next slot where it is.</summary>
        private void Follow(long now)
        {
            var rate = Configured * Share(now);
            if (rate != _rate)
            {
                Reanchor(now);
                _rate = rate;
                if (Share(now) >= 1)
                {
                    _shareAtSlowDown = 1;
                }
            }
        }

        /// <summary>
        /// Restarts the grid at the next slot, or at <paramref name="now"/> when that has passed: a full bucket still allows the
        /// burst (see <see cref="Earliest"/>), and time the sender was behind is not carried across a change of pace.
        /// </summary>
        private void Reanchor(long now)
        {
            var next = Math.Max(Next, now);
            _anchor = next;
            _count = 0;
            _fresh = true;
        }
    }
}
