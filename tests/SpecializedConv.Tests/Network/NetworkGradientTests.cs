using System;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>
/// The trainer's whole-network gradient (every layer's backward passes chained, the loss gradient, the per-shard
/// gradients added up) against central finite differences of the mean loss computed by <see cref="SequentialNetwork.Predict"/>,
/// for every parameter of two small networks.
/// </summary>
/// <remarks>
/// <para>
/// The batch of 3 is split into 4 shards (one of them empty), so the check also covers the reduction and the 1/batch
/// scaling. Inputs are uniform in [0, 1) like pixels, labels random, weights Xavier-initialised with random biases.
/// </para>
/// <para>
/// Tolerance: 1e-2 in GradientCheck's relative error (with its floor of 1% of the largest gradient element). The
/// network runs in float32, so each loss evaluation carries rounding of about 1e-7 of the loss (≈1.4 here); divided by
/// the 2ε of a central difference that is about 1e-5 absolute with ε = 1e-2 (smooth network) and 5e-5 with ε = 1e-3
/// (piecewise-linear network, whose step must be small to cross no ReLU or max-pooling kink). Against gradients whose
/// largest elements are about 1e-2 that is 1e-3 relative at worst, and the runs measure 5e-4 to 8e-4 on all three
/// instruction sets (with AVX2, without, without intrinsics). The smooth network's truncation error ε²·|f‴|/6 is
/// below 1e-5. A real error (a missing or misrouted term, a wrong sign, a shard counted twice or scaled wrongly) moves
/// elements by 10% or more.
/// </para>
/// </remarks>
public sealed class NetworkGradientTests
{
    private const int Batch = 3;
    private const double Tolerance = 1e-2;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Smooth_network_gradient_matches_finite_differences_of_the_loss(bool meanSquaredError)
    {
        using SequentialNetwork network = TestNetworks.Smooth();
        Loss loss = meanSquaredError ? new MeanSquaredErrorLoss() : new SoftmaxCrossEntropyLoss();
        GradientCheckResult result = Check(network, loss, epsilon: 1e-2, seed: 11);
        Assert.True(result.IsWithin(Tolerance), $"{loss.Name}: {result}");
    }

    [Fact]
    public void Piecewise_linear_network_gradient_matches_finite_differences_of_the_loss()
    {
        using SequentialNetwork network = TestNetworks.Kinked();
        GradientCheckResult result = Check(network, new SoftmaxCrossEntropyLoss(), epsilon: 1e-3, seed: 12);
        Assert.True(result.IsWithin(Tolerance), result.ToString());
    }

    private static GradientCheckResult Check(SequentialNetwork network, Loss loss, double epsilon, int seed)
    {
        var random = new Random(seed);
        network.Initialize(WeightInitialization.Xavier, seed);
        for (int layer = 0; layer < network.Layers.Count; layer++)
        {
            Span<float> biases = network.Biases(layer);
            for (int i = 0; i < biases.Length; i++)
            {
                biases[i] = (random.NextSingle() - 0.5f) * 0.2f;
            }
        }

        float[] images = TestNetworks.RandomImages(random, Batch, network.InputLength);
        byte[] labels = TestNetworks.RandomLabels(random, Batch, network.OutputLength);
        float[] analytic = new float[network.ParameterCount];
        analytic.AsSpan().Fill(float.NaN);
        using var trainer = new Trainer(network, loss, new Sgd(0.1f), new TrainingOptions { BatchSize = 4, Shards = 4, Threads = 2 });
        double trainerLoss = trainer.ComputeGradient(images, labels, analytic);

        float[] outputs = new float[Batch * network.OutputLength];
        double MeanLoss()
        {
            network.Predict(images, outputs);
            return loss.Compute(outputs, labels, [], 1f) / Batch;
        }

        // The trainer's loss is the mean over the batch too (1e-6: float32 outputs, the same in both paths up to the order of sums).
        Assert.Equal(MeanLoss(), trainerLoss, 1e-6);
        float[] before = network.Parameters.ToArray();
        GradientCheckResult result = GradientCheck.Compare(MeanLoss, network.Parameters, analytic, epsilon);
        Assert.Equal(network.ParameterCount, result.Checked);
        Assert.True(before.AsSpan().SequenceEqual(network.Parameters), "ComputeGradient and the check must leave the parameters as they were.");
        return result;
    }
}
