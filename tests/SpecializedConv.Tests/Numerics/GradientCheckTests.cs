using System;
using System.Collections.Generic;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// The reference backward passes against finite differences of the reference forward pass, on shapes the
/// reference vectors cover only sparsely, and <see cref="GradientCheck"/> itself: that it passes correct
/// gradients, catches wrong ones, and leaves the parameters exactly as it found them.
/// </summary>
public sealed class GradientCheckTests
{
    // The loss L = Σ output·G is linear in each of input, weights and bias, so central differences have no
    // truncation error whatever the step, and a large step (0.25, exact in float) shrinks the remaining error:
    // float32 rounding of the outputs (2^-24 ≈ 6e-8 of each) summed over the outputs one parameter touches, divided
    // by the 0.5 step, about 1e-6 of the gradient's scale here. Elements below 1% of the largest are judged against
    // that 1% (GradientCheck's default floor), so they see at most ~1e-4; the largest observed is 1.5e-5. 1e-3 is
    // well above that, and a wrong tap, flip or padding changes elements by O(1) relative.
    private const double FiniteDifferenceTolerance = 1e-3;

    private const double LinearLossEpsilon = 0.25;

    private const int Samples = 2;

    private static readonly Dictionary<string, Conv2DShape> Shapes = new()
    {
        ["valid-stride-2"] = new(inChannels: 2, inHeight: 7, inWidth: 8, outChannels: 3, kernelHeight: 3, kernelWidth: 3, stride: 2),
        ["valid-padded-dilation-2"] = new(inChannels: 2, inHeight: 8, inWidth: 7, outChannels: 2, kernelHeight: 3, kernelWidth: 2, padding: 1, dilation: 2),
        ["same-even-kernel"] = new(inChannels: 2, inHeight: 6, inWidth: 6, outChannels: 2, kernelHeight: 4, kernelWidth: 2, mode: ConvMode.Same),
        ["same-even-kernel-convolution-stride-2"] = new(inChannels: 1, inHeight: 7, inWidth: 6, outChannels: 2, kernelHeight: 2, kernelWidth: 4, mode: ConvMode.Same, kind: ConvKind.Convolution, stride: 2),
        ["full-convolution"] = new(inChannels: 2, inHeight: 5, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 2, mode: ConvMode.Full, kind: ConvKind.Convolution),
        ["full-convolution-stride-2-dilation-2"] = new(inChannels: 2, inHeight: 6, inWidth: 5, outChannels: 2, kernelHeight: 2, kernelWidth: 3, mode: ConvMode.Full, kind: ConvKind.Convolution, stride: 2, dilation: 2),
    };

    public static TheoryData<string> ShapeNames => new(Shapes.Keys);

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void BackwardData_agrees_with_finite_differences_of_forward(string shapeName)
    {
        var problem = new Problem(Shapes[shapeName], seed: 2001);
        float[] inputGrad = NumericAssert.Poisoned(problem.Input.Length);
        ReferenceConv2D.BackwardData(problem.Shape, problem.OutputWeights, problem.Weights, inputGrad);

        GradientCheckResult result = GradientCheck.Compare(problem.Loss, problem.Input, inputGrad, LinearLossEpsilon);

        Assert.Equal(problem.Input.Length, result.Checked);
        Assert.True(result.IsWithin(FiniteDifferenceTolerance), $"{shapeName} inputGrad: {result}");
    }

    [Theory]
    [MemberData(nameof(ShapeNames))]
    public void BackwardWeights_agrees_with_finite_differences_of_forward(string shapeName)
    {
        var problem = new Problem(Shapes[shapeName], seed: 2002);
        float[] weightGrad = NumericAssert.Poisoned(problem.Weights.Length);
        float[] biasGrad = NumericAssert.Poisoned(problem.Bias.Length);
        ReferenceConv2D.BackwardWeights(problem.Shape, problem.Input, problem.OutputWeights, weightGrad, biasGrad);

        GradientCheckResult weightResult = GradientCheck.Compare(problem.Loss, problem.Weights, weightGrad, LinearLossEpsilon);
        GradientCheckResult biasResult = GradientCheck.Compare(problem.Loss, problem.Bias, biasGrad, LinearLossEpsilon);

        Assert.True(weightResult.IsWithin(FiniteDifferenceTolerance), $"{shapeName} weightGrad: {weightResult}");
        Assert.True(biasResult.IsWithin(FiniteDifferenceTolerance), $"{shapeName} biasGrad: {biasResult}");
    }

