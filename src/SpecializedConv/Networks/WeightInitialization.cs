using System;

namespace SpecializedConv.Networks;

/// <summary>How <see cref="SequentialNetwork.Initialize"/> draws the weights; biases always start at 0.</summary>
public enum WeightInitialization
{
    /// <summary>
    /// He (Kaiming) normal, for ReLU networks: <c>w ~ N(0, 2 / fanIn)</c>. PyTorch's
    /// <c>kaiming_normal_(w, mode='fan_in', nonlinearity='relu')</c>.
    /// </summary>
    He,

    /// <summary>
    /// Xavier (Glorot) uniform, for sigmoid and tanh networks: <c>w ~ U(−a, a)</c> with
    /// <c>a = √(6 / (fanIn + fanOut))</c>. PyTorch's <c>xavier_uniform_</c>.
    /// </summary>
    Xavier,
}

/// <summary>The draws behind <see cref="WeightInitialization"/>, from a seeded <see cref="Random"/>.</summary>
internal static class WeightInitializer
{
    public static void Fill(Span<float> weights, WeightInitialization scheme, int fanIn, int fanOut, Random random)
    {
        switch (scheme)
        {
            case WeightInitialization.He:
                double deviation = Math.Sqrt(2.0 / fanIn);
                for (int i = 0; i < weights.Length; i++)
                {
                    weights[i] = (float)(deviation * StandardNormal(random));
                }

                break;
            case WeightInitialization.Xavier:
                double bound = Math.Sqrt(6.0 / (fanIn + fanOut));
                for (int i = 0; i < weights.Length; i++)
                {
                    weights[i] = (float)(bound * ((2 * random.NextDouble()) - 1));
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown initialisation.");
        }
    }

    /// <summary>One N(0, 1) draw by the Box–Muller transform (the second value is dropped, to keep the stream simple).</summary>
    private static double StandardNormal(Random random)
    {
        // 1 − NextDouble() lies in (0, 1], so the logarithm is finite.
        double u1 = 1 - random.NextDouble();
        double u2 = random.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
