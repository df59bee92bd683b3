using System;
using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// Summary columns computed from a benchmark's <see cref="ConvWorkload"/>: the workload itself, the achieved
/// GFLOP/s (<see cref="ConvWorkload.FlopsPerPass"/> divided by the mean time) and that as a share of
/// <see cref="PeakGflops"/>.
/// </summary>
/// <remarks>
/// The workload is read from an instance of the benchmark class (<see cref="BenchmarkCase"/>'s descriptor type),
/// which must implement <see cref="IConvWorkloadSource"/>. Benchmark classes have a public parameterless
/// constructor and allocate nothing until [GlobalSetup], so creating one in the host process is cheap; the result is
/// cached per type. Any other benchmark class gets an empty cell.
/// </remarks>
public sealed class ConvColumn : IColumn
{
    /// <summary>
    /// The nominal single-core peak the percentages are taken against: two 256-bit FMA pipes × 8 float lanes × 2 flops
    /// per FMA = 32 flops per cycle (the most <c>Vector256</c> code can issue on Zen 3 and later AMD cores) at about
    /// 3.1 GHz. It is a fixed yardstick, not a measured clock: a core that boosts higher, or code using 512-bit
    /// vectors, can go past 100%.
    /// </summary>
    public const double PeakGflops = 100;

    private static readonly ConcurrentDictionary<Type, ConvWorkload?> Workloads = new();

    private readonly Func<ConvWorkload, double?, CultureInfo, string> format;

    private ConvColumn(string id, string name, string legend, bool isNumeric, Func<ConvWorkload, double?, CultureInfo, string> format)
    {
        Id = id;
        ColumnName = name;
        Legend = legend;
        IsNumeric = isNumeric;
        this.format = format;
    }

    /// <summary>The shape and batch, e.g. <c>1x28x28 to 6x24x24, 5x5 s1 p0, N=1</c>.</summary>
    public static ConvColumn Workload { get; } = new(
        "ConvWorkload", "Workload", "Input CxHxW to output KxHoxWo, kernel RxS, stride, padding, samples per call", isNumeric: false,
        (workload, _, _) => workload.ToString());

    /// <summary>2·N·K·C·R·S·Ho·Wo / mean time, in GFLOP/s.</summary>
    public static ConvColumn Gflops { get; } = new(
        "ConvGflops", "GFLOP/s", "2·N·K·C·R·S·Ho·Wo floating-point operations per mean time, in 10^9 per second", isNumeric: true,
        (workload, meanNanoseconds, culture) => meanNanoseconds is double mean
            ? (workload.FlopsPerPass / mean).ToString("F2", culture)
            : "NA");

    /// <summary>GFLOP/s as a percentage of <see cref="PeakGflops"/>.</summary>
    public static ConvColumn PercentOfPeak { get; } = new(
        "ConvPercentOfPeak", "% of peak", $"GFLOP/s as a percentage of {PeakGflops} GFLOP/s, one core's nominal 256-bit FMA peak", isNumeric: true,
        (workload, meanNanoseconds, culture) => meanNanoseconds is double mean
            ? (100 * workload.FlopsPerPass / mean / PeakGflops).ToString("F1", culture) + "%"
            : "NA");

    /// <inheritdoc/>
    public string Id { get; }

    /// <inheritdoc/>
    public string ColumnName { get; }

    /// <inheritdoc/>
    public string Legend { get; }

    /// <inheritdoc/>
    public bool IsNumeric { get; }

    /// <inheritdoc/>
    public bool AlwaysShow => true;

    /// <inheritdoc/>
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc/>
    public int PriorityInCategory => 0;

    /// <inheritdoc/>
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    /// <inheritdoc/>
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        ConvWorkload? workload = WorkloadOf(benchmarkCase.Descriptor.Type);
        if (workload is null)
        {
            return "-";
        }

        // Statistics are in nanoseconds, so flops / mean is flops per nanosecond, i.e. GFLOP/s.
        double? meanNanoseconds = summary[benchmarkCase]?.ResultStatistics?.Mean;
        return format(workload, meanNanoseconds, style.CultureInfo);
    }

    /// <inheritdoc/>
    public bool IsAvailable(Summary summary) => true;

    /// <inheritdoc/>
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc/>
    public override string ToString() => ColumnName;

    private static ConvWorkload? WorkloadOf(Type benchmarkType) =>
        Workloads.GetOrAdd(benchmarkType, type => (Activator.CreateInstance(type) as IConvWorkloadSource)?.Workload);
}

/// <summary>Adds the <see cref="ConvColumn"/>s to a benchmark class's summary.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class ConvColumnsAttribute : ColumnConfigBaseAttribute
{
    /// <summary>Adds Workload, GFLOP/s and % of peak.</summary>
    public ConvColumnsAttribute()
        : base(ConvColumn.Workload, ConvColumn.Gflops, ConvColumn.PercentOfPeak)
    {
    }
}
