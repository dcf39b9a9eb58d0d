using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Crm.Benchmarks.Reporting;

/// <summary>
/// The 99th percentile of the iteration means. BenchmarkDotNet 0.15.8 ships P0..P95 and P100 columns but
/// keeps its percentile factory private, so P99 (the figure our budgets are written in) is added here.
/// </summary>
public sealed class P99Column : IColumn
{
    public string Id => nameof(P99Column);

    public string ColumnName => "P99";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => "Percentile 99";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) =>
        GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
        {
            return "NA";
        }

        var unit = style.TimeUnit ?? TimeUnit.Nanosecond;
        var value = TimeUnit.Convert(statistics.Percentiles.Percentile(99), TimeUnit.Nanosecond, unit);
        var text = value.ToString("N1", style.CultureInfo);
        return style.PrintUnitsInContent ? $"{text} {unit.AbbreviationAscii}" : text;
    }

    public override string ToString() => ColumnName;
}