    [Fact]
    public void Compare_detects_a_five_percent_error_in_one_element()
    {
        var problem = new Problem(Shapes["full-convolution"], seed: 2003);
        float[] weightGrad = new float[problem.Weights.Length];
        ReferenceConv2D.BackwardWeights(problem.Shape, problem.Input, problem.OutputWeights, weightGrad, new float[problem.Bias.Length]);
        int corrupted = Array.IndexOf(weightGrad, MaxByMagnitude(weightGrad));
        weightGrad[corrupted] *= 1.05f;

        GradientCheckResult result = GradientCheck.Compare(problem.Loss, problem.Weights, weightGrad);

        Assert.False(result.IsWithin(FiniteDifferenceTolerance), $"the corrupted gradient passed: {result}");
        Assert.Equal(corrupted, result.WorstIndex);
        Assert.InRange(result.MaxRelativeError, 0.04, 0.06);
    }

    [Fact]
    public void Compare_detects_a_weight_gradient_computed_without_the_convolution_flip()
    {
        var problem = new Problem(Shapes["full-convolution"], seed: 2004);
        Conv2DShape shape = problem.Shape;
        var unflipped = new Conv2DShape(
            shape.InChannels, shape.InHeight, shape.InWidth, shape.OutChannels, shape.KernelHeight, shape.KernelWidth,
            shape.Mode, ConvKind.CrossCorrelation, shape.Stride, shape.Padding, shape.Dilation);
        float[] weightGrad = new float[problem.Weights.Length];
        ReferenceConv2D.BackwardWeights(unflipped, problem.Input, problem.OutputWeights, weightGrad, new float[problem.Bias.Length]);

        GradientCheckResult result = GradientCheck.Compare(problem.Loss, problem.Weights, weightGrad);

        Assert.False(result.IsWithin(FiniteDifferenceTolerance), $"the unflipped gradient passed: {result}");
    }

