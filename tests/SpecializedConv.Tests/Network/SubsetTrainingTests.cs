using SpecializedConv.Data;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>
/// An end-to-end run on the shipped Fashion-MNIST subset: one epoch over 2,000 training images must teach a small
/// network well beyond chance (10%). The network is the tiny one (about 40 times cheaper than LeNet-5) so that the run
/// takes well under a second even where the layers fall back to the scalar reference kernels.
/// </summary>
public sealed class SubsetTrainingTests
{
    [Fact]
    public void One_epoch_on_2000_subset_images_classifies_most_test_images_right()
    {
        (Dataset train, Dataset test) = TestNetworks.FashionSubset;
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 1);
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Adam(0.003f), new TrainingOptions { BatchSize = 32, Seed = 1 });

        EpochResult epoch = trainer.TrainEpoch(TestNetworks.Take(train, 2000));
        EvaluationResult result = network.Evaluate(test);

        // A bound well below what the run reaches (about 0.7) and far above chance, so it fails only when learning is broken.
        Assert.True(result.Accuracy > 0.5, $"test accuracy {result.Accuracy:P1} after one epoch (training loss {epoch.Loss:F3}, accuracy {epoch.Accuracy:P1})");
        Assert.True(epoch.Loss < 2.0, $"mean training loss {epoch.Loss:F3}; ln 10 = 2.303 is chance");
    }
}
