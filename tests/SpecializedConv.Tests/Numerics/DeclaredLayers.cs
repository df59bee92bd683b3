namespace SpecializedConv.Tests.Numerics;

// Layers declared in this project, so they go through the compiler's own analyzer path (the generator referenced
// as an analyzer), not only the in-memory driver.

/// <summary>LeNet-5's first convolution.</summary>
[Conv2D(1, 28, 28, 6, 5, 5, Mode = ConvMode.Valid, Stride = 1)]
public partial class LeNetConv1;

/// <summary>LeNet-5's second convolution.</summary>
[Conv2D(6, 12, 12, 16, 5)]
public partial class LeNetConv2;

/// <summary>A static layer: its operations are reached through the nested <c>Kernel</c> type.</summary>
[Conv2D(3, 15, 17, 5, 4, 4, Mode = ConvMode.Same, Stride = 2)]
public static partial class SameStride2Layer;

/// <summary>Containing types must be partial too.</summary>
public static partial class Outer
{
    /// <summary>A nested layer: full convolution with dilation.</summary>
    [Conv2D(2, 9, 11, 3, 3, 2, Mode = ConvMode.Full, Kind = ConvKind.Convolution, Dilation = 2)]
    public partial class FullConvolutionLayer;
}
