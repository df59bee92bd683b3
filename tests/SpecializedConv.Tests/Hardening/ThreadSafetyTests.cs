using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Hardening;

/// <summary>Stride 1 with padding: forward and backward-weights share the per-thread packed input.</summary>
[Conv2D(2, 7, 9, 3, 3, Padding = 1)]
public partial class ThreadPaddedLayer;

/// <summary>Stride 2 in Same mode: backward-data uses its per-thread phase buffer as well.</summary>
[Conv2D(2, 9, 11, 2, 3, Mode = ConvMode.Same, Stride = 2)]
public partial class ThreadStride2Layer;

/// <summary>
/// 62×62 output planes with K = 8: backward-weights transposes into two more per-thread buffers (the channel-lane form).
/// </summary>
[Conv2D(1, 64, 64, 8, 3)]
public partial class ThreadChannelLanesLayer;

/// <summary>
/// Generated layers are pure: their working buffers are per thread, so eight threads each calling Forward, BackwardData and
/// BackwardWeights a thousand times on the same layers, with their own data, get bit-for-bit what one thread gets. Each
/// thread has different inputs (and batch size), so a buffer shared by mistake would mix two threads' data rather than
/// write the same values twice. The shapes are tiny but one, which only runs where the vector kernels do: with AVX2
/// disabled the passes run the scalar reference kernels.
/// </summary>
public sealed class ThreadSafetyTests
{
    private const int Threads = 8;
    private const int Calls = 1000;

    [Fact]
    public void Eight_threads_calling_every_pass_a_thousand_times_get_the_bits_of_one_thread()
    {
        LayerPasses[] layers =
        {
            LayerPasses.Generated<ThreadPaddedLayer>(),
            LayerPasses.Generated<ThreadStride2Layer>(),
            LayerPasses.Reference(ThreadStride2Layer.Shape),
        };
        if (KernelSupport.VectorPathSupported)
        {
            layers = [.. layers, LayerPasses.Generated<ThreadChannelLanesLayer>()];
        }

        // Every thread's data and, computed here on one thread, its expected results.
        Work[][] work = Enumerable.Range(0, Threads).Select(t => layers.Select(layer => new Work(layer, seed: 100 + t, batch: 1 + (t % 3))).ToArray()).ToArray();

        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(Threads);
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                for (int call = 0; call < Calls && failures.IsEmpty; call++)
                {
                    foreach (Work item in work[t])
                    {
                        string? mismatch = item.RunAndCompare();
                        if (mismatch is not null)
                        {
                            failures.Enqueue($"thread {t}, call {call}: {mismatch}");
                            return;
                        }
                    }
                }
            }
            catch (Exception error)
            {
                failures.Enqueue($"thread {t} threw {error}");
            }
        })
        {
            IsBackground = true,
            Name = $"{nameof(ThreadSafetyTests)} worker {t}",
        }).ToArray();

        var clock = Stopwatch.StartNew();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(2)), $"{thread.Name} did not finish within two minutes.");
        }

        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(5)));
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(1), $"The concurrent calls took {clock.Elapsed}.");
    }

    [Fact]
    public void A_layer_first_called_on_many_new_threads_at_once_gives_the_same_bits()
    {
        // Each new thread allocates its working buffers on its first call: 32 threads doing so together.
        LayerPasses layer = LayerPasses.Generated<ThreadStride2Layer>();
        var expected = new Work(layer, seed: 7, batch: 2);
        var failures = new ConcurrentQueue<string>();
        using var start = new Barrier(32);
        Thread[] threads = Enumerable.Range(0, 32).Select(t => new Thread(() =>
        {
            var mine = new Work(layer, seed: 7, batch: 2);
            start.SignalAndWait();
            string? mismatch = mine.RunAndCompareWith(expected);
            if (mismatch is not null)
            {
                failures.Enqueue($"thread {t}: {mismatch}");
            }
        })
        {
            IsBackground = true,
        }).ToArray();

        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(1)));
        }

        Assert.True(failures.IsEmpty, string.Join(Environment.NewLine, failures.Take(5)));
    }

    /// <summary>One thread's inputs for one layer, the results one thread computes from them, and buffers to recompute them into.</summary>
    private sealed class Work
    {
        private readonly LayerPasses layer;
        private readonly float[] input, weights, bias, outputGrad;
        private readonly float[] expectedOutput, expectedInputGrad, expectedWeightGrad, expectedBiasGrad;
        private readonly float[] output, inputGrad, weightGrad, biasGrad;

        public Work(LayerPasses layer, int seed, int batch)
        {
            this.layer = layer;
            Conv2DShape shape = layer.Shape;
            var random = new Random(seed);
            input = NumericAssert.RandomArray(random, batch * shape.InputLength);
            weights = NumericAssert.RandomArray(random, shape.WeightLength);
            bias = NumericAssert.RandomArray(random, shape.BiasLength);
            outputGrad = NumericAssert.RandomArray(random, batch * shape.OutputLength);
            expectedOutput = new float[batch * shape.OutputLength];
            expectedInputGrad = new float[input.Length];
            expectedWeightGrad = new float[weights.Length];
            expectedBiasGrad = new float[bias.Length];
            layer.Forward(input, weights, bias, expectedOutput);
            layer.BackwardData(outputGrad, weights, expectedInputGrad);
            layer.BackwardWeights(input, outputGrad, expectedWeightGrad, expectedBiasGrad);
            output = new float[expectedOutput.Length];
            inputGrad = new float[expectedInputGrad.Length];
            weightGrad = new float[expectedWeightGrad.Length];
            biasGrad = new float[expectedBiasGrad.Length];
        }

        public string? RunAndCompare() => RunAndCompareWith(this);

        /// <summary>Runs the three passes on this work's data; returns what differs from <paramref name="expected"/>'s results, or null.</summary>
        public string? RunAndCompareWith(Work expected)
        {
            // Poison first, so a pass that skips an element cannot pass on the previous call's value.
            output.AsSpan().Fill(float.NaN);
            inputGrad.AsSpan().Fill(float.NaN);
            weightGrad.AsSpan().Fill(float.NaN);
            biasGrad.AsSpan().Fill(float.NaN);
            layer.Forward(input, weights, bias, output);
            layer.BackwardData(outputGrad, weights, inputGrad);
            layer.BackwardWeights(input, outputGrad, weightGrad, biasGrad);
            return Differs(expected.expectedOutput, output, "Forward")
                ?? Differs(expected.expectedInputGrad, inputGrad, "BackwardData")
                ?? Differs(expected.expectedWeightGrad, weightGrad, "BackwardWeights (weights)")
                ?? Differs(expected.expectedBiasGrad, biasGrad, "BackwardWeights (bias)");
        }

        private string? Differs(float[] expected, float[] actual, string pass)
        {
            ReadOnlySpan<int> e = MemoryMarshal.Cast<float, int>(expected), a = MemoryMarshal.Cast<float, int>(actual);
            if (e.SequenceEqual(a))
            {
                return null;
            }

            int i = 0;
            while (e[i] == a[i])
            {
                i++;
            }

            return $"{layer.Name} {pass}: element {i} is {actual[i]:G9}, one thread computed {expected[i]:G9}";
        }
    }
}
