using System;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// Every array the three passes read or write for one <see cref="ConvWorkload"/>, the inputs filled with seeded
/// random values in [−1, 1) so each run measures the same data and no pass sees all zeros. Each buffer starts
/// <see cref="OffsetBytes"/> past a 64-byte boundary: by default on it, as oneDNN's own buffers (and the network
/// runtime's, <see cref="AlignedBuffer"/>) are.
/// </summary>
public sealed class ConvBuffers
{
    /// <summary>The environment variable that sets <see cref="OffsetBytes"/>.</summary>
    public const string OffsetVariable = "SPECIALIZEDCONV_BUFFER_OFFSET";

    private const int Seed = 20261122;

    /// <summary>Allocates and fills the buffers of <paramref name="workload"/>.</summary>
    public ConvBuffers(ConvWorkload workload)
    {
        Conv2DShape shape = workload.Shape;
        int batch = workload.Batch;
        var random = new Random(Seed);
        Input = Random(random, batch * shape.InputLength);
        Weights = Random(random, shape.WeightLength);
        Bias = Random(random, shape.BiasLength);
        OutputGrad = Random(random, batch * shape.OutputLength);
        Output = Allocate(batch * shape.OutputLength);
        InputGrad = Allocate(batch * shape.InputLength);
        WeightGrad = Allocate(shape.WeightLength);
        BiasGrad = Allocate(shape.BiasLength);
    }

    /// <summary>
    /// Bytes past a 64-byte boundary at which every buffer starts, from <see cref="OffsetVariable"/>: 0 (the default)
    /// or a multiple of 4 below 64. A plain <c>new float[n]</c> starts at 0, 8, 16, … past one, whichever the GC gives;
    /// 8 shows what that costs.
    /// </summary>
    public static int OffsetBytes { get; } = ReadOffset(Environment.GetEnvironmentVariable(OffsetVariable));

    /// <summary>N×C×H×W, read by Forward and BackwardWeights.</summary>
    public ArraySegment<float> Input { get; }

    /// <summary>K×C×R×S, read by Forward and BackwardData.</summary>
    public ArraySegment<float> Weights { get; }

    /// <summary>K, read by Forward.</summary>
    public ArraySegment<float> Bias { get; }

    /// <summary>N×K×Ho×Wo, read by BackwardData and BackwardWeights.</summary>
    public ArraySegment<float> OutputGrad { get; }

    /// <summary>N×K×Ho×Wo, written by Forward.</summary>
    public ArraySegment<float> Output { get; }

    /// <summary>N×C×H×W, written by BackwardData.</summary>
    public ArraySegment<float> InputGrad { get; }

    /// <summary>K×C×R×S, written by BackwardWeights.</summary>
    public ArraySegment<float> WeightGrad { get; }

    /// <summary>K, written by BackwardWeights.</summary>
    public ArraySegment<float> BiasGrad { get; }

    private static ArraySegment<float> Random(Random random, int length)
    {
        ArraySegment<float> values = Allocate(length);
        for (int i = 0; i < values.Count; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }

    private static ArraySegment<float> Allocate(int length) =>
        AlignedBuffer.Allocate(length + (OffsetBytes / sizeof(float))).Slice(OffsetBytes / sizeof(float), length);

    private static int ReadOffset(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return 0;
        }

        if (!int.TryParse(value, out int offset) || offset < 0 || offset >= AlignedBuffer.Alignment || offset % sizeof(float) != 0)
        {
            throw new ArgumentException(
                $"{OffsetVariable} must be a multiple of {sizeof(float)} from 0 to {AlignedBuffer.Alignment - sizeof(float)} (bytes), not '{value}'.");
        }

        return offset;
    }
}
