using System;

namespace SpecializedConv;

/// <summary>
/// The shape of a 2-D pooling layer (max or average) with runtime values: what a <c>[MaxPool2D]</c> or
/// <c>[AvgPool2D]</c> attribute declares, with the stride default and the output size derived by
/// <see cref="PoolAxis"/>. Used by the reference kernels, by generic runtime code and by the generated layers'
/// <c>Shape</c> property.
/// </summary>
/// <remarks>
/// Square windows, the same stride and padding on both axes, and channels pooled independently, so the output has
/// the input's channel count: input C×H×W, output C×Ho×Wo.
/// </remarks>
public sealed record Pool2DShape
{
    /// <summary>Creates and validates a shape.</summary>
    /// <param name="channels">Channels C (pooled independently).</param>
    /// <param name="inHeight">Input height H.</param>
    /// <param name="inWidth">Input width W.</param>
    /// <param name="size">Window height and width.</param>
    /// <param name="stride">Step between windows on both axes; 0 (the default) means <paramref name="size"/>.</param>
    /// <param name="padding">Cells added on every side, at most <c><paramref name="size"/> / 2</c> (PyTorch's limit).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive, the stride is negative, or the padding is negative or more than half the window.</exception>
    /// <exception cref="ArgumentException">The window does not fit the padded input, or a length overflows.</exception>
    public Pool2DShape(int channels, int inHeight, int inWidth, int size, int stride = 0, int padding = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
        ArgumentOutOfRangeException.ThrowIfNegative(padding);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(padding, PoolAxis.MaxPadding(size));

        var rows = new PoolAxis(inHeight, size, stride, padding);
        var columns = new PoolAxis(inWidth, size, stride, padding);
        if (!rows.IsValid || !columns.IsValid)
        {
            throw new ArgumentException(
                $"A {size}×{size} window does not fit the padded {rows.PaddedInput}×{columns.PaddedInput} input, or a size overflows.",
                nameof(size));
        }

        long inputLength = (long)channels * inHeight * inWidth;
        long outputLength = (long)channels * rows.Output * columns.Output;
        if (inputLength > int.MaxValue || outputLength > int.MaxValue)
        {
            throw new ArgumentException("The input or output length exceeds int.MaxValue elements.", nameof(channels));
        }

        Channels = channels;
        InHeight = inHeight;
        InWidth = inWidth;
        Size = size;
        Stride = rows.Stride;
        Padding = padding;
        OutHeight = (int)rows.Output;
        OutWidth = (int)columns.Output;
        InputLength = (int)inputLength;
        OutputLength = (int)outputLength;
    }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Input height H.</summary>
    public int InHeight { get; }

    /// <summary>Input width W.</summary>
    public int InWidth { get; }

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Step between windows (never 0: an unset stride is already replaced by <see cref="Size"/>).</summary>
    public int Stride { get; }

    /// <summary>Cells added on every side of the input.</summary>
    public int Padding { get; }

    /// <summary>Output height Ho = (H + 2·Padding − Size) / Stride + 1.</summary>
    public int OutHeight { get; }

    /// <summary>Output width Wo = (W + 2·Padding − Size) / Stride + 1.</summary>
    public int OutWidth { get; }

    /// <summary>Elements of one input sample, C·H·W.</summary>
    public int InputLength { get; }

    /// <summary>Elements of one output sample, C·Ho·Wo.</summary>
    public int OutputLength { get; }

    /// <summary>Cells of one window, Size², padding included: the divisor of average pooling.</summary>
    public int WindowArea => Size * Size;

    /// <inheritdoc/>
    public override string ToString() =>
        $"Pool2D {Channels}×{InHeight}×{InWidth} → {Channels}×{OutHeight}×{OutWidth}, window {Size}×{Size}, stride {Stride}, padding {Padding}";
}
