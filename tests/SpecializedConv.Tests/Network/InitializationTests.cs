using System;
using System.Linq;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>He and Xavier initialisation: the distributions' moments and bounds, biases at zero, and seeding.</summary>
public sealed class InitializationTests
{
    [Fact]
    public void He_draws_weights_with_deviation_root_two_over_fan_in_and_zero_biases()
    {
        using SequentialNetwork network = TestNetworks.LeNet();
        network.Biases(6).Fill(1f);
        network.Initialize(WeightInitialization.He, seed: 3);

        // fc1 has 30,720 weights with fan-in 256: deviation √(2/256) = 0.0884. The sample deviation of 30,720 normal draws is
        // within 1% of the true one with probability far above 1 − 1e-6 (its relative error is about 1/√(2·30,720) = 0.4%);
        // the sample mean within 3 standard errors (3·0.0884/√30,720 = 0.0015).
        float[] weights = network.Weights(6).ToArray();
        double mean = weights.Average(value => (double)value);
        double deviation = Math.Sqrt(weights.Average(value => (value - mean) * (value - mean)));
        Assert.InRange(deviation, 0.99 * Math.Sqrt(2.0 / 256), 1.01 * Math.Sqrt(2.0 / 256));
        Assert.InRange(mean, -0.0015, 0.0015);
        Assert.All(Enumerable.Range(0, network.Layers.Count), layer => Assert.True(network.Biases(layer).ToArray().All(value => value == 0)));

        // conv1's fan-in is 1·5·5 = 25.
        float[] conv = network.Weights(0).ToArray();
        Assert.InRange(Math.Sqrt(conv.Average(value => (double)value * value)), 0.5 * Math.Sqrt(2.0 / 25), 1.5 * Math.Sqrt(2.0 / 25));
    }

    [Fact]
    public void Xavier_draws_weights_uniformly_within_root_six_over_fan_in_plus_fan_out()
    {
        using SequentialNetwork network = TestNetworks.LeNet();
        network.Initialize(WeightInitialization.Xavier, seed: 4);

        // fc1: bound √(6 / (256 + 120)) = 0.1263; among 30,720 uniform draws the largest magnitude is within 0.1% of the
        // bound unless all miss the top 0.1%, probability (0.999)^30720 ≈ 5e-14. The variance of U(−a, a) is a²/3.
        double bound = Math.Sqrt(6.0 / (256 + 120));
        float[] weights = network.Weights(6).ToArray();
        double largest = weights.Max(value => Math.Abs((double)value));
        Assert.InRange(largest, 0.999 * bound, bound);
        Assert.InRange(weights.Average(value => (double)value * value), 0.97 * bound * bound / 3, 1.03 * bound * bound / 3);
    }

    [Fact]
    public void The_same_seed_gives_the_same_network_and_another_seed_another()
    {
        using SequentialNetwork first = TestNetworks.LeNet(), second = TestNetworks.LeNet(), third = TestNetworks.LeNet();
        first.Initialize(WeightInitialization.He, seed: 42);
        second.Initialize(WeightInitialization.He, seed: 42);
        third.Initialize(WeightInitialization.He, seed: 43);
        Assert.True(first.Parameters.SequenceEqual(second.Parameters));
        Assert.False(first.Parameters.SequenceEqual(third.Parameters));
    }
}
