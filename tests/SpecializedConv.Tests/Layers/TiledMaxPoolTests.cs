using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Runtime.Intrinsics.X86;
using Microsoft.CodeAnalysis;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// Max pooling whose 2×2 windows, stride 2, tile the input (LeNet's pools). Forward reads the input in place, splitting
/// row pairs into even and odd columns in registers (<see cref="KernelSupport.SplitEvenOdd"/>): it must equal the
/// reference exactly, arg-maxes, ties, NaN and infinities included, for rows of 4 outputs (two window rows a vector) and
/// of 8 or more (the last block overlapping). Backward writes every input cell once, eight at a time
/// (<see cref="PoolSupport.RouteTiledMaxGradient"/>), instead of clearing the input gradient and adding each output
/// gradient at its arg-max. It must equal that scatter exactly, for rows whose width leaves every tail (the last vector
/// overlapping the one before by 2, 4 or 6 columns), and fall back to it for arg-maxes <c>Forward</c> would not have
/// recorded. Also the pieces it rests on: the vectorised arg-max check and the de-interleaving in
/// <see cref="KernelSupport.PackPlanes"/> that other pooling layers pack with.
/// </summary>
/// <remarks>Comparisons are exact: with non-overlapping windows every input cell receives at most one gradient.</remarks>
public sealed class TiledMaxPoolTests
{
    private const int Seed = 20261203;

    /// <summary>
    /// Tiled shapes (C, H, W): widths 8 and 16, and 10, 12, 14, 26, 40, whose rows end in an overlapping vector (40: three
    /// blocks of 8 outputs, more than the packed path's blocks of 16 would take). Forward reads
    /// the input in place (<c>InPlace</c>) for rows of 8 or more outputs, and of 4 when there is an even number of window
    /// rows (3×8×8: twelve); rows of 5–7 outputs, and 1×6×8's three rows of 4, keep the packed forward pass.
    /// </summary>
    private static readonly (string Name, int Channels, int Height, int Width, bool InPlace)[] Tiled =
    [
        ("Tiled3x8x8", 3, 8, 8, true),
        ("Tiled1x6x8", 1, 6, 8, false),
        ("Tiled2x6x10", 2, 6, 10, false),
        ("Tiled2x4x12", 2, 4, 12, false),
        ("Tiled1x10x14", 1, 10, 14, false),
        ("Tiled2x8x16", 2, 8, 16, true),
        ("Tiled2x6x26", 2, 6, 26, true),
        ("Tiled2x4x40", 2, 4, 40, true),
    ];

    /// <summary>Near misses that keep the scatter: too narrow, odd width, overlapping windows, padding.</summary>
    private static readonly (string Name, string Arguments)[] Untiled =
    [
        ("Narrow2x6x6", "2, 6, 6, 2"),
        ("Odd2x8x9", "2, 8, 9, 2"),
        ("Overlapping2x8x16", "2, 8, 16, 2, Stride = 1"),
        ("Padded2x8x16", "2, 8, 16, 2, Padding = 1"),
    ];

    private static readonly Lazy<(Assembly Assembly, IReadOnlyDictionary<string, string> Sources)> Compiled = new(Compile);

