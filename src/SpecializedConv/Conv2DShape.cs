using System;

namespace SpecializedConv;

/// <summary>
/// The full shape of a 2-D convolution layer with runtime values: what a <c>[Conv2D]</c> attribute declares,
/// with the padding and output size derived by <see cref="ConvAxis"/>. Used by the reference kernels, by generic
/// runtime code and by the generated layers' <c>Shape</c> property.
/// </summary>
public sealed record Conv2DShape
{
    /// <summary>Creates and validates a shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, or stride or dilation is below 1.</exception>
    /// <exception cref="ArgumentException">Padding with a mode other than Valid, an empty output, or a length that overflows.</exception>
    public Conv2DShape(
        int inChannels, int inHeight, int inWidth, int outChannels, int kernelHeight, int kernelWidth,
        ConvMode mode = ConvMode.Valid, ConvKind kind = ConvKind.CrossCorrelation, int stride = 1, int padding = 0, int dilation = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stride);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dilation);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        if (padding != 0 && mode != ConvMode.Valid)
        {
            throw new ArgumentException($"Padding {padding} is only allowed with ConvMode.Valid, not {mode}.", nameof(padding));
        }

        var rows = new ConvAxis(inHeight, kernelHeight, mode, kind, stride, padding, dilation);
        var columns = new ConvAxis(inWidth, kernelWidth, mode, kind, stride, padding, dilation);
        if (!rows.IsValid || !columns.IsValid)
        {
            throw new ArgumentException(
                $"A dilated {rows.Extent}×{columns.Extent} kernel does not fit the padded {rows.PaddedInput}×{columns.PaddedInput} input, or a size overflows.",
                nameof(kernelHeight));
        }

        long inputLength = (long)inChannels * inHeight * inWidth;
        long outputLength = (long)outChannels * rows.Output * columns.Output;
        long weightLength = (long)outChannels * inChannels * kernelHeight * kernelWidth;
        if (inputLength > int.MaxValue || outputLength > int.MaxValue || weightLength > int.MaxValue)
        {
            throw new ArgumentException("The input, output or weight length exceeds int.MaxValue elements.", nameof(inChannels));
        }

        InChannels = inChannels;
        InHeight = inHeight;
        InWidth = inWidth;
        OutChannels = outChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        Mode = mode;
        Kind = kind;
        Stride = stride;
        Padding = padding;
        Dilation = dilation;
        PadTop = (int)rows.PadBefore;
        PadBottom = (int)rows.PadAfter;
        PadLeft = (int)columns.PadBefore;
        PadRight = (int)columns.PadAfter;
        OutHeight = (int)rows.Output;
        OutWidth = (int)columns.Output;
        InputLength = (int)inputLength;
        OutputLength = (int)outputLength;
        WeightLength = (int)weightLength;
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

    /// <summary>Valid, Same or Full.</summary>
    public ConvMode Mode { get; }

    /// <summary>Cross-correlation or convolution.</summary>
    public ConvKind Kind { get; }

    /// <summary>Step between output positions.</summary>
    public int Stride { get; }

    /// <summary>Explicit zero padding (Valid mode only).</summary>
    public int Padding { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>Zero rows above the input implied by mode and padding.</summary>
    public int PadTop { get; }

    /// <summary>Zero rows below the input.</summary>
    public int PadBottom { get; }

    /// <summary>Zero columns left of the input.</summary>
    public int PadLeft { get; }

    /// <summary>Zero columns right of the input.</summary>
    public int PadRight { get; }

    /// <summary>Output height Ho.</summary>
    public int OutHeight { get; }

    /// <summary>Output width Wo.</summary>
    public int OutWidth { get; }

    /// <summary>C·H·W.</summary>
    public int InputLength { get; }

    /// <summary>K·Ho·Wo.</summary>
    public int OutputLength { get; }

    /// <summary>K·C·R·S.</summary>
    public int WeightLength { get; }

    /// <summary>K.</summary>
    public int BiasLength => OutChannels;

    /// <summary>Multiply-adds of one sample's forward pass, K·C·R·S·Ho·Wo.</summary>
    public long MultiplyAdds => (long)WeightLength * OutHeight * OutWidth;

    /// <inheritdoc/>
    public override string ToString() =>
        $"Conv2D {InChannels}×{InHeight}×{InWidth} → {OutChannels}×{OutHeight}×{OutWidth}, kernel {KernelHeight}×{KernelWidth}, " +
        $"{Mode} {Kind}, stride {Stride}, padding {Padding}, dilation {Dilation}";
}
