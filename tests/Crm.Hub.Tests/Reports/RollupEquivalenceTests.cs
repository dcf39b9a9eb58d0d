using System.Text.Json;
using Crm.Hub.Metrics;
using Crm.Hub.Reports;
using Crm.Hub.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Tests.Reports;

/// <summary>
/// The rollup path and the facts path give the same summary, figure for figure, over a randomized fixture: three weeks of
/// conversations on several agents, queues, teams, channels and categories, with reopenings, transfers, contacts coming back
/// within and after the FCR window, surveys, SLA clocks met, breached and still running (due before and after now),
/// resolutions days after the opening (so periods cut agent-days both ways). The rollup is built once from the facts, then kept
/// by the projector's deltas while facts are added and rewritten in batches, and is compared after each — unfiltered and filtered
/// by an agent, a team, a queue, a channel and a category (pair cells read both ways round), every breakdown; at the end the
/// kept rollup must equal one rebuilt from scratch.
/// </summary>
public sealed class RollupEquivalenceTests : IAsyncLifetime
{
    private static readonly DateOnly First = new(2026, 3, 1);
    private static readonly TimeSpan Window = TimeSpan.FromDays(7);
    private static readonly long WindowSeconds = (long)Window.TotalSeconds;
    private static readonly DateTimeOffset[] Nows = [new(2026, 3, 16, 12, 0, 0, TimeSpan.Zero), new(2026, 4, 30, 0, 0, 0, TimeSpan.Zero)];
    private static readonly (DateOnly From, DateOnly To)[] Periods =
    [
        (First, First.AddDays(21)), (First.AddDays(4), First.AddDays(4)), (First.AddDays(9), First.AddDays(11)), (First.AddDays(2), First.AddDays(14)),
        (First.AddDays(15), First.AddDays(40)),
    ];

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "crm-rollup-" + Guid.NewGuid().ToString("N"));
    private readonly Random _random = new(7);
    private readonly Guid[] _agents = [.. Enumerable.Range(0, 5).Select(_ => Guid.NewGuid())];
    private readonly Guid[] _queues = [.. Enumerable.Range(0, 3).Select(_ => Guid.NewGuid())];
    private readonly Guid[] _teams = [.. Enumerable.Range(0, 2).Select(_ => Guid.NewGuid())];
    private readonly Guid[] _contacts = [.. Enumerable.Range(0, 12).Select(_ => Guid.NewGuid())];
    private DbContextOptions<HubDbContext> _options = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_folder);
        _options = new DbContextOptionsBuilder<HubDbContext>().UseSqlite($"Data Source={Path.Combine(_folder, "crm.db")}").Options;
        await using var db = new HubDbContext(_options);
        await db.Database.MigrateAsync();
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    private static MetricsSettings Settings(TimeSpan window) => new(TimeZoneInfo.Utc, BusinessCalendar.AroundTheClock(TimeZoneInfo.Utc),
        new SlaPolicy(new SlaTarget(TimeSpan.FromHours(1), TimeSpan.FromHours(8)), []), window);

    [Fact]
    public async Task TheRollupAndTheFactsGiveTheSameSummaries()
    {
        await using (var db = new HubDbContext(_options))
        {
            db.ConversationFacts.AddRange(Enumerable.Range(0, 150).Select(_ => NewFact()));
            await db.SaveChangesAsync();
            await RollupMaintainer.RebuildAsync(db, WindowSeconds, CancellationToken.None);
        }
        await AssertSameAsync("after the rebuild", 0);

        for (var batch = 0; batch < 6; batch++)
        {
            await using (var db = new HubDbContext(_options))
            {
                var stored = await db.ConversationFacts.ToListAsync();
                foreach (var fact in stored.OrderBy(_ => _random.Next()).Take(25))
                {
                    Rewrite(fact);
                }
                db.ConversationFacts.AddRange(Enumerable.Range(0, 20).Select(_ => NewFact()));
                var delta = await RollupMaintainer.PrepareAsync(db, RollupMaintainer.ChangesOf(db), WindowSeconds, CancellationToken.None);
                await using var tx = await db.Database.BeginTransactionAsync();
                await RollupMaintainer.ApplyAsync(db, delta, CancellationToken.None);
                await db.SaveChangesAsync();
                await tx.CommitAsync();
            }
            await AssertSameAsync($"after batch {batch}", batch + 1);
        }

        var kept = await SnapshotAsync();
        await using (var db = new HubDbContext(_options))
        {
            await RollupMaintainer.RebuildAsync(db, WindowSeconds, CancellationToken.None);
        }
        Assert.Equal(await SnapshotAsync(), kept);
        Assert.NotEmpty(kept);
    }

    [Fact]
    public async Task ARebuildIsRefusedInsideATransactionItWouldHoldForMinutes()
    {
        await using var db = new HubDbContext(_options);
        await using var transaction = await db.Database.BeginTransactionAsync();
        await Assert.ThrowsAsync<InvalidOperationException>(() => RollupMaintainer.RebuildAsync(db, WindowSeconds, CancellationToken.None));
    }

    [Fact]
    public async Task AnotherWindowAnOldLayoutOrTwoFiltersReadTheFacts()
    {
        await using var db = new HubDbContext(_options);
        db.ConversationFacts.AddRange(Enumerable.Range(0, 60).Select(_ => NewFact()));
        await db.SaveChangesAsync();
        await RollupMaintainer.RebuildAsync(db, WindowSeconds, CancellationToken.None);
        // The rollup is emptied behind the report's back: a report that still matched it would now count nothing.
        await db.ReportRollups.ExecuteDeleteAsync();
        var filter = new ReportsApi.ReportFilter(First, First.AddDays(21), null, null, null, null, null);
        var otherWindow = await ReportsApi.BuildAsync(db, filter, "queue", Settings(TimeSpan.FromDays(3)), Nows[0], CancellationToken.None);
        Assert.Equal(60, otherWindow.Total.Conversations);
        var twoFilters = await ReportsApi.BuildAsync(db, filter with { Channel = "sms", QueueId = _queues[0] }, "agent", Settings(Window), Nows[0],
            CancellationToken.None);
        Assert.Equal(await db.ConversationFacts.CountAsync(f => f.Channel == "sms" && f.QueueId == _queues[0]), twoFilters.Total.Conversations);
        Assert.True(twoFilters.Total.Conversations > 0);
        var fromRollup = await ReportsApi.BuildAsync(db, filter, "queue", Settings(Window), Nows[0], CancellationToken.None);
        Assert.Equal(0, fromRollup.Total.Conversations);
        var oneFilter = await ReportsApi.BuildAsync(db, filter with { Channel = "sms" }, "agent", Settings(Window), Nows[0], CancellationToken.None);
        Assert.Equal(0, oneFilter.Total.Conversations);

        // A rollup of the layout before the pair cells (its state holds the bare window) is not read: the projector rebuilds it.
        var state = await db.ProjectionCursors.SingleAsync(c => c.Name == RollupConfiguration.StateName);
        Assert.Equal(RollupConfiguration.Stamp(WindowSeconds), state.Seq);
        state.Seq = WindowSeconds;
        await db.SaveChangesAsync();
        var oldLayout = await ReportsApi.BuildAsync(db, filter with { Channel = "sms" }, "agent", Settings(Window), Nows[0], CancellationToken.None);
        Assert.Equal(await db.ConversationFacts.CountAsync(f => f.Channel == "sms"), oldLayout.Total.Conversations);
    }

    [Fact]
    public async Task APairCellIsStoredOnceAndServesBothWaysRound()
    {
        await using var db = new HubDbContext(_options);
        db.ConversationFacts.AddRange(Enumerable.Range(0, 80).Select(_ => NewFact()));
        await db.SaveChangesAsync();
        await RollupMaintainer.RebuildAsync(db, WindowSeconds, CancellationToken.None);
        // Agent × channel is kept under the agent (first in the order) only.
        Assert.True(await db.ReportRollups.AnyAsync(r => r.FilterDimension == "agent" && r.Dimension == "channel"));
        Assert.False(await db.ReportRollups.AnyAsync(r => r.FilterDimension == "channel" && r.Dimension == "agent"));
        Assert.False(await db.ReportRollups.AnyAsync(r => r.FilterDimension != "" && r.Dimension == RollupKeys.All));

        var period = new ReportsApi.ReportFilter(First, First.AddDays(21), null, null, null, null, null);
        var byChannel = await ReportRollupQuery.BuildAsync(db, period with { AgentId = _agents[2] }, "channel", Settings(Window), Nows[0], CancellationToken.None);
        var byAgent = await ReportRollupQuery.BuildAsync(db, period with { Channel = "email" }, "agent", Settings(Window), Nows[0], CancellationToken.None);
        var cell = await db.ConversationFacts.CountAsync(f => f.AgentId == _agents[2] && f.Channel == "email");
        Assert.True(cell > 0);
        Assert.Equal(cell, byChannel.Groups.Single(g => g.Key == "email").Figures.Conversations);
        Assert.Equal(cell, byAgent.Groups.Single(g => g.Key == _agents[2].ToString()).Figures.Conversations);
    }

    [Fact]
    public async Task AnAgentDayOpenedBothBeforeAndAfterThePeriodIsSettledFromItsFacts()
    {
        // Both agents resolve on March 10 conversations opened March 3 and March 8; only Babak also has one opened March 5.
        // For March 5..6 both spans straddle the period; Babak's agent-day counts, Ava's does not.
        var (ava, babak) = (_agents[0], _agents[1]);
        ConversationFact Resolved(Guid agent, int openedDay)
        {
            var f = NewFact();
            f.AgentId = agent;
            f.OpenedAt = new DateTimeOffset(2026, 3, openedDay, 9, 0, 0, TimeSpan.Zero);
            f.OpenedDate = new DateOnly(2026, 3, openedDay);
            f.ResolvedAt = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
            f.ResolvedDate = new DateOnly(2026, 3, 10);
            return f;
        }
        await using var db = new HubDbContext(_options);
        db.ConversationFacts.AddRange(Resolved(ava, 3), Resolved(ava, 8), Resolved(babak, 3), Resolved(babak, 5), Resolved(babak, 8));
        await db.SaveChangesAsync();
        await RollupMaintainer.RebuildAsync(db, WindowSeconds, CancellationToken.None);
        var span = await db.ReportAgentDays.SingleAsync(r => r.Dimension == RollupKeys.All);
        Assert.Equal((new DateOnly(2026, 3, 3), new DateOnly(2026, 3, 8), 2L), (span.FirstOpened, span.LastOpened, span.Agents));

        var filter = new ReportsApi.ReportFilter(new DateOnly(2026, 3, 5), new DateOnly(2026, 3, 6), null, null, null, null, null);
        foreach (var by in ReportsApi.Breakdowns)
        {
            var rollup = await ReportRollupQuery.BuildAsync(db, filter, by, Settings(Window), Nows[1], CancellationToken.None);
            var facts = await ReportsApi.BuildFromFactsAsync(db, filter, by, Settings(Window), Nows[1], CancellationToken.None);
            Assert.Equal(JsonSerializer.Serialize(facts), JsonSerializer.Serialize(rollup));
            // One resolution (Babak's March 5) over one agent-day.
            Assert.Equal(1, rollup.Total.Conversations);
            Assert.Equal(1m, rollup.Total.ContactsPerAgentPerDay);
            // The same straddling spans under a filter: the agent's own, and the pair cells of his channel, both ways round.
            var channel = (await db.ConversationFacts.SingleAsync(f => f.AgentId == babak && f.OpenedDate == new DateOnly(2026, 3, 5))).Channel;
            foreach (var narrowed in new[] { filter with { AgentId = babak }, filter with { AgentId = ava }, filter with { Channel = channel } })
            {
                var fromRollup = await ReportRollupQuery.BuildAsync(db, narrowed, by, Settings(Window), Nows[1], CancellationToken.None);
                var fromFacts = await ReportsApi.BuildFromFactsAsync(db, narrowed, by, Settings(Window), Nows[1], CancellationToken.None);
                Assert.Equal(JsonSerializer.Serialize(fromFacts), JsonSerializer.Serialize(fromRollup));
            }
        }
    }

    /// <summary>One filter on each dimension: one of two values of each, by <paramref name="step"/>.</summary>
    private IEnumerable<ReportsApi.ReportFilter> Filters(DateOnly from, DateOnly to, int step)
    {
        var period = new ReportsApi.ReportFilter(from, to, null, null, null, null, null);
        var other = step % 2 == 1;
        return
        [
            period with { AgentId = other ? _agents[3] : _agents[0] },
            period with { TeamId = other ? _teams[1] : _teams[0] },
            period with { QueueId = other ? _queues[2] : _queues[1] },
            period with { Channel = other ? "webchat" : "sms" },
            period with { Category = other ? "inquiry" : "complaint" },
        ];
    }

    /// <summary>
    /// Every period and breakdown at both nows, unfiltered; filtered, every breakdown of one period at one now, a different pair at
    /// each <paramref name="step"/> (so the seven comparisons cover each period, each now and both values of each filter).
    /// </summary>
    private async Task AssertSameAsync(string when, int step)
    {
        await using var db = new HubDbContext(_options);
        var settings = Settings(Window);
        var (compared, provisional, running, filteredGroups) = (0, 0, 0, 0);
        foreach (var now in Nows)
        {
            var (from, to) = Periods[step % Periods.Length];
            var filtered = now == Nows[step % Nows.Length] ? Filters(from, to, step / Nows.Length) : [];
            foreach (var filter in Periods.Select(p => new ReportsApi.ReportFilter(p.From, p.To, null, null, null, null, null)).Concat(filtered))
            {
                foreach (var by in ReportsApi.Breakdowns)
                {
                    var rollup = await ReportRollupQuery.BuildAsync(db, filter, by, settings, now, CancellationToken.None);
                    var facts = await ReportsApi.BuildFromFactsAsync(db, filter, by, settings, now, CancellationToken.None);
                    var expected = JsonSerializer.Serialize(facts);
                    var actual = JsonSerializer.Serialize(rollup);
                    Assert.True(expected == actual, $"{when}, {filter} by {by} at {now:O}:\nfacts  {expected}\nrollup {actual}");
                    compared += facts.Total.Conversations;
                    filteredGroups += RollupKeys.FilterOf(filter) is ("all", _) ? 0 : facts.Groups.Count;
                    provisional += facts.Total.Fcr.Provisional;
                    running += facts.Total.Sla.Pending;
                }
            }
        }
        // The fixture is not trivially empty: the periods hold conversations, provisional FCR and running clocks.
        Assert.True(compared > 0 && provisional > 0 && running > 0 && filteredGroups > 0,
            $"{compared} conversations, {provisional} provisional, {running} running, {filteredGroups} filtered groups");
    }

    private async Task<List<string>> SnapshotAsync()
    {
        await using var db = new HubDbContext(_options);
        var rows = await db.ReportRollups.AsNoTracking().ToListAsync();
        var spans = await db.ReportAgentDays.AsNoTracking().ToListAsync();
        return [.. rows.Select(r => JsonSerializer.Serialize(r)).Concat(spans.Select(s => JsonSerializer.Serialize(s))).Order(StringComparer.Ordinal)];
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];

    private ConversationFact NewFact()
    {
        var fact = new ConversationFact { ConversationId = Guid.NewGuid(), Channel = "sms" };
        Rewrite(fact);
        return fact;
    }

    /// <summary>Gives a fact a new random state, as a replay after new events would: any field may change.</summary>
    private void Rewrite(ConversationFact f)
    {
        var opened = new DateTimeOffset(First.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)
            .AddDays(_random.Next(0, 22)).AddMinutes(_random.Next(0, 24 * 60));
        f.ContactId = Pick(_contacts);
        f.Channel = Pick(new[] { "sms", "email", "webchat" });
        f.QueueId = _random.Next(4) == 0 ? null : Pick(_queues);
        f.TeamId = _random.Next(3) == 0 ? null : Pick(_teams);
        f.Category = Pick(new[] { "complaint", "inquiry", null });
        f.OpenedAt = opened;
        f.OpenedDate = DateOnly.FromDateTime(opened.UtcDateTime);
        var resolved = _random.Next(4) != 0;
        f.AgentId = _random.Next(8) == 0 ? null : Pick(_agents);
        DateTimeOffset? resolvedAt = resolved ? opened.AddMinutes(_random.Next(1, 6 * 24 * 60)) : null;
        f.ResolvedAt = resolvedAt;
        f.ResolvedDate = resolvedAt is { } r ? DateOnly.FromDateTime(r.UtcDateTime) : null;
        f.FirstResponseSeconds = _random.Next(3) == 0 ? null : _random.Next(10, 9000);
        f.FirstResponseBusinessSeconds = f.FirstResponseSeconds / 2;
        f.TimeToAssignSeconds = _random.Next(3) == 0 ? null : _random.Next(5, 3000);
        f.HandleSeconds = resolved ? _random.Next(60, 20000) : null;
        f.ResolutionSeconds = resolvedAt is { } end ? (long)(end - opened).TotalSeconds : null;
        f.ResolutionBusinessSeconds = f.ResolutionSeconds / 3;
        f.ReopenCount = _random.Next(6) == 0 ? 1 : 0;
        f.Episodes = f.ReopenCount + 1;
        f.TransferCount = _random.Next(7) == 0 ? 1 : 0;
        f.SameDay = resolvedAt is { } done ? f.OpenedDate == DateOnly.FromDateTime(done.UtcDateTime) : null;
        var outcomes = new SlaOutcome?[] { SlaOutcome.Met, SlaOutcome.Breached, SlaOutcome.Pending, null };
        f.SlaFirstResponse = Pick(outcomes);
        f.SlaResolution = resolved ? Pick(new SlaOutcome?[] { SlaOutcome.Met, SlaOutcome.Breached }) : Pick(outcomes);
        // Due times on both sides of the first now (2026-03-16 12:00), some never set.
        f.FirstResponseDueAt = _random.Next(10) == 0 ? null : opened.AddHours(_random.Next(1, 72));
        f.ResolutionDueAt = _random.Next(10) == 0 ? null : opened.AddDays(_random.Next(0, 12));
        f.ContactReturnSeconds = _random.Next(3) == 0 ? _random.Next(60, 14 * 86400) : null;
        var survey = Pick(new[] { "csat", "nps", "ces", null });
        f.SurveyKind = survey;
        f.SurveyScore = survey switch { "csat" => _random.Next(1, 6), "nps" => _random.Next(0, 11), "ces" => _random.Next(1, 8), _ => null };
        f.LastSeq++;
    }
}
