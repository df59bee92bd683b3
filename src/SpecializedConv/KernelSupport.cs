using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
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
    /// A reference to <paramref name="source"/> itself when it starts on a 32-byte boundary; otherwise to a copy of it on
    /// one, in this thread's buffer <paramref name="slot"/> (a pinned array, allocated the first time). For kernels that
    /// load every vector of a source many times: off a boundary, half of those loads would straddle two cache lines.
    /// </summary>
    public static ref float AlignedSource(ReadOnlySpan<float> source, ref float[]? slot)
    {
        ref float start = ref MemoryMarshal.GetReference(source);
        if (AddressOf(ref start) % 32 == 0)
        {
            return ref start;
        }

        float[]? buffer = slot;
        if (buffer is null || !AlignedBuffer.Holds(buffer, source.Length))
        {
            buffer = slot = AlignedBuffer.AllocatePinned(source.Length);
        }

        int offset = AlignedBuffer.FirstAlignedIndex(buffer);
        source.CopyTo(buffer.AsSpan(offset, source.Length));
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(buffer), offset);
    }

    // The address a reference points to (its distance from null), without unsafe code; only ever taken modulo a power of two.
    private static nuint AddressOf(ref float value) => (nuint)Unsafe.ByteOffset(ref Unsafe.NullRef<float>(), ref value);

    /// <summary>
    /// Copies <paramref name="channels"/> planes of <paramref name="height"/>×<paramref name="width"/> into a zero-padded,
    /// column-phase-split layout: element (c, y, x) goes to
    /// <c>c·channelPitch + ((x+padLeft) mod stride)·phasePitch + (y+padTop)·rowPitch + (x+padLeft) div stride</c>.
    /// With the phases split, a strided convolution reads contiguous vectors. Compiled optimised from its first call, its
    /// row helpers inlined, as <see cref="Transpose"/> is (left to tiered compilation, it stayed Tier0 code in short runs).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackPlanes(
        ReadOnlySpan<float> source, Span<float> destination, int channels, int height, int width,
        int padTop, int padLeft, int stride, int channelPitch, int phasePitch, int rowPitch)
    {
        // One check up front instead of one per element: the last element of the last row must land inside.
        long last = ((channels - 1L) * channelPitch) + ((stride - 1L) * phasePitch) + ((height - 1L + padTop) * rowPitch) + ((width - 1L + padLeft) / stride);
        if (source.Length < (long)channels * height * width || last >= destination.Length || padLeft < 0 || padTop < 0 || stride < 1)
        {
            throw new ArgumentException($"A {channels}×{height}×{width} tensor with padding ({padTop}, {padLeft}) does not fit a destination of {destination.Length} elements.", nameof(destination));
        }

        // Rows in turn, the references moving on: per-row index arithmetic cost as much as the shuffles of a short row.
        // At stride 2 even columns go to one phase and odd columns to the other (a de-interleave), at these offsets.
        int evensOffset = ((padLeft & 1) * phasePitch) + (padLeft / 2), oddsOffset = ((1 - (padLeft & 1)) * phasePitch) + ((padLeft + 1) / 2);
        ref float row = ref MemoryMarshal.GetReference(source);
        ref float destinationStart = ref MemoryMarshal.GetReference(destination);
        for (int c = 0; c < channels; c++)
        {
            ref float target = ref Unsafe.Add(ref destinationStart, (c * channelPitch) + (padTop * rowPitch));
            for (int y = 0; y < height; y++, row = ref Unsafe.Add(ref row, width), target = ref Unsafe.Add(ref target, rowPitch))
            {
                if (stride == 1)
                {
                    CopyRow(ref row, ref Unsafe.Add(ref target, padLeft), width);
                }
                else if (stride == 2)
                {
                    Deinterleave(ref row, width, ref Unsafe.Add(ref target, evensOffset), ref Unsafe.Add(ref target, oddsOffset));
                }
                else
                {
                    // Column x lands in phase (x + padLeft) mod stride at (x + padLeft) div stride: walk each phase's
                    // columns with a step of stride instead of dividing per element.
                    for (int phase = 0; phase < stride; phase++)
                    {
                        int first = (((phase - padLeft) % stride) + stride) % stride;
                        ref float phaseRow = ref Unsafe.Add(ref target, (phase * phasePitch) + ((first + padLeft) / stride));
                        for (int i = 0, x = first; x < width; i++, x += stride)
                        {
                            Unsafe.Add(ref phaseRow, i) = Unsafe.Add(ref row, x);
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies a row of <paramref name="width"/> floats. Layer rows are short (often one to four vectors), where a call to
    /// memmove per row costs as much as the copy: whole vectors, the last one overlapping its neighbour.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyRow(ref float source, ref float destination, int width)
    {
        if (!Vector256.IsHardwareAccelerated || width < Lanes)
        {
            for (int x = 0; x < width; x++)
            {
                Unsafe.Add(ref destination, x) = Unsafe.Add(ref source, x);
            }

            return;
        }

        int last = width - Lanes;
        for (int x = 0; x < last; x += Lanes)
        {
            Vector256.LoadUnsafe(ref source, (nuint)x).StoreUnsafe(ref destination, (nuint)x);
        }

        Vector256.LoadUnsafe(ref source, (nuint)last).StoreUnsafe(ref destination, (nuint)last);
    }

    /// <summary>Writes the even elements of a row to <paramref name="evens"/> and the odd ones to <paramref name="odds"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(ref float row, int width, ref float evens, ref float odds)
    {
        int x = 0;
        if (Avx2.IsSupported && width >= Lanes)
        {
            for (; x + 16 <= width; x += 16)
            {
                SplitEvenOdd(Vector256.LoadUnsafe(ref row, (nuint)x), Vector256.LoadUnsafe(ref row, (nuint)(x + 8)), out Vector256<float> even, out Vector256<float> odd);
                even.StoreUnsafe(ref evens, (nuint)(x / 2));
                odd.StoreUnsafe(ref odds, (nuint)(x / 2));
            }

            // Then eight at a time: pooling rows are often 8 or 24 wide, where one element at a time took longer than the
            // pooling itself. A row of even width ends with its last eight elements, which start at an even column too
            // (rewriting up to three pairs with the same values); an odd width ends one element at a time.
            for (; x + Lanes <= width; x += Lanes)
            {
                DeinterleaveEight(ref row, x, ref evens, ref odds);
            }

            if (x < width && (width & 1) == 0)
            {
                DeinterleaveEight(ref row, width - Lanes, ref evens, ref odds);
                x = width;
            }
        }

        for (; x < width; x++)
        {
            Unsafe.Add(ref (x & 1) == 0 ? ref evens : ref odds, x / 2) = Unsafe.Add(ref row, x);
        }
    }

    /// <summary>
    /// Splits sixteen consecutive floats, <paramref name="low"/> then <paramref name="high"/>, into their eight even and
    /// eight odd elements, each in order: the two column phases of a stride-2 row, in registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SplitEvenOdd(Vector256<float> low, Vector256<float> high, out Vector256<float> even, out Vector256<float> odd)
    {
        // Each vector's even elements in its low half and odd ones in its high half, then the halves paired.
        Vector256<float> first = SplitHalves(low), second = SplitHalves(high);
        even = Vector256.Create(first.GetLower(), second.GetLower());
        odd = Vector256.Create(first.GetUpper(), second.GetUpper());
    }

    /// <summary>Eight floats rearranged: the four even elements in the low half, the four odd ones in the high half.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> SplitHalves(Vector256<float> eight) => Vector256.Shuffle(eight, Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7));

    /// <summary>Deinterleaves the eight elements at even column <paramref name="x"/>: four to each phase.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DeinterleaveEight(ref float row, int x, ref float evens, ref float odds)
    {
        Vector256<float> split = SplitHalves(Vector256.LoadUnsafe(ref row, (nuint)x));
        split.GetLower().StoreUnsafe(ref evens, (nuint)(x / 2));
        split.GetUpper().StoreUnsafe(ref odds, (nuint)(x / 2));
    }

    /// <summary>
    /// Scatters one stride phase of a gradient: <c>destination[c, rowStart + stride·a, columnStart + stride·b] =
    /// source[c·channelPitch + a·rowPitch + b]</c> for a &lt; rows, b &lt; columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>
    /// Writes the two column phases of one row phase of a stride-2 gradient into it, each row whole:
    /// <c>destination[c, rowStart + 2a, 2b] = even[c·evenChannelPitch + a·evenRowPitch + b]</c> for b &lt; evenColumns and
    /// <c>destination[c, rowStart + 2a, 2b + 1] = odd[c·oddChannelPitch + a·oddRowPitch + b]</c> for b &lt; oddColumns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void InterleavePhases(
        ReadOnlySpan<float> even, ReadOnlySpan<float> odd, Span<float> destination, int channels, int height, int width,
        int rows, int rowStart, int evenColumns, int oddColumns, int evenChannelPitch, int evenRowPitch, int oddChannelPitch, int oddRowPitch)
    {
        if (evenColumns != (width + 1) / 2 || oddColumns != width / 2)
        {
            throw new ArgumentException($"Two column phases of a row {width} wide have {(width + 1) / 2} and {width / 2} columns, not {evenColumns} and {oddColumns}.", nameof(evenColumns));
        }

        for (int c = 0; c < channels; c++)
        {
            for (int a = 0; a < rows; a++)
            {
                ReadOnlySpan<float> evenRow = even.Slice((c * evenChannelPitch) + (a * evenRowPitch), evenColumns);
                ReadOnlySpan<float> oddRow = odd.Slice((c * oddChannelPitch) + (a * oddRowPitch), oddColumns);
                Span<float> row = destination.Slice(((c * height) + rowStart + (2 * a)) * width, width);
                int x = 0;
                if (Avx.IsSupported)
                {
                    ref float evens = ref MemoryMarshal.GetReference(evenRow);
                    ref float odds = ref MemoryMarshal.GetReference(oddRow);
                    ref float to = ref MemoryMarshal.GetReference(row);
                    for (; x + 16 <= width; x += 16)
                    {
                        StoreInterleaved(Vector256.LoadUnsafe(ref evens, (nuint)(x / 2)), Vector256.LoadUnsafe(ref odds, (nuint)(x / 2)), ref Unsafe.Add(ref to, x));
                    }
                }

                for (; x < width; x++)
                {
                    row[x] = (x & 1) == 0 ? evenRow[x / 2] : oddRow[x / 2];
                }
            }
        }
    }

    /// <summary>
    /// Stores <paramref name="even"/> and <paramref name="odd"/> interleaved as 16 floats: <c>destination[2i] = even[i]</c>,
    /// <c>destination[2i + 1] = odd[i]</c>. Stride-2 backward-data writes its two column phases into the input gradient with it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void StoreInterleaved(Vector256<float> even, Vector256<float> odd, ref float destination)
    {
        if (Avx.IsSupported)
        {
            // Unpacking pairs e0 o0 e1 o1 within each 128-bit half; exchanging the halves puts them in order.
            Vector256<float> low = Avx.UnpackLow(even, odd), high = Avx.UnpackHigh(even, odd);
            Avx.Permute2x128(low, high, 0x20).StoreUnsafe(ref destination);
            Avx.Permute2x128(low, high, 0x31).StoreUnsafe(ref destination, 8);
            return;
        }

        for (int i = 0; i < Lanes; i++)
        {
            Unsafe.Add(ref destination, 2 * i) = even.GetElement(i);
            Unsafe.Add(ref destination, (2 * i) + 1) = odd.GetElement(i);
        }
    }

    /// <summary>
    /// Of sixteen consecutive floats (<paramref name="low"/>, then <paramref name="high"/>), the eight at even positions, in
    /// the order 0, 2, 8, 10 | 4, 6, 12, 14: elements 0 and 2 of each 128-bit half of both vectors, one in-lane shuffle.
    /// A stride-2 forward reads the input with it: lanes 0 … 7 feed output columns j0 + 0, 1, 4, 5 | 2, 3, 6, 7.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> EvenColumns(Vector256<float> low, Vector256<float> high) =>
        Avx.IsSupported ? Avx.Shuffle(low, high, 0b10_00_10_00) : StrideTwoColumns(low, high, 0);

    /// <summary>As <see cref="EvenColumns"/>, the eight floats at odd positions: 1, 3, 9, 11 | 5, 7, 13, 15.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> OddColumns(Vector256<float> low, Vector256<float> high) =>
        Avx.IsSupported ? Avx.Shuffle(low, high, 0b11_01_11_01) : StrideTwoColumns(low, high, 1);

    /// <summary>Puts lanes in the order of <see cref="EvenColumns"/> (0, 1, 4, 5 | 2, 3, 6, 7) back in column order: one 64-bit lane permute.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> RestoreColumnOrder(Vector256<float> value) =>
        Avx2.IsSupported ? Avx2.Permute4x64(value.AsDouble(), 0b11_01_10_00).AsSingle() : Vector256.Shuffle(value, Vector256.Create(0, 1, 4, 5, 2, 3, 6, 7));

    /// <summary>
    /// Lane l takes <paramref name="value"/>'s lane <paramref name="lanes"/>[l], then keeps only the bits of
    /// <paramref name="keep"/>: a stride-2 forward's first column block moves a vector right by whole columns this way and
    /// zeroes the columns left of the input, instead of loading before the row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ShiftColumns(Vector256<float> value, Vector256<int> lanes, Vector256<float> keep) =>
        (Avx2.IsSupported ? Avx2.PermuteVar8x32(value, lanes) : Vector256.Shuffle(value, lanes)) & keep;

    private static Vector256<float> StrideTwoColumns(Vector256<float> low, Vector256<float> high, int first) => Vector256.Create(
        low.GetElement(first), low.GetElement(first + 2), high.GetElement(first), high.GetElement(first + 2),
        low.GetElement(first + 4), low.GetElement(first + 6), high.GetElement(first + 4), high.GetElement(first + 6));

    /// <summary>
    /// Writes the <paramref name="rows"/>×<paramref name="columns"/> row-major matrix <paramref name="source"/> transposed:
    /// <c>destination[j·rows + i] = source[i·columns + j]</c>, in 8×8 tiles where the hardware has AVX.
    /// </summary>
    /// <remarks>
    /// Compiled optimised from its first call, with the 8×8 tile inlined, as the kernels are: left to tiered compilation,
    /// the tile ran as Tier0 code for as long as the process kept compiling other methods (more than two seconds in a
    /// benchmark loop; a stride-2 forward pass that transposes its weights and outputs, S4's, took 13 % longer meanwhile).
    /// Copies of both forms in one process (AMD EPYC, 2026-12-04), µs per call: 32×144 0.24 against 1.87, 256×32 1.06
    /// against 6.40, 64×3136 23.1 against 23.1, 3136×64 18.7 against 18.7.
    /// </remarks>
    /// <exception cref="ArgumentException">A span does not hold exactly rows·columns floats.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(ReadOnlySpan<float> source, Span<float> destination, int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        int length = checked(rows * columns);
        CheckLength(source.Length, length, nameof(source));
        CheckLength(destination.Length, length, nameof(destination));
        ref float from = ref MemoryMarshal.GetReference(source);
        ref float to = ref MemoryMarshal.GetReference(destination);
        int tiledRows = Avx.IsSupported ? rows & ~7 : 0, tiledColumns = Avx.IsSupported ? columns & ~7 : 0;
        for (int i = 0; i < tiledRows; i += 8)
        {
            for (int j = 0; j < tiledColumns; j += 8)
            {
                Transpose8x8(ref Unsafe.Add(ref from, (i * columns) + j), columns, ref Unsafe.Add(ref to, (j * rows) + i), rows);
            }
        }

        // The edges the tiles leave: the last rows % 8 rows, then the last columns % 8 columns of the tiled rows.
        for (int i = tiledRows; i < rows; i++)
        {
            for (int j = 0; j < columns; j++)
            {
                Unsafe.Add(ref to, (j * rows) + i) = Unsafe.Add(ref from, (i * columns) + j);
            }
        }

        for (int i = 0; i < tiledRows; i++)
        {
            for (int j = tiledColumns; j < columns; j++)
            {
                Unsafe.Add(ref to, (j * rows) + i) = Unsafe.Add(ref from, (i * columns) + j);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(ref float source, int sourcePitch, ref float destination, int destinationPitch)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source), r1 = Vector256.LoadUnsafe(ref source, (nuint)sourcePitch);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourcePitch)), r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourcePitch));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourcePitch)), r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourcePitch));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourcePitch)), r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourcePitch));

        // Interleaving pairs of rows, then pairs of pairs, gives each 128-bit half four consecutive columns of four rows;
        // exchanging halves completes the columns.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE), s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE), s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref destination, (nuint)destinationPitch);
        Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * destinationPitch));
        Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * destinationPitch));
        Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * destinationPitch));
        Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * destinationPitch));
        Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * destinationPitch));
        Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * destinationPitch));
    }

    /// <summary>Fused multiply-add <c>a·b + c</c>: one FMA instruction where the CPU has it, multiply then add otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;

    /// <summary>
    /// The horizontal sums of eight vectors as one vector: element i is the sum of the lanes of <paramref name="a0"/> …
    /// <paramref name="a7"/>'s i-th argument. With AVX it is a transpose by horizontal adds, 8 instructions for 8 sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> HorizontalSums(
        Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3,
        Vector256<float> a4, Vector256<float> a5, Vector256<float> a6, Vector256<float> a7)
    {
        if (Avx.IsSupported)
        {
            // [a0(0+1), a0(2+3), a1(0+1), a1(2+3) | a0(4+5), a0(6+7), a1(4+5), a1(6+7)] and likewise for the other pairs.
            Vector256<float> h01 = Avx.HorizontalAdd(a0, a1), h23 = Avx.HorizontalAdd(a2, a3);
            Vector256<float> h45 = Avx.HorizontalAdd(a4, a5), h67 = Avx.HorizontalAdd(a6, a7);

            // [a0(0..3), a1(0..3), a2(0..3), a3(0..3) | a0(4..7), a1(4..7), a2(4..7), a3(4..7)], and a4..a7 likewise.
            Vector256<float> h0123 = Avx.HorizontalAdd(h01, h23), h4567 = Avx.HorizontalAdd(h45, h67);

            // Adding the low and high 128-bit halves completes each sum.
            return Avx.Permute2x128(h0123, h4567, 0x20) + Avx.Permute2x128(h0123, h4567, 0x31);
        }

        return Vector256.Create(
            Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3),
            Vector256.Sum(a4), Vector256.Sum(a5), Vector256.Sum(a6), Vector256.Sum(a7));
    }

    /// <summary>
    /// The horizontal sums of four vectors as one 128-bit vector, in the same order of additions as the eight-vector
    /// overload: three horizontal adds and one add of the halves, where passing four zero vectors to that one costs
    /// three more horizontal adds and a second lane permute.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> HorizontalSums(Vector256<float> a0, Vector256<float> a1, Vector256<float> a2, Vector256<float> a3)
    {
        if (Avx.IsSupported)
        {
            // [a0(0..3), a1(0..3), a2(0..3), a3(0..3) | a0(4..7), a1(4..7), a2(4..7), a3(4..7)].
            Vector256<float> h = Avx.HorizontalAdd(Avx.HorizontalAdd(a0, a1), Avx.HorizontalAdd(a2, a3));
            return h.GetLower() + h.GetUpper();
        }

        return Vector128.Create(Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
    }

    /// <summary>A mask whose first <paramref name="count"/> lanes have every bit set and whose other lanes are zero.</summary>
    public static Vector256<float> LaneMask(int count) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(count)).AsSingle();

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
