using System;
using BenchmarkDotNet.Attributes;
using SpecializedConv.Networks;

namespace SpecializedConv.Benchmarks;

// LeNet-5 for the training-step benchmark, declared here so that the benchmark does not depend on the shapes the
// convolution benchmarks pick. ReLU and max pooling, as samples/LeNet trains it.

/// <summary>LeNet-5 conv1: 1×28×28 → 6×24×24.</summary>
[Conv2D(1, 28, 28, 6, 5)]
public partial class TrainStepConv1;

/// <summary>LeNet-5 pool1: 6×24×24 → 6×12×12.</summary>
[MaxPool2D(6, 24, 24, 2)]
public partial class TrainStepPool1;

/// <summary>LeNet-5 conv2: 6×12×12 → 16×8×8.</summary>
[Conv2D(6, 12, 12, 16, 5)]
public partial class TrainStepConv2;

/// <summary>LeNet-5 pool2: 16×8×8 → 16×4×4.</summary>
[MaxPool2D(16, 8, 8, 2)]
public partial class TrainStepPool2;

/// <summary>LeNet-5 fc1: 256 → 120.</summary>
[Dense(256, 120)]
public partial class TrainStepFull1;

/// <summary>LeNet-5 fc2: 120 → 84.</summary>
[Dense(120, 84)]
public partial class TrainStepFull2;

/// <summary>LeNet-5 fc3: 84 → 10.</summary>
[Dense(84, 10)]
public partial class TrainStepFull3;

/// <summary>
/// One LeNet-5 mini-batch step of 32 images: forward, softmax cross-entropy, backward through every layer, the
/// gradient reduction over the batch's shards and an SGD-with-momentum update, on 1 and on 2 threads. Also one
/// inference call on the same 32 images (one thread). Divide 32 by the mean time for images per second.
/// </summary>
/// <remarks>
/// The trainer is warmed up in <see cref="Setup"/> (buffers, optimizer state, the kernels' per-thread scratch), so
/// <c>Allocated</c> should read <c>-</c>: a step allocates nothing. Images are seeded random pixels in [0, 1) and
/// labels random classes; the time of a step does not depend on the values.
/// </remarks>
[MemoryDiagnoser]
[MedianColumn]
[MinColumn]
public class TrainStepBenchmark
{
    private const int BatchSize = 32;

    private SequentialNetwork _network = null!;
    private Trainer _trainer = null!;
    private float[] _images = null!;
    private byte[] _labels = null!;
    private float[] _outputs = null!;

    /// <summary>Threads the trainer runs the batch's shards on.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds LeNet-5, the trainer and a batch, and runs a few steps so that nothing is allocated in the measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _network = new NetworkBuilder()
            .Conv2D<TrainStepConv1>("conv1").ReLU().MaxPool2D<TrainStepPool1>("pool1")
            .Conv2D<TrainStepConv2>("conv2").ReLU().MaxPool2D<TrainStepPool2>("pool2")
            .Dense<TrainStepFull1>("fc1").ReLU()
            .Dense<TrainStepFull2>("fc2").ReLU()
            .Dense<TrainStepFull3>("fc3")
            .Build();
        _network.Initialize(WeightInitialization.He, seed: 1);

        // A small learning rate keeps the weights (and so the work) steady over the millions of steps a run may take.
        _trainer = new Trainer(_network, new SoftmaxCrossEntropyLoss(), new Sgd(1e-4f, momentum: 0.9f),
            new TrainingOptions { BatchSize = BatchSize, Threads = Threads });
        var random = new Random(1);
        _images = new float[BatchSize * _network.InputLength];
        for (int i = 0; i < _images.Length; i++)
        {
            _images[i] = random.NextSingle();
        }

        _labels = new byte[BatchSize];
        for (int i = 0; i < _labels.Length; i++)
        {
            _labels[i] = (byte)random.Next(10);
        }

        _outputs = new float[BatchSize * _network.OutputLength];
        for (int i = 0; i < 10; i++)
        {
            _trainer.Step(_images, _labels);
            _network.Predict(_images, _outputs);
        }
    }

    /// <summary>Ends the trainer's worker threads.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _trainer.Dispose();
        _network.Dispose();
    }

    /// <summary>One training step on the batch of 32; returns its loss so the work cannot be skipped.</summary>
    [Benchmark]
    public double TrainStep() => _trainer.Step(_images, _labels);

    /// <summary>The forward pass alone on the batch of 32, on the calling thread (the thread count does not apply).</summary>
    [Benchmark]
    public void Inference() => _network.Predict(_images, _outputs);
}
