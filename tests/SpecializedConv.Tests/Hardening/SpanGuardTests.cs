using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Hardening;

/// <summary>
/// Stride 1 with explicit padding: backward-weights packs the input with margins on every side; the forward pass and
/// backward-data read their sources in place, 10 columns in two blocks that each reach past one end of a row.
/// </summary>
[Conv2D(2, 9, 10, 3, 3, Padding = 1)]
public partial class GuardPaddedLayer;

/// <summary>Stride 2, 21 columns: packing de-interleaves 16 columns with AVX2 and the remaining 5 one by one.</summary>
[Conv2D(2, 11, 21, 3, 3, Stride = 2)]
public partial class GuardStride2Layer;

/// <summary>
/// Stride 2 with padding, 8 output channels: the forward reads the input in place, the first column block shifted, and so
/// do backward-data's phases the output gradient.
/// </summary>
[Conv2D(2, 9, 32, 8, 3, 3, Stride = 2, Padding = 1)]
public partial class GuardStride2InPlaceLayer;

/// <summary>
/// Stride 2 with padding, 16 output channels: the forward puts output channels along the lanes, two blocks of six pixels
/// a row whose taps reach past the row's start and its end, the weights and outputs through transposed buffers.
/// </summary>
[Conv2D(2, 9, 23, 16, 3, 3, Stride = 2, Padding = 1)]
public partial class GuardStride2ChannelLanesLayer;

/// <summary>Full convolution with dilation: the largest padding, flipped taps; forward and backward-data read in place.</summary>
[Conv2D(2, 7, 9, 2, 3, 2, Mode = ConvMode.Full, Kind = ConvKind.Convolution, Dilation = 2)]
public partial class GuardFullDilatedLayer;

/// <summary>Output width 5, less than one vector: stores are partial.</summary>
[Conv2D(3, 6, 7, 2, 3)]
public partial class GuardNarrowLayer;

/// <summary>Stride 3 in Same mode, a static class: the general phase packing and the backward-data phase scatter.</summary>
[Conv2D(2, 10, 11, 2, 3, Mode = ConvMode.Same, Stride = 3)]
public static partial class GuardStride3Layer;

/// <summary>
/// Runtime span safety: every pass of a few declared layers and of <see cref="ReferenceConv2D"/>, called with spans cut
/// from the middle of larger arrays whose other elements are guard NaNs with a recognisable payload, leaves every guard
/// bit-for-bit untouched, for one sample and for batches, and computes bit-for-bit what it computes on plain arrays (a
/// guard read into a sum would turn it into NaN). A span of the wrong length throws <see cref="ArgumentException"/> naming
/// the parameter before anything is written: the output spans, pre-filled with a sentinel, and their guards stay unchanged.
/// </summary>
public sealed class SpanGuardTests
{
    /// <summary>Guard elements on each side of a span: odd, so that spans start at every alignment, and over two vectors.</summary>
    private const int Margin = 19;

    /// <summary>A quiet NaN whose payload (0x5EA1D) no arithmetic produces: a written or copied guard is recognisable.</summary>
    private static readonly int GuardBits = 0x7FC5_EA1D;

    /// <summary>What output spans hold before a call: another NaN payload, so an element the call does not write is caught.</summary>
    private static readonly int SentinelBits = 0x7FC0_5E17;

    private static readonly Dictionary<string, LayerPasses> Layers = new[]
    {
        LayerPasses.Generated<GuardPaddedLayer>(),
        LayerPasses.Generated<GuardStride2Layer>(),
        LayerPasses.Generated<GuardStride2InPlaceLayer>(),
        LayerPasses.Generated<GuardStride2ChannelLanesLayer>(),
        LayerPasses.Generated<GuardFullDilatedLayer>(),
        LayerPasses.Generated<GuardNarrowLayer>(),
        LayerPasses.Generated<GuardStride3Layer.Kernel>(),
        LayerPasses.Reference(GuardPaddedLayer.Shape),
        LayerPasses.Reference(GuardStride2Layer.Shape),
        LayerPasses.Reference(GuardStride2InPlaceLayer.Shape),
        LayerPasses.Reference(GuardFullDilatedLayer.Shape),
        LayerPasses.Reference(GuardNarrowLayer.Shape),
        LayerPasses.Reference(GuardStride3Layer.Shape),
    }.ToDictionary(layer => layer.Name, StringComparer.Ordinal);

