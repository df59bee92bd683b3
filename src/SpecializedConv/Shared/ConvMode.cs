// This file is compiled into both the runtime library and the source generator (linked), so that the
// generator reads the same enum values (internal there, so the two assemblies never expose the same type) that users write in their attributes.
namespace SpecializedConv;

/// <summary>How much of the padded input a convolution covers, as in <c>scipy.signal.correlate2d</c>.</summary>
#if SPECIALIZEDCONV_GENERATOR
internal
#else
public
#endif
enum ConvMode
{
    /// <summary>Only positions where the kernel lies inside the (explicitly padded) input.</summary>
    Valid = 0,

    /// <summary>The output has the input's size; for even kernels the extra zero goes after (scipy's split).</summary>
    Same = 1,

    /// <summary>Every position where kernel and input overlap by at least one element.</summary>
    Full = 2,
}

/// <summary>Whether the kernel is applied as written or turned by 180 degrees.</summary>
#if SPECIALIZEDCONV_GENERATOR
internal
#else
public
#endif
enum ConvKind
{
    /// <summary><c>out[i,j] = Σ w[r,s] · x[i+r, j+s]</c>: what deep-learning frameworks call convolution.</summary>
    CrossCorrelation = 0,

    /// <summary>Mathematical convolution: the kernel flipped in both spatial axes (<c>scipy.signal.convolve2d</c>).</summary>
    Convolution = 1,
}
