using System;

namespace SpecializedConv;

/// <summary>
/// Declares a fully connected layer of a fixed shape on a <c>partial</c> class. At compile time the SpecializedConv
/// generator adds to the class the layer's constants (<c>Inputs</c> … <c>BiasLength</c>) and its <c>Forward</c>,
/// <c>BackwardData</c> and <c>BackwardWeights</c> passes, vectorised over the inputs and blocked over outputs and
/// samples.
/// </summary>
/// <remarks>
/// As PyTorch's <c>nn.Linear(inputs, outputs)</c>: <c>output = W·x + b</c> with the weights W laid out
/// [outputs, inputs].
/// </remarks>
/// <example>
/// <code>
/// [Dense(256, 120)]                  // LeNet-5's first fully connected layer (after a 16×4×4 pool)
/// public partial class LeNetFull1;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class DenseAttribute : Attribute
{
    /// <summary>Declares a layer.</summary>
    /// <param name="inputs">Inputs per sample.</param>
    /// <param name="outputs">Outputs per sample.</param>
    public DenseAttribute(int inputs, int outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Inputs per sample.</summary>
    public int Inputs { get; }

    /// <summary>Outputs per sample.</summary>
    public int Outputs { get; }
}
