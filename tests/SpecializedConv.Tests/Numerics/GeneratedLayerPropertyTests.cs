using System;
using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// Seeded random shapes (every mode and kind, strides and dilations 1–3, widths around the 8-lane vector, channel
/// counts that do not divide the register blocks) generated, compiled and compared with the scalar reference kernels
/// in all three passes, on random batches of 1–3 samples.
/// </summary>
/// <remarks>
/// Tolerance 1e-4 of the largest magnitude: the reference sums in double, the generated kernels in float with FMA over
/// at most a few hundred terms, so their difference stays near 1e-6; a wrong tap, phase or edge block is O(1).
/// </remarks>
public sealed class GeneratedLayerPropertyTests
{
    private const int ShapeCount = 64;
    private const int Seed = 20261122;

    private static readonly Lazy<(Conv2DShape Shape, GeneratedLayer Layer)[]> Layers = new(() =>
    {
        Conv2DShape[] shapes = RandomShapes(new Random(Seed), ShapeCount).ToArray();
        IReadOnlyList<GeneratedLayer> layers = GeneratorHarness.CompileLayers(shapes);
        return shapes.Zip(layers).ToArray();
    });

    public static TheoryData<int> Indices => new(Enumerable.Range(0, ShapeCount));

    [Theory]
    [MemberData(nameof(Indices))]
    public void Generated_layer_matches_the_reference_in_every_pass_for_random_shapes(int index)
    {
        (Conv2DShape shape, GeneratedLayer layer) = Layers.Value[index];
        var random = new Random(Seed + index);
        int batch = random.Next(1, 4);
        float[] input = NumericAssert.RandomArray(random, batch * shape.InputLength);
        float[] weights = NumericAssert.RandomArray(random, shape.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, shape.BiasLength);
        float[] outputGrad = NumericAssert.RandomArray(random, batch * shape.OutputLength);
        string what = $"{shape} (batch {batch})";

        float[] expected = new float[batch * shape.OutputLength];
        float[] actual = NumericAssert.Poisoned(expected.Length);
        ReferenceConv2D.Forward(shape, input, weights, bias, expected);
        layer.Forward(input, weights, bias, actual);
        NumericAssert.AssertClose(expected, actual, NumericAssert.ReferenceTolerance, $"forward of {what}");

        float[] expectedInputGrad = new float[input.Length];
        float[] actualInputGrad = NumericAssert.Poisoned(input.Length);
        ReferenceConv2D.BackwardData(shape, outputGrad, weights, expectedInputGrad);
        layer.BackwardData(outputGrad, weights, actualInputGrad);
        NumericAssert.AssertClose(expectedInputGrad, actualInputGrad, NumericAssert.ReferenceTolerance, $"inputGrad of {what}");

        float[] expectedWeightGrad = new float[weights.Length], expectedBiasGrad = new float[bias.Length];
        float[] actualWeightGrad = NumericAssert.Poisoned(weights.Length), actualBiasGrad = NumericAssert.Poisoned(bias.Length);
        ReferenceConv2D.BackwardWeights(shape, input, outputGrad, expectedWeightGrad, expectedBiasGrad);
        layer.BackwardWeights(input, outputGrad, actualWeightGrad, actualBiasGrad);
        NumericAssert.AssertClose(expectedWeightGrad, actualWeightGrad, NumericAssert.ReferenceTolerance, $"weightGrad of {what}");
        NumericAssert.AssertClose(expectedBiasGrad, actualBiasGrad, NumericAssert.ReferenceTolerance, $"biasGrad of {what}");
    }

    [Fact]
    public void Random_shapes_cover_every_mode_kind_stride_and_narrow_rows()
    {
        Conv2DShape[] shapes = Layers.Value.Select(l => l.Shape).ToArray();
        Assert.All(Enum.GetValues<ConvMode>(), mode => Assert.Contains(shapes, s => s.Mode == mode));
        Assert.All(Enum.GetValues<ConvKind>(), kind => Assert.Contains(shapes, s => s.Kind == kind));
        Assert.All(new[] { 1, 2, 3 }, stride => Assert.Contains(shapes, s => s.Stride == stride));
        Assert.All(new[] { 1, 2, 3 }, dilation => Assert.Contains(shapes, s => s.Dilation == dilation));
        Assert.Contains(shapes, s => s.OutWidth < 8);
        Assert.Contains(shapes, s => s.OutWidth > 8 && s.OutWidth % 8 != 0);
        Assert.Contains(shapes, s => s.Padding > 0);
    }

    /// <summary>Shapes drawn until <paramref name="count"/> valid ones are found (a kernel may not fit its input).</summary>
    private static IEnumerable<Conv2DShape> RandomShapes(Random random, int count)
    {
        int found = 0;
        while (found < count)
        {
            var mode = (ConvMode)random.Next(3);
            int padding = mode == ConvMode.Valid && random.Next(3) == 0 ? random.Next(1, 3) : 0;
            Conv2DShape shape;
            try
            {
                shape = new Conv2DShape(
                    inChannels: random.Next(1, 6),
                    inHeight: random.Next(1, 20),
                    inWidth: random.Next(1, 30),
                    outChannels: random.Next(1, 14),
                    kernelHeight: random.Next(1, 6),
                    kernelWidth: random.Next(1, 6),
                    mode,
                    (ConvKind)random.Next(2),
                    stride: random.Next(1, 4),
                    padding,
                    dilation: random.Next(1, 4));
            }
            catch (ArgumentException)
            {
                continue;
            }

            found++;
            yield return shape;
        }
    }
}
