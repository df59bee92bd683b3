using System;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// Every array the three passes read or write for one <see cref="ConvWorkload"/>, the inputs filled with seeded
/// random values in [−1, 1) so each run measures the same data and no pass sees all zeros.
/// </summary>
public sealed class ConvBuffers
{
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
        Output = new float[batch * shape.OutputLength];
        InputGrad = new float[batch * shape.InputLength];
        WeightGrad = new float[shape.WeightLength];
        BiasGrad = new float[shape.BiasLength];
    }

    /// <summary>N×C×H×W, read by Forward and BackwardWeights.</summary>
    public float[] Input { get; }

    /// <summary>K×C×R×S, read by Forward and BackwardData.</summary>
    public float[] Weights { get; }

    /// <summary>K, read by Forward.</summary>
    public float[] Bias { get; }

    /// <summary>N×K×Ho×Wo, read by BackwardData and BackwardWeights.</summary>
    public float[] OutputGrad { get; }

    /// <summary>N×K×Ho×Wo, written by Forward.</summary>
    public float[] Output { get; }

    /// <summary>N×C×H×W, written by BackwardData.</summary>
    public float[] InputGrad { get; }

    /// <summary>K×C×R×S, written by BackwardWeights.</summary>
    public float[] WeightGrad { get; }

    /// <summary>K, written by BackwardWeights.</summary>
    public float[] BiasGrad { get; }

    private static float[] Random(Random random, int length)
    {
        var values = new float[length];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return values;
    }
}
