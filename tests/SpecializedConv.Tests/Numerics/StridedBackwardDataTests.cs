using System;
using System.Linq;
using System.Runtime.Intrinsics;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// Backward-data at stride 2 computes one stride phase at a time. Where a row phase has both column phases (input
/// columns 0, 2, 4, … and 1, 3, 5, …), the two are written out together, each input row whole: by the odd phase's kernel
/// itself, which interleaves its results with the even phase's as it stores them
/// (<see cref="KernelSupport.StoreInterleaved"/>), when its blocks cover whole columns; otherwise afterwards by
/// <see cref="KernelSupport.InterleavePhases"/>. A phase without its partner is scattered alone. These tests pin which
/// layers take which way and compare them with the reference kernel, on widths that reach the helper's vector loop, its
/// scalar tail, or only the tail, and kernels whose blocks span one or several column vectors and a tail of rows.
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class StridedBackwardDataTests
{
    private const string InKernel = "KernelSupport.StoreInterleaved(";
    private const string Interleaved = "KernelSupport.InterleavePhases(";
    private const string Scattered = "KernelSupport.ScatterPhase(";

    private static readonly (string Name, Conv2DShape Shape, string Writer)[] StridedShapes =
    {
        ("S4: same 3x3, rows of 32", new(16, 32, 32, 32, 3, 3, ConvMode.Same, stride: 2), InKernel),
        ("rows of 64: two column blocks, a tail of rows", new(4, 20, 64, 8, 3, 3, ConvMode.Same, stride: 2), InKernel),
        ("5x5, width 16: one vector a phase row", new(3, 14, 16, 5, 5, 5, ConvMode.Same, stride: 2), InKernel),
        ("odd width 33: vector loop and a one-column tail", new(3, 12, 33, 4, 3, 3, ConvMode.Same, stride: 2), Interleaved),
        ("width 9: the scalar tail only", new(2, 9, 9, 3, 3, 3, ConvMode.Same, stride: 2), Interleaved),
        ("2x2 valid: one tap per phase", new(3, 20, 20, 5, 2, 2, stride: 2), Interleaved),
        ("convolution, padding 1, width 18", new(2, 10, 18, 3, 3, 3, kind: ConvKind.Convolution, stride: 2, padding: 1), Interleaved),
        ("1x1: the odd columns and rows meet no tap", new(4, 10, 20, 3, 1, 1, stride: 2), Scattered),
    };

    private static readonly NamedLayers Layers = new(StridedShapes.Select(s => (s.Name, s.Shape)));

    public static TheoryData<string> StridedNames => Layers.Names;

    [Theory]
    [MemberData(nameof(StridedNames))]
    public void Stride_2_backward_data_and_the_other_passes_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        string writer = StridedShapes.Single(s => s.Name == name).Writer;
        foreach (string way in new[] { InKernel, Interleaved, Scattered })
        {
            if (way == writer)
            {
                Assert.Contains(way, source, StringComparison.Ordinal);
            }
            else
            {
                Assert.DoesNotContain(way, source, StringComparison.Ordinal);
            }
        }

        NumericAssert.AssertPassesMatchReference(layer, new Random(20261203 + name.Length), batch: 2, name);
    }

    [Fact]
    public void Storing_interleaved_writes_sixteen_floats_alternating_and_nothing_else()
    {
        float[] destination = Enumerable.Repeat(float.NaN, 18).ToArray();

        KernelSupport.StoreInterleaved(
            Vector256.Create(0f, 2, 4, 6, 8, 10, 12, 14), Vector256.Create(1f, 3, 5, 7, 9, 11, 13, 15), ref destination[1]);

        Assert.True(float.IsNaN(destination[0]) && float.IsNaN(destination[17]), "StoreInterleaved wrote outside its 16 floats.");
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (float)i), destination.Skip(1).Take(16));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(32)]
    [InlineData(47)]
    public void Interleaving_writes_every_column_of_the_rows_it_owns_and_nothing_else(int width)
    {
        const int channels = 2, height = 5, rows = 2, rowStart = 1;
        int evenColumns = (width + 1) / 2, oddColumns = width / 2;
        int evenRowPitch = evenColumns + 3, oddRowPitch = oddColumns + 5;
        int evenChannelPitch = (rows * evenRowPitch) + 1, oddChannelPitch = (rows * oddRowPitch) + 2;
        float[] even = Enumerable.Range(0, channels * evenChannelPitch).Select(i => 1000f + i).ToArray();
        float[] odd = Enumerable.Range(0, channels * oddChannelPitch).Select(i => -1000f - i).ToArray();
        float[] destination = Enumerable.Repeat(float.NaN, channels * height * width).ToArray();

        KernelSupport.InterleavePhases(even, odd, destination, channels, height, width, rows, rowStart, evenColumns, oddColumns,
            evenChannelPitch, evenRowPitch, oddChannelPitch, oddRowPitch);

        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                {
                    float actual = destination[(((c * height) + y) * width) + x];
                    int a = (y - rowStart) / 2;
                    bool owned = y >= rowStart && (y - rowStart) % 2 == 0 && a < rows;
                    float expected = !owned ? float.NaN
                        : x % 2 == 0 ? even[(c * evenChannelPitch) + (a * evenRowPitch) + (x / 2)]
                        : odd[(c * oddChannelPitch) + (a * oddRowPitch) + (x / 2)];
                    Assert.True(expected.Equals(actual), $"width {width}: destination[{c}, {y}, {x}] is {actual}, expected {expected}.");
                }
            }
        }
    }

    [Fact]
    public void Interleaving_refuses_phases_that_do_not_split_the_row()
    {
        var error = Assert.Throws<ArgumentException>(() => KernelSupport.InterleavePhases(
            new float[64], new float[64], new float[64], 1, 4, 16, 1, 0, 8, 7, 8, 8, 8, 8));
        Assert.Equal("evenColumns", error.ParamName);
        Assert.Contains("8 and 8", error.Message, StringComparison.Ordinal);
    }
}
