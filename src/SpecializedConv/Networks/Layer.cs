using System;

namespace SpecializedConv.Networks;

/// <summary>
/// One layer of a <see cref="SequentialNetwork"/>: a shape, the number of parameters it owns, and a forward and a
/// backward pass over a whole batch. The generic wrappers (<see cref="Conv2DLayer{TKernel}"/>,
/// <see cref="DenseLayer{TKernel}"/>, <see cref="MaxPool2DLayer{TKernel}"/>, <see cref="AvgPool2DLayer{TKernel}"/>,
/// <see cref="ActivationLayer{TActivation}"/>) forward each pass to a generated kernel's static methods.
/// </summary>
/// <remarks>
/// <para>
/// The network calls each layer once per batch (one virtual call per layer and pass); the per-element work is all in
/// the kernel, reached through a static abstract interface member, so the JIT compiles each wrapper for its kernel
/// with direct calls and no dispatch.
/// </para>
/// <para>
/// A layer holds no mutable state: its parameters live in the network's flat parameter array and are passed in as a
/// span, and anything a pass needs to remember between forward and backward (max pooling's arg-max indices) lives in
/// the scratch object <see cref="CreateScratch"/> makes, one per thread or batch shard. So one layer object serves any
/// number of threads at once.
/// </para>
/// <para>
/// Spans hold n ≥ 1 samples, NCHW: <c>input</c> n·<see cref="InputLength"/> values, <c>output</c>
/// n·<see cref="OutputLength"/>, <c>parameters</c> the layer's <see cref="WeightLength"/> weights followed by its
/// <see cref="BiasLength"/> biases.
/// </para>
/// </remarks>
public abstract class Layer
{
    /// <summary>Creates a layer.</summary>
    /// <param name="name">Shown in summaries, error messages and the weights file.</param>
    /// <param name="inputShape">One input sample.</param>
    /// <param name="outputShape">One output sample.</param>
    protected Layer(string name, TensorShape inputShape, TensorShape outputShape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (inputShape.Length <= 0 || outputShape.Length <= 0)
        {
            throw new ArgumentException("Both shapes must be created with TensorShape.Image or TensorShape.Vector.", nameof(inputShape));
        }

        Name = name;
        InputShape = inputShape;
        OutputShape = outputShape;
    }

    /// <summary>The layer's name, unique within its network.</summary>
    public string Name { get; }

    /// <summary>What the layer is: <c>Conv2D</c>, <c>MaxPool2D</c>, <c>AvgPool2D</c>, <c>Dense</c>, <c>ReLU</c>, …
    /// Stored in the weights file and compared on loading.</summary>
    public abstract string Kind { get; }

    /// <summary>One input sample.</summary>
    public TensorShape InputShape { get; }

    /// <summary>One output sample.</summary>
    public TensorShape OutputShape { get; }

    /// <summary>Values in one input sample.</summary>
    public int InputLength => InputShape.Length;

    /// <summary>Values in one output sample.</summary>
    public int OutputLength => OutputShape.Length;

    /// <summary>Trainable weights (0 for a layer without parameters).</summary>
    public virtual int WeightLength => 0;

    /// <summary>Trainable biases (0 for a layer without parameters).</summary>
    public virtual int BiasLength => 0;

    /// <summary>Weights and biases: the layer's share of the network's parameter array.</summary>
    public int ParameterLength => WeightLength + BiasLength;

    /// <summary>
    /// Inputs and outputs that each weight connects, as He and Xavier initialisation count them: C·R·S and K·R·S for
    /// a convolution, inputs and outputs for a dense layer; (0, 0) for a layer without weights.
    /// </summary>
    public virtual (int FanIn, int FanOut) Fans => (0, 0);

    /// <summary>
    /// Per-thread working memory for up to <paramref name="capacity"/> samples, or null when the layer needs none.
    /// The object is passed back to <see cref="Forward"/> and <see cref="Backward"/> of the same thread.
    /// </summary>
    public virtual object? CreateScratch(int capacity) => null;

    /// <summary>Computes <paramref name="output"/> (overwritten) from <paramref name="input"/>.</summary>
    public abstract void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, object? scratch);

    /// <summary>
    /// From dLoss/dOutput, computes dLoss/dInput into <paramref name="inputGradient"/> (skipped when it is empty, as
    /// for the first layer) and dLoss/dParameters, summed over the samples, into <paramref name="parameterGradient"/>.
    /// Both are overwritten. <paramref name="input"/> and <paramref name="output"/> are those of the forward pass
    /// that ran last on the same scratch.
    /// </summary>
    public abstract void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, object? scratch);

    /// <summary>"'conv1' (Conv2D 1×28×28 → 6×24×24)": how error messages name the layer.</summary>
    public string Describe() => $"'{Name}' ({Kind} {InputShape} → {OutputShape})";

    /// <inheritdoc/>
    public override string ToString() => Describe();
}
