using System;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>
/// One or two steps of each optimizer on two parameters, against the update rules worked out by hand (PyTorch's
/// conventions). 1e-6 absolute: a few float32 roundings of values near 1.
/// </summary>
public sealed class OptimizerTests
{
    private const double Tolerance = 1e-6;

    [Fact]
    public void Sgd_moves_against_the_gradient_by_the_learning_rate()
    {
        float[] parameters = [1f, -2f];
        new Sgd(0.1f).Step(parameters, [0.5f, -1f]);

        // 1 − 0.1·0.5 = 0.95; −2 − 0.1·(−1) = −1.9.
        Assert.Equal(0.95, parameters[0], Tolerance);
        Assert.Equal(-1.9, parameters[1], Tolerance);
    }

    [Fact]
    public void Sgd_with_momentum_accumulates_a_velocity()
    {
        float[] parameters = [1f, 0f];
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        sgd.Step(parameters, [0.5f, 1f]);

        // Step 1: v = g = (0.5, 1); p = (1 − 0.05, 0 − 0.1).
        Assert.Equal(0.95, parameters[0], Tolerance);
        Assert.Equal(-0.1, parameters[1], Tolerance);

        sgd.Step(parameters, [0.5f, -1f]);

        // Step 2: v = 0.9·v + g = (0.95, −0.1); p = (0.95 − 0.095, −0.1 + 0.01).
        Assert.Equal(0.855, parameters[0], Tolerance);
        Assert.Equal(-0.09, parameters[1], Tolerance);
        Assert.Equal(2, sgd.Steps);
    }

    [Fact]
    public void Adam_first_step_moves_each_parameter_by_the_learning_rate_against_the_gradient_sign()
    {
        float[] parameters = [1f, 1f];
        var adam = new Adam(0.01f);
        adam.Step(parameters, [0.5f, -0.001f]);

        // With bias correction m̂ = g and v̂ = g², so the step is lr · g / (|g| + ε) = ±0.01 (ε = 1e-8 shifts it by 1e-10/|g|).
        Assert.Equal(0.99, parameters[0], Tolerance);
        Assert.Equal(1.01, parameters[1], Tolerance);
    }

    [Fact]
    public void Adam_second_step_follows_the_bias_corrected_moments()
    {
        float[] parameters = [1f];
        var adam = new Adam(0.01f);
        adam.Step(parameters, [0.5f]);
        adam.Step(parameters, [-0.25f]);

        // m = 0.9·0.05 − 0.1·0.25 = 0.02, v = 0.999·0.00025 + 0.001·0.0625 = 0.00031225;
        // m̂ = 0.02 / 0.19 = 0.105263158, v̂ = 0.00031225 / 0.001999 = 0.156203102, √v̂ = 0.395225382;
        // p = 0.99 − 0.01 · 0.105263158 / 0.395225382 = 0.99 − 0.002663370 = 0.987336630.
        Assert.Equal(0.987336630, parameters[0], Tolerance);
    }

    [Fact]
    public void Sgd_weight_decay_adds_lambda_times_the_parameter_to_the_gradient()
    {
        float[] parameters = [1f, -2f];
        new Sgd(0.1f, weightDecay: 0.1f).Step(parameters, [0.5f, 0f]);

        // d = g + 0.1·p = (0.6, −0.2); p = (1 − 0.06, −2 + 0.02).
        Assert.Equal(0.94, parameters[0], Tolerance);
        Assert.Equal(-1.98, parameters[1], Tolerance);
    }

    [Fact]
    public void AdamW_shrinks_the_parameters_before_the_Adam_step()
    {
        float[] parameters = [1f, -2f];
        var adamW = new Adam(0.01f, weightDecay: 0.1f);
        adamW.Step(parameters, [0.5f, 0.5f]);

        // p·(1 − 0.01·0.1) − 0.01·sign(g): 0.999 − 0.01 = 0.989 and −1.998 − 0.01 = −2.008.
        Assert.Equal(0.989, parameters[0], Tolerance);
        Assert.Equal(-2.008, parameters[1], Tolerance);
        Assert.StartsWith("AdamW", adamW.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Vector_and_scalar_updates_give_the_same_bits()
    {
        // 19 parameters: two vectors of 8 and a scalar tail of 3. Parameter i and parameter i + 8 see the same values, so
        // every lane of the vector path must agree with the scalar path bit for bit, as the trainer's determinism needs.
        foreach (Func<Optimizer> create in new Func<Optimizer>[]
        {
            () => new Sgd(0.05f, momentum: 0.9f, nesterov: true, weightDecay: 0.01f),
            () => new Adam(0.003f, weightDecay: 0.02f),
        })
        {
            float[] parameters = new float[19], gradient = new float[19];
            for (int i = 0; i < 19; i++)
            {
                parameters[i] = 0.1f * ((i % 8) - 3);
                gradient[i] = 0.03f * ((i % 8) - 4.5f);
            }

            Optimizer optimizer = create();
            for (int step = 0; step < 3; step++)
            {
                optimizer.Step(parameters, gradient);
            }

            for (int i = 0; i < 8; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(parameters[i]), BitConverter.SingleToInt32Bits(parameters[i + 8]));
            }

            for (int i = 16; i < 19; i++)
            {
                Assert.Equal(BitConverter.SingleToInt32Bits(parameters[i - 16]), BitConverter.SingleToInt32Bits(parameters[i]));
            }
        }
    }

    [Fact]
    public void Reset_forgets_the_momentum()
    {
        float[] first = [1f], second = [1f];
        var sgd = new Sgd(0.1f, momentum: 0.9f);
        sgd.Step(first, [1f]);
        sgd.Reset();
        sgd.Step(second, [1f]);
        Assert.Equal(first[0], second[0]);
        Assert.Equal(1, sgd.Steps);
    }

    [Fact]
    public void Optimizers_reject_bad_settings_and_mismatched_spans()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0.1f, momentum: 1f));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(float.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(weightDecay: -1f));
        Assert.Throws<ArgumentException>(() => new Adam().Step(new float[3], new float[2]));
        var sgd = new Sgd(0.1f, momentum: 0.5f);
        sgd.Step(new float[3], new float[3]);
        Assert.Throws<ArgumentException>(() => sgd.Step(new float[4], new float[4]));
    }
}
