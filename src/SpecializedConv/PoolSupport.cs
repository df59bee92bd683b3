using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

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
        int o = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Eight at a time while all are inside (as unsigned, a negative index is past the end too); the first
            // vector with one outside hands over to the loop below, which finds it and names it.
            ref int start = ref MemoryMarshal.GetReference(argMax);
            Vector256<uint> limit = Vector256.Create((uint)sampleLength);
            for (; o <= argMax.Length - Vector256<int>.Count; o += Vector256<int>.Count)
            {
                if (Vector256.GreaterThanOrEqualAny(Vector256.LoadUnsafe(ref start, (nuint)o).AsUInt32(), limit))
                {
                    break;
                }
            }
        }

        for (; o < argMax.Length; o++)
        {
            if ((uint)argMax[o] >= (uint)sampleLength)
            {
                throw new ArgumentException(
                    $"Expected indices within one input sample (0 to {sampleLength - 1}), but element {o} is {argMax[o]}.",
                    paramName);
            }
        }
    }

    /// <summary>
    /// Max-pooling backward for one sample whose 2×2 windows, stride 2, tile the input exactly (no padding, even height
    /// and width): every input cell lies in one window, so each is written once, eight at a time, with its window's
    /// gradient if the window's arg-max is that cell and zero otherwise; no clearing, no scatter. That equals the scatter
    /// when every arg-max lies in its own window, as <c>Forward</c> records them. Returns whether they all did (each
    /// window's arg-max matched one of its cells); if not, the caller clears and scatters the sample instead. Returns false
    /// without writing where it cannot vectorise: no AVX2, or rows narrower than eight.
    /// </summary>
    public static bool RouteTiledMaxGradient(
        ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argMax, Span<float> inputGrad, int channels, int height, int width)
    {
        int outHeight = height / 2, outWidth = width / 2, outputLength = channels * outHeight * outWidth;
        if (!Avx2.IsSupported || width < Vector256<float>.Count)
        {
            return false;
        }

        if ((height | width) % 2 != 0 || outputGrad.Length < outputLength || argMax.Length < outputLength || inputGrad.Length < channels * height * width)
        {
            throw new ArgumentException($"A {channels}×{height}×{width} sample of 2×2 windows needs {outputLength} gradients and arg-maxes and {channels * height * width} input cells.", nameof(inputGrad));
        }

        ref float dyRow = ref MemoryMarshal.GetReference(outputGrad);
        ref int argMaxRow = ref MemoryMarshal.GetReference(argMax);
        ref float dxRow = ref MemoryMarshal.GetReference(inputGrad);

        // Lane l holds input column x + l, whose window is output column x/2 + l/2: each window's gradient and arg-max
        // go to two lanes, in both of the window's rows.
        Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), pairs = Vector256.Create(0, 0, 1, 1, 2, 2, 3, 3);

        // A row's last vector starts at width − 8 (an even column) and overlaps the one before unless the width is a
        // multiple of eight; only its lanes past that one count as hits.
        int last = width - Vector256<float>.Count, tail = width % Vector256<float>.Count;
        Vector256<int> counted = tail == 0 ? Vector256<int>.AllBitsSet : Vector256.GreaterThanOrEqual(lanes, Vector256.Create(Vector256<float>.Count - tail));
        Vector256<int> hits = Vector256<int>.Zero;

        // Window rows of all channels in turn: window row i covers input rows 2i and 2i + 1 (counting across channels,
        // since the height is even), whose first cell is 2i·width.
        for (int i = 0, topCell = 0; i < channels * outHeight; i++, topCell += 2 * width)
        {
            for (int x = 0; x < width; x += Vector256<float>.Count)
            {
                int x0 = Math.Min(x, last);
                Vector256<float> gradient = Avx2.PermuteVar8x32(Vector128.LoadUnsafe(ref dyRow, (nuint)(x0 / 2)).ToVector256Unsafe(), pairs);
                Vector256<int> argMaxes = Avx2.PermuteVar8x32(Vector128.LoadUnsafe(ref argMaxRow, (nuint)(x0 / 2)).ToVector256Unsafe(), pairs);
                Vector256<int> top = Vector256.Create(topCell + x0) + lanes;
                Vector256<int> hitTop = Vector256.Equals(argMaxes, top), hitBottom = Vector256.Equals(argMaxes, top + Vector256.Create(width));
                (gradient & hitTop.AsSingle()).StoreUnsafe(ref dxRow, (nuint)x0);
                (gradient & hitBottom.AsSingle()).StoreUnsafe(ref dxRow, (nuint)(width + x0));
                hits += (hitTop | hitBottom) & (x0 == x ? Vector256<int>.AllBitsSet : counted);
            }

            dyRow = ref Unsafe.Add(ref dyRow, outWidth);
            argMaxRow = ref Unsafe.Add(ref argMaxRow, outWidth);
            dxRow = ref Unsafe.Add(ref dxRow, 2 * width);
        }

        // Each hit added −1 (all bits set); a window whose arg-max lies outside it added nothing.
        return -Vector256.Sum(hits) == outputLength;
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
