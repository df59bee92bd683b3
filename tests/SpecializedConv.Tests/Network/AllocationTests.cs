using System;
using System.Collections.Generic;
using System.Threading;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Runs alone, so that other tests do not slow it down or share its threads.</summary>
[CollectionDefinition(nameof(AllocationCollection), DisableParallelization = true)]
public sealed class AllocationCollection;

/// <summary>
/// After warm-up (the trainer's buffers, the optimizer's state, the kernels' per-thread scratch), a training step
/// allocates nothing.
/// </summary>
/// <remarks>
/// It counts the bytes allocated on the threads that run the step, the calling thread and the trainer's workers, not
/// the whole process's: the test host's own threads allocate while it runs (sending results, timers), a few hundred
/// bytes every tenth of a second on a slow or busy machine, which failed every round of a process-wide count in a CI
/// run without AVX2. Warm-up also includes the runtime's own work on the calling thread (tiered compilation's
/// transitions, first calls), so the test runs rounds of steps until one round allocates nothing, up to a limit far
/// above what that takes, and fails only if no round ever does.
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
            long before = AllocatedBytes(trainer);
            for (int i = 0; i < StepsPerRound; i++)
            {
                trainer.Step(images, labels);
            }

            long allocated = AllocatedBytes(trainer) - before;
            if (allocated == 0 && round > 0)
            {
                return;
            }

            rounds.Add(allocated);
        }

        Assert.Fail($"No round of {StepsPerRound} steps on {threads} thread(s) ran without allocating; bytes per round: {string.Join(", ", rounds)}.");
    }

    [Fact]
    public void The_count_sees_what_a_worker_thread_allocates()
    {
        // Two items that wait for each other: the caller runs one and the worker the other, and each allocates 4 KB.
        using var barrier = new Barrier(2);
        var kept = new byte[2][];
        using var runner = new ShardRunner(2, item =>
        {
            Assert.True(barrier.SignalAndWait(TimeSpan.FromMinutes(1)), "The two items did not run on two threads at once.");
            kept[item] = new byte[4096];
        });
        runner.Run(2);
        long before = runner.WorkerAllocatedBytes;
        runner.Run(2);

        Assert.InRange(runner.WorkerAllocatedBytes - before, 4096, 4096 + 1024);
    }

    /// <summary>Bytes allocated so far on the calling thread and the trainer's worker threads.</summary>
    private static long AllocatedBytes(Trainer trainer) => GC.GetAllocatedBytesForCurrentThread() + trainer.WorkerAllocatedBytes;
}
