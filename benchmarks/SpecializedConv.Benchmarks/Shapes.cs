namespace SpecializedConv.Benchmarks;

// One class per benchmark shape, so `--filter '*S3*'` picks a shape and each summary table is one shape. Generated
// layers are S1 … S6, the runtime-shaped SIMD kernel on the same shapes RuntimeS1 … RuntimeS6 and the reference kernels
// ReferenceS1 … ReferenceS6. BenchmarkDotNet needs the classes public, non-sealed and with a parameterless constructor.

/// <summary>S1, LeNet-5 conv1 (1×28×28, K=6, 5×5), one sample.</summary>
public class S1 : ConvBenchmark<S1Layer>;

/// <summary>S2, LeNet-5 conv2 (6×12×12, K=16, 5×5), one sample.</summary>
public class S2 : ConvBenchmark<S2Layer>;

/// <summary>S3, small 3×3 (16×32×32, K=16, padding 1), one sample.</summary>
public class S3 : ConvBenchmark<S3Layer>;

/// <summary>S4, strided (16×32×32, K=32, 3×3, stride 2, padding 1), one sample.</summary>
public class S4 : ConvBenchmark<S4Layer>;

/// <summary>S5, LeNet-5 conv1 on a mini-batch of 64 samples.</summary>
public class S5 : ConvBenchmark<S1Layer>
{
    /// <inheritdoc/>
    protected override int Batch => 64;
}

/// <summary>S6, larger (64×56×56, K=64, 3×3, padding 1), one sample.</summary>
public class S6 : ConvBenchmark<S6Layer>;

/// <summary>S1 through <see cref="ReferenceConv2D"/>.</summary>
public class ReferenceS1 : ReferenceConvBenchmark<S1Layer>;

/// <summary>S2 through <see cref="ReferenceConv2D"/>.</summary>
public class ReferenceS2 : ReferenceConvBenchmark<S2Layer>;

/// <summary>S3 through <see cref="ReferenceConv2D"/>.</summary>
public class ReferenceS3 : ReferenceConvBenchmark<S3Layer>;

/// <summary>S4 through <see cref="ReferenceConv2D"/>.</summary>
public class ReferenceS4 : ReferenceConvBenchmark<S4Layer>;

/// <summary>S5 through <see cref="ReferenceConv2D"/>.</summary>
public class ReferenceS5 : ReferenceConvBenchmark<S1Layer>
{
    /// <inheritdoc/>
    protected override int Batch => 64;
}

/// <summary>S6 through <see cref="ReferenceConv2D"/>.</summary>
public class ReferenceS6 : ReferenceConvBenchmark<S6Layer>;

/// <summary>S1 through <see cref="RuntimeShapedConv"/>.</summary>
public class RuntimeS1 : RuntimeConvBenchmark<S1Layer>;

/// <summary>S2 through <see cref="RuntimeShapedConv"/>.</summary>
public class RuntimeS2 : RuntimeConvBenchmark<S2Layer>;

/// <summary>S3 through <see cref="RuntimeShapedConv"/>.</summary>
public class RuntimeS3 : RuntimeConvBenchmark<S3Layer>;

/// <summary>S4 through <see cref="RuntimeShapedConv"/>.</summary>
public class RuntimeS4 : RuntimeConvBenchmark<S4Layer>;

/// <summary>S5 through <see cref="RuntimeShapedConv"/>.</summary>
public class RuntimeS5 : RuntimeConvBenchmark<S1Layer>
{
    /// <inheritdoc/>
    protected override int Batch => 64;
}

/// <summary>S6 through <see cref="RuntimeShapedConv"/>.</summary>
public class RuntimeS6 : RuntimeConvBenchmark<S6Layer>;
