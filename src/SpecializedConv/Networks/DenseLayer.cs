using System;

namespace SpecializedConv.Networks;

/// <summary>
/// A network layer running a generated fully connected layer: <c>[Dense(256, 120)] partial class Full1;</c> becomes
/// <c>new DenseLayer&lt;Full1&gt;()</c>. It takes any input of <c>Inputs</c> values per sample, so it follows a
/// C×H×W feature map directly (PyTorch's <c>flatten</c>, in NCHW order).
/// </summary>
/// <typeparam name="TKernel">The generated layer (or its nested <c>Kernel</c> type when the class is static).</typeparam>
public sealed class DenseLayer<TKernel> : Layer
    where TKernel : IDenseKernel
{
    /// <summary>Creates the layer; <paramref name="name"/> defaults to the kernel type's name.</summary>
    public DenseLayer(string? name = null)
        : base(name ?? typeof(TKernel).Name, TensorShape.Vector(TKernel.Shape.Inputs), TensorShape.Vector(TKernel.Shape.Outputs))
    {
    }

    /// <summary>The layer's shape.</summary>
    public static DenseShape Shape => TKernel.Shape;

    /// <inheritdoc/>
    public override string Kind => "Dense";

    /// <inheritdoc/>
    public override int WeightLength => TKernel.WeightLength;

    /// <inheritdoc/>
    public override int BiasLength => TKernel.BiasLength;

    /// <inheritdoc/>
    public override (int FanIn, int FanOut) Fans => (TKernel.Shape.Inputs, TKernel.Shape.Outputs);

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
}
