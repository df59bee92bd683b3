using System;

namespace SpecializedConv.Networks;

/// <summary>
/// A layer applying <typeparamref name="TActivation"/> to every value; its output has its input's shape. Usually
/// added with <see cref="NetworkBuilder.ReLU"/>, <see cref="NetworkBuilder.Sigmoid"/> or
/// <see cref="NetworkBuilder.Tanh"/>, which take the shape from the layer before.
/// </summary>
/// <typeparam name="TActivation">The function: <see cref="ReLU"/>, <see cref="Sigmoid"/>, <see cref="Tanh"/> or your own.</typeparam>
public sealed class ActivationLayer<TActivation> : Layer
    where TActivation : IActivation
{
    /// <summary>Creates the layer for samples of <paramref name="shape"/>.</summary>
    public ActivationLayer(TensorShape shape, string? name = null)
        : base(name ?? TActivation.Name, shape, shape)
    {
    }

    /// <inheritdoc/>
    public override string Kind => TActivation.Name;

    /// <inheritdoc/>
    public override void Forward(ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, Span<float> output, object? scratch) =>
        TActivation.Forward(input, output);

    /// <inheritdoc/>
    public override void Backward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> input, ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient,
        Span<float> inputGradient, Span<float> parameterGradient, object? scratch)
    {
        if (!inputGradient.IsEmpty)
        {
            TActivation.Backward(output, outputGradient, inputGradient);
        }
    }
}
