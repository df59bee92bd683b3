namespace SpecializedConv.Tests.Layers;

/// <summary>Tolerances of the pooling and dense tests, relative to the largest magnitude of the expected array.</summary>
public static class LayerTolerance
{
    /// <summary>
    /// Float32 layers against float64 values (PyTorch's, or the reference kernels' double sums): 1e-5. The longest sums
    /// here are dense dot products of at most 256 terms, accumulated in float32 eight lanes at a time with FMA; the
    /// worst-case rounding bound is about n·2^-24 ≈ 1.5e-5 of the sum of the terms' magnitudes and the typical error
    /// about √n·2^-24 ≈ 1e-6 of it, which is itself comparable to the largest output, so 1e-5 leaves a margin of ten
    /// over what rounding does while a wrong index, tap, mask or padding value moves an element by a sizeable fraction
    /// of the largest magnitude. Max pooling's outputs and arg-maxima are compared exactly instead: they are copies.
    /// </summary>
    public const double Reference = 1e-5;
}
