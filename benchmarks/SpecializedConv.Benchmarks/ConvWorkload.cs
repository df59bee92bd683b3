using System.Globalization;

namespace SpecializedConv.Benchmarks;

/// <summary>What one call of a benchmark computes: a layer shape applied to <see cref="Batch"/> samples.</summary>
/// <param name="Shape">The layer's shape.</param>
/// <param name="Batch">Samples per call, N.</param>
public sealed record ConvWorkload(Conv2DShape Shape, int Batch)
{
    /// <summary>
    /// Floating-point operations of one pass, 2·N·K·C·R·S·Ho·Wo (a multiply and an add per multiply-add). The two
    /// backward passes do the same multiply-adds as the forward pass, rearranged, so the count is used for all three;
    /// the bias terms (N·K·Ho·Wo adds) are left out as they are below 1/(C·R·S) of the total.
    /// </summary>
    public long FlopsPerPass => 2 * Batch * Shape.MultiplyAdds;

    /// <summary>
    /// A one-line description for the summary table, e.g. <c>1x28x28 to 6x24x24, 5x5 s1 p0, N=1</c>; plain ASCII
    /// without '&lt;' or '&gt;', which the console may not show and the markdown exporter escapes.
    /// </summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Shape.InChannels}x{Shape.InHeight}x{Shape.InWidth} to {Shape.OutChannels}x{Shape.OutHeight}x{Shape.OutWidth}, " +
        $"{Shape.KernelHeight}x{Shape.KernelWidth} s{Shape.Stride} p{Shape.Padding}, N={Batch}");
}

/// <summary>
/// A benchmark class that says what it computes, so <see cref="ConvColumn"/> can turn its mean time into GFLOP/s.
/// </summary>
public interface IConvWorkloadSource
{
    /// <summary>The shape and batch one benchmark call runs. Must not depend on [GlobalSetup] having run.</summary>
    ConvWorkload Workload { get; }
}
