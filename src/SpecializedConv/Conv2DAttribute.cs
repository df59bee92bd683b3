using System;

namespace SpecializedConv;

/// <summary>
/// Declares a 2-D convolution layer of a fixed shape on a <c>partial</c> class. At compile time the SpecializedConv
/// generator adds to the class the layer's constants (<c>InChannels</c> … <c>BiasLength</c>) and its
/// <c>Forward</c>, <c>BackwardData</c> and <c>BackwardWeights</c> passes, with every size a constant and the
/// kernel taps unrolled.
/// </summary>
/// <example>
/// <code>
/// [Conv2D(1, 28, 28, 6, 5, 5, Mode = ConvMode.Valid, Stride = 1)]
/// public partial class LeNetConv1;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class Conv2DAttribute : Attribute
{
    /// <summary>Declares a layer with a rectangular kernel.</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="inHeight">Input height H.</param>
    /// <param name="inWidth">Input width W.</param>
    /// <param name="outChannels">Output channels K (the number of filters).</param>
    /// <param name="kernelHeight">Kernel height R.</param>
    /// <param name="kernelWidth">Kernel width S.</param>
    public Conv2DAttribute(int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight, int kernelWidth)
    {
        InChannels = inChannels;
        InHeight = inHeight;
        InWidth = inWidth;
        OutChannels = outChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
    }

    /// <summary>Declares a layer with a square <paramref name="kernelSize"/> × <paramref name="kernelSize"/> kernel.</summary>
    /// <param name="inChannels">Input channels C.</param>
    /// <param name="inHeight">Input height H.</param>
    /// <param name="inWidth">Input width W.</param>
    /// <param name="outChannels">Output channels K (the number of filters).</param>
    /// <param name="kernelSize">Kernel height and width.</param>
    public Conv2DAttribute(int inChannels, int inHeight, int inWidth, int outChannels, int kernelSize)
        : this(inChannels, inHeight, inWidth, outChannels, kernelSize, kernelSize)
    {
    }

    /// <summary>Input channels C.</summary>
    public int InChannels { get; }

    /// <summary>Input height H.</summary>
    public int InHeight { get; }

    /// <summary>Input width W.</summary>
    public int InWidth { get; }

    /// <summary>Output channels K.</summary>
    public int OutChannels { get; }

    /// <summary>Kernel height R.</summary>
    public int KernelHeight { get; }

    /// <summary>Kernel width S.</summary>
    public int KernelWidth { get; }

    /// <summary>Valid (default), Same or Full, with scipy's meaning.</summary>
    public ConvMode Mode { get; set; } = ConvMode.Valid;

    /// <summary>Cross-correlation (default, as in deep learning) or convolution (kernel turned 180°).</summary>
    public ConvKind Kind { get; set; } = ConvKind.CrossCorrelation;

    /// <summary>Step between output positions in both axes (default 1).</summary>
    public int Stride { get; set; } = 1;

    /// <summary>Zero padding on every side of the input (default 0); only allowed with <see cref="ConvMode.Valid"/>.</summary>
    public int Padding { get; set; }

    /// <summary>Spacing between kernel taps in both axes (default 1).</summary>
    public int Dilation { get; set; } = 1;
}
