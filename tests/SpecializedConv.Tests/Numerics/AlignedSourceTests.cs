using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// The pixel-lane backward-weights of a layer with eight source channels or more reads an output gradient that is off a
/// 32-byte boundary from a copy on one (<see cref="KernelSupport.AlignedSource"/>). These tests pin which layers do,
/// check that the results do not depend on where the caller's spans lie (the same bits at every offset), and check the
/// helper: the source itself when aligned, an aligned copy otherwise, in a buffer that grows when it must.
/// </summary>
public sealed class AlignedSourceTests
{
    private const string AlignedCopy = "KernelSupport.AlignedSource(outputGrad.Slice(";

    private static readonly (string Name, Conv2DShape Shape, bool Copies)[] Shapes =
    {
        ("S3: 16 channels, rows of four vectors", new(16, 32, 32, 16, 3, 3, ConvMode.Same), true),
        ("S4: stride 2, 16 channels, rows of two vectors", new(16, 32, 32, 32, 3, 3, stride: 2, padding: 1), true),
        ("8 channels, K = 12, rows of two vectors", new(8, 18, 18, 12, 3, 3), true),
        ("4 channels: the gradient is read too few times to pay for a copy", new(4, 18, 18, 12, 3, 3), false),
        ("rows of 14: the gradient is padded to whole vectors anyway", new(16, 16, 16, 12, 3, 3), false),
        ("8x8 outputs with K = 16: channel lanes transpose the gradient anyway", new(8, 12, 12, 16, 5, 5), false),
    };

    private static readonly NamedLayers Layers = new(Shapes.Select(s => (s.Name, s.Shape)));

    public static TheoryData<string> Names => Layers.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Backward_weights_gives_the_same_bits_wherever_the_spans_start(string name)
    {
        (GeneratedLayer layer, string source) = Layers[name];
        Assert.Equal(Shapes.Single(s => s.Name == name).Copies, source.Contains(AlignedCopy, StringComparison.Ordinal));

        const int Batch = 2;
        Conv2DShape shape = layer.Shape;
        var random = new Random(20261204 + name.Length);
        float[] input = RandomValues(random, Batch * shape.InputLength);
        float[] outputGrad = RandomValues(random, Batch * shape.OutputLength);
        (float[] weightGrad, float[] biasGrad) = Run(layer, input, outputGrad, offset: 0);
        NumericAssert.AssertPassesMatchReference(layer, new Random(20261204 + name.Length), Batch, name);

        // Every offset of a float against a 64-byte boundary; the gradient's and the input's offsets differ.
        for (int offset = 1; offset < AlignedBuffer.Alignment / sizeof(float); offset++)
        {
            (float[] shiftedWeightGrad, float[] shiftedBiasGrad) = Run(layer, input, outputGrad, offset);
            Assert.True(weightGrad.AsSpan().SequenceEqual(shiftedWeightGrad), $"{name}: weight gradient differs at offset {offset}");
            Assert.True(biasGrad.AsSpan().SequenceEqual(shiftedBiasGrad), $"{name}: bias gradient differs at offset {offset}");
        }
    }

    [Fact]
    public void An_aligned_source_is_passed_on_as_it_is()
    {
        ArraySegment<float> aligned = AlignedBuffer.Allocate(40);
        float[]? slot = null;

        ref float result = ref KernelSupport.AlignedSource(aligned, ref slot);

        Assert.True(Unsafe.AreSame(ref result, ref aligned.AsSpan()[0]));
        Assert.Null(slot);
    }

    [Fact]
    public void A_source_off_a_boundary_is_copied_onto_one_into_a_buffer_that_grows()
    {
        ArraySegment<float> backing = AlignedBuffer.Allocate(200);
        for (int i = 0; i < backing.Count; i++)
        {
            backing[i] = i + 0.5f;
        }

        float[]? slot = null;
        foreach ((int offset, int length) in new[] { (1, 40), (3, 40), (2, 120), (7, 17) })
        {
            ReadOnlySpan<float> source = backing.AsSpan(offset, length);

            ref float result = ref KernelSupport.AlignedSource(source, ref slot);

            Assert.Equal(0, AddressOf(ref result) % 32);
            Assert.True(MemoryMarshal.CreateReadOnlySpan(ref result, length).SequenceEqual(source), $"copy of {length} from offset {offset}");
            Assert.True(slot!.Length >= length);
        }

        // The caller's data is left as it was.
        Assert.All(Enumerable.Range(0, backing.Count), i => Assert.Equal(i + 0.5f, backing[i]));
    }

    private static (float[] WeightGrad, float[] BiasGrad) Run(GeneratedLayer layer, float[] input, float[] outputGrad, int offset)
    {
        // The gradient starts `offset` floats past a 64-byte boundary, the input one float further.
        ArraySegment<float> gradBuffer = AlignedBuffer.Allocate(outputGrad.Length + 16);
        ArraySegment<float> inputBuffer = AlignedBuffer.Allocate(input.Length + 17);
        Span<float> grad = gradBuffer.AsSpan(offset, outputGrad.Length);
        Span<float> shiftedInput = inputBuffer.AsSpan(offset + 1, input.Length);
        outputGrad.CopyTo(grad);
        input.CopyTo(shiftedInput);
        float[] weightGrad = Enumerable.Repeat(float.NaN, layer.Shape.WeightLength).ToArray();
        float[] biasGrad = Enumerable.Repeat(float.NaN, layer.Shape.BiasLength).ToArray();

        layer.BackwardWeights(shiftedInput, grad, weightGrad, biasGrad);

        Assert.True(grad.SequenceEqual(outputGrad), "the output gradient was changed");
        return (weightGrad, biasGrad);
    }

    private static float[] RandomValues(Random random, int length) =>
        Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();

    private static long AddressOf(ref float value) => (long)Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref value);
}
