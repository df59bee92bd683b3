using System;

namespace SpecializedConv.Networks;

/// <summary>
/// A network layer running a generated convolution: <c>[Conv2D(...)] partial class LeNetConv1;</c> becomes
/// <c>new Conv2DLayer&lt;LeNetConv1&gt;()</c>. Every pass is a direct call to <typeparamref name="TKernel"/>'s static
/// methods.
/// </summary>
/// <typeparam name="TKernel">The generated layer (or its nested <c>Kernel</c> type when the class is static).</typeparam>
public sealed class Conv2DLayer<TKernel> : Layer
    where TKernel : IConv2DKernel
{
    /// <summary>Creates the layer; <paramref name="name"/> defaults to the kernel type's name.</summary>
    public Conv2DLayer(string? name = null)
        : base(name ?? typeof(TKernel).Name, InputOf(TKernel.Shape), OutputOf(TKernel.Shape))
    {
    }

    /// <summary>The convolution's shape.</summary>
    public static Conv2DShape Shape => TKernel.Shape;

    /// <inheritdoc/>
    public override string Kind => "Conv2D";

    /// <inheritdoc/>
    public override int WeightLength => TKernel.WeightLength;

    /// <inheritdoc/>
    public override int BiasLength => TKernel.BiasLength;

    /// <inheritdoc/>
    public override (int FanIn, int FanOut) Fans
    {
        get
        {
            Conv2DShape shape = TKernel.Shape;
            int taps = shape.KernelHeight * shape.KernelWidth;
            return (shape.InChannels * taps, shape.OutChannels * taps);
        }
    }

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, object? scratch) =>
        TKernel.Forward(input, parameters[..TKernel.WeightLength], parameters[TKernel.WeightLength..], output);

    /// <inheritdoc/>
    public override void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, object? scratch)
    {
        if (!inputGradient.IsEmpty)
        {
            TKernel.BackwardData(outputGradient, parameters[..TKernel.WeightLength], inputGradient);
        }

        TKernel.BackwardWeights(input, outputGradient, parameterGradient[..TKernel.WeightLength], parameterGradient[TKernel.WeightLength..]);
    }

    private static TensorShape InputOf(Conv2DShape shape) => TensorShape.Image(shape.InChannels, shape.InHeight, shape.InWidth);

    private static TensorShape OutputOf(Conv2DShape shape) => TensorShape.Image(shape.OutChannels, shape.OutHeight, shape.OutWidth);
}
