using System;
using System.Collections.Generic;
using System.Globalization;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// Checks <see cref="RuntimeShapedConv"/> against <see cref="ReferenceConv2D"/>, so that its benchmark numbers are of
/// correct results: from the runtime benchmarks' [GlobalSetup] (which throws on a mismatch) and from <c>--verify</c>,
/// which also runs shapes the benchmarks do not (dilation, stride 3, Same and Full modes, convolution, odd sizes).
/// </summary>
/// <remarks>
/// The error of a pass is <c>max |runtime − reference| / max |reference|</c> over everything the pass writes, and must
/// be at most <see cref="Tolerance"/>. The reference accumulates in double; the runtime kernel in float, over up to
/// C·R·S = 576 terms per output (forward, S6), K·R·S = 576 per input gradient, and N·Ho·Wo = 36,864 per weight gradient
/// (S5), split over 8 lanes. Float rounding grows like √n·2⁻²⁴ relative to the size of the sums, around 10⁻⁵ at
/// worst here; an indexing mistake gives errors of order 1. Outputs are filled with NaN before each call, so an
/// element the kernel fails to write is a mismatch.
/// </remarks>
public static class RuntimeShapedConvCheck
{
    /// <summary>Largest accepted error, relative to the largest reference value.</summary>
    public const double Tolerance = 1e-4;

    /// <summary>
    /// The six benchmark shapes (S5 is S1 on 64 samples) followed by shapes that exercise the rest of the geometry.
    /// </summary>
    public static IReadOnlyList<(string Name, ConvWorkload Workload)> Cases { get; } =
    [
        ("S1", new(S1Layer.Shape, 1)),
        ("S2", new(S2Layer.Shape, 1)),
        ("S3", new(S3Layer.Shape, 1)),
        ("S4", new(S4Layer.Shape, 1)),
        ("S5", new(S1Layer.Shape, 64)),
        ("S6", new(S6Layer.Shape, 1)),
        ("odd sizes, K and C not multiples of 4", new(new Conv2DShape(3, 13, 11, 5, 3, 2, padding: 1), 2)),
        ("stride 2, odd input", new(new Conv2DShape(2, 15, 17, 6, 3, 3, stride: 2, padding: 1), 1)),
        ("stride 3, dilation 2", new(new Conv2DShape(4, 20, 23, 7, 3, 3, stride: 3, padding: 2, dilation: 2), 2)),
        ("stride 2 over a 1x1 kernel (phases without taps)", new(new Conv2DShape(3, 9, 9, 4, 1, 1, stride: 2), 1)),
        ("dilation 3, even kernel", new(new Conv2DShape(2, 19, 21, 3, 2, 4, dilation: 3), 1)),
        ("Same mode, convolution, even kernel", new(new Conv2DShape(5, 12, 10, 9, 4, 4, ConvMode.Same, ConvKind.Convolution), 3)),
        ("Full mode, stride 2", new(new Conv2DShape(2, 7, 9, 3, 3, 5, ConvMode.Full, stride: 2), 1)),
        ("single output column", new(new Conv2DShape(1, 5, 5, 1, 5, 5), 1)),
        ("wide rows, 30 output vectors", new(new Conv2DShape(1, 3, 240, 2, 3, 3), 1)),
    ];

    /// <summary>Runs the three passes on <paramref name="buffers"/> and throws when one differs from the reference.</summary>
    /// <exception cref="InvalidOperationException">A pass's error exceeds <see cref="Tolerance"/>.</exception>
    public static void ThrowIfMismatched(RuntimeShapedConv conv, ConvBuffers buffers, int batch)
    {
        PassErrors errors = Measure(conv, buffers, batch);
        if (!errors.WithinTolerance)
        {
            throw new InvalidOperationException(
                $"RuntimeShapedConv differs from ReferenceConv2D for {conv.Shape}, N={batch}: {errors} (tolerance {Tolerance:G2}).");
        }
    }

