using System;
using System.Linq;
using Microsoft.CodeAnalysis;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// Backward-data has two forms: the full correlation of the zero-margined gradient with the flipped kernel, and, at
/// stride 1 where it does less work, the transposed form (per tap column sums, shifted into the row afterwards). These
/// tests pin which form the planner picks and compare the transposed form with the reference kernel on shapes chosen to
/// reach each of its branches: several gradient vectors per row, row and channel blocks that do not divide the sizes,
/// dilated shifts, padding, flipped kernels, one-column kernels and rows narrower than a vector.
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class TransposedBackwardDataTests
{
    /// <summary>The generated kernel's summary line that only the transposed form writes.</summary>
    private const string TransposedMarker = "computed column-tap by column-tap";

    private static readonly (string Name, Conv2DShape Shape)[] TransposedShapes =
    {
        ("LeNet conv2", new(6, 12, 12, 16, 5, 5)),
        ("LeNet conv1, one input channel", new(1, 28, 28, 6, 5, 5)),
        ("three gradient vectors per row, the last with one column", new(3, 9, 21, 5, 5, 5)),
        ("convolution: the kernel turned 180 degrees", new(2, 10, 12, 3, 5, 5, kind: ConvKind.Convolution)),
        ("dilation 2 shifts by 2 and 4 lanes", new(3, 12, 12, 4, 3, 3, dilation: 2)),
        ("explicit padding", new(2, 10, 10, 3, 5, 5, padding: 1)),
        ("five channels and seven rows, blocks overlap", new(5, 7, 11, 2, 5, 5)),
        ("one-column kernel", new(4, 10, 9, 3, 5, 1)),
        ("rows narrower than a vector", new(2, 9, 7, 3, 5, 5)),
        ("eighty-column rows are copied out in a loop", new(1, 4, 84, 2, 3, 5)),
    };

    private static readonly NamedLayers Layers = new(TransposedShapes);

    public static TheoryData<string> TransposedNames => Layers.Names;

    [Theory]
    [MemberData(nameof(TransposedNames))]
    public void Transposed_backward_data_and_the_other_passes_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        Assert.Contains(TransposedMarker, source, StringComparison.Ordinal);
        NumericAssert.AssertPassesMatchReference(layer, new Random(20261122 + name.Length), batch: 2, name);
    }

    [Theory]
    [InlineData(16, 32, 32, 16, 3, 3, ConvMode.Same, 1)]
    [InlineData(64, 56, 56, 64, 3, 3, ConvMode.Same, 1)]
    [InlineData(2, 5, 9, 3, 3, 3, ConvMode.Full, 1)]
    [InlineData(16, 32, 32, 32, 3, 3, ConvMode.Same, 2)]
    public void Full_correlation_stays_where_the_transposed_form_saves_nothing(int c, int h, int w, int k, int r, int s, ConvMode mode, int stride)
    {
        // Same-padded layers do the same multiply-adds in both forms, a full-mode gradient is wider than the input
        // gradient, and a stride above 1 has its own phase-split form.
        var shape = new Conv2DShape(c, h, w, k, r, s, mode, stride: stride);
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(GeneratorHarness.DeclareLayers(new[] { shape }));
        Assert.DoesNotContain(TransposedMarker, result.GeneratedTrees.Single().ToString(), StringComparison.Ordinal);
    }
}
