using System.Text.Json;
using Crm.Hub.Metrics;
using Crm.Hub.Reports;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Crm.Hub.Tests.Reports;

/// <summary>
/// In a running hub the projector builds the rollup and keeps it as it folds events in: over <see cref="ReportsHub"/>'s six
/// conversations (reopened, transferred, surveyed, one still unanswered) every breakdown from the rollup equals the facts'.
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
        Assert.Equal((long)TimeSpan.FromDays(7).TotalSeconds, state.Seq);
        Assert.Equal(6, await db.ReportRollups.Where(r => r.Dimension == RollupKeys.All).SumAsync(r => r.Conversations));

        var now = TimeProvider.System.GetUtcNow();
        foreach (var (from, to) in new[] { (new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 10)), (new DateOnly(2026, 6, 2), new DateOnly(2026, 6, 2)) })
        {
            var filter = new ReportsApi.ReportFilter(from, to, null, null, null, null, null);
            foreach (var by in ReportsApi.Breakdowns)
            {
                var rollup = await ReportRollupQuery.BuildAsync(db, filter, by, settings, now, CancellationToken.None);
                var facts = await ReportsApi.BuildFromFactsAsync(db, filter, by, settings, now, CancellationToken.None);
                Assert.Equal(JsonSerializer.Serialize(facts), JsonSerializer.Serialize(rollup));
            }
        }
    }
}
