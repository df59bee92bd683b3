using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// Kernels with more than 49 taps are not unrolled whole: the block kernels loop over the kernel rows and unroll one
/// row (an unrolled 11×11 kernel was compiled into code that spilled to the stack). These tests pin that the loop is
/// emitted and that all three passes still match the reference kernels, for cross-correlation and for the turned
/// kernel of a convolution (whose weights run backwards from row to row), at stride 1 and at AlexNet's stride 4.
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class LargeKernelTests
{
    private const string RowLoopMarker = "Kernel rows in a loop";

    private static readonly (string Name, Conv2DShape Shape)[] Shapes =
    {
        ("11x11 cross-correlation", new(2, 20, 21, 3, 11, 11)),
        ("11x11 convolution at stride 4 (AlexNet conv1 in small)", new(3, 27, 27, 4, 11, 11, kind: ConvKind.Convolution, stride: 4)),
        ("8x8 same mode", new(1, 16, 16, 2, 8, 8, ConvMode.Same)),
    };

    public static TheoryData<string> Names => new(Shapes.Select(s => s.Name));

    private static readonly Lazy<Dictionary<string, (Conv2DShape Shape, GeneratedLayer Layer, string Source)>> Layers = new(() =>
    {
        Conv2DShape[] shapes = Shapes.Select(s => s.Shape).ToArray();
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.DeclareLayers(shapes));
        IReadOnlyList<GeneratedLayer> layers = GeneratorHarness.CompileLayers(shapes);
        return Enumerable.Range(0, shapes.Length).ToDictionary(
            i => Shapes[i].Name,
            i => (shapes[i], layers[i], result.GeneratedTrees.Single(tree => tree.FilePath.EndsWith($"Generated.Layer{i}.Conv2D.g.cs", StringComparison.Ordinal)).ToString()));
    });

    [Theory]
    [MemberData(nameof(Names))]
    public void Large_kernels_loop_over_their_rows_and_match_the_reference(string name)
    {
        (Conv2DShape shape, GeneratedLayer layer, string source) = Layers.Value[name];
        Assert.Contains(RowLoopMarker, source, StringComparison.Ordinal);

        var random = new Random(20261122 + name.Length);
        const int batch = 2;
        float[] input = NumericAssert.RandomArray(random, batch * shape.InputLength);
        float[] weights = NumericAssert.RandomArray(random, shape.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, shape.BiasLength);
        float[] outputGrad = NumericAssert.RandomArray(random, batch * shape.OutputLength);

        float[] expected = new float[batch * shape.OutputLength], actual = NumericAssert.Poisoned(expected.Length);
        ReferenceConv2D.Forward(shape, input, weights, bias, expected);
        layer.Forward(input, weights, bias, actual);
        NumericAssert.AssertClose(expected, actual, NumericAssert.ReferenceTolerance, $"forward of {name}");

        float[] expectedInputGrad = new float[input.Length], actualInputGrad = NumericAssert.Poisoned(input.Length);
        ReferenceConv2D.BackwardData(shape, outputGrad, weights, expectedInputGrad);
        layer.BackwardData(outputGrad, weights, actualInputGrad);
        NumericAssert.AssertClose(expectedInputGrad, actualInputGrad, NumericAssert.ReferenceTolerance, $"inputGrad of {name}");

        float[] expectedWeightGrad = new float[weights.Length], expectedBiasGrad = new float[bias.Length];
        float[] actualWeightGrad = NumericAssert.Poisoned(weights.Length), actualBiasGrad = NumericAssert.Poisoned(bias.Length);
        ReferenceConv2D.BackwardWeights(shape, input, outputGrad, expectedWeightGrad, expectedBiasGrad);
        layer.BackwardWeights(input, outputGrad, actualWeightGrad, actualBiasGrad);
        NumericAssert.AssertClose(expectedWeightGrad, actualWeightGrad, NumericAssert.ReferenceTolerance, $"weightGrad of {name}");
        NumericAssert.AssertClose(expectedBiasGrad, actualBiasGrad, NumericAssert.ReferenceTolerance, $"biasGrad of {name}");
    }
}
