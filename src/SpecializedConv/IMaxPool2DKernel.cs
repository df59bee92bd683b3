using System;

namespace SpecializedConv;

/// <summary>
/// The operations of a generated max-pooling layer as static abstract members, so that generic code calls a
/// specialised kernel with no virtual dispatch. The generator implements it on the <c>[MaxPool2D]</c> class itself,
/// or on its nested <c>Kernel</c> type when the class is static.
/// </summary>
public interface IMaxPool2DKernel
{
    /// <summary>The layer's shape.</summary>
    static abstract Pool2DShape Shape { get; }

    /// <summary>Elements of one input sample, C·H·W.</summary>
    static abstract int InputLength { get; }

    /// <summary>Elements of one output sample, C·Ho·Wo.</summary>
    static abstract int OutputLength { get; }

    /// <summary>
    /// Forward pass over n ≥ 1 samples: each output is its window's maximum, and <paramref name="argMax"/> receives
    /// its index within the sample's input (c·H·W + y·W + x). <paramref name="output"/> and <paramref name="argMax"/>
    /// are overwritten.
    /// </summary>
    static abstract void Forward(ReadOnlySpan<float> input, Span<float> output, Span<int> argMax);

    /// <summary>
    /// Backward pass: each output gradient is added to the input gradient at its arg-max; <paramref name="inputGrad"/>
    /// is overwritten (zero where no maximum came from).
    /// </summary>
    static abstract void Backward(ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argMax, Span<float> inputGrad);
}
