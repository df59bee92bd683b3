using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SpecializedConv;

/// <summary>
/// Checks and scratch buffers for generated pooling layers, beside <see cref="KernelSupport"/> (whose packing and
/// argument checks they use too). Public only so that generated code in another assembly can reach it.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PoolSupport
{
    /// <summary>
    /// Returns this thread's scratch buffer of at least <paramref name="length"/> floats, allocating it filled with
    /// <paramref name="fill"/> the first time. Generated kernels write only fixed interior positions, so the margins keep
    /// <paramref name="fill"/> between calls: −∞ for max pooling, where padded cells must never win.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float[] Scratch(ref float[]? slot, int length, float fill)
    {
        float[]? buffer = slot;
        if (buffer is null || buffer.Length < length)
        {
            buffer = new float[length];
            buffer.AsSpan().Fill(fill);
            slot = buffer;
        }

        return buffer;
    }

    /// <summary>
    /// Throws unless every arg-max index lies inside one input sample, <c>0 ≤ argMax[o] &lt; sampleLength</c>, so that a
    /// backward pass can route gradients without writing outside its sample. Called before anything is written.
    /// </summary>
    public static void CheckArgMax(ReadOnlySpan<int> argMax, int sampleLength, string paramName)
    {
        for (int o = 0; o < argMax.Length; o++)
        {
            if ((uint)argMax[o] >= (uint)sampleLength)
            {
                throw new ArgumentException(
                    $"Expected indices within one input sample (0 to {sampleLength - 1}), but element {o} is {argMax[o]}.",
                    paramName);
            }
        }
    }

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (for rows narrower than a vector).</summary>
    public static void StorePartial(Vector256<int> value, ref int destination, int count)
    {
        for (int lane = 0; lane < count; lane++)
        {
            Unsafe.Add(ref destination, lane) = value.GetElement(lane);
        }
    }
}