    /// <summary>The relative error of each pass on <paramref name="buffers"/>; the buffers' outputs are overwritten.</summary>
    public static PassErrors Measure(RuntimeShapedConv conv, ConvBuffers buffers, int batch)
    {
        Conv2DShape shape = conv.Shape;

        var expectedOutput = new float[batch * shape.OutputLength];
        ReferenceConv2D.Forward(shape, buffers.Input, buffers.Weights, buffers.Bias, expectedOutput);
        buffers.Output.AsSpan().Fill(float.NaN);
        conv.Forward(buffers.Input, buffers.Weights, buffers.Bias, buffers.Output);
        double forward = RelativeError(buffers.Output, expectedOutput);

        var expectedInputGrad = new float[batch * shape.InputLength];
        ReferenceConv2D.BackwardData(shape, buffers.OutputGrad, buffers.Weights, expectedInputGrad);
        buffers.InputGrad.AsSpan().Fill(float.NaN);
        conv.BackwardData(buffers.OutputGrad, buffers.Weights, buffers.InputGrad);
        double backwardData = RelativeError(buffers.InputGrad, expectedInputGrad);

        var expectedWeightGrad = new float[shape.WeightLength];
        var expectedBiasGrad = new float[shape.BiasLength];
        ReferenceConv2D.BackwardWeights(shape, buffers.Input, buffers.OutputGrad, expectedWeightGrad, expectedBiasGrad);
        buffers.WeightGrad.AsSpan().Fill(float.NaN);
        buffers.BiasGrad.AsSpan().Fill(float.NaN);
        conv.BackwardWeights(buffers.Input, buffers.OutputGrad, buffers.WeightGrad, buffers.BiasGrad);
        double backwardWeights = Math.Max(RelativeError(buffers.WeightGrad, expectedWeightGrad), RelativeError(buffers.BiasGrad, expectedBiasGrad));

        return new PassErrors(forward, backwardData, backwardWeights);
    }

    /// <summary>
    /// <c>--verify</c>: checks every case in <see cref="Cases"/>, prints one line each, and returns 0 when all pass,
    /// 1 otherwise.
    /// </summary>
    public static int Run()
    {
        Console.WriteLine($"RuntimeShapedConv against ReferenceConv2D: max |error| / max |reference| per pass, tolerance {Tolerance:G2}");
        bool allPassed = true;
        foreach ((string name, ConvWorkload workload) in Cases)
        {
            var conv = new RuntimeShapedConv(workload.Shape);
            PassErrors errors = Measure(conv, new ConvBuffers(workload), workload.Batch);
            allPassed &= errors.WithinTolerance;
            Console.WriteLine($"{(errors.WithinTolerance ? "ok  " : "FAIL")} {name}: {workload}; {errors}");
        }

        Console.WriteLine(allPassed ? "All passes match." : "MISMATCH: the runtime-shaped kernel is wrong for at least one case.");
        return allPassed ? 0 : 1;
    }

    private static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        double largestDifference = 0, largestValue = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);

            // NaN (an element the kernel did not write) must not vanish in Math.Max.
            largestDifference = double.IsNaN(difference) ? double.PositiveInfinity : Math.Max(largestDifference, difference);
            largestValue = Math.Max(largestValue, Math.Abs((double)expected[i]));
        }

        return largestValue == 0 ? largestDifference : largestDifference / largestValue;
    }
}

/// <summary>The relative error of each pass.</summary>
public readonly record struct PassErrors(double Forward, double BackwardData, double BackwardWeights)
{
    /// <summary>True when every pass is within <see cref="RuntimeShapedConvCheck.Tolerance"/>.</summary>
    public bool WithinTolerance =>
        Forward <= RuntimeShapedConvCheck.Tolerance && BackwardData <= RuntimeShapedConvCheck.Tolerance && BackwardWeights <= RuntimeShapedConvCheck.Tolerance;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture, $"forward {Forward:E1}, backward-data {BackwardData:E1}, backward-weights {BackwardWeights:E1}");
}
