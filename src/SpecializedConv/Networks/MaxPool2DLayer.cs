using System;

namespace SpecializedConv.Networks;

/// <summary>
/// A network layer running a generated max-pooling layer: <c>[MaxPool2D(6, 24, 24, 2)] partial class Pool1;</c>
/// becomes <c>new MaxPool2DLayer&lt;Pool1&gt;()</c>. The forward pass records where each maximum came from in the
/// scratch (one <see cref="int"/> per output value), and the backward pass routes gradients back along it.
/// </summary>
/// <typeparam name="TKernel">The generated layer (or its nested <c>Kernel</c> type when the class is static).</typeparam>
public sealed class MaxPool2DLayer<TKernel> : Layer
    where TKernel : IMaxPool2DKernel
{
    /// <summary>Creates the layer; <paramref name="name"/> defaults to the kernel type's name.</summary>
    public MaxPool2DLayer(string? name = null)
        : base(name ?? typeof(TKernel).Name, Pool2DShapes.Input(TKernel.Shape), Pool2DShapes.Output(TKernel.Shape))
    {
    }

    /// <summary>The pooling's shape.</summary>
    public static Pool2DShape Shape => TKernel.Shape;

    /// <inheritdoc/>
    public override string Kind => "MaxPool2D";

    /// <summary>The arg-max indices of up to <paramref name="capacity"/> samples.</summary>
    public override object? CreateScratch(int capacity) => new int[checked(capacity * TKernel.OutputLength)];

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, object? scratch) =>
        TKernel.Forward(input, output, ArgMax(scratch, output.Length));

    /// <inheritdoc/>
    public override void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, object? scratch)
    {
        if (!inputGradient.IsEmpty)
        {
            TKernel.Backward(outputGradient, ArgMax(scratch, outputGradient.Length), inputGradient);
        }
    }

    private static Span<int> ArgMax(object? scratch, int length) =>
        (scratch as int[] ?? throw new ArgumentException("Expected the scratch that CreateScratch made.", nameof(scratch))).AsSpan(0, length);
}
