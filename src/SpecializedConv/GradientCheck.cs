using System;
using System.Globalization;

namespace SpecializedConv;

/// <summary>
/// Checks an analytic gradient against central finite differences of a scalar loss, for example a layer's
/// <c>BackwardData</c> / <c>BackwardWeights</c> against its <c>Forward</c>.
/// </summary>
/// <example>
/// <code>
/// float[] weights = ...;                     // read by the loss through the closure
/// double Loss() { Layer.Forward(x, weights, b, y); return Dot(y, g); }   // so dLoss/dy = g
/// Layer.BackwardWeights(x, g, weightGrad, biasGrad);
/// GradientCheckResult result = GradientCheck.Compare(Loss, weights, weightGrad);
/// if (!result.IsWithin(1e-2)) throw new Exception(result.ToString());
/// </code>
/// </example>
public static class GradientCheck
{
    /// <summary>
    /// Default perturbation. Central differences have a truncation error of order ε²·f‴ and a rounding error of
    /// order (float32 resolution of the loss)/ε; 1e-2 balances the two for float32 losses of moderate size, and a
    /// loss that is linear in the parameter (as a convolution is in its input, weights and bias) has no truncation
    /// error at all.
    /// </summary>
    public const double DefaultEpsilon = 1e-2;

    /// <summary>
    /// Default floor of the relative error's denominator, as a fraction of the largest analytic magnitude: an
    /// element smaller than 1% of the largest is judged against 1% of the largest rather than against itself.
    /// Finite differences of a float32 loss carry rounding noise proportional to the gradient's overall scale
    /// (about 1e-5 of it for ε = 1e-2), so without a floor an element that is tiny or zero in exact arithmetic
    /// would report a large relative error made of noise alone.
    /// </summary>
    public const double DefaultRelativeErrorFloor = 1e-2;

    /// <summary>
    /// Compares <paramref name="analyticGradient"/> with central differences
    /// <c>numeric[i] = (loss(p[i] + h⁺) − loss(p[i] − h⁻)) / (h⁺ + h⁻)</c>, where <c>p[i] ± h</c> is
    /// <c>p[i] ± <paramref name="epsilon"/></c> rounded to float and h⁺, h⁻ are the steps actually taken, so the
    /// rounding of the perturbed parameter does not bias the quotient.
    /// </summary>
    /// <remarks>
    /// Each checked parameter is perturbed in place, <paramref name="loss"/> is evaluated twice, and the parameter
    /// is restored to its exact original bits, also when <paramref name="loss"/> throws. The loss must therefore
    /// read <paramref name="parameters"/> (typically by closing over the array the span wraps) and must be
    /// deterministic. For each checked element the absolute error is <c>|a − n|</c> and the relative error is
    /// <c>|a − n| / max(|a|, |n|, floor)</c> with <c>floor = <paramref name="relativeErrorFloor"/> · max_j |a_j|</c>
    /// over the whole analytic gradient (0/0 counts as 0); the result reports the largest of each, and the element
    /// with the largest relative error. A NaN error, from either side, counts as the worst.
    /// </remarks>
    /// <param name="loss">Evaluates the scalar loss at the current parameters.</param>
    /// <param name="parameters">The parameters the loss reads; temporarily perturbed, then restored.</param>
    /// <param name="analyticGradient">dLoss/dParameters as computed by the code under test.</param>
    /// <param name="epsilon">Perturbation size; positive and finite. See <see cref="DefaultEpsilon"/>.</param>
    /// <param name="maxChecks">
    /// Check at most this many elements: all of them, in order, when there are no more than this; otherwise a
    /// sample without repetition drawn with <paramref name="seed"/>, so a run is reproducible.
    /// </param>
    /// <param name="seed">Seed of the sample drawn when <paramref name="maxChecks"/> is below the length.</param>
    /// <param name="relativeErrorFloor">
    /// Smallest denominator of the relative error as a fraction of the largest analytic magnitude; positive.
    /// See <see cref="DefaultRelativeErrorFloor"/>.
    /// </param>
    /// <returns>The largest errors found and where.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="loss"/> is null.</exception>
    /// <exception cref="ArgumentException">
    /// The spans are empty or differ in length, or <paramref name="epsilon"/> is below the float resolution of a parameter.
    /// </exception>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="epsilon"/> or <paramref name="relativeErrorFloor"/> is not positive and finite, or
    /// <paramref name="maxChecks"/> is below 1.
    /// </exception>
    public static GradientCheckResult Compare(
        Func<double> loss,
        Span<float> parameters,
        ReadOnlySpan<float> analyticGradient,
        double epsilon = DefaultEpsilon,
        int maxChecks = int.MaxValue,
        int seed = 0,
        double relativeErrorFloor = DefaultRelativeErrorFloor)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (parameters.IsEmpty)
        {
            throw new ArgumentException("There are no parameters to check.", nameof(parameters));
        }