    public static TheoryData<string> TiledNames => new(Tiled.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(TiledNames))]
    public void Forward_of_tiled_2x2_windows_equals_the_reference_exactly(string name)
    {
        MaxPoolLayer layer = Layer(name);
        Pool2DShape shape = layer.Shape;
        var random = new Random(Seed + (3 * name.Length));
        const int batch = 3;

        // Quarters for ties, and in one sample in four cells a NaN, +∞ or −∞ (a NaN wins its window, the last of several).
        float[] input = NumericAssert.RandomArray(random, batch * shape.InputLength).Select(v => MathF.Round(v * 4) / 4).ToArray();
        for (int i = 2 * shape.InputLength; i < input.Length; i++)
        {
            input[i] = random.Next(4) != 0 ? input[i] : random.Next(3) switch { 0 => float.NaN, 1 => float.PositiveInfinity, _ => float.NegativeInfinity };
        }

        float[] expected = new float[batch * shape.OutputLength], actual = NumericAssert.Poisoned(expected.Length);
        int[] expectedArgMax = new int[expected.Length], actualArgMax = PoolReferenceTests.PoisonedIndices(expected.Length);
        ReferencePool2D.MaxPoolForward(shape, input, expected, expectedArgMax);
        layer.Forward(input, actual, actualArgMax);

        Assert.Equal(expectedArgMax, actualArgMax);
        Assert.Equal(expected, actual);
    }

    [Theory]
    [MemberData(nameof(TiledNames))]
    public void Backward_of_tiled_2x2_windows_equals_the_scatter_exactly(string name)
    {
        MaxPoolLayer layer = Layer(name);
        Pool2DShape shape = layer.Shape;
        var random = new Random(Seed + name.Length);
        const int batch = 3;

        // Inputs in quarters, so that windows often hold ties (the arg-max is then the first maximum).
        float[] input = NumericAssert.RandomArray(random, batch * shape.InputLength).Select(v => MathF.Round(v * 4) / 4).ToArray();
        float[] output = new float[batch * shape.OutputLength];
        int[] argMax = new int[output.Length];
        layer.Forward(input, output, argMax);

        AssertBackwardEqualsTheScatter(layer, NumericAssert.RandomArray(random, output.Length), argMax);
    }

    [Fact]
    public void Backward_of_tiled_windows_scatters_arg_maxes_outside_their_window()
    {
        MaxPoolLayer layer = Layer("Tiled2x6x26");
        Pool2DShape shape = layer.Shape;
        var random = new Random(Seed);
        const int batch = 3;
        float[] input = NumericAssert.RandomArray(random, batch * shape.InputLength);
        float[] output = new float[batch * shape.OutputLength];
        int[] argMax = new int[output.Length];
        layer.Forward(input, output, argMax);

        // Sample 1: output 0 routes to output 5's arg-max, so that cell sums two gradients. Sample 2: output 3 routes to
        // a cell of window 4 that is not window 4's arg-max. Sample 0 is left as Forward recorded it.
        int o = shape.OutputLength;
        argMax[o] = argMax[o + 5];
        int window4 = argMax[(2 * o) + 4];
        argMax[(2 * o) + 3] = window4 % 2 == 0 ? window4 + 1 : window4 - 1;

        float[] outputGrad = NumericAssert.RandomArray(random, output.Length);
        float[] actual = AssertBackwardEqualsTheScatter(layer, outputGrad, argMax);
        Assert.Equal(outputGrad[o] + outputGrad[o + 5], actual[shape.InputLength + argMax[o]]);
    }

    [Fact]
    public void Only_2x2_windows_that_tile_the_input_skip_the_scatter_and_the_packing()
    {
        IReadOnlyDictionary<string, string> sources = Compiled.Value.Sources;
        Assert.All(Tiled, t => Assert.Contains("PoolSupport.RouteTiledMaxGradient(", sources[t.Name], StringComparison.Ordinal));
        Assert.All(Untiled, u => Assert.DoesNotContain("RouteTiledMaxGradient", sources[u.Name], StringComparison.Ordinal));

        Assert.All(Tiled.Where(t => t.InPlace), t =>
        {
            Assert.Contains("KernelSupport.SplitEvenOdd(", sources[t.Name], StringComparison.Ordinal);
            Assert.DoesNotContain("PackPlanes", sources[t.Name], StringComparison.Ordinal);
        });
        Assert.All(Untiled.Select(u => u.Name).Concat(Tiled.Where(t => !t.InPlace).Select(t => t.Name)), name =>
        {
            Assert.Contains("PackPlanes", sources[name], StringComparison.Ordinal);
            Assert.DoesNotContain("SplitEvenOdd", sources[name], StringComparison.Ordinal);
        });
    }

    [Fact]
    public void Untiled_neighbours_still_equal_the_scatter()
    {
        foreach ((string name, _) in Untiled)
        {
            MaxPoolLayer layer = Layer(name);
            var random = new Random(Seed);
            float[] input = NumericAssert.RandomArray(random, 2 * layer.Shape.InputLength);
            float[] output = new float[2 * layer.Shape.OutputLength];
            int[] argMax = new int[output.Length];
            layer.Forward(input, output, argMax);
            AssertBackwardEqualsTheScatter(layer, NumericAssert.RandomArray(random, output.Length), argMax);
        }
    }

    [Theory]
    [MemberData(nameof(TiledNames))]
    public void RouteTiledMaxGradient_routes_every_arg_max_forward_records(string name)
    {
        // The layer falls back to the scatter whenever the route reports a miss, so its results alone would not show a
        // route that misses (say, a miscounted overlapping vector): the helper must report every window hit.
        (_, int channels, int height, int width, _) = Tiled.Single(t => t.Name == name);
        var shape = new Pool2DShape(channels, height, width, 2, 2, 0);
        var random = new Random(Seed + width);
        float[] input = NumericAssert.RandomArray(random, shape.InputLength);
        float[] output = new float[shape.OutputLength], outputGrad = NumericAssert.RandomArray(random, shape.OutputLength);
        int[] argMax = new int[shape.OutputLength];
        ReferencePool2D.MaxPoolForward(shape, input, output, argMax);
        float[] inputGrad = NumericAssert.Poisoned(shape.InputLength);

        bool routed = PoolSupport.RouteTiledMaxGradient(outputGrad, argMax, inputGrad, channels, height, width);

        if (!Avx2.IsSupported)
        {
            // The generated layer then scatters instead: nothing may have been written.
            Assert.False(routed);
            Assert.True(NumericAssert.IsStillPoisoned(inputGrad));
            return;
        }

        Assert.True(routed);
        float[] expected = new float[shape.InputLength];
        ReferencePool2D.MaxPoolBackward(shape, outputGrad, argMax, expected);
        Assert.Equal(expected, inputGrad);

        // The last window's arg-max moved to the first window's top-left cell: in range, but in no window of its own.
        argMax[^1] = 0;
        Assert.False(PoolSupport.RouteTiledMaxGradient(outputGrad, argMax, inputGrad, channels, height, width));
    }

    [Fact]
    public void RouteTiledMaxGradient_leaves_rows_narrower_than_a_vector_to_the_scatter()
    {
        float[] inputGrad = NumericAssert.Poisoned(2 * 4 * 6);
        Assert.False(PoolSupport.RouteTiledMaxGradient(new float[12], new int[12], inputGrad, 2, 4, 6));
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad));
    }

    [Theory]
    [InlineData(0, -1)]
    [InlineData(5, 96)]
    [InlineData(7, int.MaxValue)]
    [InlineData(8, int.MinValue)]
    [InlineData(15, 100)]
    [InlineData(16, -7)]
    [InlineData(30, 96)]
    public void CheckArgMax_names_the_first_index_outside_the_sample_wherever_it_lies(int position, int value)
    {
        // 31 indices: three whole vectors and a tail of seven, for a sample of 96 cells.
        int[] argMax = Enumerable.Range(0, 31).Select(o => (o * 3) % 96).ToArray();
        PoolSupport.CheckArgMax(argMax, 96, "argMax");
        argMax[position] = value;
        argMax[30] = position == 30 ? value : 200;

        var error = Assert.Throws<ArgumentException>(() => PoolSupport.CheckArgMax(argMax, 96, "argMax"));

        Assert.Equal("argMax", error.ParamName);
        Assert.Contains($"element {position} is {value}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void PackPlanes_splits_rows_of_every_width_into_their_two_column_phases(int padLeft)
    {
        for (int width = 1; width <= 40; width++)
        {
            const int channels = 2, height = 3, padTop = 1;
            int phaseColumns = ((width + padLeft) / 2) + 1, rowPitch = phaseColumns + 1;
            int phasePitch = (height + padTop) * rowPitch, channelPitch = 2 * phasePitch;
            float[] source = Enumerable.Range(0, channels * height * width).Select(i => (float)i).ToArray();
            float[] packed = Enumerable.Repeat(-1f, channels * channelPitch).ToArray();

            KernelSupport.PackPlanes(source, packed, channels, height, width, padTop, padLeft, 2, channelPitch, phasePitch, rowPitch);

            // Element (c, y, x) at c·channelPitch + ((x + padLeft) mod 2)·phasePitch + (y + padTop)·rowPitch + (x + padLeft) div 2;
            // every other position keeps its −1.
            float[] expected = Enumerable.Repeat(-1f, packed.Length).ToArray();
            for (int c = 0; c < channels; c++)
            {
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        int column = x + padLeft;
                        expected[(c * channelPitch) + ((column % 2) * phasePitch) + ((y + padTop) * rowPitch) + (column / 2)] = source[(((c * height) + y) * width) + x];
                    }
                }
            }

            Assert.True(expected.AsSpan().SequenceEqual(packed), $"width {width}, left padding {padLeft}");
        }
    }

    /// <summary>The layer's input gradient, after checking it equals the reference scatter's exactly.</summary>
    private static float[] AssertBackwardEqualsTheScatter(MaxPoolLayer layer, float[] outputGrad, int[] argMax)
    {
        int inputLength = outputGrad.Length / layer.Shape.OutputLength * layer.Shape.InputLength;
        float[] expected = new float[inputLength], actual = NumericAssert.Poisoned(inputLength);
        ReferencePool2D.MaxPoolBackward(layer.Shape, outputGrad, argMax, expected);
        layer.Backward(outputGrad, argMax, actual);
        Assert.Equal(expected, actual);
        return actual;
    }

    private static MaxPoolLayer Layer(string name) =>
        MaxPoolLayer.For(Compiled.Value.Assembly.GetType($"Generated.{name}", throwOnError: true)!);

    private static (Assembly, IReadOnlyDictionary<string, string>) Compile()
    {
        string source = "using SpecializedConv;\nnamespace Generated;\n"
            + string.Concat(Tiled.Select(t => $"[MaxPool2D({t.Channels}, {t.Height}, {t.Width}, 2)] public partial class {t.Name};\n"))
            + string.Concat(Untiled.Select(u => $"[MaxPool2D({u.Arguments})] public partial class {u.Name};\n"));
        Assembly assembly = GeneratorHarness.CompileAndLoad(source);
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(source);
        var sources = result.Results
            .SelectMany(r => r.GeneratedSources)
            .ToDictionary(g => g.HintName.Split('.')[1], g => g.SourceText.ToString());
        return (assembly, sources);
    }
}
