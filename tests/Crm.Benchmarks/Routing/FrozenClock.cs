namespace Crm.Benchmarks.Routing;

/// <summary>A clock that never moves, so no offer expires while a benchmark runs.</summary>
internal sealed class FrozenClock(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
