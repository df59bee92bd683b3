namespace SpecializedConv.Tests.Layers;

// Layers declared in this project, so they go through the compiler's own analyzer path (the generator referenced as an
// analyzer). One per case of Reference/layers.json (same shape, named after the case), plus a static class, a record
// and a nested class so that every way of declaring a layer is compiled.

/// <summary>LeNet-5's first pooling layer (max, as in modern LeNets): 6×24×24 → 6×12×12.</summary>
[MaxPool2D(6, 24, 24, 2)]
public partial class LeNetPool1;

/// <summary>LeNet-5's second pooling layer: 16×8×8 → 16×4×4.</summary>
[MaxPool2D(16, 8, 8, 2)]
public partial class LeNetPool2;

/// <summary>Overlapping windows (AlexNet's 3×3, stride 2).</summary>
[MaxPool2D(3, 13, 11, 3, Stride = 2)]
public partial class OverlapK3S2Pool;

/// <summary>Maximally overlapping windows.</summary>
[MaxPool2D(2, 7, 9, 2, Stride = 1)]
public partial class OverlapK2S1Pool;

/// <summary>Padding as −∞ on an all-negative input; static, so reached through its nested <c>Kernel</c>.</summary>
[MaxPool2D(2, 9, 10, 3, Stride = 2, Padding = 1)]
public static partial class PaddedK3S2P1Pool;

/// <summary>Containing types must be partial too.</summary>
public static partial class Nested
{
    /// <summary>Padding 2 with a 4×4 window and stride 3.</summary>
    [MaxPool2D(1, 20, 19, 4, Stride = 3, Padding = 2)]
    public partial class PaddedK4S3P2Pool;
}

/// <summary>Rows of 21 outputs: two-vector blocks, the last overlapping.</summary>
[MaxPool2D(2, 5, 42, 2)]
public partial class WideRowsPool;

/// <summary>A 12×12 window, too large to unroll: the window is looped over.</summary>
[MaxPool2D(2, 12, 12, 12)]
public partial class GlobalMaxPool;

/// <summary>The smallest layer there is.</summary>
[MaxPool2D(1, 1, 1, 1)]
public partial class SingleCellPool;

/// <summary>LeNet-5's first subsampling layer as published (average): 6×28×28 → 6×14×14.</summary>
[AvgPool2D(6, 28, 28, 2)]
public partial class LeNetAvgPool1;

/// <summary>Padding counted in the divisor (PyTorch's count_include_pad=True).</summary>
[AvgPool2D(3, 11, 9, 3, Stride = 2, Padding = 1)]
public partial class AvgK3S2P1Pool;

/// <summary>Overlapping averages.</summary>
[AvgPool2D(2, 8, 10, 3, Stride = 1)]
public partial class AvgK3S1Pool;

/// <summary>Stride above the window: some input cells are in no window; static, so reached through <c>Kernel</c>.</summary>
[AvgPool2D(2, 10, 10, 2, Stride = 3)]
public static partial class AvgK2S3Pool;

/// <summary>A 9×9 window, too large to unroll.</summary>
[AvgPool2D(4, 9, 9, 9)]
public partial class GlobalAvgPool;

/// <summary>LeNet-5's first fully connected layer (after a 16×4×4 pool).</summary>
[Dense(256, 120)]
public partial class LeNetFull1;

/// <summary>LeNet-5's second fully connected layer.</summary>
[Dense(120, 84)]
public partial class LeNetFull2;

/// <summary>LeNet-5's output layer.</summary>
[Dense(84, 10)]
public partial class LeNetFull3;

/// <summary>Fewer than 8 inputs: every pass is the scalar reference.</summary>
[Dense(5, 3)]
public partial class Narrow5x3Dense;

/// <summary>13 inputs (a masked tail), 7 outputs; static, so reached through <c>Kernel</c>.</summary>
[Dense(13, 7)]
public static partial class Tail13x7Dense;

/// <summary>One output.</summary>
[Dense(8, 1)]
public partial class SingleOutput8x1Dense;

/// <summary>Sizes that divide no block; declared as a record.</summary>
[Dense(100, 33)]
public partial record Odd100x33Dense;
