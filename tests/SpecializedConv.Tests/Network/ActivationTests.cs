using System;
using SpecializedConv.Networks;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>
/// The activations against values worked out by hand (or to 9+ digits with a calculator for e^x and tanh). Inputs are
/// 19 long, so that the vectorised ReLU runs two whole vectors and a scalar tail of 3; outputs are poisoned first.
/// Tolerance 1e-6 relative: one or two float32 roundings of values below 5.
/// </summary>
public sealed class ActivationTests
{
    private const double Tolerance = 1e-6;

    private static readonly float[] Inputs =
        [-3f, -1f, -0.5f, 0f, 0.5f, 1f, 2f, -2f, 4f, -4f, 0.25f, -0.25f, 3f, 1.5f, -1.5f, 0.75f, -0.75f, 10f, -10f];

    [Fact]
    public void ReLU_zeroes_negative_inputs_and_passes_the_rest()
    {
        float[] output = NumericAssert.Poisoned(Inputs.Length);
        ReLU.Forward(Inputs, output);
        float[] expected = [0, 0, 0, 0, 0.5f, 1, 2, 0, 4, 0, 0.25f, 0, 3, 1.5f, 0, 0.75f, 0, 10, 0];
        NumericAssert.AssertClose(expected, output, Tolerance, "ReLU forward");
    }

    [Fact]
    public void ReLU_gradient_flows_only_where_the_output_is_positive()
    {
        float[] output = new float[Inputs.Length];
        ReLU.Forward(Inputs, output);
        float[] outputGrad = new float[Inputs.Length];
        for (int i = 0; i < outputGrad.Length; i++)
        {
            outputGrad[i] = i + 1;
        }

        float[] inputGrad = NumericAssert.Poisoned(Inputs.Length);
        ReLU.Backward(output, outputGrad, inputGrad);

        // Position i (from 0) carries i + 1 where the input is positive; x = 0 is the kink, where the gradient is 0 as in PyTorch.
        float[] expected = [0, 0, 0, 0, 5, 6, 7, 0, 9, 0, 11, 0, 13, 14, 0, 16, 0, 18, 0];
        NumericAssert.AssertClose(expected, inputGrad, Tolerance, "ReLU backward");
    }

    [Fact]
    public void ReLU_propagates_NaN_in_both_the_vector_and_the_scalar_part()
    {
        float[] input = new float[11];
        input[2] = float.NaN;  // inside the first vector of 8
        input[9] = float.NaN;  // in the scalar tail
        float[] output = new float[input.Length];
        ReLU.Forward(input, output);
        Assert.True(float.IsNaN(output[2]) && float.IsNaN(output[9]), "ReLU must not hide a NaN: it would keep the loss finite.");
    }

    [Fact]
    public void Sigmoid_matches_one_over_one_plus_e_to_the_minus_x()
    {
        float[] input = [0f, 2f, -2f, 1f, -1f, 100f, -100f];
        float[] output = NumericAssert.Poisoned(input.Length);
        Sigmoid.Forward(input, output);

        // 1/(1+e^-2) = 0.880797077977882, 1/(1+e^-1) = 0.731058578630005; σ(−x) = 1 − σ(x); the extremes saturate to 1 and 0.
        float[] expected = [0.5f, 0.880797078f, 0.119202922f, 0.731058579f, 0.268941421f, 1f, 0f];
        NumericAssert.AssertClose(expected, output, Tolerance, "sigmoid forward");
    }

    [Fact]
    public void Sigmoid_gradient_is_y_times_one_minus_y()
    {
        float[] output = [0.5f, 0.25f, 0.9f];
        float[] outputGrad = [2f, -4f, 10f];
        float[] inputGrad = NumericAssert.Poisoned(3);
        Sigmoid.Backward(output, outputGrad, inputGrad);

        // 0.5·0.5·2 = 0.5; 0.25·0.75·(−4) = −0.75; 0.9·0.1·10 = 0.9.
        NumericAssert.AssertClose([0.5f, -0.75f, 0.9f], inputGrad, Tolerance, "sigmoid backward");
    }

    [Fact]
    public void Tanh_matches_the_hyperbolic_tangent()
    {
        float[] input = [0f, 0.5f, -1f, 2f, 20f];
        float[] output = NumericAssert.Poisoned(input.Length);
        Tanh.Forward(input, output);

        // tanh 0.5 = 0.462117157260010, tanh 1 = 0.761594155955765, tanh 2 = 0.964027580075817, tanh 20 = 1 in float32.
        NumericAssert.AssertClose([0f, 0.462117157f, -0.761594156f, 0.96402758f, 1f], output, Tolerance, "tanh forward");
    }

    [Fact]
    public void Tanh_gradient_is_one_minus_y_squared()
    {
        float[] output = [0f, 0.5f, -0.8f];
        float[] outputGrad = [3f, 2f, -1f];
        float[] inputGrad = NumericAssert.Poisoned(3);
        Tanh.Backward(output, outputGrad, inputGrad);

        // (1 − 0)·3 = 3; (1 − 0.25)·2 = 1.5; (1 − 0.64)·(−1) = −0.36.
        NumericAssert.AssertClose([3f, 1.5f, -0.36f], inputGrad, Tolerance, "tanh backward");
    }

    [Fact]
    public void Activations_reject_spans_of_different_lengths()
    {
        Assert.Throws<ArgumentException>(() => ReLU.Forward(new float[4], new float[5]));
        Assert.Throws<ArgumentException>(() => Sigmoid.Backward(new float[4], new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Tanh.Forward(new float[2], new float[1]));
    }
}
