namespace SpecializedConv.Tests.Network;

// Small layers for whole-network tests, declared here so that they go through the compiler's own analyzer path. The
// LeNet-5 layers come from the Numerics and Layers folders (LeNetConv1, LeNetPool1, …).

/// <summary>Smooth network: 1×8×8 → 3×6×6.</summary>
[Conv2D(1, 8, 8, 3, 3)]
public partial class SmoothConv;

/// <summary>Smooth network: 3×6×6 → 3×3×3 by averaging.</summary>
[AvgPool2D(3, 6, 6, 2)]
public partial class SmoothPool;

/// <summary>Smooth network: 27 → 6.</summary>
[Dense(27, 6)]
public partial class SmoothHidden;

/// <summary>Smooth network: 6 → 4 classes.</summary>
[Dense(6, 4)]
public partial class SmoothOutput;

/// <summary>Piecewise-linear network: 1×8×8 → 2×6×6.</summary>
[Conv2D(1, 8, 8, 2, 3)]
public partial class KinkedConv;

/// <summary>Piecewise-linear network: 2×6×6 → 2×3×3 by maxima.</summary>
[MaxPool2D(2, 6, 6, 2)]
public partial class KinkedPool;

/// <summary>Piecewise-linear network: 18 → 4 classes.</summary>
[Dense(18, 4)]
public partial class KinkedOutput;

/// <summary>Piecewise-linear network with another output width, for loading into the wrong shape: 18 → 5.</summary>
[Dense(18, 5)]
public partial class KinkedWideOutput;

/// <summary>Tiny Fashion-MNIST network: 1×28×28 → 1×14×14 by averaging.</summary>
[AvgPool2D(1, 28, 28, 2)]
public partial class TinyDownsample;

/// <summary>Tiny Fashion-MNIST network: 1×14×14 → 8×10×10.</summary>
[Conv2D(1, 14, 14, 8, 5)]
public partial class TinyConv;

/// <summary>Tiny Fashion-MNIST network: 8×10×10 → 8×5×5.</summary>
[MaxPool2D(8, 10, 10, 2)]
public partial class TinyPool;

/// <summary>Tiny Fashion-MNIST network: 200 → 10 classes.</summary>
[Dense(200, 10)]
public partial class TinyOutput;
