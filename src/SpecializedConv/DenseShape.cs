using System;

namespace SpecializedConv;

/// <summary>
/// The shape of a fully connected layer with runtime values: what a <c>[Dense]</c> attribute declares. Used by the
/// reference kernels, by generic runtime code and by the generated layers' <c>Shape</c> property.
/// </summary>
/// <remarks>Weights are laid out [outputs, inputs], as PyTorch's <c>nn.Linear</c> stores them.</remarks>
public sealed record DenseShape
{
    /// <summary>Creates and validates a shape.</summary>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="outputs">Outputs per sample.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The weight length overflows.</exception>
    public DenseShape(int inputs, int outputs)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputs);
        long weightLength = (long)inputs * outputs;
        if (weightLength > int.MaxValue)
        {
            throw new ArgumentException($"The weight length {inputs}·{outputs} = {weightLength} exceeds int.MaxValue elements.", nameof(inputs));
        }

        Inputs = inputs;
        Outputs = outputs;
        WeightLength = (int)weightLength;
    }

    /// <summary>Inputs per sample.</summary>
    public int Inputs { get; }

    /// <summary>Outputs per sample.</summary>
    public int Outputs { get; }

    /// <summary>Elements of one input sample (the inputs).</summary>
    public int InputLength => Inputs;

    /// <summary>Elements of one output sample (the outputs).</summary>
    public int OutputLength => Outputs;

    /// <summary>Elements of the weights, Outputs·Inputs.</summary>
    public int WeightLength { get; }

    /// <summary>Elements of the bias, Outputs.</summary>
    public int BiasLength => Outputs;

    /// <summary>Multiply-adds of one sample's forward pass, Outputs·Inputs.</summary>
    public long MultiplyAdds => WeightLength;

    /// <inheritdoc/>
    public override string ToString() => $"Dense {Inputs} → {Outputs}";
}