    public static TheoryData<string, int> LayersAndBatches
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (string name in Layers.Keys)
            {
                data.Add(name, 1);
                data.Add(name, 3);
            }

            return data;
        }
    }

    public static TheoryData<string> LayerNames => new(Layers.Keys);

    [Fact]
    public void The_declared_layers_cover_padding_strides_one_to_three_dilation_and_narrow_rows()
    {
        Conv2DShape[] shapes = Layers.Values.Select(layer => layer.Shape).ToArray();
        Assert.Contains(shapes, s => s.Stride == 1 && s.Padding > 0);
        Assert.Contains(shapes, s => s.Stride == 2 && s.InWidth >= 16);
        Assert.Contains(shapes, s => s.Stride == 3);
        Assert.Contains(shapes, s => s.Mode == ConvMode.Full && s.Kind == ConvKind.Convolution && s.Dilation > 1);
        Assert.Contains(shapes, s => s.OutWidth < KernelSupport.Lanes);
    }

    [Theory]
    [MemberData(nameof(LayersAndBatches))]
    public void Every_pass_leaves_the_elements_around_its_spans_untouched_and_computes_what_it_computes_on_plain_arrays(string name, int batch)
    {
        LayerPasses layer = Layers[name];
        Conv2DShape shape = layer.Shape;
        var random = new Random(batch * 1000 + name.Length);
        float[] input = NumericAssert.RandomArray(random, batch * shape.InputLength);
        float[] weights = NumericAssert.RandomArray(random, shape.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, shape.BiasLength);
        float[] outputGrad = NumericAssert.RandomArray(random, batch * shape.OutputLength);

        // Plain arrays first: the expected bits. Their outputs start at a different value than the guarded ones, so an
        // element that one call leaves unwritten shows up as a difference.
        float[] output = Filled(batch * shape.OutputLength, -7f), inputGrad = Filled(input.Length, -7f);
        float[] weightGrad = Filled(weights.Length, -7f), biasGrad = Filled(bias.Length, -7f);
        layer.Forward(input, weights, bias, output);
        layer.BackwardData(outputGrad, weights, inputGrad);
        layer.BackwardWeights(input, outputGrad, weightGrad, biasGrad);

        Guarded gInput = Guarded.Of(input), gWeights = Guarded.Of(weights), gBias = Guarded.Of(bias), gOutputGrad = Guarded.Of(outputGrad);
        Guarded gOutput = Guarded.Sentinel(output.Length), gInputGrad = Guarded.Sentinel(input.Length);
        Guarded gWeightGrad = Guarded.Sentinel(weights.Length), gBiasGrad = Guarded.Sentinel(bias.Length);
        layer.Forward(gInput.Span, gWeights.Span, gBias.Span, gOutput.Span);
        layer.BackwardData(gOutputGrad.Span, gWeights.Span, gInputGrad.Span);
        layer.BackwardWeights(gInput.Span, gOutputGrad.Span, gWeightGrad.Span, gBiasGrad.Span);

        string what = $"{name}, batch {batch}";
        foreach ((Guarded buffer, string parameter) in new[]
        {
            (gInput, "input"), (gWeights, "weights"), (gBias, "bias"), (gOutputGrad, "outputGrad"),
            (gOutput, "output"), (gInputGrad, "inputGrad"), (gWeightGrad, "weightGrad"), (gBiasGrad, "biasGrad"),
        })
        {
            buffer.AssertGuardsIntact($"{parameter} of {what}");
        }

        AssertSameBits(input, gInput.Span, $"input of {what} (read-only)");
        AssertSameBits(output, gOutput.Span, $"output of {what}");
        AssertSameBits(inputGrad, gInputGrad.Span, $"inputGrad of {what}");
        AssertSameBits(weightGrad, gWeightGrad.Span, $"weightGrad of {what}");
        AssertSameBits(biasGrad, gBiasGrad.Span, $"biasGrad of {what}");

        // And the plain results are right (so the comparison above is against something meaningful).
        float[] expected = new float[output.Length];
        ReferenceConv2D.Forward(shape, input, weights, bias, expected);
        NumericAssert.AssertClose(expected, output, NumericAssert.ReferenceTolerance, $"forward of {what}");
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Spans_cut_back_to_back_from_one_array_give_the_results_of_separate_arrays(string name)
    {
        // Every span of a pass adjacent to the next in one array: a write past an output's end would land in the next
        // span, a read past an input's end would read the next span's values.
        LayerPasses layer = Layers[name];
        Conv2DShape shape = layer.Shape;
        const int Batch = 2;
        var random = new Random(7 + name.Length);
        float[] input = NumericAssert.RandomArray(random, Batch * shape.InputLength);
        float[] weights = NumericAssert.RandomArray(random, shape.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, shape.BiasLength);
        float[] outputGrad = NumericAssert.RandomArray(random, Batch * shape.OutputLength);
        float[] output = new float[Batch * shape.OutputLength], inputGrad = new float[input.Length];
        float[] weightGrad = new float[weights.Length], biasGrad = new float[bias.Length];
        layer.Forward(input, weights, bias, output);
        layer.BackwardData(outputGrad, weights, inputGrad);
        layer.BackwardWeights(input, outputGrad, weightGrad, biasGrad);

        float[] packed = Concatenate(output, input, weights, bias, outputGrad, biasGrad, weightGrad, inputGrad);
        float[] before = (float[])packed.Clone();
        int[] lengths = { output.Length, input.Length, weights.Length, bias.Length, outputGrad.Length, biasGrad.Length, weightGrad.Length, inputGrad.Length };
        int[] starts = new int[lengths.Length];
        for (int i = 1; i < lengths.Length; i++)
        {
            starts[i] = starts[i - 1] + lengths[i - 1];
        }

        Assert.Equal(packed.Length, starts[^1] + lengths[^1]);
        Span<float> pOutput = packed.AsSpan(starts[0], lengths[0]), pInput = packed.AsSpan(starts[1], lengths[1]);
        Span<float> pWeights = packed.AsSpan(starts[2], lengths[2]), pBias = packed.AsSpan(starts[3], lengths[3]);
        Span<float> pOutputGrad = packed.AsSpan(starts[4], lengths[4]), pBiasGrad = packed.AsSpan(starts[5], lengths[5]);
        Span<float> pWeightGrad = packed.AsSpan(starts[6], lengths[6]), pInputGrad = packed.AsSpan(starts[7], lengths[7]);
        pOutput.Fill(float.NaN);
        pBiasGrad.Fill(float.NaN);
        pWeightGrad.Fill(float.NaN);
        pInputGrad.Fill(float.NaN);
        layer.Forward(pInput, pWeights, pBias, pOutput);
        layer.BackwardData(pOutputGrad, pWeights, pInputGrad);
        layer.BackwardWeights(pInput, pOutputGrad, pWeightGrad, pBiasGrad);

        AssertSameBits(before, packed, $"{name}: every span back to back");
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Wrong_lengths_throw_naming_the_parameter_before_anything_is_written(string name)
    {
        LayerPasses layer = Layers[name];
        Conv2DShape s = layer.Shape;
        const int Batch = 2;
        int input = Batch * s.InputLength, output = Batch * s.OutputLength;
        int checks = 0;

        // Forward(input, weights, bias, output).
        foreach ((string parameter, int[] lengths) in new[]
        {
            ("input", new[] { 0, s.InputLength - 1, input + 1, input - 1 }),
            ("weights", new[] { 0, s.WeightLength - 1, s.WeightLength + 1 }),
            ("bias", new[] { 0, s.BiasLength - 1, s.BiasLength + 1 }),
            ("output", new[] { 0, s.OutputLength, 3 * s.OutputLength, output + 1, output - 1 }),
        })
        {
            foreach (int length in lengths)
            {
                Guarded gInput = Random(parameter == "input" ? length : input), gWeights = Random(parameter == "weights" ? length : s.WeightLength);
                Guarded gBias = Random(parameter == "bias" ? length : s.BiasLength), gOutput = Guarded.Sentinel(parameter == "output" ? length : output);
                AssertRejected(parameter, length, () => layer.Forward(gInput.Span, gWeights.Span, gBias.Span, gOutput.Span), $"{name}.Forward", gOutput);
                checks++;
            }
        }

        // BackwardData(outputGrad, weights, inputGrad).
        foreach ((string parameter, int[] lengths) in new[]
        {
            ("outputGrad", new[] { 0, s.OutputLength - 1, output + 1 }),
            ("weights", new[] { 0, s.WeightLength - 1, s.WeightLength + 1 }),
            ("inputGrad", new[] { 0, s.InputLength, 3 * s.InputLength, input - 1, input + 1 }),
        })
        {
            foreach (int length in lengths)
            {
                Guarded gOutputGrad = Random(parameter == "outputGrad" ? length : output), gWeights = Random(parameter == "weights" ? length : s.WeightLength);
                Guarded gInputGrad = Guarded.Sentinel(parameter == "inputGrad" ? length : input);
                AssertRejected(parameter, length, () => layer.BackwardData(gOutputGrad.Span, gWeights.Span, gInputGrad.Span), $"{name}.BackwardData", gInputGrad);
                checks++;
            }
        }

        // BackwardWeights(input, outputGrad, weightGrad, biasGrad).
        foreach ((string parameter, int[] lengths) in new[]
        {
            ("input", new[] { 0, s.InputLength + 1, input - 1 }),
            ("outputGrad", new[] { 0, s.OutputLength, 3 * s.OutputLength, output - 1 }),
            ("weightGrad", new[] { 0, s.WeightLength - 1, s.WeightLength + 1 }),
            ("biasGrad", new[] { 0, s.BiasLength - 1, s.BiasLength + 1 }),
        })
        {
            foreach (int length in lengths)
            {
                Guarded gInput = Random(parameter == "input" ? length : input), gOutputGrad = Random(parameter == "outputGrad" ? length : output);
                Guarded gWeightGrad = Guarded.Sentinel(parameter == "weightGrad" ? length : s.WeightLength);
                Guarded gBiasGrad = Guarded.Sentinel(parameter == "biasGrad" ? length : s.BiasLength);
                AssertRejected(
                    parameter, length, () => layer.BackwardWeights(gInput.Span, gOutputGrad.Span, gWeightGrad.Span, gBiasGrad.Span), $"{name}.BackwardWeights", gWeightGrad, gBiasGrad);
                checks++;
            }
        }

        Assert.Equal(39, checks);
    }

    [Fact]
    public void The_reference_kernels_reject_a_null_shape_before_anything_is_written()
    {
        Conv2DShape shape = GuardNarrowLayer.Shape;
        Guarded output = Guarded.Sentinel(shape.OutputLength), inputGrad = Guarded.Sentinel(shape.InputLength);
        Guarded weightGrad = Guarded.Sentinel(shape.WeightLength), biasGrad = Guarded.Sentinel(shape.BiasLength);
        float[] input = new float[shape.InputLength], weights = new float[shape.WeightLength], bias = new float[shape.BiasLength], outputGrad = new float[shape.OutputLength];

        Assert.Equal("shape", Assert.Throws<ArgumentNullException>(() => ReferenceConv2D.Forward(null!, input, weights, bias, output.Span)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentNullException>(() => ReferenceConv2D.BackwardData(null!, outputGrad, weights, inputGrad.Span)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentNullException>(() => ReferenceConv2D.BackwardWeights(null!, input, outputGrad, weightGrad.Span, biasGrad.Span)).ParamName);
        foreach (Guarded buffer in new[] { output, inputGrad, weightGrad, biasGrad })
        {
            buffer.AssertUnchanged("an output of a call with a null shape");
        }
    }

    [Fact]
    public void The_guard_check_catches_a_write_one_element_past_either_end()
    {
        // The check the tests above rely on, checked itself with deliberate out-of-bounds writes.
        foreach (int offset in new[] { -1, 10 })
        {
            Guarded buffer = Guarded.Sentinel(10);
            System.Runtime.CompilerServices.Unsafe.Add(ref MemoryMarshal.GetReference(buffer.Span), offset) = 0f;
            Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => buffer.AssertGuardsIntact("a deliberately overrun span"));
        }
    }

    // ---- Helpers. ----

    private static readonly Random Data = new(42);

    private static Guarded Random(int length)
    {
        lock (Data)
        {
            return Guarded.Of(NumericAssert.RandomArray(Data, length));
        }
    }

    private static void AssertRejected(string parameter, int length, Action call, string what, params Guarded[] outputs)
    {
        ArgumentException error;
        try
        {
            call();
            throw new Xunit.Sdk.XunitException($"{what} accepted '{parameter}' of length {length}.");
        }
        catch (ArgumentException caught)
        {
            error = caught;
        }

        Assert.True(error.GetType() == typeof(ArgumentException), $"{what} with '{parameter}' of length {length} threw {error.GetType().Name}, not ArgumentException: {error.Message}");
        Assert.True(error.ParamName == parameter, $"{what} with '{parameter}' of length {length} named '{error.ParamName}': {error.Message}");
        foreach (Guarded output in outputs)
        {
            output.AssertUnchanged($"an output of {what} rejecting '{parameter}' of length {length}");
        }
    }

    private static float[] Filled(int length, float value)
    {
        var array = new float[length];
        array.AsSpan().Fill(value);
        return array;
    }

    private static float[] Concatenate(params float[][] arrays) => arrays.SelectMany(array => array).ToArray();

    private static void AssertSameBits(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        ReadOnlySpan<int> e = MemoryMarshal.Cast<float, int>(expected), a = MemoryMarshal.Cast<float, int>(actual);
        int first = -1;
        for (int i = 0; i < e.Length; i++)
        {
            if (e[i] != a[i])
            {
                first = i;
                break;
            }
        }

        if (first >= 0)
        {
            Assert.Fail($"{what}: element {first} is {actual[first]:G9} (0x{a[first]:X8}), expected {expected[first]:G9} (0x{e[first]:X8}).");
        }
    }

    /// <summary>A span in the middle of an array whose other elements are guard NaNs.</summary>
    private sealed class Guarded
    {
        private readonly float[] array;
        private readonly float[] initial;

        private Guarded(float[] array, int length)
        {
            Length = length;
            this.array = array;
            initial = (float[])array.Clone();
        }

        public int Length { get; }

        public Span<float> Span => array.AsSpan(Margin, Length);

        public static Guarded Of(ReadOnlySpan<float> values) => Build(values.Length, values);

        public static Guarded Sentinel(int length)
        {
            var values = new float[length];
            values.AsSpan().Fill(BitConverter.Int32BitsToSingle(SentinelBits));
            return Build(length, values);
        }

        private static Guarded Build(int length, ReadOnlySpan<float> values)
        {
            var array = new float[length + (2 * Margin)];
            array.AsSpan().Fill(BitConverter.Int32BitsToSingle(GuardBits));
            values.CopyTo(array.AsSpan(Margin, length));
            return new Guarded(array, length);
        }

        public void AssertGuardsIntact(string what)
        {
            ReadOnlySpan<int> bits = MemoryMarshal.Cast<float, int>(array);
            for (int i = 0; i < bits.Length; i++)
            {
                bool guard = i < Margin || i >= Margin + Length;
                Assert.False(guard && bits[i] != GuardBits, $"{what}: the guard element {(i < Margin ? i - Margin : i - Margin - Length)} {(i < Margin ? "before" : "after the end of")} the span was overwritten with 0x{bits[i]:X8}.");
            }
        }

        public void AssertUnchanged(string what)
        {
            AssertGuardsIntact(what);
            AssertSameBits(initial.AsSpan(Margin, Length), Span, what);
        }
    }
}
