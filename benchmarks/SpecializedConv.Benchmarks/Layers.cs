using SpecializedConv;

namespace SpecializedConv.Benchmarks;

// The layers under test, one per benchmark shape (see benchmarks/README.md). The generator emits each one's
// Forward, BackwardData and BackwardWeights with every size a constant. S5 is S1 on a batch of 64, so it has no
// layer of its own.

/// <summary>S1, LeNet-5 conv1: 1×28×28 → 6×24×24, 5×5 kernel, stride 1, no padding.</summary>
[Conv2D(1, 28, 28, 6, 5, 5, Stride = 1, Padding = 0)]
public partial class S1Layer;

/// <summary>S2, LeNet-5 conv2: 6×12×12 → 16×8×8, 5×5 kernel, stride 1, no padding.</summary>
[Conv2D(6, 12, 12, 16, 5, 5, Stride = 1, Padding = 0)]
public partial class S2Layer;

/// <summary>S3, a small 3×3 layer: 16×32×32 → 16×32×32, stride 1, padding 1.</summary>
[Conv2D(16, 32, 32, 16, 3, 3, Stride = 1, Padding = 1)]
public partial class S3Layer;

/// <summary>S4, strided: 16×32×32 → 32×16×16, 3×3 kernel, stride 2, padding 1.</summary>
[Conv2D(16, 32, 32, 32, 3, 3, Stride = 2, Padding = 1)]
public partial class S4Layer;

/// <summary>S6, larger: 64×56×56 → 64×56×56, 3×3 kernel, stride 1, padding 1.</summary>
[Conv2D(64, 56, 56, 64, 3, 3, Stride = 1, Padding = 1)]
public partial class S6Layer;
