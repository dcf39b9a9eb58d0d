using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;

namespace Crm.Benchmarks.Reporting;

/// <summary>Adds the percentiles our budgets are written in (DESIGN.md §12) to the default columns.</summary>
public sealed class PercentilesConfig : ManualConfig
{
    public PercentilesConfig() => AddColumn(StatisticColumn.Median, StatisticColumn.P95, new P99Column());
}
