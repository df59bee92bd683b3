using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using SpecializedConv.Networks;
using Spectre.Console;

namespace LeNet;

/// <summary>
/// <c>--profile</c>: where a training step's time goes. Times every layer's forward pass, gradient with respect to the
/// input and gradient with respect to the parameters on one thread, on a shard of the batch (what each thread runs),
/// then whole steps on 1 and on N threads, and prints the breakdown.
/// </summary>
internal static class Profiler
{
    private const int Rounds = 7;

    public static int Run(int batchSize, int shards, int threads)
    {
        CultureInfo.CurrentCulture = Display.Culture;
        using SequentialNetwork network = LeNet5.Build();
        network.Initialize(WeightInitialization.He, seed: 1);
        int shard = (batchSize + shards - 1) / shards;
        var random = new Random(1);
        float[] images = new float[batchSize * network.InputLength];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = random.NextSingle();
        }

        byte[] labels = Enumerable.Range(0, batchSize).Select(_ => (byte)random.Next(10)).ToArray();

        // Warm-up: about a second of whole steps, so that tiered compilation has replaced every hot method with its optimised
        // version before anything is timed (the first thousand or so steps of a training run are slower for the same reason).
        var warmUp = Stopwatch.StartNew();
        using (var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), new Sgd(1e-6f), new TrainingOptions { BatchSize = batchSize, Shards = shards, Threads = threads }))
        {
            while (warmUp.ElapsedMilliseconds < 1500)
            {
                trainer.Step(images, labels);
            }
        }

        // The layers' own buffers for one shard, as a trainer's workspace holds them.
        IReadOnlyList<Layer> layers = network.Layers;
        float[][] outputs = layers.Select(layer => new float[shard * layer.OutputLength]).ToArray();
        float[][] outputGradients = layers.Select(layer => FillRandom(new float[shard * layer.OutputLength], random)).ToArray();
        float[][] inputGradients = layers.Select(layer => new float[shard * layer.InputLength]).ToArray();
        object?[] scratch = layers.Select(layer => layer.CreateScratch(shard)).ToArray();
        float[] parameterGradient = new float[network.ParameterCount];
        ReadOnlySpan<float> Input(int i) => i == 0 ? images.AsSpan(0, shard * network.InputLength) : outputs[i - 1];
        ReadOnlySpan<float> Parameters(int i) => network.Parameters.Slice(network.ParameterOffset(i), layers[i].ParameterLength);
        Span<float> ParameterGradient(int i) => parameterGradient.AsSpan(network.ParameterOffset(i), layers[i].ParameterLength);

        var rows = new List<(string Layer, double Forward, double Data, double Weights)>();
        for (int i = 0; i < layers.Count; i++)
        {
            int index = i;
            Layer layer = layers[i];
            double forward = Time(() => layer.Forward(Parameters(index), Input(index), outputs[index], scratch[index]));
            double weightsOnly = Time(() => layer.Backward(Parameters(index), Input(index), outputs[index], outputGradients[index], [], ParameterGradient(index), scratch[index]));
            double both = index == 0
                ? weightsOnly
                : Time(() => layer.Backward(Parameters(index), Input(index), outputs[index], outputGradients[index], inputGradients[index], ParameterGradient(index), scratch[index]));

            // A layer without parameters does all its backward work in the input gradient.
            double weights = layer.ParameterLength > 0 ? weightsOnly : 0;
            rows.Add((layer.Name, forward, Math.Max(both - weights, 0), weights));
        }

        var loss = new SoftmaxCrossEntropyLoss();
        float[] logits = outputs[^1], logitGradient = new float[logits.Length];
        double lossTime = Time(() => loss.Compute(logits, labels.AsSpan(0, shard), logitGradient, 1f / batchSize));
        var adam = new Adam();
        float[] update = new float[network.ParameterCount];
        float[] gradient = new float[network.ParameterCount];
        double optimizerTime = Time(() => adam.Step(update, gradient));

        double Step(int stepThreads)
        {
            using var trainer = new Trainer(network, loss, new Sgd(1e-6f), new TrainingOptions { BatchSize = batchSize, Shards = shards, Threads = stepThreads });
            return Time(() => trainer.Step(images, labels));
        }

        double oneThread = Step(1), manyThreads = Step(threads);
        double layerTotal = rows.Sum(row => row.Forward + row.Data + row.Weights);
        double perBatch = (layerTotal + lossTime) * shards;

        var table = new Table().Border(TableBorder.Rounded)
            .Title($"LeNet-5, one thread, one shard of {shard} images (batch {batchSize} in {shards} shards): µs per call");
        table.AddColumns("layer", "forward", "backward data", "backward weights", "total", "share");
        foreach (TableColumn column in table.Columns.Skip(1))
        {
            column.RightAligned();
        }

        foreach ((string name, double forward, double data, double weights) in rows)
        {
            double total = forward + data + weights;
            table.AddRow(name, Micro(forward), Micro(data), Micro(weights), Micro(total), (total / layerTotal).ToString("P1", Display.Culture));
        }

        table.AddRow("[bold]layers[/]", Micro(rows.Sum(row => row.Forward)), Micro(rows.Sum(row => row.Data)), Micro(rows.Sum(row => row.Weights)), Micro(layerTotal), "100 %");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLine(string.Create(Display.Culture,
            $"loss on a shard {Micro(lossTime)} µs; Adam update of {network.ParameterCount:N0} parameters {Micro(optimizerTime)} µs"));
        AnsiConsole.MarkupLine(string.Create(Display.Culture,
            $"sum of the parts for a batch of {batchSize}: {Micro(perBatch + optimizerTime)} µs = {batchSize / (perBatch + optimizerTime):N0} img/s on one thread"));
        AnsiConsole.MarkupLine(string.Create(Display.Culture,
            $"whole step, 1 thread: {Micro(oneThread)} µs = [bold]{batchSize / oneThread:N0} img/s[/]"));
        AnsiConsole.MarkupLine(string.Create(Display.Culture,
            $"whole step, {threads} threads: {Micro(manyThreads)} µs = [bold]{batchSize / manyThreads:N0} img/s[/] (speed-up {oneThread / manyThreads:F2}×)"));
        return 0;
    }

    /// <summary>Seconds per call: the median over <see cref="Rounds"/> rounds, each long enough (about 30 ms) to time well.</summary>
    private static double Time(Action action)
    {
        for (int i = 0; i < 50; i++)
        {
            action();
        }

        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.ElapsedMilliseconds < 30)
        {
            action();
            calls++;
        }

        int perRound = Math.Max(calls, 1);
        var rounds = new double[Rounds];
        for (int round = 0; round < Rounds; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < perRound; i++)
            {
                action();
            }

            rounds[round] = Stopwatch.GetElapsedTime(start).TotalSeconds / perRound;
        }

        Array.Sort(rounds);
        return rounds[Rounds / 2];
    }

    private static string Micro(double seconds) => (seconds * 1e6).ToString("F1", CultureInfo.InvariantCulture);

    private static float[] FillRandom(float[] values, Random random)
    {
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (random.NextSingle() - 0.5f) * 0.01f;
        }

        return values;
    }
}
