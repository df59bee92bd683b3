using System;

namespace SpecializedConv.Networks;

/// <summary>
/// A network layer running a generated average-pooling layer: <c>[AvgPool2D(6, 28, 28, 2)] partial class Pool1;</c>
/// becomes <c>new AvgPool2DLayer&lt;Pool1&gt;()</c>.
/// </summary>
/// <typeparam name="TKernel">The generated layer (or its nested <c>Kernel</c> type when the class is static).</typeparam>
public sealed class AvgPool2DLayer<TKernel> : Layer
    where TKernel : IAvgPool2DKernel
{
    /// <summary>Creates the layer; <paramref name="name"/> defaults to the kernel type's name.</summary>
    public AvgPool2DLayer(string? name = null)
        : base(name ?? typeof(TKernel).Name, Pool2DShapes.Input(TKernel.Shape), Pool2DShapes.Output(TKernel.Shape))
    {
    }

    /// <summary>The pooling's shape.</summary>
    public static Pool2DShape Shape => TKernel.Shape;

    /// <inheritdoc/>
    public override string Kind => "AvgPool2D";

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, object? scratch) =>
        TKernel.Forward(input, output);

    /// <inheritdoc/>
    public override void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, object? scratch)
    {
        if (!inputGradient.IsEmpty)
        {
            TKernel.Backward(outputGradient, inputGradient);
        }
    }
}

/// <summary>The C×H×W shapes on either side of a pooling layer.</summary>
internal static class Pool2DShapes
{
    public static TensorShape Input(Pool2DShape shape) => TensorShape.Image(shape.Channels, shape.InHeight, shape.InWidth);

    public static TensorShape Output(Pool2DShape shape) => TensorShape.Image(shape.Channels, shape.OutHeight, shape.OutWidth);
}
