using System;
using System.Collections.Generic;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Runs alone: it measures the allocations of the whole process, which other tests running at the same time would add to.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// After warm-up (the trainer's buffers, the optimizer's state, the kernels' per-thread scratch), a training step
/// allocates nothing.
/// </summary>
/// <remarks>
/// Warm-up also includes the runtime's own: while tiered compilation recompiles hot methods (some time after their
/// 30th call, on a background thread) the process allocates a few hundred bytes that are not the trainer's. So the
/// test runs rounds of steps until one round allocates nothing, up to a limit far above what tiering takes, and fails
/// only if no round ever does.
/// </remarks>
[Collection(nameof(AllocationCollection))]
public sealed class AllocationTests
{
    private const int StepsPerRound = 10;
    private const int MaxRounds = 40;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_training_step_allocates_nothing_after_warm_up(int threads)
    {
        var random = new Random(8);
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 8);
        float[] images = TestNetworks.RandomImages(random, 32, network.InputLength);
        byte[] labels = TestNetworks.RandomLabels(random, 32, 10);
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Adam(), new TrainingOptions { BatchSize = 32, Threads = threads });

        var rounds = new List<long>();
        for (int round = 0; round < MaxRounds; round++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            for (int i = 0; i < StepsPerRound; i++)
            {
                trainer.Step(images, labels);
            }

            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            if (allocated == 0 && round > 0)
            {
                return;
            }

            rounds.Add(allocated);
        }

        Assert.Fail($"No round of {StepsPerRound} steps on {threads} thread(s) ran without allocating; bytes per round: {string.Join(", ", rounds)}.");
    }
}
