using System;
using System.Linq;
using System.Runtime.Intrinsics;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// The forward pass at stride 2 reads the input where it is, in one of two forms. Where K is a multiple of 16 or 24 (at
/// any stride above 1), output channels go along the lanes (<see cref="ChannelLanes"/>): every tap loads its weights for eight channels as a vector
/// from the weights transposed to [c, r, s][k] and broadcasts the input value each pixel of a block reads, and the
/// pixel-major sums are transposed to NCHW. Otherwise output columns go along the lanes in the order 0, 1, 4, 5 | 2, 3, 6, 7
/// of a block, so that every other input column is one in-lane shuffle of two loads (<see cref="KernelSupport.EvenColumns"/>,
/// <see cref="KernelSupport.OddColumns"/>), put back in order as results are stored
/// (<see cref="KernelSupport.RestoreColumnOrder"/>), and the first column block moves the vectors of taps left of the input
/// (<see cref="KernelSupport.ShiftColumns"/>). In both, kernel rows outside the input read a row of zeros. These tests pin
/// which layers take which form and which keep the packed kernel, compare every pass with the reference kernel, and
/// check the helpers' lane orders (without AVX2 their portable branches run).
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class StridedForwardTests
{
    private const string Shuffled = "KernelSupport.EvenColumns(";

    private const string ChannelLanes = "Transpose(outputT, output.Slice(";

    private enum Form
    {
        Packed,
        Shuffled,
        ChannelLanes,
    }

    private static readonly (string Name, Conv2DShape Shape, Form Form)[] StridedShapes =
    {
        ("S4: 3x3 padding 1, K = 32: two vectors x six pixels, a tail of four", new(16, 32, 32, 32, 3, 3, stride: 2, padding: 1), Form.ChannelLanes),
        ("K = 24: three vectors x four pixels", new(5, 32, 32, 24, 3, 3, stride: 2, padding: 1), Form.ChannelLanes),
        ("K = 8, 24 columns: a broadcast for every FMA in channel lanes, so shuffled", new(3, 48, 48, 8, 3, 3, stride: 2, padding: 1), Form.Shuffled),
        ("K = 48, 30 columns: three vectors x four pixels, a loop between the edges", new(3, 24, 59, 48, 3, 3, stride: 2, padding: 1), Form.ChannelLanes),
        ("width 31: the last pixel's right tap outside the input", new(4, 20, 31, 16, 3, 3, stride: 2, padding: 1), Form.ChannelLanes),
        ("Same mode, 4x4 on 23x23: padding 1 above and left, 2 below and right", new(3, 23, 23, 16, 4, 4, ConvMode.Same, stride: 2), Form.ChannelLanes),
        ("dilation 2, 40 columns: a loop over the blocks between the edges", new(2, 30, 84, 16, 3, 3, stride: 2, dilation: 2, padding: 2), Form.ChannelLanes),
        ("2x2 convolution: the turned kernel", new(2, 16, 32, 16, 2, 2, kind: ConvKind.Convolution, stride: 2), Form.ChannelLanes),
        ("5 output columns: one block of five pixels", new(3, 9, 9, 16, 3, 3, stride: 2, padding: 1), Form.ChannelLanes),
        ("stride 3, 3x3 padding 1, K = 32", new(5, 47, 47, 32, 3, 3, stride: 3, padding: 1), Form.ChannelLanes),
        ("stride 4, 4x4, K = 48: three vectors x four pixels, blocks that tile the input", new(3, 64, 64, 48, 4, 4, stride: 4), Form.ChannelLanes),
        ("stride 3, K = 8: packed", new(3, 30, 30, 8, 3, 3, stride: 3), Form.Packed),
        ("no padding, K = 9: no edge block, one block of 9 channels", new(3, 21, 34, 9, 3, 3, stride: 2), Form.Shuffled),
        ("width 22, K = 12: a last column block overlapping, a bottom row below the input", new(4, 23, 44, 12, 3, 3, stride: 2, padding: 1), Form.Shuffled),
        ("dilation 3, 17 columns: a last block of five pixels in twelve is too short for channel lanes", new(2, 20, 40, 8, 3, 3, stride: 2, dilation: 3), Form.Shuffled),
        ("5x5 padding 1, K = 24: channel lanes would unroll too much; two shuffled loop nests at the cap", new(3, 17, 32, 24, 5, 5, stride: 2, padding: 1), Form.Shuffled),
        ("5x5 padding 2, K = 10: the last column reads padding on the right", new(3, 20, 32, 10, 5, 5, stride: 2, padding: 2), Form.Packed),
        ("K = 6: blocks too small", new(3, 20, 32, 6, 3, 3, stride: 2, padding: 1), Form.Packed),
    };

    private static readonly NamedLayers Layers = new(StridedShapes.Select(s => (s.Name, s.Shape)));

    public static TheoryData<string> StridedNames => Layers.Names;

    [Theory]
    [MemberData(nameof(StridedNames))]
    public void Strided_forward_and_the_other_passes_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        Form form = StridedShapes.Single(s => s.Name == name).Form;
        string forward = ForwardWrapper(source);
        Assert.Equal(form == Form.Shuffled, source.Contains(Shuffled, StringComparison.Ordinal));
        Assert.Equal(form == Form.ChannelLanes, forward.Contains(ChannelLanes, StringComparison.Ordinal));
        Assert.Equal(form == Form.Packed, forward.Contains("PackPlanes(", StringComparison.Ordinal));

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
