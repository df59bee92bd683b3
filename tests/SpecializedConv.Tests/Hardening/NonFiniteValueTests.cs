using System;
using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Hardening;

/// <summary>
/// A NaN in one element reaches exactly the results whose sums contain it, as in <see cref="ReferenceConv2D"/>: the
/// vector kernels compute whole 8-lane vectors and blocks past the edges of the output, and must not let those extra
/// lanes leak a value that no tap reads into a result. Checked on the layers of <see cref="SpanGuardTests"/>, with the NaN
/// at corners, edges and the middle of the first and last sample, and on <see cref="ThreadChannelLanesLayer"/>, whose
/// backward-weights takes the channel-lane form. (The non-NaN elements are compared with the usual tolerance by the
/// other tests; here only which elements are NaN matters.)
/// </summary>
public sealed class NonFiniteValueTests
{
    private static readonly Dictionary<string, LayerPasses> Layers = new[]
    {
        LayerPasses.Generated<GuardPaddedLayer>(),
        LayerPasses.Generated<GuardStride2Layer>(),
        LayerPasses.Generated<GuardFullDilatedLayer>(),
        LayerPasses.Generated<GuardNarrowLayer>(),
        LayerPasses.Generated<GuardStride3Layer.Kernel>(),
        LayerPasses.Generated<ThreadChannelLanesLayer>(),
    }.ToDictionary(layer => layer.Name, StringComparer.Ordinal);

    public static TheoryData<string> LayerNames => new(Layers.Keys);

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void A_NaN_input_reaches_exactly_the_outputs_whose_window_holds_it(string name)
    {
        LayerPasses layer = Layers[name];
        Conv2DShape s = layer.Shape;
        const int Batch = 2;
        var random = new Random(11);
        float[] weights = NumericAssert.RandomArray(random, s.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, s.BiasLength);
        foreach (int position in Positions(Batch, s.InChannels, s.InHeight, s.InWidth))
        {
            float[] input = NumericAssert.RandomArray(random, Batch * s.InputLength);
            input[position] = float.NaN;
            float[] expected = new float[Batch * s.OutputLength], actual = new float[expected.Length];
            ReferenceConv2D.Forward(s, input, weights, bias, expected);
            layer.Forward(input, weights, bias, actual);
            AssertSameNaNs(expected, actual, $"{name}.Forward with input[{position}] = NaN");
        }
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void A_NaN_output_gradient_reaches_exactly_the_input_gradients_it_flows_back_to(string name)
    {
        LayerPasses layer = Layers[name];
        Conv2DShape s = layer.Shape;
        const int Batch = 2;
        var random = new Random(12);
        float[] weights = NumericAssert.RandomArray(random, s.WeightLength);
        foreach (int position in Positions(Batch, s.OutChannels, s.OutHeight, s.OutWidth))
        {
            float[] outputGrad = NumericAssert.RandomArray(random, Batch * s.OutputLength);
            outputGrad[position] = float.NaN;
            float[] expected = new float[Batch * s.InputLength], actual = new float[expected.Length];
            ReferenceConv2D.BackwardData(s, outputGrad, weights, expected);
            layer.BackwardData(outputGrad, weights, actual);
            AssertSameNaNs(expected, actual, $"{name}.BackwardData with outputGrad[{position}] = NaN");
        }
    }

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void A_NaN_input_reaches_exactly_the_weight_gradients_whose_sums_hold_it(string name)
    {
        LayerPasses layer = Layers[name];
        Conv2DShape s = layer.Shape;
        const int Batch = 2;
        var random = new Random(13);
        foreach (int position in Positions(Batch, s.InChannels, s.InHeight, s.InWidth))
        {
            float[] input = NumericAssert.RandomArray(random, Batch * s.InputLength);
            float[] outputGrad = NumericAssert.RandomArray(random, Batch * s.OutputLength);
            input[position] = float.NaN;
            float[] expected = new float[s.WeightLength], actual = new float[s.WeightLength];
            float[] expectedBias = new float[s.BiasLength], actualBias = new float[s.BiasLength];
            ReferenceConv2D.BackwardWeights(s, input, outputGrad, expected, expectedBias);
            layer.BackwardWeights(input, outputGrad, actual, actualBias);
            AssertSameNaNs(expected, actual, $"{name}.BackwardWeights with input[{position}] = NaN");
            AssertSameNaNs(expectedBias, actualBias, $"{name}.BackwardWeights (bias) with input[{position}] = NaN");
        }
    }

    /// <summary>Flat indices of the corners, the middle of each edge and the centre of every plane of the first and last sample.</summary>
    private static IEnumerable<int> Positions(int batch, int channels, int height, int width)
    {
        int[] rows = { 0, height / 2, height - 1 }, columns = { 0, width / 2, width - 1 };
        foreach (int n in new[] { 0, batch - 1 })
        {
            foreach (int c in new[] { 0, channels - 1 }.Distinct())
            {
                foreach (int y in rows.Distinct())
                {
                    foreach (int x in columns.Distinct())
                    {
                        yield return (((n * channels) + c) * height + y) * width + x;
                    }
                }
            }
        }
    }

    private static void AssertSameNaNs(float[] expected, float[] actual, string what)
    {
        int[] expectedNaNs = Enumerable.Range(0, expected.Length).Where(i => !float.IsFinite(expected[i])).ToArray();
        int[] actualNaNs = Enumerable.Range(0, actual.Length).Where(i => !float.IsFinite(actual[i])).ToArray();
        Assert.True(
            expectedNaNs.SequenceEqual(actualNaNs),
            $"{what}: the reference has non-finite results at [{string.Join(", ", expectedNaNs)}], the layer at [{string.Join(", ", actualNaNs)}].");
    }
}
