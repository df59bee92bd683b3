// This file is compiled into both the runtime library and the source generator (linked): it is the one place
// (internal in the generator) where a pooling window's stride default, padding limit and output size are computed, for
// the generator, the runtime reference kernels and the tests alike. It must stay netstandard2.0-compatible.
namespace SpecializedConv;

/// <summary>
/// The geometry of one spatial axis of a 2-D pooling layer (max or average), as PyTorch's <c>MaxPool2d</c> /
/// <c>AvgPool2d</c> define it with <c>ceil_mode=False</c>: windows of <see cref="Size"/> elements every
/// <see cref="Stride"/> elements over the input with <see cref="Padding"/> cells added on both sides.
/// All arithmetic is done in 64 bits so that huge declarations are reported rather than overflowed.
/// </summary>
/// <remarks>
/// A stride of 0 means "the window size" (PyTorch's default <c>stride=None</c>). The output size is
/// <c>(input + 2·padding − size) / stride + 1</c> rounded down (floor mode), or 0 when the padded input is shorter
/// than the window. PyTorch allows at most <c>size / 2</c> cells of padding; with that limit every window overlaps at
/// least one input cell, so a max-pool window always has a real maximum and an average never divides padding alone.
/// </remarks>
#if SPECIALIZEDCONV_GENERATOR
internal
#else
public
#endif
readonly struct PoolAxis
{
    /// <summary>Computes the geometry of one axis. Arguments are not validated; see <see cref="IsValid"/>.</summary>
    /// <param name="input">Input size along this axis.</param>
    /// <param name="size">Window size along this axis.</param>
    /// <param name="stride">Step between windows; 0 means <paramref name="size"/>.</param>
    /// <param name="padding">Cells added before and after the input.</param>
    public PoolAxis(int input, int size, int stride, int padding)
    {
        Input = input;
        Size = size;
        Stride = EffectiveStride(size, stride);
        Padding = padding;
        PaddedInput = input + (2L * padding);
        Output = Stride < 1 || size < 1 || PaddedInput < size ? 0 : ((PaddedInput - size) / Stride) + 1;
    }

    /// <summary>Input size along this axis.</summary>
    public int Input { get; }

    /// <summary>Window size along this axis.</summary>
    public int Size { get; }

    /// <summary>Step between windows, with 0 already replaced by <see cref="Size"/>.</summary>
    public int Stride { get; }

    /// <summary>Cells added before and after the input (−∞ for max pooling, 0 for average pooling).</summary>
    public int Padding { get; }

    /// <summary><c>input + 2·padding</c>.</summary>
    public long PaddedInput { get; }

    /// <summary>Number of windows; 0 when the window does not fit the padded input.</summary>
    public long Output { get; }

    /// <summary>True when every quantity of this axis is positive, within PyTorch's limits, and fits in an <see cref="int"/>.</summary>
    public bool IsValid =>
        Input > 0 && Size > 0 && Stride > 0 && Padding >= 0 && Padding <= MaxPadding(Size) &&
        PaddedInput <= int.MaxValue && Size <= PaddedInput && Output > 0 && Output <= int.MaxValue;

    /// <summary>The stride a declared <paramref name="stride"/> means: 0 (unset) is the window size.</summary>
    public static int EffectiveStride(int size, int stride) => stride == 0 ? size : stride;

    /// <summary>The most padding PyTorch allows for a window of <paramref name="size"/>: half of it, rounded down.</summary>
    public static int MaxPadding(int size) => size / 2;
}