        KernelSupport.CheckLength(analyticGradient.Length, parameters.Length, nameof(analyticGradient));
        ThrowUnlessPositiveAndFinite(epsilon, nameof(epsilon));
        ThrowUnlessPositiveAndFinite(relativeErrorFloor, nameof(relativeErrorFloor));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChecks, 1);

        double floor = relativeErrorFloor * LargestMagnitude(analyticGradient);
        int[]? sample = maxChecks < parameters.Length ? DrawSample(parameters.Length, maxChecks, seed) : null;
        int count = sample?.Length ?? parameters.Length;

        double maxAbsoluteError = 0, maxRelativeError = 0, worstAnalytic = 0, worstNumeric = 0;
        int worstIndex = -1;
        for (int checkedSoFar = 0; checkedSoFar < count; checkedSoFar++)
        {
            int index = sample is null ? checkedSoFar : sample[checkedSoFar];
            double numeric = CentralDifference(loss, parameters, index, epsilon);
            double analytic = analyticGradient[index];
            double absoluteError = Math.Abs(analytic - numeric);
            double denominator = Math.Max(Math.Max(Math.Abs(analytic), Math.Abs(numeric)), floor);
            double relativeError = absoluteError == 0 ? 0 : absoluteError / denominator;

            maxAbsoluteError = Math.Max(maxAbsoluteError, absoluteError);
            bool worstIsNaN = double.IsNaN(maxRelativeError);
            if (worstIndex < 0 || (!worstIsNaN && (double.IsNaN(relativeError) || relativeError > maxRelativeError)))
            {
                maxRelativeError = relativeError;
                worstIndex = index;
                worstAnalytic = analytic;
                worstNumeric = numeric;
            }
        }

        return new GradientCheckResult(maxAbsoluteError, maxRelativeError, worstIndex, worstAnalytic, worstNumeric, count);
    }

    private static double CentralDifference(Func<double> loss, Span<float> parameters, int index, double epsilon)
    {
        float original = parameters[index];
        float plus = (float)(original + epsilon);
        float minus = (float)(original - epsilon);
        double step = (double)plus - minus;
        if (!(step > 0) || double.IsInfinity(step))
        {
            throw new ArgumentException(
                $"Perturbing parameter {index} ({original.ToString("R", CultureInfo.InvariantCulture)}) by ±{epsilon.ToString("R", CultureInfo.InvariantCulture)} does not change it in float32; use a larger epsilon.",
                nameof(epsilon));
        }

        double lossPlus, lossMinus;
        try
        {
            parameters[index] = plus;
            lossPlus = loss();
            parameters[index] = minus;
            lossMinus = loss();
        }
        finally
        {
            parameters[index] = original;
        }

        return (lossPlus - lossMinus) / step;
    }

    /// <summary>The first <paramref name="count"/> elements of a seeded Fisher–Yates shuffle of 0..length−1.</summary>
    private static int[] DrawSample(int length, int count, int seed)
    {
        var indices = new int[length];
        for (int i = 0; i < length; i++)
        {
            indices[i] = i;
        }

        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            int pick = random.Next(i, length);
            (indices[i], indices[pick]) = (indices[pick], indices[i]);
        }

        return indices.AsSpan(0, count).ToArray();
    }

    /// <summary>max |value|, NaN if any value is NaN.</summary>
    private static double LargestMagnitude(ReadOnlySpan<float> values)
    {
        double largest = 0;
        foreach (float value in values)
        {
            largest = Math.Max(largest, Math.Abs((double)value));
        }

        return largest;
    }

    private static void ThrowUnlessPositiveAndFinite(double value, string paramName)
    {
        if (!(value > 0) || double.IsInfinity(value))
        {
            throw new ArgumentOutOfRangeException(paramName, value, "Must be positive and finite.");
        }
    }
}

/// <summary>What <see cref="GradientCheck.Compare"/> found.</summary>
/// <param name="MaxAbsoluteError">Largest <c>|analytic − numeric|</c> over the checked elements.</param>
/// <param name="MaxRelativeError">
/// Largest <c>|analytic − numeric| / max(|analytic|, |numeric|, floor)</c> over the checked elements, where floor
/// is a fraction of the largest analytic magnitude (see <see cref="GradientCheck.Compare"/>); NaN if any was NaN.
/// </param>
/// <param name="WorstIndex">Index of the element with the largest relative error.</param>
/// <param name="WorstAnalytic">The analytic gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="WorstNumeric">The finite-difference gradient at <paramref name="WorstIndex"/>.</param>
/// <param name="Checked">How many elements were checked.</param>
public readonly record struct GradientCheckResult(
    double MaxAbsoluteError, double MaxRelativeError, int WorstIndex, double WorstAnalytic, double WorstNumeric, int Checked)
{
    /// <summary>True when the largest relative error is at most <paramref name="relativeTolerance"/> (false when it is NaN).</summary>
    public bool IsWithin(double relativeTolerance) => MaxRelativeError <= relativeTolerance;

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"max relative error {MaxRelativeError:G3} at index {WorstIndex} (analytic {WorstAnalytic:G9}, numeric {WorstNumeric:G9}), max absolute error {MaxAbsoluteError:G3}, {Checked} element(s) checked");
}
