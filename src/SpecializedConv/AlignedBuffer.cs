using System;
using System.Runtime.InteropServices;

namespace SpecializedConv;

/// <summary>
/// Float buffers whose first element lies on a 64-byte boundary: a cache line, and two <c>Vector256</c>.
/// </summary>
/// <remarks>
/// The generated kernels read and write the caller's spans where they lie, eight floats at a time. A plain
/// <c>new float[n]</c> starts 16 bytes into its object, which the GC places on an 8-byte boundary, so most arrays start
/// off a 32-byte boundary and about half of the kernels' vector loads from them straddle two cache lines. Measured on
/// the benchmark machine with spans 8 bytes past a boundary, calls alternating with aligned ones (2026-12-04):
/// backward-weights of 16×32×32 → 16 (3×3, padding 1) and of its stride-2 variant with K = 32 3–8 % slower when the
/// output gradient lies there, their backward-data 2–5 %, the stride-2 forward pass 1.5 % with its input there (11 %
/// while the host was in a slow phase), LeNet's convolutions 1–5 %; 64 channels of 56×56, no difference. (The first two
/// now copy such a gradient onto a boundary themselves, which takes back much of it.)
/// oneDNN and PyTorch align their tensors to 64 bytes, and so does the network runtime of this library, with this type.
/// The buffer is a pinned array (the pinned object heap never moves it), so it needs no disposing: the GC frees it like
/// any array.
/// </remarks>
public static class AlignedBuffer
{
    /// <summary>Bytes: the address of a buffer's first element is a multiple of this.</summary>
    public const int Alignment = 64;

    /// <summary>
    /// Allocates <paramref name="length"/> zeroed floats starting on an <see cref="Alignment"/>-byte boundary: a segment
    /// of a pinned array a little longer than <paramref name="length"/>, which converts to <see cref="Span{T}"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative.</exception>
    public static ArraySegment<float> Allocate(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        float[] array = AllocatePinned(length);
        return new ArraySegment<float>(array, FirstAlignedIndex(array), length);
    }

    /// <summary>A pinned array with room for <paramref name="length"/> floats from its first element on a boundary.</summary>
    internal static float[] AllocatePinned(int length) => GC.AllocateArray<float>(checked(length + Slack), pinned: true);

    /// <summary>Whether <paramref name="array"/>, from <see cref="AllocatePinned"/>, has room for <paramref name="length"/> aligned floats.</summary>
    internal static bool Holds(float[] array, int length) => array.Length >= (long)length + Slack;

    /// <summary>The index of the first element of a pinned array that lies on a boundary; it never changes.</summary>
    internal static int FirstAlignedIndex(float[] pinnedArray)
    {
        long address = Marshal.UnsafeAddrOfPinnedArrayElement(pinnedArray, 0);
        return (int)((Alignment - (address % Alignment)) % Alignment) / sizeof(float);
    }

    // Floats an array needs beyond the length asked for: its data starts at least 4 bytes past a boundary.
    private const int Slack = (Alignment / sizeof(float)) - 1;
}
