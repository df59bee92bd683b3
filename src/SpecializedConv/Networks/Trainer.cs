using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using SpecializedConv.Data;

namespace SpecializedConv.Networks;

/// <summary>
/// Mini-batch training of a <see cref="SequentialNetwork"/>, data-parallel over each batch.
/// </summary>
/// <remarks>
/// <para>
/// Every batch is cut into <see cref="TrainingOptions.Shards"/> contiguous shards. Each shard has its own buffers
/// (activations, activation gradients, a parameter gradient) and runs forward, loss and backward on its samples; the
/// <see cref="TrainingOptions.Threads"/> threads take shards as they come free. The shards' parameter gradients are
/// then added in shard order, and the optimizer takes one step. Since neither the shards nor the order of the sums
/// depend on the thread count, training is bit-for-bit the same on 1 thread or 8.
/// </para>
/// <para>
/// All buffers are sized for the largest batch when the trainer is created, the worker threads are started once, and
/// the optimizer's state is allocated on its first step: after the first step, a step allocates nothing.
/// </para>
/// <para>
/// A NaN or infinite loss stops training with a <see cref="NonFiniteLossException"/> before the parameters change,
/// naming the epoch, the batch and the first layer whose output was not finite.
/// </para>
/// </remarks>
public sealed class Trainer : IDisposable
{
    private readonly Workspace[] _shards;
    private readonly ShardRunner _runner;
    private readonly float[] _gradient;
    private int[] _order = [];
    private float _gradientScale;
    private int _batchInEpoch;
    private bool _disposed;

    /// <summary>Creates a trainer; its worker threads start now and end at <see cref="Dispose"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (more shards than the batch size, …).</exception>
    public Trainer(SequentialNetwork network, Loss loss, Optimizer optimizer, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(optimizer);
        options ??= new TrainingOptions();
        options.Validate();
        Network = network;
        Loss = loss;
        Optimizer = optimizer;
        Options = options;

        int capacity = (options.BatchSize + options.Shards - 1) / options.Shards;
        _shards = new Workspace[options.Shards];
        for (int s = 0; s < _shards.Length; s++)
        {
            _shards[s] = new Workspace(network, capacity, training: true);
        }

        _gradient = new float[network.ParameterCount];
        _runner = new ShardRunner(Math.Min(options.Threads, options.Shards), RunShard);
    }

    /// <summary>The network being trained.</summary>
    public SequentialNetwork Network { get; }

    /// <summary>The loss minimised.</summary>
    public Loss Loss { get; }

    /// <summary>The optimizer that applies each batch's gradient.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Batch size, threads, shards and seed.</summary>
    public TrainingOptions Options { get; }

    /// <summary>Threads actually used: <see cref="TrainingOptions.Threads"/>, at most one per shard.</summary>
    public int Threads => _runner.Threads;

    /// <summary>What the trainer's worker threads have allocated, as of the end of the last step (see <see cref="ShardRunner.WorkerAllocatedBytes"/>).</summary>
    internal long WorkerAllocatedBytes => _runner.WorkerAllocatedBytes;

    /// <summary>Epochs <see cref="TrainEpoch"/> has finished.</summary>
    public int CompletedEpochs { get; private set; }

    /// <summary>
    /// The gradient of the mean loss of the last batch, laid out as <see cref="SequentialNetwork.Parameters"/>: what
    /// the optimizer was given by the last <see cref="Step"/> or written by <see cref="ComputeGradient"/>.
    /// </summary>
    public ReadOnlySpan<float> Gradient => _gradient;

