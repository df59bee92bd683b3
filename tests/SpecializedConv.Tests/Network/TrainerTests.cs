using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using SpecializedConv.Data;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Training: identical results on any number of threads, progress reports, and stopping on a non-finite loss.</summary>
public sealed class TrainerTests
{
    [Fact]
    public void Training_LeNet_is_bit_identical_on_one_two_and_three_threads()
    {
        Dataset data = TestNetworks.Take(TestNetworks.FashionSubset.Train, 96);
        (byte[] Parameters, double Loss) Train(int threads)
        {
            using SequentialNetwork network = TestNetworks.LeNet();
            network.Initialize(WeightInitialization.He, seed: 5);
            using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Sgd(0.05f, momentum: 0.9f),
                new TrainingOptions { BatchSize = 32, Threads = threads, Seed = 9 });
            Assert.Equal(threads, trainer.Threads);
            EpochResult epoch = trainer.TrainEpoch(data);
            return (MemoryMarshal.AsBytes(network.Parameters).ToArray(), epoch.Loss);
        }

        (byte[] one, double oneLoss) = Train(1);
        (byte[] two, double twoLoss) = Train(2);
        (byte[] three, double threeLoss) = Train(3);
        Assert.Equal(one, two);
        Assert.Equal(one, three);
        Assert.Equal(oneLoss, twoLoss);
        Assert.Equal(oneLoss, threeLoss);
    }

    [Fact]
    public void An_epoch_reports_every_batch_and_visits_every_sample_once()
    {
        Dataset data = TestNetworks.Take(TestNetworks.FashionSubset.Train, 100);
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 1);
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Adam(), new TrainingOptions { BatchSize = 32 });
        var reports = new List<TrainingProgress>();
        EpochResult result = trainer.TrainEpoch(data, reports.Add);

        // 100 samples in batches of 32: 32, 32, 32 and a last batch of 4.
        Assert.Equal([32, 64, 96, 100], reports.ConvertAll(report => report.Samples));
        Assert.All(reports, report => Assert.Equal(4, report.Batches));
        Assert.Equal(1, result.Epoch);
        Assert.Equal(100, result.Samples);
        Assert.Equal(reports[^1].Loss, result.Loss);
        Assert.Equal(1, trainer.CompletedEpochs);
        Assert.Equal(2, trainer.TrainEpoch(data).Epoch);
    }

    [Fact]
    public void A_NaN_weight_stops_training_naming_the_epoch_the_batch_and_the_first_non_finite_layer()
    {
        Dataset data = TestNetworks.Take(TestNetworks.FashionSubset.Train, 64);
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 2);
        network.Weights(1)[7] = float.NaN; // conv: layer 1, after the downsampling
        byte[] before = MemoryMarshal.AsBytes(network.Parameters).ToArray();
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Adam(), new TrainingOptions { BatchSize = 32 });

        NonFiniteLossException error = Assert.Throws<NonFiniteLossException>(() => trainer.TrainEpoch(data));
        Assert.Equal((1, 1), (error.Epoch, error.Batch));
        Assert.Equal(1, error.LayerIndex);
        Assert.Equal("conv", error.LayerName);
        Assert.Contains("epoch 1, batch 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("layer 1 'conv' (Conv2D 1×14×14 → 8×10×10)", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, MemoryMarshal.AsBytes(network.Parameters).ToArray());
    }

    [Fact]
    public void An_infinite_input_in_the_second_batch_is_reported_as_the_input()
    {
        Dataset source = TestNetworks.Take(TestNetworks.FashionSubset.Train, 64);
        float[] images = (float[])source.Images.Clone();
        images[(40 * source.ImageLength) + 300] = float.PositiveInfinity; // image 40: the second batch of 32 in dataset order
        var data = new Dataset(images, source.Labels, source.Height, source.Width);
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 3);
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Sgd(0.01f), new TrainingOptions { BatchSize = 32, Shuffle = false });

        NonFiniteLossException error = Assert.Throws<NonFiniteLossException>(() => trainer.TrainEpoch(data));
        Assert.Equal((1, 2), (error.Epoch, error.Batch));
        Assert.Equal(-1, error.LayerIndex);
        Assert.Null(error.LayerName);
        Assert.Contains("input batch", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_and_batches_out_of_range_are_refused()
    {
        using SequentialNetwork network = TestNetworks.Kinked();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Trainer(network, new SoftmaxCrossEntropyLoss(), new Adam(), new TrainingOptions { BatchSize = 2, Shards = 4 }));
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Adam(), new TrainingOptions { BatchSize = 4 });
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Step(new float[5 * 64], new byte[5]));
        Assert.Throws<ArgumentException>(() => trainer.Step(new float[2 * 64], new byte[3]));
        Assert.Throws<ArgumentException>(() => trainer.TrainEpoch(TestNetworks.FashionSubset.Test));
    }
}
