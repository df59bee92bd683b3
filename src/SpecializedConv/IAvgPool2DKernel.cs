using System;

namespace SpecializedConv;

/// <summary>
/// The operations of a generated average-pooling layer as static abstract members, so that generic code calls a
/// specialised kernel with no virtual dispatch. The generator implements it on the <c>[AvgPool2D]</c> class itself,
/// or on its nested <c>Kernel</c> type when the class is static.
/// </summary>
public interface IAvgPool2DKernel
{
    /// <summary>The layer's shape.</summary>
    static abstract Pool2DShape Shape { get; }

    /// <summary>Elements of one input sample, C·H·W.</summary>
    static abstract int InputLength { get; }

    /// <summary>Elements of one output sample, C·Ho·Wo.</summary>
    static abstract int OutputLength { get; }

    /// <summary>Forward pass over n ≥ 1 samples: each output is its window's sum divided by Size² (padding included); <paramref name="output"/> is overwritten.</summary>
    static abstract void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>Backward pass: each output gradient divided by Size² is added to every input cell of its window; <paramref name="inputGrad"/> is overwritten.</summary>
    static abstract void Backward(ReadOnlySpan<float> outputGrad, Span<float> inputGrad);
}