    /// <summary>
    /// Trains one epoch: every sample of <paramref name="data"/> once, in batches of <see cref="TrainingOptions.BatchSize"/>,
    /// in an order drawn from the seed and the epoch number (or in dataset order without shuffling).
    /// </summary>
    /// <param name="data">Images of the network's input length, labels below its output length.</param>
    /// <param name="progress">Called after every batch on the calling thread; may be null.</param>
    /// <exception cref="NonFiniteLossException">A batch's loss was NaN or infinite; the parameters are those before that batch.</exception>
    public EpochResult TrainEpoch(Dataset data, Action<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        Network.CheckDataset(data, nameof(data));
        int epoch = CompletedEpochs + 1;
        DrawOrder(data.Count, epoch);

        int batchSize = Options.BatchSize;
        int batches = (data.Count + batchSize - 1) / batchSize;
        double lossSum = 0;
        int correct = 0, samples = 0;
        long started = Stopwatch.GetTimestamp();
        _batchInEpoch = 0;
        for (int batch = 0; batch < batches; batch++)
        {
            int first = batch * batchSize, count = Math.Min(batchSize, data.Count - first);
            ReadOnlySpan<int> indices = _order.AsSpan(first, count);
            for (int s = 0; s < _shards.Length; s++)
            {
                Workspace shard = _shards[s];
                int start = ShardStart(s, count), length = ShardStart(s + 1, count) - start;
                shard.Count = length;
                for (int n = 0; n < length; n++)
                {
                    int index = indices[start + n];
                    data.Images.AsSpan(index * data.ImageLength, data.ImageLength).CopyTo(shard.Input.AsSpan(n * data.ImageLength));
                    shard.Labels[n] = data.Labels[index];
                }
            }

            (double batchLoss, int batchCorrect) = RunStep(count, update: true);
            lossSum += batchLoss;
            correct += batchCorrect;
            samples += count;
            progress?.Invoke(new TrainingProgress(
                epoch, batch + 1, batches, samples, lossSum / samples, (double)correct / samples, Stopwatch.GetElapsedTime(started)));
        }

        CompletedEpochs = epoch;
        _batchInEpoch = 0;
        return new EpochResult(epoch, samples, lossSum / Math.Max(samples, 1), (double)correct / Math.Max(samples, 1), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Trains on one batch: computes the gradient of its mean loss over <see cref="TrainingOptions.Threads"/> threads
    /// and applies it with the optimizer.
    /// </summary>
    /// <param name="images">n·InputLength values, 1 ≤ n ≤ <see cref="TrainingOptions.BatchSize"/>.</param>
    /// <param name="labels">The n labels.</param>
    /// <returns>The batch's mean loss, before the update.</returns>
    /// <exception cref="NonFiniteLossException">The loss was NaN or infinite; nothing was changed.</exception>
    public double Step(ReadOnlySpan<float> images, ReadOnlySpan<byte> labels)
    {
        int count = Load(images, labels);
        return RunStep(count, update: true).LossSum / count;
    }

    /// <summary>
    /// Computes the gradient of the mean loss of a batch with respect to every parameter, without changing them.
    /// </summary>
    /// <param name="images">n·InputLength values, 1 ≤ n ≤ <see cref="TrainingOptions.BatchSize"/>.</param>
    /// <param name="labels">The n labels.</param>
    /// <param name="gradient">Receives dLoss/dParameters, laid out as <see cref="SequentialNetwork.Parameters"/>.</param>
    /// <returns>The batch's mean loss.</returns>
    /// <exception cref="NonFiniteLossException">The loss was NaN or infinite.</exception>
    public double ComputeGradient(ReadOnlySpan<float> images, ReadOnlySpan<byte> labels, Span<float> gradient)
    {
        KernelSupport.CheckLength(gradient.Length, Network.ParameterCount, nameof(gradient));
        int count = Load(images, labels);
        double loss = RunStep(count, update: false).LossSum / count;
        _gradient.CopyTo(gradient);
        return loss;
    }

    /// <summary>Ends the worker threads.</summary>
    public void Dispose()
    {
        _disposed = true;
        _runner.Dispose();
    }

    /// <summary>Where shard <paramref name="shard"/> starts in a batch of <paramref name="count"/>: shards differ by at most one sample.</summary>
    private int ShardStart(int shard, int count) => (int)((long)shard * count / _shards.Length);

    private int Load(ReadOnlySpan<float> images, ReadOnlySpan<byte> labels)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int count = labels.Length;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count, nameof(labels));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Options.BatchSize, nameof(labels));
        KernelSupport.CheckBatch(images.Length, Network.InputLength, count, nameof(images), nameof(labels));
        int inputLength = Network.InputLength;
        for (int s = 0; s < _shards.Length; s++)
        {
            Workspace shard = _shards[s];
            int start = ShardStart(s, count), length = ShardStart(s + 1, count) - start;
            shard.Count = length;
            images.Slice(start * inputLength, length * inputLength).CopyTo(shard.Input);
            labels.Slice(start, length).CopyTo(shard.Labels);
        }

