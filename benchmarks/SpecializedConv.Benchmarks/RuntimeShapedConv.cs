using System;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// A 2-D convolution layer whose shape is a runtime value, vectorised with <see cref="Vector256{T}"/> and FMA the way a
/// careful hand-written library kernel is: the baseline that shows what compile-time specialisation adds on top of
/// good SIMD code. Any <see cref="Conv2DShape"/> (stride, padding, dilation, mode, kind) is supported.
/// </summary>
/// <remarks>
/// <para>
/// Direct convolution vectorised along the output width with register blocking: the structure of the generated
/// layers, but with every size, offset and loop bound read from tables at run time instead of being a constant in
/// the code, and a handful of fixed micro-kernels instead of one unrolled kernel per shape.
/// </para>
/// <list type="bullet">
/// <item><b>Forward</b>: the input is copied into a zero-padded, column-phase-split layout
/// (<see cref="KernelSupport.PackPlanes"/>, the packing the generated layers use) so that every tap of a strided or
/// dilated kernel reads 8 consecutive output columns as one contiguous vector. A micro-kernel keeps a block of
/// output channels × output vectors in 12 (or 8) accumulators and walks one flat table of (input channel, tap)
/// entries; per entry it loads each output vector's input once and broadcasts each channel's weight once.</item>
/// <item><b>Backward-data</b>: the gather form <c>dx[c,y,x] = Σ_k Σ_taps w'[k,c,r,s]·dy[k,i,j]</c>. With stride s the
/// input positions split into s×s phases (y mod s, x mod s); in a phase only the taps aligned with it contribute, and
/// the sum is a stride-1 correlation of the zero-margined output gradient, run by the same micro-kernels with input
/// and output channels swapped. Phases are computed into a scratch plane and scattered
/// (<see cref="KernelSupport.ScatterPhase"/>); with stride 1 the one phase is written in place.</item>
/// <item><b>Backward-weights</b>: <c>dw'[k,c,r,s] = Σ_{n,i,j} dy[n,k,i,j]·xpad[n,c,i·s+r·d,j·s+s·d]</c>. One
/// accumulator per (output channel, (input channel, tap) entry) sums over every output position, 8 accumulators per
/// call, reduced together by <see cref="KernelSupport.HorizontalSums"/>. The output gradient is copied into rows padded
/// with zeros to whole vectors, so no lane needs masking.</item>
/// </list>
/// <para>
/// The micro-kernels are 4 channels × 3 vectors, 2 × 6 and 1 × 8 (backward-weights: 4 channels × 2 entries, 2 × 4,
/// 1 × 8): channel counts are covered by blocks of 4, then 2, then 1, so no padding channels are computed (LeNet's
/// C = 1 and K = 6 would otherwise waste up to three quarters of the work). Each keeps at most 16 vector registers live,
/// so the code suits AVX2 machines without AVX-512's extra registers. They are compiled fully optimised on first call
/// and never inlined: inlined into the Tier1 code of the pass that calls them, their pointers had to share registers
/// with the caller's and were reloaded from the stack in the inner loop. Vector groups at the end of a plane overlap
/// the group before and recompute identical values.
/// </para>
/// <para>
/// The constructor does the planning that depends only on the shape (offset tables, buffer geometry), once, as a
/// oneDNN primitive does when it is created; each call pays for packing and the kernels, as a generated layer does.
/// Sums are accumulated in float. An instance owns its working buffers, so it is not thread-safe. Unlike the generated
/// layers, backward-weights does not mask the lanes past the output width in a row's last vector: their gradient is
/// zero, but an infinite input there would turn 0·∞ into NaN. The benchmark inputs are finite.
/// </para>
/// </remarks>
public sealed class RuntimeShapedConv
{
    /// <summary>Floats in a <see cref="Vector256{T}"/>.</summary>
    private const int Lanes = 8;

    private readonly Conv2DShape shape;
    private readonly int taps;
    private readonly ForwardPlan forward;
    private readonly BackwardDataPlan backwardData;
    private readonly BackwardWeightsPlan backwardWeights;

    /// <summary>The starting values of backward-data's accumulators (it has no bias) and the source of all-zero phases.</summary>
    private readonly float[] zeros;

    /// <summary>Plans the three passes of <paramref name="shape"/> and allocates their working buffers.</summary>
    /// <exception cref="PlatformNotSupportedException">The CPU lacks AVX2 or FMA.</exception>
    public RuntimeShapedConv(Conv2DShape shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (!Avx2.IsSupported || !Fma.IsSupported)
        {
            throw new PlatformNotSupportedException("RuntimeShapedConv needs AVX2 and FMA.");
        }

        this.shape = shape;
        taps = shape.KernelHeight * shape.KernelWidth;
        forward = new ForwardPlan(shape);
        backwardData = new BackwardDataPlan(shape);
        backwardWeights = new BackwardWeightsPlan(shape, forward.Input);
        zeros = new float[Math.Max(shape.InChannels, shape.InWidth)];
    }

    /// <summary>The shape this instance was planned for.</summary>
    public Conv2DShape Shape => shape;

