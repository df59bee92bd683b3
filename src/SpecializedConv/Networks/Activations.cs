using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SpecializedConv.Networks;

/// <summary>
/// An element-wise activation function as static abstract members, so that <see cref="ActivationLayer{TActivation}"/>
/// runs it over a whole batch with no call per element.
/// </summary>
/// <remarks>
/// Each function's derivative is written in terms of its output y, so the backward pass needs only the forward
/// pass's output. NaN propagates through all three, as in PyTorch, so that a network going non-finite shows in the
/// loss instead of being hidden by a ReLU.
/// </remarks>
public interface IActivation
{
    /// <summary>The name shown in summaries and stored in the weights file.</summary>
    static abstract string Name { get; }

    /// <summary><c>output[i] = f(input[i])</c>; the spans have the same length.</summary>
    static abstract void Forward(ReadOnlySpan<float> input, Span<float> output);

    /// <summary><c>inputGradient[i] = f′(x[i]) · outputGradient[i]</c>, with f′ computed from <paramref name="output"/> = f(x).</summary>
    static abstract void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient);
}

/// <summary>Rectified linear unit: <c>f(x) = max(x, 0)</c>, <c>f′(x) = 1 if x &gt; 0 else 0</c> (0 at the kink, as PyTorch).</summary>
public sealed class ReLU : IActivation
{
    private ReLU()
    {
    }

    /// <inheritdoc/>
    public static string Name => "ReLU";

    /// <inheritdoc/>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        CheckSameLength(input.Length, output.Length, nameof(output));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float x = ref MemoryMarshal.GetReference(input);
            ref float y = ref MemoryMarshal.GetReference(output);
            for (; i <= input.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> value = Vector256.LoadUnsafe(ref x, (nuint)i);

                // "x < 0 ? 0 : x" rather than Max, so that NaN (which compares false) passes through.
                Vector256.ConditionalSelect(Vector256.LessThan(value, Vector256<float>.Zero), Vector256<float>.Zero, value)
                    .StoreUnsafe(ref y, (nuint)i);
            }
        }

        for (; i < input.Length; i++)
        {
            float value = input[i];
            output[i] = value < 0 ? 0 : value;
        }
    }

    /// <inheritdoc/>
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        CheckSameLength(output.Length, outputGradient.Length, nameof(outputGradient));
        CheckSameLength(output.Length, inputGradient.Length, nameof(inputGradient));
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref float y = ref MemoryMarshal.GetReference(output);
            ref float dy = ref MemoryMarshal.GetReference(outputGradient);
            ref float dx = ref MemoryMarshal.GetReference(inputGradient);
            for (; i <= output.Length - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                Vector256<float> active = Vector256.GreaterThan(Vector256.LoadUnsafe(ref y, (nuint)i), Vector256<float>.Zero);
                (Vector256.LoadUnsafe(ref dy, (nuint)i) & active).StoreUnsafe(ref dx, (nuint)i);
            }
        }

        for (; i < output.Length; i++)
        {
            inputGradient[i] = output[i] > 0 ? outputGradient[i] : 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void CheckSameLength(int expected, int actual, string paramName)
    {
        if (expected != actual)
        {
            throw new ArgumentException($"Expected {expected} elements, as in the first span, but the span has {actual}.", paramName);
        }
    }
}

/// <summary>Logistic sigmoid: <c>f(x) = 1 / (1 + e^−x)</c>, <c>f′(x) = y · (1 − y)</c>.</summary>
public sealed class Sigmoid : IActivation
{
    private Sigmoid()
    {
    }

    /// <inheritdoc/>
    public static string Name => "Sigmoid";

    /// <inheritdoc/>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ReLU.CheckSameLength(input.Length, output.Length, nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            // e^−x overflows to ∞ for x below about −88, giving exactly 0: the correctly rounded limit.
            output[i] = 1f / (1f + MathF.Exp(-input[i]));
        }
    }

    /// <inheritdoc/>
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        ReLU.CheckSameLength(output.Length, outputGradient.Length, nameof(outputGradient));
        ReLU.CheckSameLength(output.Length, inputGradient.Length, nameof(inputGradient));
        for (int i = 0; i < output.Length; i++)
        {
            float y = output[i];
            inputGradient[i] = y * (1f - y) * outputGradient[i];
        }
    }
}

/// <summary>Hyperbolic tangent: <c>f(x) = tanh x</c>, <c>f′(x) = 1 − y²</c>.</summary>
public sealed class Tanh : IActivation
{
    private Tanh()
    {
    }

    /// <inheritdoc/>
    public static string Name => "Tanh";

    /// <inheritdoc/>
    public static void Forward(ReadOnlySpan<float> input, Span<float> output)
    {
        ReLU.CheckSameLength(input.Length, output.Length, nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            output[i] = MathF.Tanh(input[i]);
        }
    }

    /// <inheritdoc/>
    public static void Backward(ReadOnlySpan<float> output, ReadOnlySpan<float> outputGradient, Span<float> inputGradient)
    {
        ReLU.CheckSameLength(output.Length, outputGradient.Length, nameof(outputGradient));
        ReLU.CheckSameLength(output.Length, inputGradient.Length, nameof(inputGradient));
        for (int i = 0; i < output.Length; i++)
        {
            float y = output[i];
            inputGradient[i] = (1f - (y * y)) * outputGradient[i];
        }
    }
}
