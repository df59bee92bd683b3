using System;

namespace SpecializedConv;

/// <summary>
/// The operations of a generated fully connected layer as static abstract members, so that generic code calls a
/// specialised kernel with no virtual dispatch. The generator implements it on the <c>[Dense]</c> class itself, or
/// on its nested <c>Kernel</c> type when the class is static.
/// </summary>
public interface IDenseKernel
{
    /// <summary>The layer's shape.</summary>
    static abstract DenseShape Shape { get; }

    /// <summary>Elements of one input sample (the inputs).</summary>
    static abstract int InputLength { get; }

    /// <summary>Elements of one output sample (the outputs).</summary>
    static abstract int OutputLength { get; }

    /// <summary>Elements of the weights, Outputs·Inputs, laid out [outputs, inputs].</summary>
    static abstract int WeightLength { get; }

    /// <summary>Elements of the bias, Outputs.</summary>
    static abstract int BiasLength { get; }

    /// <summary>Forward pass over n ≥ 1 samples, <c>output = W·x + b</c>; <paramref name="output"/> is overwritten.</summary>
    static abstract void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output);

    /// <summary>Gradient with respect to the input, <c>Wᵀ·outputGrad</c> per sample; <paramref name="inputGrad"/> is overwritten.</summary>
    static abstract void BackwardData(ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad);

    /// <summary>Gradients with respect to weights and bias, summed over the samples; both are overwritten.</summary>
    static abstract void BackwardWeights(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad);
}
