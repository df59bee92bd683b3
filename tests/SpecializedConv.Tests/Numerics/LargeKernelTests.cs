using System;
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

    private static readonly NamedLayers Layers = new(Shapes);

    public static TheoryData<string> Names => Layers.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Large_kernels_loop_over_their_rows_and_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        Assert.Contains(RowLoopMarker, source, StringComparison.Ordinal);
        NumericAssert.AssertPassesMatchReference(layer, new Random(20261122 + name.Length), batch: 2, name);
    }
}
