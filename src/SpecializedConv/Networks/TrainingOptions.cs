using System;

namespace SpecializedConv.Networks;

/// <summary>How a <see cref="Trainer"/> cuts the data into batches and the batches into work for threads.</summary>
public sealed record TrainingOptions
{
    /// <summary>The shard count used when none is given: enough for a machine of four cores, few enough that each shard
    /// of a 32-sample batch still has 8 samples.</summary>
    public const int DefaultShards = 4;

    /// <summary>Samples per mini-batch (the last batch of an epoch may be smaller). Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Threads that run the shards, the caller's included; at most <see cref="Shards"/> are useful. Default: one per
    /// processor. The results do not depend on it.
    /// </summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>
    /// Parts every batch is split into: each runs forward and backward on its own, and their gradients are added in
    /// shard order. Fixed, unlike the thread count, so that the order of the floating-point sums, and so the trained
    /// weights, are the same whatever the number of threads. Default <see cref="DefaultShards"/>.
    /// </summary>
    public int Shards { get; init; } = DefaultShards;

    /// <summary>Seed of the order in which each epoch visits the samples. Default 1.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Whether each epoch visits the samples in a fresh random order (true, the default) or in dataset order.</summary>
    public bool Shuffle { get; init; } = true;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(BatchSize, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Threads, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Shards, nameof(Shards));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Shards, BatchSize, nameof(Shards));
    }
}

/// <summary>Where an epoch stands, reported to <see cref="Trainer.TrainEpoch"/>'s callback after every batch.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Batch">Batches done in this epoch, from 1.</param>
/// <param name="Batches">Batches in the epoch.</param>
/// <param name="Samples">Samples done in this epoch.</param>
/// <param name="Loss">Mean loss of the samples done so far.</param>
/// <param name="Accuracy">Fraction of the samples done so far that the network (as it was before each one's update) got right.</param>
/// <param name="Elapsed">Time since the epoch began.</param>
public readonly record struct TrainingProgress(int Epoch, int Batch, int Batches, int Samples, double Loss, double Accuracy, TimeSpan Elapsed);

/// <summary>What one epoch of <see cref="Trainer.TrainEpoch"/> did.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Samples">Samples trained on.</param>
/// <param name="Loss">Mean training loss over the epoch's samples, each measured on the batch's forward pass.</param>
/// <param name="Accuracy">Fraction of the samples classified right on their batch's forward pass (a running training accuracy:
/// the network changes during the epoch).</param>
/// <param name="Elapsed">Wall-clock time of the epoch.</param>
public sealed record EpochResult(int Epoch, int Samples, double Loss, double Accuracy, TimeSpan Elapsed)
{
    /// <summary>Training samples per second of wall-clock time.</summary>
    public double ImagesPerSecond => Samples / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