    [Fact]
    public void Compare_restores_every_parameter_bit_for_bit()
    {
        var problem = new Problem(Shapes["valid-stride-2"], seed: 2005);
        float[] before = (float[])problem.Weights.Clone();

        GradientCheck.Compare(problem.Loss, problem.Weights, new float[problem.Weights.Length]);

        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(before[i]), BitConverter.SingleToInt32Bits(problem.Weights[i]));
        }
    }

    [Fact]
    public void Compare_restores_the_parameter_when_the_loss_throws()
    {
        float[] parameters = [0.25f, -0.5f];

        Assert.Throws<InvalidOperationException>(() => GradientCheck.Compare(
            () => parameters[0] == 0.25f ? 0 : throw new InvalidOperationException("loss failed"), parameters, new float[2]));

        Assert.Equal(new[] { 0.25f, -0.5f }, parameters);
    }

    [Fact]
    public void Compare_has_only_second_order_truncation_error_on_a_cubic()
    {
        // L = Σ p³, dL/dp = 3p². With the steps h⁺, h⁻ actually taken (both ε up to float rounding), the central
        // quotient is exactly 3p² + 3p·(h⁺ − h⁻) + h⁺² − h⁺h⁻ + h⁻², i.e. 3p² + ε² up to float rounding of the steps.
        const double Epsilon = 1e-2;
        float[] parameters = NumericAssert.RandomArray(new Random(2006), 50);
        var analytic = new float[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            analytic[i] = 3 * parameters[i] * parameters[i];
        }

        GradientCheckResult result = GradientCheck.Compare(() => SumOfCubes(parameters), parameters, analytic, Epsilon);

        Assert.InRange(result.MaxAbsoluteError, 0.5 * Epsilon * Epsilon, 1.5 * Epsilon * Epsilon);
    }

    [Fact]
    public void Compare_with_maxChecks_checks_a_reproducible_sample()
    {
        var problem = new Problem(Shapes["same-even-kernel"], seed: 2007);
        float[] corruptedGrad = new float[problem.Input.Length];
        ReferenceConv2D.BackwardData(problem.Shape, problem.OutputWeights, problem.Weights, corruptedGrad);
        for (int i = 0; i < corruptedGrad.Length; i++)
        {
            corruptedGrad[i] += 0.001f * i;
        }

        GradientCheckResult first = GradientCheck.Compare(problem.Loss, problem.Input, corruptedGrad, maxChecks: 10, seed: 7);
        GradientCheckResult second = GradientCheck.Compare(problem.Loss, problem.Input, corruptedGrad, maxChecks: 10, seed: 7);

        Assert.Equal(10, first.Checked);
        Assert.Equal(first, second);
    }

    [Fact]
    public void Compare_rejects_a_gradient_of_a_different_length()
    {
        float[] parameters = [1, 2, 3];

        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Compare(() => 0, parameters, new float[2]));

        Assert.Equal("analyticGradient", exception.ParamName);
    }

    [Fact]
    public void Compare_rejects_no_parameters()
    {
        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Compare(() => 0, Span<float>.Empty, ReadOnlySpan<float>.Empty));

        Assert.Equal("parameters", exception.ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1e-2)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Compare_rejects_an_epsilon_that_is_not_positive_and_finite(double epsilon)
    {
        float[] parameters = [1, 2, 3];

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => GradientCheck.Compare(() => 0, parameters, new float[3], epsilon));

        Assert.Equal("epsilon", exception.ParamName);
    }

    [Fact]
    public void Compare_rejects_an_epsilon_below_the_float_resolution_of_a_parameter()
    {
        float[] parameters = [1e9f];

        var exception = Assert.Throws<ArgumentException>(() => GradientCheck.Compare(() => 0, parameters, new float[1], epsilon: 1e-2));

        Assert.Equal("epsilon", exception.ParamName);
        Assert.Equal(1e9f, parameters[0]);
    }

    private static double SumOfCubes(float[] values)
    {
        double sum = 0;
        foreach (float value in values)
        {
            sum += (double)value * value * value;
        }

        return sum;
    }

    private static float MaxByMagnitude(float[] values)
    {
        float largest = values[0];
        foreach (float value in values)
        {
            if (Math.Abs(value) > Math.Abs(largest))
            {
                largest = value;
            }
        }

        return largest;
    }

    /// <summary>
    /// Seeded random input, weights, bias and output weights G for <see cref="Samples"/> samples, with the loss
    /// <c>L = Σ forward(input, weights, bias) · G</c>, so that dL/dOutput = G.
    /// </summary>
    private sealed class Problem
    {
        private readonly float[] output;

        public Problem(Conv2DShape shape, int seed)
        {
            var random = new Random(seed);
            Shape = shape;
            Input = NumericAssert.RandomArray(random, Samples * shape.InputLength);
            Weights = NumericAssert.RandomArray(random, shape.WeightLength);
            Bias = NumericAssert.RandomArray(random, shape.BiasLength);
            OutputWeights = NumericAssert.RandomArray(random, Samples * shape.OutputLength);
            output = new float[Samples * shape.OutputLength];
        }

        public Conv2DShape Shape { get; }

        public float[] Input { get; }

        public float[] Weights { get; }

        public float[] Bias { get; }

        /// <summary>G, which is also dL/dOutput.</summary>
        public float[] OutputWeights { get; }

        public double Loss()
        {
            ReferenceConv2D.Forward(Shape, Input, Weights, Bias, output);
            double loss = 0;
            for (int i = 0; i < output.Length; i++)
            {
                loss += (double)output[i] * OutputWeights[i];
            }

            return loss;
        }
    }
}
