using SpecializedConv;
using SpecializedConv.Networks;

namespace LeNet;

// LeNet-5 in its modern form (ReLU and max pooling instead of the paper's scaled tanh and trainable subsampling), for
// 28×28 images. The generator turns each declaration into a layer with every size a constant.

/// <summary>Convolution 1: one 28×28 channel in, six 5×5 filters: 6×24×24.</summary>
[Conv2D(1, 28, 28, 6, 5)]
public partial class Conv1;

/// <summary>Max pooling 2×2: 6×24×24 → 6×12×12.</summary>
[MaxPool2D(6, 24, 24, 2)]
public partial class Pool1;

/// <summary>Convolution 2: six 12×12 channels in, sixteen 5×5 filters: 16×8×8.</summary>
[Conv2D(6, 12, 12, 16, 5)]
public partial class Conv2;

/// <summary>Max pooling 2×2: 16×8×8 → 16×4×4.</summary>
[MaxPool2D(16, 8, 8, 2)]
public partial class Pool2;

/// <summary>Fully connected 1: the 16×4×4 = 256 pooled values → 120.</summary>
[Dense(256, 120)]
public partial class Full1;

/// <summary>Fully connected 2: 120 → 84.</summary>
[Dense(120, 84)]
public partial class Full2;

/// <summary>Fully connected 3: 84 → the 10 class scores (logits).</summary>
[Dense(84, 10)]
public partial class Full3;

/// <summary>Assembles LeNet-5 from the generated layers.</summary>
public static class LeNet5
{
    /// <summary>conv 1→6 5×5, ReLU, max-pool 2, conv 6→16 5×5, ReLU, max-pool 2, dense 256→120, ReLU, 120→84, ReLU, 84→10.</summary>
    public static SequentialNetwork Build() => new NetworkBuilder()
        .Conv2D<Conv1>("conv1").ReLU().MaxPool2D<Pool1>("pool1")
        .Conv2D<Conv2>("conv2").ReLU().MaxPool2D<Pool2>("pool2")
        .Dense<Full1>("fc1").ReLU()
        .Dense<Full2>("fc2").ReLU()
        .Dense<Full3>("fc3")
        .Build();
}
