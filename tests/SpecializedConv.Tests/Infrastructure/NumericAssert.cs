using System;
using System.Globalization;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>Comparisons and inputs for numerical tests.</summary>
public static class NumericAssert
{
    /// <summary>
    /// Tolerance for float32 results against the float64 reference vectors, relative to the largest magnitude of
    /// the expected array. Reference/README.md: a float32 implementation lands within about 1e-5 of the vectors
    /// (they carry 9 significant digits; float32 rounding of inputs, products and partial sums costs a few units of
    /// 2^-24 ≈ 6e-8 each, growing with the length of the sums), and 1e-4 is a safe bound. A real indexing or
    /// padding bug moves elements by a sizeable fraction of the largest magnitude, far above it.
    /// </summary>
    public const double ReferenceTolerance = 1e-4;

    /// <summary>
    /// Fails unless every <c>|actual[i] − expected[i]| ≤ relativeTolerance · max|expected|</c>, and on any NaN or
    /// infinity in <paramref name="actual"/> (so an element left at its NaN poison fails). When
    /// <paramref name="expected"/> is all zeros the scale is taken as 1, making the tolerance absolute.
    /// The message names <paramref name="what"/>, the first and the worst mismatch, and how many elements mismatch.
    /// </summary>
    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double relativeTolerance, string what)
    {
        if (expected.Length != actual.Length)
        {
            Assert.Fail($"{what}: expected {expected.Length} elements, got {actual.Length}.");
        }

        double scale = 0;
        foreach (float value in expected)
        {
            scale = Math.Max(scale, Math.Abs((double)value));
        }

        double allowed = relativeTolerance * (scale > 0 ? scale : 1);
        int mismatches = 0, firstIndex = -1, worstIndex = -1;
        double worstDifference = -1;
        for (int i = 0; i < expected.Length; i++)
        {
            double difference = Math.Abs((double)actual[i] - expected[i]);

            // Written as "not within" so that NaN, which compares false with everything, counts as a mismatch.
            if (!(difference <= allowed) || !float.IsFinite(actual[i]))
            {
                mismatches++;
                if (firstIndex < 0)
                {
                    firstIndex = i;
                }

                if (worstIndex < 0 || !(difference <= worstDifference))
                {
                    worstIndex = i;
                    worstDifference = double.IsNaN(difference) ? double.PositiveInfinity : difference;
                }
            }
        }

        if (mismatches > 0)
        {
            Assert.Fail(string.Create(
                CultureInfo.InvariantCulture,
                $"{what}: {mismatches} of {expected.Length} elements differ by more than {allowed:G3} " +
                $"({relativeTolerance:G3} × largest expected magnitude {scale:G6}). " +
                $"First at index {firstIndex}: expected {expected[firstIndex]:G9}, actual {actual[firstIndex]:G9}. " +
                $"Worst at index {worstIndex}: expected {expected[worstIndex]:G9}, actual {actual[worstIndex]:G9}."));
        }
    }

    /// <summary>An array of <paramref name="length"/> NaNs, to pass as an output: any element the call does not write fails <see cref="AssertClose"/>.</summary>
    public static float[] Poisoned(int length)
    {
        var array = new float[length];
        array.AsSpan().Fill(float.NaN);
        return array;
    }

    /// <summary>True when every element is NaN, i.e. a <see cref="Poisoned"/> array was left untouched.</summary>
    public static bool IsStillPoisoned(ReadOnlySpan<float> values)
    {
        foreach (float value in values)
        {
            if (!float.IsNaN(value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><paramref name="length"/> values uniform in [−1, 1] from <paramref name="random"/> (which the caller seeds).</summary>
    public static float[] RandomArray(Random random, int length)
    {
        var array = new float[length];
        for (int i = 0; i < length; i++)
        {
            array[i] = (float)((random.NextDouble() * 2) - 1);
        }

        return array;
    }

    /// <summary>
    /// A generated layer's three passes against <see cref="ReferenceConv2D"/> on seeded random data, with outputs
    /// poisoned with NaN so an unwritten element fails. <paramref name="what"/> names the layer in messages (default:
    /// its shape and the batch).
    /// </summary>
    public static void AssertPassesMatchReference(GeneratedLayer layer, Random random, int batch, string? what = null)
    {
        Conv2DShape shape = layer.Shape;
        float[] input = RandomArray(random, batch * shape.InputLength);
        float[] weights = RandomArray(random, shape.WeightLength);
        float[] bias = RandomArray(random, shape.BiasLength);
        float[] outputGrad = RandomArray(random, batch * shape.OutputLength);
        what ??= $"{shape} (batch {batch})";

        float[] expected = new float[batch * shape.OutputLength], actual = Poisoned(expected.Length);
        ReferenceConv2D.Forward(shape, input, weights, bias, expected);
        layer.Forward(input, weights, bias, actual);
        AssertClose(expected, actual, ReferenceTolerance, $"forward of {what}");

        float[] expectedInputGrad = new float[input.Length], actualInputGrad = Poisoned(input.Length);
        ReferenceConv2D.BackwardData(shape, outputGrad, weights, expectedInputGrad);
        layer.BackwardData(outputGrad, weights, actualInputGrad);
        AssertClose(expectedInputGrad, actualInputGrad, ReferenceTolerance, $"inputGrad of {what}");

        float[] expectedWeightGrad = new float[weights.Length], expectedBiasGrad = new float[bias.Length];
        float[] actualWeightGrad = Poisoned(weights.Length), actualBiasGrad = Poisoned(bias.Length);
        ReferenceConv2D.BackwardWeights(shape, input, outputGrad, expectedWeightGrad, expectedBiasGrad);
        layer.BackwardWeights(input, outputGrad, actualWeightGrad, actualBiasGrad);
        AssertClose(expectedWeightGrad, actualWeightGrad, ReferenceTolerance, $"weightGrad of {what}");
        AssertClose(expectedBiasGrad, actualBiasGrad, ReferenceTolerance, $"biasGrad of {what}");
    }
}