    /// <summary>Forward pass over N ≥ 1 samples, with the layouts and semantics of <see cref="ReferenceConv2D.Forward"/>.</summary>
    public void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output)
    {
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckLength(weights.Length, shape.WeightLength, nameof(weights));
        KernelSupport.CheckLength(bias.Length, shape.BiasLength, nameof(bias));
        KernelSupport.CheckBatch(output.Length, shape.OutputLength, batch, nameof(output), nameof(input));

        PackedGeometry packed = forward.Input;
        for (int n = 0; n < batch; n++)
        {
            KernelSupport.PackPlanes(
                input.Slice(n * shape.InputLength, shape.InputLength), packed.Buffer, shape.InChannels, shape.InHeight, shape.InWidth,
                shape.PadTop, shape.PadLeft, shape.Stride, packed.ChannelPitch, packed.PhasePitch, packed.RowPitch);

            // Filter k is the C·R·S weights from k·C·R·S on; the entries' weight offsets are c·R·S + tap.
            CorrelatePlanes(
                ref packed.Buffer[0], forward.Entries, forward.Blocks, forward.Groups, weights, shape.InChannels * taps, bias,
                output.Slice(n * shape.OutputLength, shape.OutputLength), shape.OutHeight * shape.OutWidth);
        }
    }

    /// <summary>Gradient with respect to the input, with the semantics of <see cref="ReferenceConv2D.BackwardData"/>.</summary>
    public void BackwardData(ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad)
    {
        int batch = KernelSupport.BatchCount(outputGrad.Length, shape.OutputLength, nameof(outputGrad));
        KernelSupport.CheckLength(weights.Length, shape.WeightLength, nameof(weights));
        KernelSupport.CheckBatch(inputGrad.Length, shape.InputLength, batch, nameof(inputGrad), nameof(outputGrad));

        PackedGeometry packed = backwardData.OutputGrad;
        int stride = shape.Stride;
        for (int n = 0; n < batch; n++)
        {
            KernelSupport.PackPlanes(
                outputGrad.Slice(n * shape.OutputLength, shape.OutputLength), packed.Buffer, shape.OutChannels, shape.OutHeight, shape.OutWidth,
                backwardData.MarginTop, backwardData.MarginLeft, 1, packed.ChannelPitch, packed.ChannelPitch, packed.RowPitch);
            Span<float> sample = inputGrad.Slice(n * shape.InputLength, shape.InputLength);
            foreach (Phase phase in backwardData.Phases)
            {
                if (phase.Taps.Length == 0)
                {
                    // No tap lands on these input positions (possible with stride > kernel extent): their gradient is zero.
                    KernelSupport.ScatterPhase(
                        zeros, sample, shape.InChannels, shape.InHeight, shape.InWidth, phase.Rows, phase.Columns,
                        phase.RowPhase, phase.ColumnPhase, stride, 0, 0);
                    continue;
                }

                // Input channel c's weights of filter k are the R·S from (k·C + c)·R·S on: channels are R·S apart and the
                // entries' weight offsets are k·C·R·S + tap. Stride 1 has one phase, the whole plane: written in place.
                Span<float> destination = stride == 1 ? sample : backwardData.Scratch;
                CorrelatePlanes(
                    ref packed.Buffer[0], phase.Entries, backwardData.Blocks, phase.Groups, weights, taps, zeros,
                    destination, phase.Rows * phase.Columns);
                if (stride != 1)
                {
                    KernelSupport.ScatterPhase(
                        backwardData.Scratch, sample, shape.InChannels, shape.InHeight, shape.InWidth, phase.Rows, phase.Columns,
                        phase.RowPhase, phase.ColumnPhase, stride, phase.Rows * phase.Columns, phase.Columns);
                }
            }
        }
    }

    /// <summary>Gradients with respect to weights and bias, with the semantics of <see cref="ReferenceConv2D.BackwardWeights"/>.</summary>
    public void BackwardWeights(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckBatch(outputGrad.Length, shape.OutputLength, batch, nameof(outputGrad), nameof(input));
        KernelSupport.CheckLength(weightGrad.Length, shape.WeightLength, nameof(weightGrad));
        KernelSupport.CheckLength(biasGrad.Length, shape.BiasLength, nameof(biasGrad));

        BackwardWeightsPlan plan = backwardWeights;
        PackedGeometry packedInput = forward.Input;
        PackedGeometry paddedGrad = plan.OutputGrad;
        float[] sums = plan.Sums;
        Array.Clear(sums);
        int entries = shape.InChannels * taps, pitch = plan.Offsets.Length, positions = plan.Positions.Length / 2;
        for (int n = 0; n < batch; n++)
        {
            KernelSupport.PackPlanes(
                input.Slice(n * shape.InputLength, shape.InputLength), packedInput.Buffer, shape.InChannels, shape.InHeight, shape.InWidth,
                shape.PadTop, shape.PadLeft, shape.Stride, packedInput.ChannelPitch, packedInput.PhasePitch, packedInput.RowPitch);
            KernelSupport.PackPlanes(
                outputGrad.Slice(n * shape.OutputLength, shape.OutputLength), paddedGrad.Buffer, shape.OutChannels, shape.OutHeight, shape.OutWidth,
                0, 0, 1, paddedGrad.ChannelPitch, paddedGrad.ChannelPitch, paddedGrad.RowPitch);
            foreach (ChannelBlock block in forward.Blocks)
            {
                ref float grad = ref paddedGrad.Buffer[block.First * paddedGrad.ChannelPitch];
                ref float x = ref packedInput.Buffer[0];
                ref int position = ref plan.Positions[0];
                ref float blockSums = ref sums[block.First * pitch];
                switch (block.Width)
                {
                    case 4:
                        Accumulate4x2(ref grad, paddedGrad.ChannelPitch, ref x, ref plan.Offsets[0], entries, ref position, positions, ref blockSums, pitch);
                        break;
                    case 2:
                        Accumulate2x4(ref grad, paddedGrad.ChannelPitch, ref x, ref plan.Offsets[0], entries, ref position, positions, ref blockSums, pitch);
                        break;
                    default:
                        Accumulate1x8(ref grad, ref x, ref plan.Offsets[0], entries, ref position, positions, ref blockSums);
                        break;
                }
            }
        }

        int outputPlane = shape.OutHeight * shape.OutWidth;
        bool flipped = shape.Kind == ConvKind.Convolution;
        for (int k = 0; k < shape.OutChannels; k++)
        {
            for (int c = 0; c < shape.InChannels; c++)
            {
                // The applied kernel's tap t is the stored kernel's tap t, or R·S − 1 − t when flipped in both axes.
                Span<float> filterGrad = weightGrad.Slice(((k * shape.InChannels) + c) * taps, taps);
                ReadOnlySpan<float> filterSums = sums.AsSpan((k * pitch) + (c * taps), taps);
                for (int t = 0; t < taps; t++)
                {
                    filterGrad[flipped ? taps - 1 - t : t] = filterSums[t];
                }
            }

            float sum = 0;
            for (int n = 0; n < batch; n++)
            {
                sum += Sum(outputGrad.Slice((n * shape.OutputLength) + (k * outputPlane), outputPlane));
            }

            biasGrad[k] = sum;
        }
    }

    /// <summary>
    /// Runs the forward / backward-data micro-kernels over every block of destination channels and every vector group:
    /// <c>destination[m, v] = start[m] + Σ_e weights[m·filterPitch + weightOffset_e] · source[source_v + sourceOffset_e]</c>.
    /// </summary>
    private static void CorrelatePlanes(
        ref float source, int[] entries, ChannelBlock[] blocks, VectorGroups groups, ReadOnlySpan<float> weights, int filterPitch,
        ReadOnlySpan<float> start, Span<float> destination, int destinationPlane)
    {
        int count = entries.Length / 2;
        ref float entryWeights = ref MemoryMarshal.GetReference(weights);
        ref float starts = ref MemoryMarshal.GetReference(start);
        ref float destinations = ref MemoryMarshal.GetReference(destination);
        foreach (ChannelBlock block in blocks)
        {
            ref float w = ref Unsafe.Add(ref entryWeights, block.First * filterPitch);
            ref float first = ref Unsafe.Add(ref starts, block.First);
            ref float output = ref Unsafe.Add(ref destinations, block.First * destinationPlane);
            int[] table = groups.For(block.Width);
            if (table.Length == 0)
            {
                continue;
            }

            int groupCount = table.Length / (3 * VectorGroups.VectorsFor(block.Width));
            switch (block.Width)
            {
                case 4:
                    Correlate4x3(ref source, ref entries[0], count, ref w, filterPitch, ref first, ref table[0], groupCount, ref output, destinationPlane);
                    break;
                case 2:
                    Correlate2x6(ref source, ref entries[0], count, ref w, filterPitch, ref first, ref table[0], groupCount, ref output, destinationPlane);
                    break;
                default:
                    Correlate1x8(ref source, ref entries[0], count, ref w, ref first, ref table[0], groupCount, ref output);
                    break;
            }
        }
    }

    /// <summary>
    /// 4 destination channels × 3 output vectors, 12 accumulators, for each of <paramref name="groupCount"/> vector groups
    /// in turn. <paramref name="entries"/> holds (source offset, weight offset) pairs; <paramref name="groups"/> each
    /// group's vectors' source offsets, destination offsets and lane counts.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Correlate4x3(
        ref float source, ref int entries, int count, ref float w0, int filterPitch, ref float start,
        ref int groups, int groupCount, ref float destination, int destinationPlane)
    {
        ref float w1 = ref Unsafe.Add(ref w0, filterPitch);
        ref float w2 = ref Unsafe.Add(ref w1, filterPitch);
        ref float w3 = ref Unsafe.Add(ref w2, filterPitch);
        for (int g = 0; g < groupCount; g++)
        {
            ref int group = ref Unsafe.Add(ref groups, g * 9);

            // a_m_v: destination channel m of the block, output vector v of the group.
            Vector256<float> a00 = Vector256.Create(start), a01 = a00, a02 = a00;
            Vector256<float> a10 = Vector256.Create(Unsafe.Add(ref start, 1)), a11 = a10, a12 = a10;
            Vector256<float> a20 = Vector256.Create(Unsafe.Add(ref start, 2)), a21 = a20, a22 = a20;
            Vector256<float> a30 = Vector256.Create(Unsafe.Add(ref start, 3)), a31 = a30, a32 = a30;
            ref float x0 = ref Unsafe.Add(ref source, group);
            ref float x1 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 1));
            ref float x2 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 2));
            for (int e = 0; e < count; e++)
            {
                nuint offset = (nuint)Unsafe.Add(ref entries, 2 * e);
                nint tap = Unsafe.Add(ref entries, (2 * e) + 1);
                Vector256<float> v0 = Vector256.LoadUnsafe(ref x0, offset);
                Vector256<float> v1 = Vector256.LoadUnsafe(ref x1, offset);
                Vector256<float> v2 = Vector256.LoadUnsafe(ref x2, offset);
                Vector256<float> w = Vector256.Create(Unsafe.Add(ref w0, tap));
                a00 = Fma.MultiplyAdd(w, v0, a00);
                a01 = Fma.MultiplyAdd(w, v1, a01);
                a02 = Fma.MultiplyAdd(w, v2, a02);
                w = Vector256.Create(Unsafe.Add(ref w1, tap));
                a10 = Fma.MultiplyAdd(w, v0, a10);
                a11 = Fma.MultiplyAdd(w, v1, a11);
                a12 = Fma.MultiplyAdd(w, v2, a12);
                w = Vector256.Create(Unsafe.Add(ref w2, tap));
                a20 = Fma.MultiplyAdd(w, v0, a20);
                a21 = Fma.MultiplyAdd(w, v1, a21);
                a22 = Fma.MultiplyAdd(w, v2, a22);
                w = Vector256.Create(Unsafe.Add(ref w3, tap));
                a30 = Fma.MultiplyAdd(w, v0, a30);
                a31 = Fma.MultiplyAdd(w, v1, a31);
                a32 = Fma.MultiplyAdd(w, v2, a32);
            }

            ref int destinations = ref Unsafe.Add(ref group, 3);
            ref int lanes = ref Unsafe.Add(ref group, 6);
            Store(a00, ref destination, destinations, lanes);
            Store(a01, ref destination, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a02, ref destination, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
            ref float d1 = ref Unsafe.Add(ref destination, destinationPlane);
            Store(a10, ref d1, destinations, lanes);
            Store(a11, ref d1, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a12, ref d1, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
            ref float d2 = ref Unsafe.Add(ref d1, destinationPlane);
            Store(a20, ref d2, destinations, lanes);
            Store(a21, ref d2, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a22, ref d2, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
            ref float d3 = ref Unsafe.Add(ref d2, destinationPlane);
            Store(a30, ref d3, destinations, lanes);
            Store(a31, ref d3, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a32, ref d3, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
        }
    }

    /// <summary>2 destination channels × 6 output vectors, 12 accumulators; otherwise as <see cref="Correlate4x3"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Correlate2x6(
        ref float source, ref int entries, int count, ref float w0, int filterPitch, ref float start,
        ref int groups, int groupCount, ref float destination, int destinationPlane)
    {
        ref float w1 = ref Unsafe.Add(ref w0, filterPitch);
        for (int g = 0; g < groupCount; g++)
        {
            ref int group = ref Unsafe.Add(ref groups, g * 18);
            Vector256<float> a00 = Vector256.Create(start), a01 = a00, a02 = a00, a03 = a00, a04 = a00, a05 = a00;
            Vector256<float> a10 = Vector256.Create(Unsafe.Add(ref start, 1)), a11 = a10, a12 = a10, a13 = a10, a14 = a10, a15 = a10;
            ref float x0 = ref Unsafe.Add(ref source, group);
            ref float x1 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 1));
            ref float x2 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 2));
            ref float x3 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 3));
            ref float x4 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 4));
            ref float x5 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 5));
            for (int e = 0; e < count; e++)
            {
                // Each input vector is loaded once and used by both channels, so only 2 weights and 1 input are live.
                nuint offset = (nuint)Unsafe.Add(ref entries, 2 * e);
                nint tap = Unsafe.Add(ref entries, (2 * e) + 1);
                Vector256<float> u = Vector256.Create(Unsafe.Add(ref w0, tap));
                Vector256<float> w = Vector256.Create(Unsafe.Add(ref w1, tap));
                Vector256<float> v = Vector256.LoadUnsafe(ref x0, offset);
                a00 = Fma.MultiplyAdd(u, v, a00);
                a10 = Fma.MultiplyAdd(w, v, a10);
                v = Vector256.LoadUnsafe(ref x1, offset);
                a01 = Fma.MultiplyAdd(u, v, a01);
                a11 = Fma.MultiplyAdd(w, v, a11);
                v = Vector256.LoadUnsafe(ref x2, offset);
                a02 = Fma.MultiplyAdd(u, v, a02);
                a12 = Fma.MultiplyAdd(w, v, a12);
                v = Vector256.LoadUnsafe(ref x3, offset);
                a03 = Fma.MultiplyAdd(u, v, a03);
                a13 = Fma.MultiplyAdd(w, v, a13);
                v = Vector256.LoadUnsafe(ref x4, offset);
                a04 = Fma.MultiplyAdd(u, v, a04);
                a14 = Fma.MultiplyAdd(w, v, a14);
                v = Vector256.LoadUnsafe(ref x5, offset);
                a05 = Fma.MultiplyAdd(u, v, a05);
                a15 = Fma.MultiplyAdd(w, v, a15);
            }

            ref int destinations = ref Unsafe.Add(ref group, 6);
            ref int lanes = ref Unsafe.Add(ref group, 12);
            ref float d1 = ref Unsafe.Add(ref destination, destinationPlane);
            Store(a00, ref destination, destinations, lanes);
            Store(a10, ref d1, destinations, lanes);
            Store(a01, ref destination, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a11, ref d1, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a02, ref destination, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
            Store(a12, ref d1, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
            Store(a03, ref destination, Unsafe.Add(ref destinations, 3), Unsafe.Add(ref lanes, 3));
            Store(a13, ref d1, Unsafe.Add(ref destinations, 3), Unsafe.Add(ref lanes, 3));
            Store(a04, ref destination, Unsafe.Add(ref destinations, 4), Unsafe.Add(ref lanes, 4));
            Store(a14, ref d1, Unsafe.Add(ref destinations, 4), Unsafe.Add(ref lanes, 4));
            Store(a05, ref destination, Unsafe.Add(ref destinations, 5), Unsafe.Add(ref lanes, 5));
            Store(a15, ref d1, Unsafe.Add(ref destinations, 5), Unsafe.Add(ref lanes, 5));
        }
    }

    /// <summary>1 destination channel × 8 output vectors, 8 accumulators; otherwise as <see cref="Correlate4x3"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Correlate1x8(
        ref float source, ref int entries, int count, ref float w0, ref float start, ref int groups, int groupCount, ref float destination)
    {
        for (int g = 0; g < groupCount; g++)
        {
            ref int group = ref Unsafe.Add(ref groups, g * 24);
            Vector256<float> a0 = Vector256.Create(start), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            ref float x0 = ref Unsafe.Add(ref source, group);
            ref float x1 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 1));
            ref float x2 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 2));
            ref float x3 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 3));
            ref float x4 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 4));
            ref float x5 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 5));
            ref float x6 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 6));
            ref float x7 = ref Unsafe.Add(ref source, Unsafe.Add(ref group, 7));
            for (int e = 0; e < count; e++)
            {
                nuint offset = (nuint)Unsafe.Add(ref entries, 2 * e);
                Vector256<float> w = Vector256.Create(Unsafe.Add(ref w0, (nint)Unsafe.Add(ref entries, (2 * e) + 1)));
                a0 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x0, offset), a0);
                a1 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x1, offset), a1);
                a2 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x2, offset), a2);
                a3 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x3, offset), a3);
                a4 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x4, offset), a4);
                a5 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x5, offset), a5);
                a6 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x6, offset), a6);
                a7 = Fma.MultiplyAdd(w, Vector256.LoadUnsafe(ref x7, offset), a7);
            }

            ref int destinations = ref Unsafe.Add(ref group, 8);
            ref int lanes = ref Unsafe.Add(ref group, 16);
            Store(a0, ref destination, destinations, lanes);
            Store(a1, ref destination, Unsafe.Add(ref destinations, 1), Unsafe.Add(ref lanes, 1));
            Store(a2, ref destination, Unsafe.Add(ref destinations, 2), Unsafe.Add(ref lanes, 2));
            Store(a3, ref destination, Unsafe.Add(ref destinations, 3), Unsafe.Add(ref lanes, 3));
            Store(a4, ref destination, Unsafe.Add(ref destinations, 4), Unsafe.Add(ref lanes, 4));
            Store(a5, ref destination, Unsafe.Add(ref destinations, 5), Unsafe.Add(ref lanes, 5));
            Store(a6, ref destination, Unsafe.Add(ref destinations, 6), Unsafe.Add(ref lanes, 6));
            Store(a7, ref destination, Unsafe.Add(ref destinations, 7), Unsafe.Add(ref lanes, 7));
        }
    }

    /// <summary>
    /// Backward-weights, 4 output channels at a time × 2 (input channel, tap) entries at a time, over the first
    /// <paramref name="entries"/> entries: <c>sums[m, e] += Σ_p grad[m, p] · input[offset_e + p]</c> over every output
    /// vector p. <paramref name="positions"/> holds each vector's (gradient offset, input offset) pair.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate4x2(
        ref float grad, int gradPlane, ref float input, ref int offsets, int entries, ref int positions, int count, ref float sums, int sumsPitch)
    {
        ref float g1 = ref Unsafe.Add(ref grad, gradPlane);
        ref float g2 = ref Unsafe.Add(ref g1, gradPlane);
        ref float g3 = ref Unsafe.Add(ref g2, gradPlane);
        for (int e = 0; e < entries; e += 2)
        {
            // a_m_e: output channel m of the block, entry e of the pair.
            Vector256<float> a00 = Vector256<float>.Zero, a01 = a00, a10 = a00, a11 = a00, a20 = a00, a21 = a00, a30 = a00, a31 = a00;
            ref float x0 = ref Unsafe.Add(ref input, Unsafe.Add(ref offsets, e));
            ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref offsets, e + 1));
            for (int p = 0; p < count; p++)
            {
                nuint gradOffset = (nuint)Unsafe.Add(ref positions, 2 * p);
                nuint inputOffset = (nuint)Unsafe.Add(ref positions, (2 * p) + 1);
                Vector256<float> v0 = Vector256.LoadUnsafe(ref x0, inputOffset);
                Vector256<float> v1 = Vector256.LoadUnsafe(ref x1, inputOffset);
                Vector256<float> g = Vector256.LoadUnsafe(ref grad, gradOffset);
                a00 = Fma.MultiplyAdd(g, v0, a00);
                a01 = Fma.MultiplyAdd(g, v1, a01);
                g = Vector256.LoadUnsafe(ref g1, gradOffset);
                a10 = Fma.MultiplyAdd(g, v0, a10);
                a11 = Fma.MultiplyAdd(g, v1, a11);
                g = Vector256.LoadUnsafe(ref g2, gradOffset);
                a20 = Fma.MultiplyAdd(g, v0, a20);
                a21 = Fma.MultiplyAdd(g, v1, a21);
                g = Vector256.LoadUnsafe(ref g3, gradOffset);
                a30 = Fma.MultiplyAdd(g, v0, a30);
                a31 = Fma.MultiplyAdd(g, v1, a31);
            }

            // Lane 2m + e is the sum for channel m, entry e: a pair of adjacent sums in each channel's row.
            Vector256<float> total = KernelSupport.HorizontalSums(a00, a01, a10, a11, a20, a21, a30, a31);
            ref float row = ref Unsafe.Add(ref sums, e);
            for (int m = 0; m < 4; m++, row = ref Unsafe.Add(ref row, sumsPitch))
            {
                row += total.GetElement(2 * m);
                Unsafe.Add(ref row, 1) += total.GetElement((2 * m) + 1);
            }
        }
    }

    /// <summary>Backward-weights, 2 output channels × 4 entries at a time; otherwise as <see cref="Accumulate4x2"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate2x4(
        ref float grad, int gradPlane, ref float input, ref int offsets, int entries, ref int positions, int count, ref float sums, int sumsPitch)
    {
        ref float g1 = ref Unsafe.Add(ref grad, gradPlane);
        for (int e = 0; e < entries; e += 4)
        {
            Vector256<float> a00 = Vector256<float>.Zero, a01 = a00, a02 = a00, a03 = a00, a10 = a00, a11 = a00, a12 = a00, a13 = a00;
            ref float x0 = ref Unsafe.Add(ref input, Unsafe.Add(ref offsets, e));
            ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref offsets, e + 1));
            ref float x2 = ref Unsafe.Add(ref input, Unsafe.Add(ref offsets, e + 2));
            ref float x3 = ref Unsafe.Add(ref input, Unsafe.Add(ref offsets, e + 3));
            for (int p = 0; p < count; p++)
            {
                nuint gradOffset = (nuint)Unsafe.Add(ref positions, 2 * p);
                nuint inputOffset = (nuint)Unsafe.Add(ref positions, (2 * p) + 1);
                Vector256<float> g = Vector256.LoadUnsafe(ref grad, gradOffset);
                Vector256<float> h = Vector256.LoadUnsafe(ref g1, gradOffset);
                Vector256<float> v = Vector256.LoadUnsafe(ref x0, inputOffset);
                a00 = Fma.MultiplyAdd(g, v, a00);
                a10 = Fma.MultiplyAdd(h, v, a10);
                v = Vector256.LoadUnsafe(ref x1, inputOffset);
                a01 = Fma.MultiplyAdd(g, v, a01);
                a11 = Fma.MultiplyAdd(h, v, a11);
                v = Vector256.LoadUnsafe(ref x2, inputOffset);
                a02 = Fma.MultiplyAdd(g, v, a02);
                a12 = Fma.MultiplyAdd(h, v, a12);
                v = Vector256.LoadUnsafe(ref x3, inputOffset);
                a03 = Fma.MultiplyAdd(g, v, a03);
                a13 = Fma.MultiplyAdd(h, v, a13);
            }

            // Lanes 0–3 are channel 0's four entries, lanes 4–7 channel 1's: each half adds to a row of sums.
            Vector256<float> total = KernelSupport.HorizontalSums(a00, a01, a02, a03, a10, a11, a12, a13);
            ref float row0 = ref Unsafe.Add(ref sums, e);
            ref float row1 = ref Unsafe.Add(ref row0, sumsPitch);
            (Vector128.LoadUnsafe(ref row0) + total.GetLower()).StoreUnsafe(ref row0);
            (Vector128.LoadUnsafe(ref row1) + total.GetUpper()).StoreUnsafe(ref row1);
        }
    }

    /// <summary>Backward-weights, 1 output channel × 8 entries at a time; otherwise as <see cref="Accumulate4x2"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Accumulate1x8(ref float grad, ref float input, ref int offsets, int entries, ref int positions, int count, ref float sums)
    {
        for (int e = 0; e < entries; e += 8)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
            ref int offset = ref Unsafe.Add(ref offsets, e);
            ref float x0 = ref Unsafe.Add(ref input, offset);
            ref float x1 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 1));
            ref float x2 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 2));
            ref float x3 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 3));
            ref float x4 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 4));
            ref float x5 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 5));
            ref float x6 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 6));
            ref float x7 = ref Unsafe.Add(ref input, Unsafe.Add(ref offset, 7));
            for (int p = 0; p < count; p++)
            {
                nuint inputOffset = (nuint)Unsafe.Add(ref positions, (2 * p) + 1);
                Vector256<float> g = Vector256.LoadUnsafe(ref grad, (nuint)Unsafe.Add(ref positions, 2 * p));
                a0 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x0, inputOffset), a0);
                a1 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x1, inputOffset), a1);
                a2 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x2, inputOffset), a2);
                a3 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x3, inputOffset), a3);
                a4 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x4, inputOffset), a4);
                a5 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x5, inputOffset), a5);
                a6 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x6, inputOffset), a6);
                a7 = Fma.MultiplyAdd(g, Vector256.LoadUnsafe(ref x7, inputOffset), a7);
            }

            ref float row = ref Unsafe.Add(ref sums, e);
            (Vector256.LoadUnsafe(ref row) + KernelSupport.HorizontalSums(a0, a1, a2, a3, a4, a5, a6, a7)).StoreUnsafe(ref row);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector256<float> value, ref float destination, int offset, int lanes)
    {
        if (lanes == Lanes)
        {
            value.StoreUnsafe(ref destination, (nuint)offset);
            return;
        }

        // The last vector of a row whose width is not a multiple of 8.
        for (int lane = 0; lane < lanes; lane++)
        {
            Unsafe.Add(ref destination, offset + lane) = value.GetElement(lane);
        }
    }

    private static float Sum(ReadOnlySpan<float> values)
    {
        Vector256<float> sum = Vector256<float>.Zero;
        int i = 0;
        for (; i + Lanes <= values.Length; i += Lanes)
        {
            sum += Vector256.Create(values.Slice(i, Lanes));
        }

        float total = Vector256.Sum(sum);
        for (; i < values.Length; i++)
        {
            total += values[i];
        }

        return total;
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The stored kernel's tap (r·S + s) that the applied kernel's tap <paramref name="t"/> reads: flipped in both axes for convolution.</summary>
    private static int AppliedTap(Conv2DShape shape, int t) =>
        shape.Kind == ConvKind.Convolution ? (shape.KernelHeight * shape.KernelWidth) - 1 - t : t;

    /// <summary>
    /// Where tap t = r·S + s of input channel c starts reading for output (0, 0) in the packed input: column s·d of
    /// the padded row r·d, which lies in phase (s·d mod stride) at position s·d div stride.
    /// </summary>
    private static int InputOffset(Conv2DShape shape, PackedGeometry input, int c, int t)
    {
        int r = t / shape.KernelWidth, s = t % shape.KernelWidth, d = shape.Dilation;
        return (c * input.ChannelPitch) + (s * d % shape.Stride * input.PhasePitch) + (r * d * input.RowPitch) + (s * d / shape.Stride);
    }

    /// <summary>Destination channels First … First + Width − 1, computed by the micro-kernel of that width (4, 2 or 1).</summary>
    private readonly record struct ChannelBlock(int First, int Width)
    {
        /// <summary>Blocks of 4 while they fit, then at most one of 2 and one of 1: no padding channel is ever computed.</summary>
        public static ChannelBlock[] Cover(int channels)
        {
            var blocks = new List<ChannelBlock>();
            int first = 0;
            for (; channels - first >= 4; first += 4)
            {
                blocks.Add(new ChannelBlock(first, 4));
            }

            if (channels - first >= 2)
            {
                blocks.Add(new ChannelBlock(first, 2));
                first += 2;
            }

            if (channels - first == 1)
            {
                blocks.Add(new ChannelBlock(first, 1));
            }

            return [.. blocks];
        }
    }

    /// <summary>
    /// The output vectors (8 columns each) of a plane, in groups for each micro-kernel width: groups of 3 vectors for
    /// 4 channels, 6 for 2, 8 for 1. A group of V vectors is 3·V ints: the V source offsets, the V destination offsets,
    /// the V lane counts (8, or fewer for the last vector of a row). The last group overlaps the one before it (or
    /// repeats the plane's last vector when the plane has fewer than V), so every group is full; overlapping stores
    /// write identical values.
    /// </summary>
    private sealed class VectorGroups
    {
        private readonly int[] ofThree, ofSix, ofEight;

        public VectorGroups(int rows, int columns, int sourceRowStep, int destinationRowPitch)
        {
            ofThree = Build(rows, columns, sourceRowStep, destinationRowPitch, VectorsFor(4));
            ofSix = Build(rows, columns, sourceRowStep, destinationRowPitch, VectorsFor(2));
            ofEight = Build(rows, columns, sourceRowStep, destinationRowPitch, VectorsFor(1));
        }

        public static int VectorsFor(int width) => width switch { 4 => 3, 2 => 6, _ => 8 };

        public int[] For(int width) => width switch { 4 => ofThree, 2 => ofSix, _ => ofEight };

        private static int[] Build(int rows, int columns, int sourceRowStep, int destinationRowPitch, int size)
        {
            int perRow = (columns + Lanes - 1) / Lanes;
            int count = rows * perRow;
            if (count == 0)
            {
                return [];
            }

            int groups = (count + size - 1) / size;
            var table = new int[groups * 3 * size];
            for (int g = 0; g < groups; g++)
            {
                int first = Math.Min(g * size, Math.Max(count - size, 0));
                for (int v = 0; v < size; v++)
                {
                    int vector = Math.Min(first + v, count - 1);
                    int row = vector / perRow, column = (vector % perRow) * Lanes;
                    int at = g * 3 * size;
                    table[at + v] = (row * sourceRowStep) + column;
                    table[at + size + v] = (row * destinationRowPitch) + column;
                    table[at + (2 * size) + v] = Math.Min(Lanes, columns - column);
                }
            }

            return table;
        }
    }

    /// <summary>A working buffer laid out by <see cref="KernelSupport.PackPlanes"/>; its margins are never written, so stay zero.</summary>
    private sealed record PackedGeometry(int RowPitch, int PhasePitch, int ChannelPitch, float[] Buffer);

    /// <summary>
    /// The forward pass's tables. The packed input (also read by backward-weights) has rows wide enough that the last
    /// vector of the widest tap stays inside its row: column j of output row i, tap (r, s) is at
    /// <c>phase (s·d mod stride), row i·stride + r·d, position j + s·d div stride</c>.
    /// </summary>
    private sealed class ForwardPlan
    {
        public ForwardPlan(Conv2DShape shape)
        {
            int stride = shape.Stride, taps = shape.KernelHeight * shape.KernelWidth;
            int paddedHeight = shape.PadTop + shape.InHeight + shape.PadBottom;
            int phaseWidth = (shape.PadLeft + shape.InWidth + shape.PadRight + stride - 1) / stride;
            int rowPitch = Math.Max(phaseWidth, RoundUp(shape.OutWidth, Lanes) + ((shape.KernelWidth - 1) * shape.Dilation / stride));
            int phasePitch = paddedHeight * rowPitch;
            Input = new PackedGeometry(rowPitch, phasePitch, stride * phasePitch, new float[shape.InChannels * stride * phasePitch]);

            Entries = new int[2 * shape.InChannels * taps];
            for (int c = 0; c < shape.InChannels; c++)
            {
                for (int t = 0; t < taps; t++)
                {
                    int e = (c * taps) + t;
                    Entries[2 * e] = InputOffset(shape, Input, c, t);
                    Entries[(2 * e) + 1] = (c * taps) + AppliedTap(shape, t);
                }
            }

            Blocks = ChannelBlock.Cover(shape.OutChannels);
            Groups = new VectorGroups(shape.OutHeight, shape.OutWidth, stride * rowPitch, shape.OutWidth);
        }

        public PackedGeometry Input { get; }

        /// <summary>
        /// Per (input channel c, tap t): its offset in the packed input, and the offset c·R·S + t' of its weight in a
        /// filter (t' the stored tap the applied tap t reads).
        /// </summary>
        public int[] Entries { get; }

        /// <summary>Blocks of output channels.</summary>
        public ChannelBlock[] Blocks { get; }

        public VectorGroups Groups { get; }
    }

    /// <summary>
    /// One stride phase of backward-data: the input positions (RowPhase + stride·a, ColumnPhase + stride·b) and the
    /// taps (r, s) that reach them, with <c>(RowPhase + padTop − r·d) mod stride = 0</c> and likewise for columns.
    /// </summary>
    /// <remarks>
    /// Entries are per (output channel k, aligned tap t): the tap's offset in the margined output gradient, and the
    /// offset k·C·R·S + t' of its weight from input channel c's first tap (t' the stored tap the applied tap t reads).
    /// </remarks>
    private sealed record Phase(int RowPhase, int ColumnPhase, int Rows, int Columns, int[] Taps, int[] Entries, VectorGroups Groups);

    /// <summary>
    /// Backward-data's tables: the phases, and the output gradient with zero margins wide enough that every aligned
    /// tap of every phase reads inside the buffer (row a + δr and column b + δs of the unpadded gradient, where
    /// <c>δr = (RowPhase + padTop − r·d) / stride</c> may be negative or reach past the last row).
    /// </summary>
    private sealed class BackwardDataPlan
    {
        public BackwardDataPlan(Conv2DShape shape)
        {
            int stride = shape.Stride, dilation = shape.Dilation;
            int[][] rowTaps = AlignedTaps(stride, shape.PadTop, dilation, shape.KernelHeight);
            int[][] columnTaps = AlignedTaps(stride, shape.PadLeft, dilation, shape.KernelWidth);

            // Margins and sizes over every phase and aligned tap.
            int marginTop = 0, marginLeft = 0, lastRow = shape.OutHeight - 1, lastColumn = shape.OutWidth - 1;
            for (int phase = 0; phase < stride; phase++)
            {
                int rows = PhaseLength(shape.InHeight, phase, stride), columns = PhaseLength(shape.InWidth, phase, stride);
                foreach (int r in rowTaps[phase])
                {
                    int delta = (phase + shape.PadTop - (r * dilation)) / stride;
                    marginTop = Math.Max(marginTop, -delta);
                    lastRow = Math.Max(lastRow, rows - 1 + delta);
                }

                foreach (int s in columnTaps[phase])
                {
                    int delta = (phase + shape.PadLeft - (s * dilation)) / stride;
                    marginLeft = Math.Max(marginLeft, -delta);
                    lastColumn = Math.Max(lastColumn, RoundUp(columns, Lanes) - 1 + delta);
                }
            }

            MarginTop = marginTop;
            MarginLeft = marginLeft;
            int rowPitch = marginLeft + lastColumn + 1, channelPitch = (marginTop + lastRow + 1) * rowPitch;
            OutputGrad = new PackedGeometry(rowPitch, channelPitch, channelPitch, new float[shape.OutChannels * channelPitch]);
            Blocks = ChannelBlock.Cover(shape.InChannels);

            var phases = new Phase[stride * stride];
            int largestPlane = 0;
            for (int rowPhase = 0; rowPhase < stride; rowPhase++)
            {
                for (int columnPhase = 0; columnPhase < stride; columnPhase++)
                {
                    int rows = PhaseLength(shape.InHeight, rowPhase, stride), columns = PhaseLength(shape.InWidth, columnPhase, stride);
                    int[] phaseTaps = rows == 0 || columns == 0 ? [] : Product(rowTaps[rowPhase], columnTaps[columnPhase], shape.KernelWidth);
                    var entries = new int[2 * shape.OutChannels * phaseTaps.Length];
                    for (int k = 0; k < shape.OutChannels; k++)
                    {
                        for (int u = 0; u < phaseTaps.Length; u++)
                        {
                            int r = phaseTaps[u] / shape.KernelWidth, s = phaseTaps[u] % shape.KernelWidth;
                            int rowDelta = (rowPhase + shape.PadTop - (r * dilation)) / stride;
                            int columnDelta = (columnPhase + shape.PadLeft - (s * dilation)) / stride;
                            int e = (k * phaseTaps.Length) + u;
                            entries[2 * e] = (k * channelPitch) + ((marginTop + rowDelta) * rowPitch) + marginLeft + columnDelta;
                            entries[(2 * e) + 1] = (k * shape.InChannels * shape.KernelHeight * shape.KernelWidth) + AppliedTap(shape, phaseTaps[u]);
                        }
                    }

                    // With stride 1 the phase is the whole plane, written in place with the input's row pitch.
                    var groups = new VectorGroups(rows, columns, rowPitch, stride == 1 ? shape.InWidth : columns);
                    phases[(rowPhase * stride) + columnPhase] = new Phase(rowPhase, columnPhase, rows, columns, phaseTaps, entries, groups);
                    largestPlane = Math.Max(largestPlane, rows * columns);
                }
            }

            Phases = phases;
            Scratch = new float[stride == 1 ? 0 : shape.InChannels * largestPlane];
        }

        public int MarginTop { get; }

        public int MarginLeft { get; }

        public PackedGeometry OutputGrad { get; }

        /// <summary>Blocks of input channels.</summary>
        public ChannelBlock[] Blocks { get; }

        public Phase[] Phases { get; }

        /// <summary>One phase's gradient, C planes of Rows×Columns (unused with stride 1).</summary>
        public float[] Scratch { get; }

        /// <summary>Input positions phase, phase + stride, … below <paramref name="length"/>.</summary>
        private static int PhaseLength(int length, int phase, int stride) => length > phase ? ((length - phase - 1) / stride) + 1 : 0;

        /// <summary>For each phase, the kernel indices r with <c>(phase + pad − r·dilation) mod stride = 0</c>.</summary>
        private static int[][] AlignedTaps(int stride, int pad, int dilation, int kernel)
        {
            var result = new int[stride][];
            for (int phase = 0; phase < stride; phase++)
            {
                var aligned = new List<int>();
                for (int r = 0; r < kernel; r++)
                {
                    if ((((phase + pad - (r * dilation)) % stride) + stride) % stride == 0)
                    {
                        aligned.Add(r);
                    }
                }

                result[phase] = [.. aligned];
            }

            return result;
        }

        private static int[] Product(int[] rows, int[] columns, int kernelWidth)
        {
            var taps = new int[rows.Length * columns.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                for (int j = 0; j < columns.Length; j++)
                {
                    taps[(i * columns.Length) + j] = (rows[i] * kernelWidth) + columns[j];
                }
            }

            return taps;
        }
    }

    /// <summary>
    /// Backward-weights' tables: the output gradient in rows padded with zeros to whole vectors, the (gradient, input)
    /// offset pair of every output vector, and the forward pass's (input channel, tap) input offsets, padded to a
    /// multiple of 8 entries that read offset 0 and sum into columns nobody reads.
    /// </summary>
    private sealed class BackwardWeightsPlan
    {
        public BackwardWeightsPlan(Conv2DShape shape, PackedGeometry input)
        {
            int taps = shape.KernelHeight * shape.KernelWidth;
            int rowPitch = RoundUp(shape.OutWidth, Lanes), channelPitch = shape.OutHeight * rowPitch;
            OutputGrad = new PackedGeometry(rowPitch, channelPitch, channelPitch, new float[shape.OutChannels * channelPitch]);

            int perRow = rowPitch / Lanes;
            Positions = new int[2 * shape.OutHeight * perRow];
            for (int i = 0; i < shape.OutHeight; i++)
            {
                for (int v = 0; v < perRow; v++)
                {
                    int p = (i * perRow) + v;
                    Positions[2 * p] = (i * rowPitch) + (v * Lanes);
                    Positions[(2 * p) + 1] = (i * shape.Stride * input.RowPitch) + (v * Lanes);
                }
            }

            Offsets = new int[RoundUp(shape.InChannels * taps, Lanes)];
            for (int c = 0; c < shape.InChannels; c++)
            {
                for (int t = 0; t < taps; t++)
                {
                    Offsets[(c * taps) + t] = InputOffset(shape, input, c, t);
                }
            }

            Sums = new float[shape.OutChannels * Offsets.Length];
        }

        public PackedGeometry OutputGrad { get; }

        /// <summary>Per output vector: its offset in the padded gradient plane and in the packed input (tap (0, 0), channel 0).</summary>
        public int[] Positions { get; }

        /// <summary>Per (input channel, tap) entry c·R·S + t: its offset in the packed input.</summary>
        public int[] Offsets { get; }

        /// <summary>K rows of <see cref="Offsets"/>.Length weight-gradient sums, accumulated over the samples.</summary>
        public float[] Sums { get; }
    }
}