        return count;
    }

    /// <summary>Runs the shards loaded for a batch of <paramref name="count"/>, adds their gradients, and optionally updates.</summary>
    private (double LossSum, int Correct) RunStep(int count, bool update)
    {
        _batchInEpoch++;
        _gradientScale = 1f / count;
        _runner.Run(_shards.Length);

        double lossSum = 0;
        int correct = 0;
        foreach (Workspace shard in _shards)
        {
            lossSum += shard.LossSum;
            correct += shard.Correct;
        }

        if (!double.IsFinite(lossSum))
        {
            throw Diagnose(lossSum);
        }

        ReduceGradients();
        if (update)
        {
            Optimizer.Step(Network.Parameters, _gradient);
        }

        return (lossSum, correct);
    }

    /// <summary>One shard's forward, loss and backward passes, on whichever thread picked it.</summary>
    private void RunShard(int index)
    {
        Workspace shard = _shards[index];
        shard.LossSum = 0;
        shard.Correct = 0;
        int count = shard.Count;
        if (count == 0)
        {
            return;
        }

        int classes = Network.OutputLength;
        ReadOnlySpan<float> input = shard.Input.AsSpan(0, count * Network.InputLength);
        ReadOnlySpan<float> outputs = Network.Forward(shard, input, count);
        ReadOnlySpan<byte> labels = shard.Labels.AsSpan(0, count);
        shard.LossSum = Loss.Compute(outputs, labels, shard.GradientA.AsSpan(0, count * classes), _gradientScale);
        int correct = 0;
        for (int n = 0; n < count; n++)
        {
            if (SequentialNetwork.ArgMax(outputs.Slice(n * classes, classes)) == labels[n])
            {
                correct++;
            }
        }

        shard.Correct = correct;
        if (double.IsFinite(shard.LossSum))
        {
            Network.Backward(shard, input, count);
        }
    }

    /// <summary>_gradient = Σ over non-empty shards, in shard order, of their parameter gradients.</summary>
    private void ReduceGradients()
    {
        bool first = true;
        foreach (Workspace shard in _shards)
        {
            if (shard.Count == 0)
            {
                continue;
            }

            if (first)
            {
                shard.ParameterGradient.CopyTo(_gradient, 0);
                first = false;
            }
            else
            {
                Add(shard.ParameterGradient, _gradient);
            }
        }
    }

    /// <summary><c>sum[i] += addend[i]</c>: element-wise, so vector and scalar give the same bits.</summary>
    private static void Add(ReadOnlySpan<float> addend, Span<float> sum)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float a = ref MemoryMarshal.GetReference(addend);
            ref float s = ref MemoryMarshal.GetReference(sum);
            for (; i <= sum.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                (Vector256.LoadUnsafe(ref s, (nuint)i) + Vector256.LoadUnsafe(ref a, (nuint)i)).StoreUnsafe(ref s, (nuint)i);
            }
        }

        for (; i < sum.Length; i++)
        {
            sum[i] += addend[i];
        }
    }

    /// <summary>Fills <see cref="_order"/> with this epoch's permutation, which depends only on the seed and the epoch.</summary>
    private void DrawOrder(int count, int epoch)
    {
        if (_order.Length != count)
        {
            _order = new int[count];
        }

        for (int i = 0; i < count; i++)
        {
            _order[i] = i;
        }

        if (Options.Shuffle)
        {
            var random = new Random(unchecked((Options.Seed * 1_000_003) + epoch));
            random.Shuffle(_order);
        }
    }

    /// <summary>Finds the first layer, in network order, whose output holds a NaN or an infinity in any shard.</summary>
    private NonFiniteLossException Diagnose(double loss)
    {
        int epoch = CompletedEpochs + 1, batch = _batchInEpoch;
        string what = double.IsNaN(loss) ? "NaN" : "infinite";
        string where = $"Training stopped: the loss of epoch {epoch}, batch {batch} is {what}";
        if (!AllShardsFinite(-1, Network.InputLength))
        {
            return new NonFiniteLossException(
                $"{where}: the input batch itself holds a NaN or an infinity. The parameters are those before this batch.",
                epoch, batch, -1, null);
        }

        for (int i = 0; i < Network.LayerArray.Length; i++)
        {
            Layer layer = Network.LayerArray[i];
            if (!AllShardsFinite(i, layer.OutputLength))
            {
                return new NonFiniteLossException(
                    $"{where}: layer {i} {layer.Describe()} is the first whose output is not finite. The parameters are those " +
                    "before this batch; a smaller learning rate usually helps.",
                    epoch, batch, i, layer.Name);
            }
        }

        return new NonFiniteLossException(
            $"{where}, although every layer's output is finite: the {Loss.Name} loss overflowed. The parameters are those before this batch.",
            epoch, batch, null, null);
    }

    /// <summary>Whether layer <paramref name="layer"/>'s output (the input, for −1) is finite in every shard.</summary>
    private bool AllShardsFinite(int layer, int sampleLength)
    {
        foreach (Workspace shard in _shards)
        {
            ArraySegment<float> values = layer < 0 ? shard.Input : shard.Outputs[layer];
            foreach (float value in values.AsSpan(0, shard.Count * sampleLength))
            {
                if (!float.IsFinite(value))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
