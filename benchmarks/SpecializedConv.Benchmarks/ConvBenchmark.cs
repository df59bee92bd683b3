using BenchmarkDotNet.Attributes;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// What the generated-layer and the reference benchmarks share: the workload of the layer
/// <typeparamref name="TKernel"/> on <see cref="Batch"/> samples, its buffers, and the summary columns.
/// </summary>
/// <typeparam name="TKernel">The generated layer whose shape is measured.</typeparam>
[MemoryDiagnoser]
[ConvColumns]
[MedianColumn]
[MinColumn]
public abstract class ConvBenchmarkBase<TKernel> : IConvWorkloadSource
    where TKernel : IConv2DKernel
{
    /// <inheritdoc/>
    public ConvWorkload Workload => new(TKernel.Shape, Batch);

    /// <summary>Samples per call; 1 unless a shape overrides it.</summary>
    protected virtual int Batch => 1;

    /// <summary>The arrays the passes read and write; set by <see cref="Setup"/>.</summary>
    protected ConvBuffers Buffers { get; private set; } = null!;

    /// <summary>Allocates and fills the buffers once per process, outside the measurement.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Buffers = new ConvBuffers(Workload);
        SetUpKernel();
    }

    /// <summary>Prepares what a derived class measures, once the buffers exist; nothing by default.</summary>
    protected virtual void SetUpKernel()
    {
    }
}

/// <summary>
/// The three passes of a generated layer <typeparamref name="TKernel"/>. Each shape is a subclass
/// (<see cref="S1"/> … <see cref="S6"/>) so the summary has one table per shape. The calls go through
/// <see cref="IConv2DKernel"/>'s static abstract members, which the JIT resolves per closed type, so nothing
/// stands between the benchmark and the specialised code.
/// </summary>
/// <typeparam name="TKernel">The generated layer.</typeparam>
public abstract class ConvBenchmark<TKernel> : ConvBenchmarkBase<TKernel>
    where TKernel : IConv2DKernel
{
    /// <summary><c>output = input ⋆ weights + bias</c>.</summary>
    [Benchmark]
    public void Forward() => TKernel.Forward(Buffers.Input, Buffers.Weights, Buffers.Bias, Buffers.Output);

    /// <summary><c>inputGrad = dLoss/dInput</c> from the output gradient and the weights.</summary>
    [Benchmark]
    public void BackwardData() => TKernel.BackwardData(Buffers.OutputGrad, Buffers.Weights, Buffers.InputGrad);

    /// <summary><c>weightGrad, biasGrad = dLoss/dWeights, dLoss/dBias</c> from the input and the output gradient.</summary>
    [Benchmark]
    public void BackwardWeights() => TKernel.BackwardWeights(Buffers.Input, Buffers.OutputGrad, Buffers.WeightGrad, Buffers.BiasGrad);
}

/// <summary>
/// The same three passes through <see cref="ReferenceConv2D"/>, the scalar, shape-at-runtime kernels the tests use
/// as the oracle: the baseline the generated layers are measured against. They are much slower (S6 takes a large
/// fraction of a second per call), so warm-up and iterations are cut to a minimum. The two attributes are job
/// mutators: they apply on top of the default job, <c>--job short</c> or any other job given on the command line.
/// </summary>
/// <typeparam name="TKernel">The generated layer whose <see cref="IConv2DKernel.Shape"/> is run.</typeparam>
[WarmupCount(1)]
[IterationCount(3)]
public abstract class ReferenceConvBenchmark<TKernel> : ConvBenchmarkBase<TKernel>
    where TKernel : IConv2DKernel
{
    /// <summary>Reference forward pass.</summary>
    [Benchmark]
    public void Forward() => ReferenceConv2D.Forward(TKernel.Shape, Buffers.Input, Buffers.Weights, Buffers.Bias, Buffers.Output);

    /// <summary>Reference gradient with respect to the input.</summary>
    [Benchmark]
    public void BackwardData() => ReferenceConv2D.BackwardData(TKernel.Shape, Buffers.OutputGrad, Buffers.Weights, Buffers.InputGrad);

    /// <summary>Reference gradients with respect to the weights and bias.</summary>
    [Benchmark]
    public void BackwardWeights() => ReferenceConv2D.BackwardWeights(TKernel.Shape, Buffers.Input, Buffers.OutputGrad, Buffers.WeightGrad, Buffers.BiasGrad);
}

/// <summary>
/// The same three passes through <see cref="RuntimeShapedConv"/>, a Vector256/FMA kernel that reads the shape at run
/// time: what well-written SIMD code achieves without compile-time specialisation. The instance (its offset tables and
/// working buffers, the analogue of a created oneDNN primitive) is made in [GlobalSetup], which also checks all three
/// passes against <see cref="ReferenceConv2D"/> and throws on a mismatch, so the numbers are of correct results.
/// </summary>
/// <typeparam name="TKernel">The generated layer whose <see cref="IConv2DKernel.Shape"/> is run.</typeparam>
public abstract class RuntimeConvBenchmark<TKernel> : ConvBenchmarkBase<TKernel>
    where TKernel : IConv2DKernel
{
    private RuntimeShapedConv conv = null!;

    /// <summary>Runtime-shaped forward pass.</summary>
    [Benchmark]
    public void Forward() => conv.Forward(Buffers.Input, Buffers.Weights, Buffers.Bias, Buffers.Output);

    /// <summary>Runtime-shaped gradient with respect to the input.</summary>
    [Benchmark]
    public void BackwardData() => conv.BackwardData(Buffers.OutputGrad, Buffers.Weights, Buffers.InputGrad);

    /// <summary>Runtime-shaped gradients with respect to the weights and bias.</summary>
    [Benchmark]
    public void BackwardWeights() => conv.BackwardWeights(Buffers.Input, Buffers.OutputGrad, Buffers.WeightGrad, Buffers.BiasGrad);

    /// <inheritdoc/>
    protected override void SetUpKernel()
    {
        conv = new RuntimeShapedConv(TKernel.Shape);
        RuntimeShapedConvCheck.ThrowIfMismatched(conv, Buffers, Batch);
    }
}
