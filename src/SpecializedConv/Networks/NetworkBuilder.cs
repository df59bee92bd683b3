using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SpecializedConv.Networks;

/// <summary>
/// Builds a <see cref="SequentialNetwork"/> from generated layers, first to last.
/// </summary>
/// <example>
/// <code>
/// using SequentialNetwork lenet = new NetworkBuilder()
///     .Conv2D&lt;LeNetConv1&gt;().ReLU().MaxPool2D&lt;LeNetPool1&gt;()
///     .Conv2D&lt;LeNetConv2&gt;().ReLU().MaxPool2D&lt;LeNetPool2&gt;()
///     .Dense&lt;LeNetFull1&gt;().ReLU().Dense&lt;LeNetFull2&gt;().ReLU().Dense&lt;LeNetFull3&gt;()
///     .Build();
/// </code>
/// </example>
public sealed class NetworkBuilder
{
    private readonly List<Layer> _layers = [];

    /// <summary>Appends <paramref name="layer"/>.</summary>
    public NetworkBuilder Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        _layers.Add(layer);
        return this;
    }

    /// <summary>Appends a <see cref="Conv2DLayer{TKernel}"/>.</summary>
    public NetworkBuilder Conv2D<TKernel>(string? name = null)
        where TKernel : IConv2DKernel => Add(new Conv2DLayer<TKernel>(name));

    /// <summary>Appends a <see cref="MaxPool2DLayer{TKernel}"/>.</summary>
    public NetworkBuilder MaxPool2D<TKernel>(string? name = null)
        where TKernel : IMaxPool2DKernel => Add(new MaxPool2DLayer<TKernel>(name));

    /// <summary>Appends an <see cref="AvgPool2DLayer{TKernel}"/>.</summary>
    public NetworkBuilder AvgPool2D<TKernel>(string? name = null)
        where TKernel : IAvgPool2DKernel => Add(new AvgPool2DLayer<TKernel>(name));

    /// <summary>Appends a <see cref="DenseLayer{TKernel}"/>.</summary>
    public NetworkBuilder Dense<TKernel>(string? name = null)
        where TKernel : IDenseKernel => Add(new DenseLayer<TKernel>(name));

    /// <summary>
    /// Appends an activation of the previous layer's output shape, named by default after the function and its
    /// count so far ("ReLU1", "ReLU2", …).
    /// </summary>
    /// <exception cref="InvalidOperationException">There is no previous layer to take the shape from.</exception>
    public NetworkBuilder Activation<TActivation>(string? name = null)
        where TActivation : IActivation
    {
        int number = 1 + _layers.Count(layer => layer is ActivationLayer<TActivation>);
        name ??= TActivation.Name + number.ToString(CultureInfo.InvariantCulture);
        return Add(new ActivationLayer<TActivation>(PreviousShape(TActivation.Name), name));
    }

    /// <summary>Appends a <see cref="Networks.ReLU"/> activation of the previous layer's output shape.</summary>
    public NetworkBuilder ReLU(string? name = null) => Activation<ReLU>(name);

    /// <summary>Appends a <see cref="Networks.Sigmoid"/> activation of the previous layer's output shape.</summary>
    public NetworkBuilder Sigmoid(string? name = null) => Activation<Sigmoid>(name);

    /// <summary>Appends a <see cref="Networks.Tanh"/> activation of the previous layer's output shape.</summary>
    public NetworkBuilder Tanh(string? name = null) => Activation<Tanh>(name);

    /// <summary>
    /// Checks that the layers fit together and creates the network, with every parameter 0 (call
    /// <see cref="SequentialNetwork.Initialize"/> or <see cref="SequentialNetwork.Load(string)"/> next).
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// There are no layers, two layers share a name, or a
    /// layer's output length differs from the next layer's input length; the message names both layers and shapes.
    /// </exception>
    public SequentialNetwork Build()
    {
        if (_layers.Count == 0)
        {
            throw new InvalidOperationException("A network needs at least one layer.");
        }

        Layer[] layers = _layers.ToArray();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < layers.Length; i++)
        {
            if (!names.Add(layers[i].Name))
            {
                throw new InvalidOperationException(
                    $"Two layers are named '{layers[i].Name}' (the second is layer {i}); give each layer a distinct name.");
            }

            if (i > 0 && layers[i - 1].OutputLength != layers[i].InputLength)
            {
                Layer before = layers[i - 1], after = layers[i];
                throw new InvalidOperationException(
                    $"Layer {i - 1} {before.Describe()} outputs {Values(before.OutputShape)} per sample, but layer {i} " +
                    $"{after.Describe()} takes {Values(after.InputShape)}; each layer's output must be the next layer's input.");
            }
        }

        return new SequentialNetwork(layers);
    }

    private static string Values(TensorShape shape) =>
        shape.Rank == 1 ? $"{shape.Length} values" : $"{shape} = {shape.Length} values";

    private TensorShape PreviousShape(string activation) => _layers.Count > 0
        ? _layers[^1].OutputShape
        : throw new InvalidOperationException(
            $"A {activation} added first has no previous layer to take its shape from; add new ActivationLayer<{activation}>(shape) instead.");
}
