using System;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// The generated backward passes against central finite differences of the generated forward passes, for the loss
/// L = Σ output · G (so dL/dOutput = G).
/// </summary>
/// <remarks>
/// Dense and average-pooling layers are linear in every parameter, so central differences carry only float32 rounding
/// and a large step (0.25) keeps that rounding small relative to the step: 1e-3 with GradientCheck's relative-error floor,
/// as in the Conv2D gradient tests. Max pooling is piecewise linear: with distinct inputs spaced 1/64 apart and a step of
/// 1/512, no perturbation changes a window's winner, so there too the differences are exact up to rounding.
/// </remarks>
public sealed class LayerGradientTests
{
    private const double Tolerance = 1e-3;

    [Fact]
    public void Dense_backward_passes_agree_with_finite_differences_of_the_forward()
    {
        var random = new Random(31);
        const int Batch = 3;
        float[] input = NumericAssert.RandomArray(random, Batch * Odd100x33Dense.Inputs);
        float[] weights = NumericAssert.RandomArray(random, Odd100x33Dense.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, Odd100x33Dense.BiasLength);
        float[] g = NumericAssert.RandomArray(random, Batch * Odd100x33Dense.Outputs);
        float[] output = new float[g.Length];
        double Loss()
        {
            Odd100x33Dense.Forward(input, weights, bias, output);
            return Dot(output, g);
        }

        float[] inputGrad = new float[input.Length], weightGrad = new float[weights.Length], biasGrad = new float[bias.Length];
        Odd100x33Dense.BackwardData(g, weights, inputGrad);
        Odd100x33Dense.BackwardWeights(input, g, weightGrad, biasGrad);

        GradientCheckResult data = GradientCheck.Compare(Loss, input, inputGrad, epsilon: 0.25, maxChecks: 200, seed: 1);
        GradientCheckResult kernel = GradientCheck.Compare(Loss, weights, weightGrad, epsilon: 0.25, maxChecks: 200, seed: 2);
        GradientCheckResult offset = GradientCheck.Compare(Loss, bias, biasGrad, epsilon: 0.25);
        Assert.True(data.IsWithin(Tolerance), $"inputGrad: {data}");
        Assert.True(kernel.IsWithin(Tolerance), $"weightGrad: {kernel}");
        Assert.True(offset.IsWithin(Tolerance), $"biasGrad: {offset}");
    }

    [Fact]
    public void Avg_pool_backward_agrees_with_finite_differences_of_the_forward()
    {
        var random = new Random(37);
        float[] input = NumericAssert.RandomArray(random, 2 * AvgK3S2P1Pool.InputLength);
        float[] g = NumericAssert.RandomArray(random, 2 * AvgK3S2P1Pool.OutputLength);
        float[] output = new float[g.Length];
        double Loss()
        {
            AvgK3S2P1Pool.Forward(input, output);
            return Dot(output, g);
        }

        float[] inputGrad = new float[input.Length];
        AvgK3S2P1Pool.Backward(g, inputGrad);

        GradientCheckResult result = GradientCheck.Compare(Loss, input, inputGrad, epsilon: 0.25);
        Assert.True(result.IsWithin(Tolerance), $"inputGrad: {result}");
    }

    [Fact]
    public void Max_pool_backward_agrees_with_finite_differences_of_the_forward_away_from_ties()
    {
        var random = new Random(41);
        int length = 2 * OverlapK3S2Pool.InputLength;
        float[] input = new float[length];
        int[] order = new int[length];
        for (int i = 0; i < length; i++)
        {
            order[i] = i;
        }

        random.Shuffle(order);
        for (int i = 0; i < length; i++)
        {
            input[i] = (order[i] - (length / 2)) / 64f;
        }

        float[] g = NumericAssert.RandomArray(random, 2 * OverlapK3S2Pool.OutputLength);
        float[] output = new float[g.Length];
        int[] argMax = new int[g.Length];
        double Loss()
        {
            OverlapK3S2Pool.Forward(input, output, argMax);
            return Dot(output, g);
        }

        Loss();
        float[] inputGrad = new float[input.Length];
        OverlapK3S2Pool.Backward(g, argMax, inputGrad);

        GradientCheckResult result = GradientCheck.Compare(Loss, input, inputGrad, epsilon: 1.0 / 512);
        Assert.True(result.IsWithin(Tolerance), $"inputGrad: {result}");
    }

    private static double Dot(float[] a, float[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += (double)a[i] * b[i];
        }

        return sum;
    }
}
