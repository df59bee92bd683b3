// This file is compiled into both the runtime library and the source generator (linked): it is the one place
// (internal in the generator) where output sizes and the padding implied by a mode are computed, for the generator, the runtime reference
// kernels and the tests alike. It must stay netstandard2.0-compatible and free of runtime-only APIs.
namespace SpecializedConv;

/// <summary>
/// The geometry of one spatial axis of a 2-D convolution: the dilated kernel extent, the zero padding before and
/// after the input that the mode implies, and the output size. All arithmetic is done in 64 bits so that huge
/// declarations are reported rather than overflowed.
/// </summary>
/// <remarks>
/// With <c>E = dilation·(kernel−1)+1</c>, the padding is: Valid → (padding, padding); Full → (E−1, E−1);
/// Same with cross-correlation → ((E−1)/2, E/2); Same with convolution → (E/2, (E−1)/2). The output size is
/// <c>(input + before + after − E) / stride + 1</c>, or 0 when the padded input is shorter than E.
/// For stride 1 this is exactly <c>scipy.signal.correlate2d</c> / <c>convolve2d</c>, even kernels included.
/// </remarks>
#if SPECIALIZEDCONV_GENERATOR
internal
#else
public
#endif
readonly struct ConvAxis
{
    /// <summary>Computes the geometry of one axis. Arguments are not validated; see <see cref="IsValid"/>.</summary>
    public ConvAxis(int input, int kernel, ConvMode mode, ConvKind kind, int stride, int padding, int dilation)
    {
        Input = input;
        Kernel = kernel;
        Stride = stride;
        Dilation = dilation;
        Extent = (long)dilation * (kernel - 1L) + 1L;
        switch (mode)
        {
            case ConvMode.Full:
                PadBefore = Extent - 1;
                PadAfter = Extent - 1;
                break;
            case ConvMode.Same:
                long small = (Extent - 1) / 2, large = Extent / 2;
                PadBefore = kind == ConvKind.Convolution ? large : small;
                PadAfter = kind == ConvKind.Convolution ? small : large;
                break;
            default:
                PadBefore = padding;
                PadAfter = padding;
                break;
        }

        PaddedInput = input + PadBefore + PadAfter;
        Output = stride < 1 || PaddedInput < Extent ? 0 : ((PaddedInput - Extent) / stride) + 1;
    }

    /// <summary>Input size along this axis.</summary>
    public int Input { get; }

    /// <summary>Kernel size along this axis (undilated).</summary>
    public int Kernel { get; }

    /// <summary>Step between sampled output positions.</summary>
    public int Stride { get; }

    /// <summary>Spacing between kernel taps.</summary>
    public int Dilation { get; }

    /// <summary>The dilated kernel's extent, <c>dilation·(kernel−1)+1</c>.</summary>
    public long Extent { get; }

    /// <summary>Zero padding before the first input element.</summary>
    public long PadBefore { get; }

    /// <summary>Zero padding after the last input element.</summary>
    public long PadAfter { get; }

    /// <summary><c>input + before + after</c>.</summary>
    public long PaddedInput { get; }

    /// <summary>Number of output positions; 0 when the dilated kernel does not fit the padded input.</summary>
    public long Output { get; }

    /// <summary>True when every quantity of this axis is positive and fits in an <see cref="int"/>.</summary>
    public bool IsValid =>
        Input > 0 && Kernel > 0 && Stride > 0 && Dilation > 0 && PadBefore >= 0 && PadAfter >= 0 &&
        PaddedInput <= int.MaxValue && Extent <= PaddedInput && Output > 0 && Output <= int.MaxValue;
}
