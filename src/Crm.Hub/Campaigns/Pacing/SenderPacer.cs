using System.Collections.Concurrent;

namespace Crm.Hub.Campaigns.Pacing;

/// <summary>
/// A token bucket per sender (a Twilio number, a bot, an SMTP account, a fax line), shared by every campaign that sends
/// through it. Kept as a theoretical arrival time (GCRA): each message reserves the next slot on an exact grid,
/// <c>anchor + n / rate</c>, so a sender loop that wakes a little late, or a rate like 1/30 s that is no whole number of
/// ticks, never drifts — the average rate over N sends is the configured one. A sender up to one interval behind the grid
/// keeps its place on it; further behind it was idle, and idle time refills the bucket up to the burst, no further.
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

        /// <summary>The earliest moment the next message conforms: up to <c>burst - 1</c> intervals ahead of the grid.</summary>
        public long Earliest(long now)
        {
            Follow(now);
            return Next - (Burst - 1) * TicksPerToken;
        }

        /// <summary>
        /// Spends the slot at <paramref name="at"/>. A sender less than one interval behind the grid keeps its place on it
        /// (a timer that wakes late must not cost it the time); further behind it was idle, and the grid restarts at
        /// <paramref name="at"/>, so idle time is never banked beyond the burst.
        /// </summary>
        public void Take(long at)
        {
            if (Next + TicksPerToken <= at)
            {
                _anchor = at;
                _count = 0;
            }
            _count++;
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

        private void Reanchor(long now)
        {
            var next = Math.Max(Next, now - (Burst - 1) * TicksPerToken);
            _anchor = next;
            _count = 0;
        }
    }
}
