using System;
using System.Linq;
using System.Runtime.Intrinsics;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// At stride 1 the forward pass with padding, and backward-data's phases at any stride, read their source where it lies
/// instead of a copy with zero margins: source rows above or below it read a row of zeros, and in the column blocks at a
/// row's ends a vector that would reach past the end is the vector at that end moved by whole columns
/// (<see cref="KernelSupport.ShiftColumns"/>), those past the end zeroed. These tests pin which layers take that form and
/// compare every pass with the reference kernel on shapes chosen for its edges: both ends in one block, a last block that
/// overlaps, moves by two columns, asymmetric padding, sources shorter than the kernel, the turned kernel, stride phases.
/// </summary>
/// <remarks>Tolerance: <see cref="NumericAssert.ReferenceTolerance"/>, as in <see cref="GeneratedLayerPropertyTests"/>.</remarks>
public sealed class InPlaceBlockKernelTests
{
    /// <summary>The geometry comment of a layer whose stride-1 forward reads the input in place.</summary>
    private const string ForwardInPlace = "// Only backward-weights packs the input: the forward pass reads it in place.";

    /// <summary>The summary line that only the transposed backward-data writes (see <see cref="TransposedBackwardDataTests"/>).</summary>
    private const string TransposedMarker = "computed column-tap by column-tap";

    /// <summary>The geometry comments of a layer whose backward-data phases read the output gradient in place.</summary>
    private static readonly string[] DataInPlace =
    {
        "// Backward-data reads the output gradient in place.",
        "// Backward-data reads the output gradient in place; its stride phases go through a scratch buffer.",
    };

    /// <summary>Per layer: whether its forward and its backward-data read in place (null: backward-data takes the transposed form).</summary>
    private static readonly (string Name, Conv2DShape Shape, bool Forward, bool? Data)[] Shapes =
    {
        ("S3: 3x3 padding 1, edge blocks at both ends of a row", new(16, 32, 32, 16, 3, 3, padding: 1), true, true),
        ("20 columns: the last block overlaps its neighbour and reads past the row's end", new(4, 13, 20, 8, 3, 3, padding: 1), true, true),
        ("8 columns: one block reaches past both ends", new(2, 8, 8, 4, 3, 3, padding: 1), true, null),
        ("dilation 2 with padding 2: vectors moved by two columns", new(2, 16, 16, 8, 3, 3, padding: 2, dilation: 2), true, null),
        ("same mode 4x4: one row and column more padding after than before", new(3, 12, 16, 4, 4, 4, ConvMode.Same), true, true),
        ("full mode on two rows: every block reads the zero row", new(2, 2, 12, 3, 3, 3, ConvMode.Full), true, null),
        ("convolution: the turned kernel", new(3, 10, 24, 5, 3, 3, kind: ConvKind.Convolution, padding: 1), true, true),
        ("S4: stride 2, backward-data's four phases", new(16, 32, 32, 32, 3, 3, stride: 2, padding: 1), false, true),
        ("stride 2, 5x5 padding 2: phases with two rows of taps", new(3, 20, 24, 8, 5, 5, stride: 2, padding: 2), false, true),
        ("5x5 padding 2, 24 columns: one block of three vectors reaches past both ends", new(8, 12, 24, 16, 5, 5, padding: 2), true, true),
        ("7x7 padding 3, 48 columns: two edge blocks of 588 FMAs would pass the cap", new(3, 12, 48, 8, 7, 7, padding: 3), false, false),
        ("5 output columns: narrower than a vector", new(2, 9, 5, 3, 3, 3, padding: 1), false, false),
    };

    private static readonly NamedLayers Layers = new(Shapes.Select(s => (s.Name, s.Shape)));

    public static TheoryData<string> Names => Layers.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void In_place_kernels_and_the_other_passes_match_the_reference(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        (_, _, bool forward, bool? data) = Shapes.Single(s => s.Name == name);
        Assert.Equal((forward, data), (source.Contains(ForwardInPlace, StringComparison.Ordinal), DataReadsInPlace(source)));
        if (forward)
        {
            Assert.Contains("ForwardSample(ref MemoryMarshal.GetReference(input.Slice(n * InputLength, InputLength))", source, StringComparison.Ordinal);
        }

        if (data == true)
        {
            Assert.DoesNotContain("PackedOutputGradLength", source, StringComparison.Ordinal);
        }

        NumericAssert.AssertPassesMatchReference(layer, new Random(20261205 + name.Length), batch: 2, name);
    }

    /// <summary>Whether backward-data reads the output gradient in place; null where it takes the transposed form.</summary>
    private static bool? DataReadsInPlace(string source) =>
        DataInPlace.Any(marker => source.Contains(marker, StringComparison.Ordinal)) ? true
        : source.Contains(TransposedMarker, StringComparison.Ordinal) ? null
        : false;

    [Fact]
    public void Edge_moves_shift_lanes_toward_the_row_and_zero_the_ones_past_its_end()
    {
        // The constants the generated kernels declare for moves by one column (see ForwardSample in the S3 layer).
        Vector256<float> row = Vector256.Create(1f, 2, 3, 4, 5, 6, 7, 8);
        var fromStart1 = Vector256.Create(0, 0, 1, 2, 3, 4, 5, 6);
        var keepFrom1 = Vector256.Create(0, -1, -1, -1, -1, -1, -1, -1).AsSingle();
        var fromEnd1 = Vector256.Create(1, 2, 3, 4, 5, 6, 7, 7);
        var keepTo1 = Vector256.Create(-1, -1, -1, -1, -1, -1, -1, 0).AsSingle();

        Assert.Equal(Vector256.Create(0f, 1, 2, 3, 4, 5, 6, 7), KernelSupport.ShiftColumns(row, fromStart1, keepFrom1));
        Assert.Equal(Vector256.Create(2f, 3, 4, 5, 6, 7, 8, 0), KernelSupport.ShiftColumns(row, fromEnd1, keepTo1));
    }
}
