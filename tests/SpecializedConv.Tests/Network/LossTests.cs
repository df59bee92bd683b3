using System;
using SpecializedConv.Networks;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>
/// The losses against values worked out by hand. Losses are computed in double, so they are compared to 1e-9
/// relative (the logits are exact in float32); gradients are rounded to float32 once, so 1e-6.
/// </summary>
public sealed class LossTests
{
    private const double LossTolerance = 1e-9;
    private const double GradientTolerance = 1e-6;

    [Fact]
    public void Cross_entropy_of_one_sample_is_log_sum_exp_minus_the_true_logit()
    {
        float[] logits = [1f, 2f, 3f];
        float[] gradient = NumericAssert.Poisoned(3);
        double loss = new SoftmaxCrossEntropyLoss().Compute(logits, [2], gradient, 1f);

        // log(e + e² + e³) − 3 = 3.40760596444438 − 3; softmax = (0.0900305732, 0.2447284711, 0.6652409558).
        Assert.Equal(0.40760596444438, loss, LossTolerance);
        NumericAssert.AssertClose([0.0900305732f, 0.2447284711f, 0.6652409558f - 1f], gradient, GradientTolerance, "cross-entropy gradient");
    }

    [Fact]
    public void Cross_entropy_sums_the_samples_and_scales_the_gradient()
    {
        // Sample 1: equal logits, so the loss is log 3 whatever the label, and the gradient (1/3 − [k = 0]) · 0.5.
        // Sample 2: as in the test above with label 0: log(e + e² + e³) − 1 = 2.40760596444438.
        float[] logits = [5f, 5f, 5f, 1f, 2f, 3f];
        float[] gradient = NumericAssert.Poisoned(6);
        double loss = new SoftmaxCrossEntropyLoss().Compute(logits, [0, 0], gradient, 0.5f);

        Assert.Equal(Math.Log(3) + 2.40760596444438, loss, LossTolerance);
        float third = 1f / 3;
        NumericAssert.AssertClose(
            [(third - 1) / 2, third / 2, third / 2, (0.0900305732f - 1) / 2, 0.2447284711f / 2, 0.6652409558f / 2],
            gradient, GradientTolerance, "scaled cross-entropy gradient");
    }

    [Fact]
    public void Cross_entropy_is_stable_for_large_logits_and_NaN_for_non_finite_ones()
    {
        var loss = new SoftmaxCrossEntropyLoss();

        // e^1000 overflows double; subtracting the largest logit first gives the exact answers 0 and 1000.
        Assert.Equal(0, loss.Compute([1000f, 0f], [0], [], 1f), LossTolerance);
        Assert.Equal(1000, loss.Compute([1000f, 0f], [1], [], 1f), LossTolerance);
        Assert.True(double.IsNaN(loss.Compute([float.NaN, 0f], [1], [], 1f)));
        Assert.False(double.IsFinite(loss.Compute([float.PositiveInfinity, 0f], [1], [], 1f)));
    }

    [Fact]
    public void Softmax_rows_sum_to_one()
    {
        float[] probabilities = NumericAssert.Poisoned(4);
        SoftmaxCrossEntropyLoss.Softmax([0f, 0f, 1f, 2f], probabilities, 2);

        // Row 1: equal logits. Row 2: e / (e + e²) = 1 / (1 + e) = 0.268941421.
        NumericAssert.AssertClose([0.5f, 0.5f, 0.268941421f, 0.731058579f], probabilities, GradientTolerance, "softmax");
    }

    [Fact]
    public void Mean_squared_error_compares_with_the_one_hot_label()
    {
        // Target (0, 1, 0); differences (0.5, −2, 2); squares 0.25 + 4 + 4 = 8.25, over 3 classes: 2.75.
        // Gradient 2·difference/3 = (1/3, −4/3, 4/3).
        float[] gradient = NumericAssert.Poisoned(3);
        double loss = new MeanSquaredErrorLoss().Compute([0.5f, -1f, 2f], [1], gradient, 1f);

        Assert.Equal(2.75, loss, LossTolerance);
        NumericAssert.AssertClose([1f / 3, -4f / 3, 4f / 3], gradient, GradientTolerance, "mean-squared-error gradient");
    }

    [Fact]
    public void Mean_squared_error_is_zero_at_the_one_hot_target()
    {
        float[] gradient = NumericAssert.Poisoned(4);
        Assert.Equal(0, new MeanSquaredErrorLoss().Compute([0f, 0f, 0f, 1f], [3], gradient, 0.25f));
        NumericAssert.AssertClose([0f, 0f, 0f, 0f], gradient, GradientTolerance, "gradient at the target");
    }

    [Fact]
    public void Losses_reject_labels_beyond_the_outputs_and_mismatched_spans()
    {
        var loss = new SoftmaxCrossEntropyLoss();
        ArgumentException label = Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f, 3f], [3], [], 1f));
        Assert.Contains("3 outputs", label.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => loss.Compute([1f, 2f, 3f], [0, 1], [], 1f));
        Assert.Throws<ArgumentException>(() => new MeanSquaredErrorLoss().Compute([1f, 2f], [0], new float[3], 1f));
    }
}
