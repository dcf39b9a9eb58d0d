using System.Text.Json;
using Crm.Hub.Metrics;
using Crm.Hub.Reports;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Reports;

/// <summary>
/// In a running hub the projector builds the rollup and keeps it as it folds events in: over <see cref="ReportsHub"/>'s six
/// conversations (reopened, transferred, surveyed, one still unanswered) every breakdown from the rollup equals the facts',
/// unfiltered and filtered by each queue, team, agent, channel and category the facts hold.
/// </summary>
public sealed class RollupProjectionTests(ReportsHub hub) : IClassFixture<ReportsHub>
{
    [Fact]
    public async Task TheProjectorsRollupGivesTheFactsFigures()
    {
        using var scope = hub.Services.CreateScope();
        var projector = scope.ServiceProvider.GetRequiredService<FactsProjector>();
        var settings = scope.ServiceProvider.GetRequiredService<MetricsSettingsSource>().Current;
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await projector.CatchUpAsync(CancellationToken.None);

        var state = await db.ProjectionCursors.AsNoTracking().SingleAsync(c => c.Name == RollupConfiguration.StateName);
        Assert.Equal(RollupConfiguration.Stamp((long)TimeSpan.FromDays(7).TotalSeconds), state.Seq);
        Assert.Equal(6, await db.ReportRollups.Where(r => r.Dimension == RollupKeys.All).SumAsync(r => r.Conversations));

        var now = TimeProvider.System.GetUtcNow();
        var stored = await db.ConversationFacts.AsNoTracking().ToListAsync();
        foreach (var (from, to) in new[] { (new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 10)), (new DateOnly(2026, 6, 2), new DateOnly(2026, 6, 2)) })
        {
            var period = new ReportsApi.ReportFilter(from, to, null, null, null, null, null);
            ReportsApi.ReportFilter[] filters =
            [
                period,
                .. stored.Select(f => f.QueueId).OfType<Guid>().Distinct().Select(q => period with { QueueId = q }),
                .. stored.Select(f => f.TeamId).OfType<Guid>().Distinct().Select(t => period with { TeamId = t }),
                .. stored.Select(f => f.AgentId).OfType<Guid>().Distinct().Select(a => period with { AgentId = a }),
                .. stored.Select(f => f.Channel).Distinct().Select(c => period with { Channel = c }),
                .. stored.Select(f => f.Category).OfType<string>().Distinct().Select(c => period with { Category = c }),
            ];
            foreach (var filter in filters)
            {
                foreach (var by in ReportsApi.Breakdowns)
                {
                    var rollup = await ReportRollupQuery.BuildAsync(db, filter, by, settings, now, CancellationToken.None);
                    var facts = await ReportsApi.BuildFromFactsAsync(db, filter, by, settings, now, CancellationToken.None);
                    Assert.Equal(JsonSerializer.Serialize(facts), JsonSerializer.Serialize(rollup));
                }
            }
        }
    }

    [Fact]
    public async Task ARollupOfTheLayoutBeforePairCellsIsRebuiltOnTheNextPass()
    {
        using var scope = hub.Services.CreateScope();
        var projector = scope.ServiceProvider.GetRequiredService<FactsProjector>();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        await projector.CatchUpAsync(CancellationToken.None);
        var window = (long)TimeSpan.FromDays(7).TotalSeconds;

        // As the migration leaves a database built before the pair cells: the old rows (now unfiltered), the bare window as stamp.
        await db.ReportRollups.Where(r => r.FilterDimension != "").ExecuteDeleteAsync();
        await db.ReportAgentDays.Where(r => r.FilterDimension != "").ExecuteDeleteAsync();
        await db.ProjectionCursors.Where(c => c.Name == RollupConfiguration.StateName).ExecuteUpdateAsync(c => c.SetProperty(x => x.Seq, window));

        await projector.CatchUpAsync(CancellationToken.None);
        Assert.Equal(RollupConfiguration.Stamp(window),
            (await db.ProjectionCursors.AsNoTracking().SingleAsync(c => c.Name == RollupConfiguration.StateName)).Seq);
        // Every conversation is back in the pair cells, e.g. each agent × channel cell.
        Assert.Equal(await db.ConversationFacts.CountAsync(),
            await db.ReportRollups.Where(r => r.FilterDimension == "agent" && r.Dimension == "channel").SumAsync(r => r.Conversations));
        Assert.Equal(await db.ConversationFacts.CountAsync(f => f.ResolvedAt != null && f.AgentId != null) > 0,
            await db.ReportAgentDays.AnyAsync(r => r.FilterDimension == "queue" && r.Dimension == "channel"));
    }
}
