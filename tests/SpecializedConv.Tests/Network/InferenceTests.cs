using System;
using System.Runtime.InteropServices;
using System.Threading;
using SpecializedConv.Data;
using SpecializedConv.Networks;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Inference from many threads at once, and evaluation, give the same bits as one thread.</summary>
public sealed class InferenceTests
{
    private const int Threads = 8;
    private const int CallsPerThread = 1000;

    [Fact]
    public void Predictions_from_eight_threads_are_bit_identical_to_one_thread()
    {
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 21);

        // One input per call, of 1 to 3 images, so that calls of different batch sizes interleave on the same layers.
        var random = new Random(21);
        int calls = Threads * CallsPerThread;
        var inputs = new float[calls][];
        var expected = new float[calls][];
        for (int call = 0; call < calls; call++)
        {
            int images = 1 + (call % 3);
            inputs[call] = TestNetworks.RandomImages(random, images, network.InputLength);
            expected[call] = new float[images * network.OutputLength];
            network.Predict(inputs[call], expected[call]);
        }

        var mismatches = new int[Threads];
        using var start = new Barrier(Threads);
        var threads = new Thread[Threads];
        for (int t = 0; t < Threads; t++)
        {
            int thread = t;
            threads[t] = new Thread(() =>
            {
                start.SignalAndWait();
                for (int i = 0; i < CallsPerThread; i++)
                {
                    // Thread t makes calls t, t + 8, t + 16, …: every input is predicted by a thread other than the one that made the expectation.
                    int call = thread + (i * Threads);
                    float[] output = new float[expected[call].Length];
                    output.AsSpan().Fill(float.NaN);
                    network.Predict(inputs[call], output);
                    if (!MemoryMarshal.AsBytes(output.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(expected[call].AsSpan())))
                    {
                        mismatches[thread]++;
                    }
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        Assert.Equal(new int[Threads], mismatches);
    }

    [Fact]
    public void Classify_picks_the_largest_output_of_Predict()
    {
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 22);
        float[] images = TestNetworks.RandomImages(new Random(22), 40, network.InputLength);
        float[] outputs = new float[40 * 10];
        int[] classes = new int[40];
        network.Predict(images, outputs);
        network.Classify(images, classes);
        for (int n = 0; n < 40; n++)
        {
            ReadOnlySpan<float> row = outputs.AsSpan(n * 10, 10);
            Assert.Equal(row.IndexOf(MaxOf(row)), classes[n]);
        }
    }

    [Fact]
    public void Evaluation_does_not_depend_on_the_number_of_threads()
    {
        Dataset test = TestNetworks.FashionSubset.Test;
        using SequentialNetwork network = TestNetworks.Tiny();
        network.Initialize(WeightInitialization.He, seed: 23);
        EvaluationResult one = network.Evaluate(test, threads: 1);
        EvaluationResult two = network.Evaluate(test, threads: 2);
        Assert.Equal(one.Loss, two.Loss);
        Assert.Equal(test.Count, one.Confusion.Total);
        for (int actual = 0; actual < 10; actual++)
        {
            for (int predicted = 0; predicted < 10; predicted++)
            {
                Assert.Equal(one.Confusion[actual, predicted], two.Confusion[actual, predicted]);
            }
        }

        // Per-class counts: each row of the confusion matrix sums to the number of test images of that class.
        for (int actual = 0; actual < 10; actual++)
        {
            int row = 0;
            for (int predicted = 0; predicted < 10; predicted++)
            {
                row += one.Confusion[actual, predicted];
            }

            Assert.Equal(test.Labels.AsSpan().Count((byte)actual), row);
        }
    }

    private static float MaxOf(ReadOnlySpan<float> values)
    {
        float max = values[0];
        foreach (float value in values)
        {
            max = Math.Max(max, value);
        }

        return max;
    }
}
