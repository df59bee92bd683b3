using System;

namespace SpecializedConv;

/// <summary>
/// The operations of a generated convolution layer as static abstract members, so that generic code
/// (<c>Layer&lt;TKernel&gt;</c>) calls a specialised kernel with no virtual dispatch. The generator implements it on
/// the <c>[Conv2D]</c> class itself, or on its nested <c>Kernel</c> type when the class is static.
/// </summary>
public interface IConv2DKernel
{
    /// <summary>The layer's shape.</summary>
    static abstract Conv2DShape Shape { get; }

    /// <summary>Elements of one input sample, C·H·W.</summary>
    static abstract int InputLength { get; }

    /// <summary>Elements of one output sample, K·Ho·Wo.</summary>
    static abstract int OutputLength { get; }

    /// <summary>Elements of the weights, K·C·R·S.</summary>
    static abstract int WeightLength { get; }

    /// <summary>Elements of the bias, K.</summary>
    static abstract int BiasLength { get; }

    /// <summary>Forward pass over n ≥ 1 samples; <paramref name="output"/> is overwritten.</summary>
    static abstract void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output);

    /// <summary>Gradient with respect to the input; <paramref name="inputGrad"/> is overwritten.</summary>
    static abstract void BackwardData(ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad);

    /// <summary>Gradients with respect to weights and bias, summed over the samples; both are overwritten.</summary>
    static abstract void BackwardWeights(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad);
}
