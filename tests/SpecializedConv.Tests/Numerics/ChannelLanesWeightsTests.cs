using System;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// Backward-weights has two forms. Where the output planes fit in L1 it puts output pixels along the vector lanes; where
/// they do not and K is a multiple of eight, it transposes the output gradient (<see cref="KernelSupport.Transpose"/>),
/// puts output channels along the lanes and sums into a transposed weight gradient, tiled over output rows. It does so
/// too where the pixel-lane form would sum few vectors before each horizontal reduction or pad many lanes. These tests
/// pin which layers take which form and its blocking, and compare every pass with the reference kernel over two samples,
/// on shapes that reach each blocking (one, two and three vectors of channels; never four, whose twelve accumulators with
/// four gradient vectors and a broadcast would need 17 of AVX2's 16 registers), groups that cross source channels with
/// and without a tail, strides, dilation, convolution, a kernel too large to group across channels and one too large for
/// three vectors.
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class ChannelLanesWeightsTests
{
    private const string ChannelLanes = "KernelSupport.Transpose(weightGradT, weightGrad";

    /// <summary>The layers, and the channel-lane form's eight-channel vectors per block (0: the pixel-lane form).</summary>
    private static readonly (string Name, Conv2DShape Shape, int Vectors)[] Shapes =
    {
        ("56x56, K = 16: two vectors x six rows, groups over two channels", new(16, 56, 56, 16, 3, 3, ConvMode.Same), 2),
        ("K = 8, five channels: twelve rows over four channels and a tail", new(5, 48, 48, 8, 3, 3, ConvMode.Same), 1),
        ("K = 24, stride 2, 5x5: three vectors x four rows inside each channel (a repeat of four and a tail would unroll 450 FMAs)", new(6, 64, 64, 24, 5, 5, ConvMode.Same, stride: 2), 3),
        ("K = 16, 5x5, two channels: two vectors x six rows over both channels, short of a repeat of six", new(2, 64, 64, 16, 5, 5, ConvMode.Same), 2),
        ("convolution, dilation 2, K = 32: two vectors x six rows, not four x three (17 registers)", new(3, 64, 64, 32, 3, 3, kind: ConvKind.Convolution, dilation: 2), 2),
        ("7x7 stride 2, K = 64: one channel's rows, a short last group", new(3, 64, 64, 64, 7, 7, stride: 2, padding: 3), 2),
        ("11x11, K = 48: two vectors, not three, so that 121 taps stay unrollable", new(3, 64, 64, 48, 11, 11), 2),
        ("S2 (LeNet conv2), 8x8 outputs: eight vectors a reduction, so channel lanes although the planes fit in L1", new(6, 12, 12, 16, 5, 5), 2),
        ("14x20 outputs: the pixel-lane rows would pad 20 columns to 24", new(4, 14, 20, 8, 5, 5, ConvMode.Same), 1),
        ("15x15 outputs at stride 2: one column of padding in 16, 30 vectors a reduction", new(8, 32, 32, 24, 5, 5, stride: 2, padding: 1), 3),
        ("S3: the planes fit in L1", new(16, 32, 32, 16, 3, 3, ConvMode.Same), 0),
        ("S4: 16x16 outputs, 32 vectors a reduction, no padded lanes", new(16, 32, 32, 32, 3, 3, stride: 2, padding: 1), 0),
        ("14x16 outputs with 5x5 taps: 28 vectors a reduction, no padded lanes", new(4, 14, 16, 8, 5, 5, ConvMode.Same), 0),
        ("K = 12: not a multiple of eight", new(6, 64, 64, 12, 3, 3, ConvMode.Same), 0),
    };

    private static readonly NamedLayers Layers = new(Shapes.Select(s => (s.Name, s.Shape)));

    public static TheoryData<string> Names => Layers.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Backward_weights_in_either_form_and_the_other_passes_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        int vectors = Shapes.Single(s => s.Name == name).Vectors;
        if (vectors > 0)
        {
            Assert.Contains(ChannelLanes, source, StringComparison.Ordinal);

            // The 12 / nr accumulator rows of nr vectors, the nr gradient vectors and the broadcast fit AVX2's 16 registers.
            Match blocking = Regex.Match(source, @"\((\d+) vector\(s\)\) × groups of up to (\d+) \(source channel, tap\) rows");
            Assert.True(blocking.Success, "no channel-lane blocking in the remarks");
            int rows = int.Parse(blocking.Groups[2].Value, CultureInfo.InvariantCulture);
            Assert.Equal(vectors, int.Parse(blocking.Groups[1].Value, CultureInfo.InvariantCulture));
            Assert.InRange((rows * vectors) + vectors + 1, 1, 16);
        }
        else
        {
            Assert.DoesNotContain(ChannelLanes, source, StringComparison.Ordinal);
        }

        NumericAssert.AssertPassesMatchReference(layer, new Random(20261204 + name.Length), batch: 2, name);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(8, 8)]
    [InlineData(16, 64)]
    [InlineData(150, 16)]
    [InlineData(13, 29)]
    [InlineData(7, 9)]
    [InlineData(24, 5)]
    public void Transpose_moves_every_element_and_writes_nothing_else(int rows, int columns)
    {
        float[] source = Enumerable.Range(0, rows * columns).Select(i => (float)i).ToArray();
        float[] destination = Enumerable.Repeat(float.NaN, rows * columns).ToArray();

        KernelSupport.Transpose(source, destination, rows, columns);

        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                Assert.Equal(source[(i * columns) + j], destination[(j * rows) + i]);
            }
        }
    }

    [Fact]
    public void Transpose_names_the_span_whose_length_is_not_rows_times_columns()
    {
        var tooShort = Assert.Throws<ArgumentException>(() => KernelSupport.Transpose(new float[11], new float[12], 3, 4));
        Assert.Equal("source", tooShort.ParamName);
        Assert.Contains("12", tooShort.Message, StringComparison.Ordinal);

        var tooLong = Assert.Throws<ArgumentException>(() => KernelSupport.Transpose(new float[12], new float[13], 3, 4));
        Assert.Equal("destination", tooLong.ParamName);
    }
}
