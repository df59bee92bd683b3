using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpecializedConv;

/// <summary>
/// Argument checks, scratch buffers and data movement shared by every generated layer. Generated code calls these
/// with constant arguments; they are public only so that generated code in another assembly can reach them.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class KernelSupport
{
    /// <summary>Vector width the generated kernels are written for (floats in a <see cref="Vector256{T}"/>).</summary>
    public const int Lanes = 8;

    /// <summary>
    /// Returns how many samples a span of <paramref name="length"/> elements holds, throwing when it is not a
    /// positive multiple of <paramref name="sampleLength"/>.
    /// </summary>
    public static int BatchCount(int length, int sampleLength, string paramName)
    {
        if (length <= 0 || length % sampleLength != 0)
        {
            throw new ArgumentException(
                $"Expected a positive multiple of {sampleLength} elements (one sample is {sampleLength}), but the span has {length}.",
                paramName);
        }

        return length / sampleLength;
    }

    /// <summary>Throws unless a span holds exactly <paramref name="batch"/> samples of <paramref name="sampleLength"/>.</summary>
    public static void CheckBatch(int length, int sampleLength, int batch, string paramName, string batchSource)
    {
        long expected = (long)sampleLength * batch;
        if (length != expected)
        {
            throw new ArgumentException(
                $"Expected {expected} elements ({batch} sample(s) of {sampleLength}, as in '{batchSource}'), but the span has {length}.",
                paramName);
        }
    }

    /// <summary>Throws unless a span holds exactly <paramref name="expected"/> elements.</summary>
    public static void CheckLength(int length, int expected, string paramName)
    {
        if (length != expected)
        {
            throw new ArgumentException($"Expected exactly {expected} elements, but the span has {length}.", paramName);
        }
    }

    /// <summary>
    /// Returns this thread's scratch buffer of at least <paramref name="length"/> floats, allocating it (zeroed)
    /// the first time. Generated kernels write only fixed interior positions of their scratch, so zero margins
    /// stay zero between calls and no clearing is needed per call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float[] Scratch(ref float[]? slot, int length)
    {
        float[]? buffer = slot;
        if (buffer is null || buffer.Length < length)
        {
            buffer = slot = new float[length];
        }

        return buffer;
    }

    /// <summary>
    /// Copies <paramref name="channels"/> planes of <paramref name="height"/>×<paramref name="width"/> into a zero-padded,
    /// column-phase-split layout: element (c, y, x) goes to
    /// <c>c·channelPitch + ((x+padLeft) mod stride)·phasePitch + (y+padTop)·rowPitch + (x+padLeft) div stride</c>.
    /// With the phases split, a strided convolution reads contiguous vectors.
    /// </summary>
    public static void PackPlanes(
        ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width,
        int padTop, int padLeft, int stride, int channelPitch, int phasePitch, int rowPitch)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < height; y++)
            {
                ReadOnlySpan<float> row = source.Slice(((c * height) + y) * width, width);
                int rowStart = (c * channelPitch) + ((y + padTop) * rowPitch);
                if (stride == 1)
                {
                    row.CopyTo(destination.Slice(rowStart + padLeft, width));
                    continue;
                }

                // Column x lands in phase (x + padLeft) mod stride at (x + padLeft) div stride: walk each phase's
                // columns with a step of stride instead of dividing per element.
                for (int phase = 0; phase < stride; phase++)
                {
                    int first = ((phase - padLeft) % stride + stride) % stride;
                    if (first >= width)
                    {
                        continue;
                    }

                    Span<float> target = destination.Slice(rowStart + (phase * phasePitch) + ((first + padLeft) / stride));
                    int count = ((width - 1 - first) / stride) + 1;
                    for (int i = 0, x = first; i < count; i++, x += stride)
                    {
                        target[i] = row[x];
                    }
                }
            }
        }
    }

    /// <summary>
    /// Scatters one stride phase of a gradient: <c>destination[c, rowStart + stride·a, columnStart + stride·b] =
    /// source[c·channelPitch + a·rowPitch + b]</c> for a &lt; rows, b &lt; columns.
    /// </summary>
    public static void ScatterPhase(
        ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width,
        int rows, int columns, int rowStart, int columnStart, int stride, int channelPitch, int rowPitch)
    {
        for (int c = 0; c < channels; c++)
        {
            for (int a = 0; a < rows; a++)
            {
                ReadOnlySpan<float> sourceRow = source.Slice((c * channelPitch) + (a * rowPitch), columns);
                Span<float> destinationRow = destination.Slice(
                    (((c * height) + rowStart + (stride * a)) * width) + columnStart, ((columns - 1) * stride) + 1);
                for (int b = 0, x = 0; b < sourceRow.Length; b++, x += stride)
                {
                    destinationRow[x] = sourceRow[b];
                }
            }
        }
    }

    /// <summary>Fused multiply-add <c>a·b + c</c>: one FMA instruction where the CPU has it, multiply then add otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>Stores the first <paramref name="count"/> lanes of <paramref name="value"/> (for rows narrower than a vector).</summary>
    public static void StorePartial(Vector256<float> value, ref float destination, int count)
    {
        for (int lane = 0; lane < count; lane++)
        {
            Unsafe.Add(ref destination, lane) = value.GetElement(lane);
        }
    }

    /// <summary>True when the generated Vector256 kernels run in hardware; otherwise layers use the reference kernels.</summary>
    public static bool VectorPathSupported
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector256.IsHardwareAccelerated;
    }
}
