using System;
using System.Linq;
using System.Runtime.Intrinsics;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// The forward pass at stride 2 reads the input where it is, without packing it into column phases: lanes hold output
/// columns 0, 1, 4, 5 | 2, 3, 6, 7 of a block, so that every other input column is one in-lane shuffle of two loads
/// (<see cref="KernelSupport.EvenColumns"/>, <see cref="KernelSupport.OddColumns"/>), put back in order as results are
/// stored (<see cref="KernelSupport.RestoreColumnOrder"/>). Kernel rows outside the input read a row of zeros; the first
/// column block moves the vectors of taps left of the input (<see cref="KernelSupport.ShiftColumns"/>). These tests pin
/// which layers take that form and which keep the packed kernel, compare both with the reference kernel, and check the
/// helpers' lane orders (without AVX2 their portable branches run).
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class StridedForwardTests
{
    private const string InPlace = "KernelSupport.EvenColumns(";

    private static readonly (string Name, Conv2DShape Shape, bool ReadsInPlace)[] StridedShapes =
    {
        ("S4: 3x3 padding 1, K = 32 in blocks of 11, the last overlapping", new(16, 32, 32, 32, 3, 3, stride: 2, padding: 1), true),
        ("no padding: no edge block, one block of 9 channels", new(3, 21, 34, 9, 3, 3, stride: 2), true),
        ("width 22: a last column block overlapping, a bottom row below the input", new(4, 23, 44, 12, 3, 3, stride: 2, padding: 1), true),
        ("2x2 convolution: the turned kernel, two blocks of 8 channels", new(2, 16, 32, 16, 2, 2, kind: ConvKind.Convolution, stride: 2), true),
        ("dilation 3: tap columns 0, 3 and 6", new(2, 20, 40, 8, 3, 3, stride: 2, dilation: 3), true),
        ("5x5 padding 1: two loop nests at the cap", new(3, 17, 32, 24, 5, 5, stride: 2, padding: 1), true),
        ("5x5 padding 2: the last column reads padding on the right", new(3, 20, 32, 10, 5, 5, stride: 2, padding: 2), false),
        ("K = 6: blocks too small", new(3, 20, 32, 6, 3, 3, stride: 2, padding: 1), false),
        ("5 output columns: narrower than a vector", new(3, 9, 9, 16, 3, 3, stride: 2, padding: 1), false),
    };

    private static readonly NamedLayers Layers = new(StridedShapes.Select(s => (s.Name, s.Shape)));

    public static TheoryData<string> StridedNames => Layers.Names;

    [Theory]
    [MemberData(nameof(StridedNames))]
    public void Stride_2_forward_and_the_other_passes_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        if (StridedShapes.Single(s => s.Name == name).ReadsInPlace)
        {
            Assert.Contains(InPlace, source, StringComparison.Ordinal);
            Assert.DoesNotContain("PackPlanes(", ForwardWrapper(source), StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain(InPlace, source, StringComparison.Ordinal);
        }

        NumericAssert.AssertPassesMatchReference(layer, new Random(20261204 + name.Length), batch: 2, name);
    }

    /// <summary>The generated Forward wrapper, up to BackwardData: backward-weights may pack the input for itself.</summary>
    private static string ForwardWrapper(string source)
    {
        int start = source.IndexOf("public static void Forward(ReadOnlySpan<float> input", StringComparison.Ordinal);
        Assert.True(start >= 0, "the Forward wrapper was not found in the generated source");
        int end = source.IndexOf("public static void BackwardData(", start, StringComparison.Ordinal);
        Assert.True(end > start, "no BackwardData after the Forward wrapper in the generated source");
        return source[start..end];
    }

    [Fact]
    public void Even_and_odd_columns_take_alternate_elements_in_the_stride_2_lane_order()
    {
        Vector256<float> low = Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), high = Vector256.Create(8f, 9, 10, 11, 12, 13, 14, 15);

        Assert.Equal(Vector256.Create(0f, 2, 8, 10, 4, 6, 12, 14), KernelSupport.EvenColumns(low, high));
        Assert.Equal(Vector256.Create(1f, 3, 9, 11, 5, 7, 13, 15), KernelSupport.OddColumns(low, high));
        Assert.Equal(Vector256.Create(0f, 2, 4, 6, 8, 10, 12, 14), KernelSupport.RestoreColumnOrder(KernelSupport.EvenColumns(low, high)));
    }

    [Fact]
    public void Shifting_columns_permutes_lanes_then_keeps_only_the_masked_ones()
    {
        // The generated moves by one and two columns in that lane order (see ForwardSample's moveBy constants).
        Vector256<float> odd = KernelSupport.OddColumns(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(8f, 9, 10, 11, 12, 13, 14, 15));
        Vector256<float> keepFrom1 = Vector256.Create(0, -1, -1, -1, -1, -1, -1, -1).AsSingle();
        Vector256<float> keepFrom2 = Vector256.Create(0, 0, -1, -1, -1, -1, -1, -1).AsSingle();

        Vector256<float> movedBy1 = KernelSupport.ShiftColumns(odd, Vector256.Create(0, 0, 5, 2, 1, 4, 3, 6), keepFrom1);
        Vector256<float> movedBy2 = KernelSupport.ShiftColumns(odd, Vector256.Create(0, 0, 4, 5, 0, 1, 2, 3), keepFrom2);

        // Output columns 0 … 7 of input columns 2j − 1 and 2j − 3: padding (0) left of the input.
        Assert.Equal(Vector256.Create(0f, 1, 3, 5, 7, 9, 11, 13), KernelSupport.RestoreColumnOrder(movedBy1));
        Assert.Equal(Vector256.Create(0f, 0, 1, 3, 5, 7, 9, 11), KernelSupport.RestoreColumnOrder(movedBy2));
    }
}
