using System;
using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Conv2DGenerator
{
    /// <summary>
    /// Decides the data layout, blocking and unrolling of each pass. All arithmetic is checked: Diagnostics has
    /// already bounded the sizes, so an overflow here is a bug, not a user error.
    /// </summary>
    internal static class Planner
    {
        private const int Lanes = Blocking.Lanes;

        /// <summary>x64 has 16 vector registers; accumulators, the reused operands and one temporary must fit.</summary>
        internal const int VectorRegisters = 16;

        private const int MaxAccumulators = 12;

        /// <summary>
        /// Fewest cycles one tap of a block kernel takes, however few its accumulators: each accumulator's FMA waits for its
        /// previous one (4 cycles) and for its loads. Eight accumulators cover the latency on paper (4 cycles × 2 FMA pipes)
        /// but measured 5–13% slower than twelve on S3, S4 and S6 (Intel Xeon, 2026-12-03), so a tap costs at least what
        /// twelve FMAs take.
        /// </summary>
        private const double MinCyclesPerTap = 6;

        /// <summary>FMA statements per unrolled method; beyond this the JIT's size limits come into view.</summary>
        private const int MaxUnrolledMultiplyAdds = 1600;

        /// <summary>
        /// FMA statements in the body of a backward-weights kernel's channel loop, either form. Past this the JIT stops
        /// inlining KernelSupport.MultiplyAdd: the channel-lane 7×7 ResNet stem with 588 ran 7.7× slower, LeNet conv1's
        /// pixel-lane blocks of 6 channels × 2 taps (450 over its three column vectors) 8–10× slower than 3 × 4 (225).
        /// </summary>
        private const int MaxInlinedMultiplyAdds = 320;

        /// <summary>Half of a 32 KB L1 data cache (Zen 3's): past this the pixel-lane backward-weights streams from L2.</summary>
        private const int PixelLanesWorkingSetBytes = 16 * 1024;

        /// <summary>
        /// FMA statements of a block kernel with a row tail (two unrolled loop nests): LeNet conv2's 25 taps × (12 + 12) = 600
        /// are compiled with KernelSupport.MultiplyAdd inlined; the 7×7 ResNet stem's 49 × 24 = 1176 are not (4.8× slower).
        /// </summary>
        private const int MaxTailedMultiplyAdds = 600;

        /// <summary>
        /// FMA statements and source loads (each of which may be an edge move) in the unrolled bodies of one in-place block
        /// kernel method. Past a budget the JIT stops inlining KernelSupport.MultiplyAdd and ShiftColumns: two 8×16×16 → 8
        /// bodies with 5×5 taps, 12 accumulators and 3 loads a tap (750) are compiled with both inlined; two 32×28×28 → 64
        /// bodies, 12 accumulators and 6 loads a tap (900), were not, and ran at 15 GFLOP/s where the packed kernel runs at 74.
        /// </summary>
        private const int MaxInPlaceStatements = 750;

        /// <summary>
        /// Fewest output channels a block of the stride-2 forward (one row, one vector) may have: fewer accumulators do not
        /// cover the FMA latency, and the packed kernel blocks rows as well.
        /// </summary>
        private const int MinStrideTwoChannelBlock = 8;

        /// <summary>Taps a block kernel unrolls in full; larger kernels loop over their rows (see LoopOverTapRows).</summary>
        private const int MaxUnrolledTaps = 49;

        /// <summary>Largest stack buffer (in floats, 16 KB) the transposed backward-data may use for its rows.</summary>
        private const int MaxRowBufferFloats = 4096;

        /// <summary>The transposed backward-data is chosen only below this fraction of the full correlation's estimate.</summary>
        private const double TransposedMargin = 0.8;

        public static LayerPlan Plan(LayerTypeInfo type, LayerShape shape)
        {
            checked
            {
                PackPlan inputPack = PlanInputPack(shape);
                (DataPlan data, double dataCost) = PlanBackwardData(shape);
                TransposedDataPlan? transposed = PlanTransposedBackwardData(shape, dataCost);
                WeightsPlan weights = PlanBackwardWeights(shape, inputPack);
                ChannelLanesForwardPlan? channelLanesForward = PlanChannelLanesForward(shape);
                return new LayerPlan(
                    type,
                    shape,
                    inputPack,
                    PlanForward(shape, inputPack),
                    channelLanesForward,
                    channelLanesForward is null ? PlanStrideTwoForward(shape) : null,
                    data,
                    transposed,
                    weights,
                    PlanChannelLanesWeights(shape, inputPack, weights));
            }
        }

        /// <summary>
        /// The input, zero-padded as the mode says and split into column phases (x mod stride), wide enough that every
        /// vector the forward and backward-weights kernels load lies inside it.
        /// </summary>
        private static PackPlan PlanInputPack(LayerShape s)
        {
            checked
            {
                int st = s.Stride, d = s.Dilation;
                int paddedOutputWidth = RoundUp(s.OutWidth, Lanes);
                int lastReadColumn = paddedOutputWidth - 1 + ((s.KernelWidth - 1) * d / st);
                int lastWrittenColumn = (s.InWidth - 1 + s.PadLeft) / st;
                int lastReadRow = ((s.OutHeight - 1) * st) + ((s.KernelHeight - 1) * d);
                int lastWrittenRow = s.InHeight - 1 + s.PadTop;
                return new PackPlan(
                    s.InChannels,
                    st,
                    Math.Max(lastReadRow, lastWrittenRow) + 1,
                    Math.Max(lastReadColumn, lastWrittenColumn) + 1,
                    s.PadTop,
                    s.PadLeft);
            }
        }

        private static BlockKernelPlan PlanForward(LayerShape s, PackPlan pack)
        {
            checked
            {
                List<TapPlan> taps = InputTaps(s, pack);
                (Blocking blocking, Blocking? tail, _) = ChooseBlocking(s.OutChannels, s.OutHeight, s.OutWidth, taps.Count, paddedDestination: false);
                (EquatableArray<TapPlan> unrolled, TapRowLoop? tapRows) = LoopOverTapRows(taps);
                var forward = new BlockKernelPlan(
                    "ForwardSample",
                    "One sample's forward pass: output[k,i,j] = bias[k] + Σ_c Σ_taps w'[k,c,r,s] · xpad[c, i·stride + r·dilation, j·stride + s·dilation].",
                    HasBias: true,
                    s.OutChannels,
                    s.OutHeight,
                    s.OutWidth,
                    blocking,
                    PaddedDestination: false,
                    DestinationChannelPitch: s.OutHeight * s.OutWidth,
                    DestinationRowPitch: s.OutWidth,
                    SourceChannels: s.InChannels,
                    SourceChannelPitch: pack.ChannelPitch,
                    SourceRowPitch: pack.RowPitch,
                    RowStep: s.Stride,
                    WeightOutputStride: s.InChannels * s.Taps,
                    WeightSourceStride: s.Taps,
                    unrolled,
                    tapRows,
                    tail);
                return s.Stride == 1 && !InputCopiedAsIs(s, pack) ? ReadInPlace(forward, pack.PadTop, pack.PadLeft, s.InHeight, s.InWidth) : forward;
            }
        }

        /// <summary>
        /// Whether the packed input would be a plain copy (no padding, stride 1, rows no wider than the input's): then the
        /// kernels over it read the input where it is, and every load they make stays inside it.
        /// </summary>
        internal static bool InputCopiedAsIs(LayerShape s, PackPlan input) =>
            input.PadTop == 0 && input.PadLeft == 0 && input.Phases == 1 && input.Channels == s.InChannels
            && input.Rows == s.InHeight && input.RowPitch == s.InWidth;

        /// <summary>
        /// <paramref name="k"/> reading its source in place (see <see cref="InPlaceSource"/>) rather than from a copy with
        /// margins of <paramref name="marginTop"/> rows and <paramref name="marginLeft"/> columns; or <paramref name="k"/>
        /// itself where that does not apply: a row step or a loop over tap rows, rows or outputs narrower than a vector,
        /// column blocks past the edges that are not all at the row's ends, or more than <see cref="MaxInPlaceStatements"/>
        /// FMA statements and loads in one method (the edge blocks are unrolled on their own; the row tail is a method of its own).
        /// </summary>
        /// <remarks>
        /// What it saves is the copy: on S3 (16×32×32, 3×3, padding 1), 2.5 µs of a 60 µs pass. Against the packed kernel,
        /// calls alternating one by one, both orders (2026-12-03; outputs bit-identical on eleven layers): S3 forward and
        /// backward-data 0.96-1.00× by medians, 2-4 % lower minima; S4's stride-2 backward-data 0.97-0.99×; S6 forward and
        /// backward-data 0.97-0.98×.
        /// </remarks>
        private static BlockKernelPlan ReadInPlace(BlockKernelPlan k, int marginTop, int marginLeft, int height, int width)
        {
            checked
            {
                if (k.RowStep != 1 || k.TapRows is not null || width < Lanes || k.OutColumns < Lanes)
                {
                    return k;
                }

                // A packed tap reads row SourceOffset / pitch and column SourceOffset mod pitch of the copy (its columns are
                // below the pitch): less the margins, where it reads in the source.
                var offsets = k.Taps
                    .Select(t => new SourceOffset((t.SourceOffset / k.SourceRowPitch) - marginTop, (t.SourceOffset % k.SourceRowPitch) - marginLeft))
                    .ToEquatableArray();
                var main = EdgeBlocks(k, k.Blocking, offsets, width);
                var tail = k.RowTail is { } rowTail ? EdgeBlocks(k, rowTail, offsets, width) : (Leading: 0, Trailing: 0, First: 0, End: 0);
                if (main.Leading < 0 || tail.Leading < 0)
                {
                    return k;
                }

                int origin = -Math.Min(0, Math.Min(main.First, tail.First)), end = Math.Max(main.End, tail.End);
                var inPlace = new InPlaceSource(height, width, offsets, main.Leading, main.Trailing, tail.Leading, tail.Trailing, origin + end, origin);
                return k with { SourceChannelPitch = height * width, SourceRowPitch = width, InPlace = inPlace };
            }
        }

        /// <summary>
        /// For one blocking of an in-place kernel: how many column blocks at the start and at the end of a row make a load past
        /// the row's edges (−1 when such blocks lie between clean ones, or the method's FMA statements and loads would pass
        /// <see cref="MaxInPlaceStatements"/>), and the span of offsets, from a block's row reference, that its loads take.
        /// </summary>
        private static (int Leading, int Trailing, int First, int End) EdgeBlocks(BlockKernelPlan k, Blocking b, EquatableArray<SourceOffset> offsets, int width)
        {
            int blocks = Ceiling(k.OutColumns, b.BlockColumns);
            bool[] clean = Range(blocks).Select(block => Range(b.VectorBlock).All(jj => offsets.All(o =>
                EdgeMove(ColumnBlockStart(k, b, block) + (jj * Lanes) + o.Column, width) == default))).ToArray();
            int leading = clean.TakeWhile(c => !c).Count();
            int trailing = leading == blocks ? 0 : Enumerable.Reverse(clean).TakeWhile(c => !c).Count();
            int interior = blocks - leading - trailing;
            int bodies = leading + trailing + (interior > 0 ? 1 : 0);
            if (clean.Skip(leading).Take(interior).Any(c => !c) || (long)bodies * k.Taps.Count * (b.Accumulators + (b.RowBlock * b.VectorBlock)) > MaxInPlaceStatements)
            {
                return (-1, -1, 0, 0);
            }

            // Loads at 8jj + column from a block's row reference (row start + j0); edge blocks also load the row's first
            // vector (at −j0) and its last (at width − 8 − j0).
            int first = offsets.Min(o => o.Column), end = ((b.VectorBlock - 1) * Lanes) + offsets.Max(o => o.Column) + Lanes;
            foreach (int block in EdgeBlockIndices(blocks, leading, trailing))
            {
                int j0 = ColumnBlockStart(k, b, block);
                first = Math.Min(first, Math.Min(-j0, width - Lanes - j0));
                end = Math.Max(end, width - j0);
            }

            return (leading, trailing, first, end);
        }

        /// <summary>The column blocks of a row that are emitted one by one: the first <paramref name="leading"/> and the last <paramref name="trailing"/>.</summary>
        internal static IEnumerable<int> EdgeBlockIndices(int blocks, int leading, int trailing) =>
            Range(leading).Concat(Range(trailing).Select(t => blocks - 1 - t));

        /// <summary>
        /// How the vector of source columns <paramref name="column"/> … column + 7 of a row <paramref name="width"/> wide is
        /// made: wholly outside the row, zero; starting m columns before it, its first vector moved right by m; ending m columns
        /// past it, its last vector moved left by m; otherwise (0, 0) a plain load.
        /// </summary>
        internal static (bool Zero, int FromStart, int FromEnd) EdgeMove(int column, int width) =>
            column <= -Lanes || column >= width ? (true, 0, 0)
            : column < 0 ? (false, -column, 0)
            : column + Lanes > width ? (false, 0, column + Lanes - width)
            : (false, 0, 0);

        /// <summary>The first output column of column block <paramref name="block"/>: the last block ends at the row's end unless the destination is padded.</summary>
        internal static int ColumnBlockStart(BlockKernelPlan k, Blocking b, int block) =>
            k.PaddedDestination ? block * b.BlockColumns : Math.Min(block * b.BlockColumns, k.OutColumns - b.BlockColumns);

        /// <summary>
        /// The stride-2 forward without packing (see <see cref="StrideTwoForwardPlan"/>), or null where it does not apply:
        /// rows narrower than a vector, K in blocks of fewer than <see cref="MinStrideTwoChannelBlock"/> channels, a last
        /// block that would read past the row's end (padding on the right), padding of more than a block on the left, or
        /// more FMA statements than <see cref="MaxTailedMultiplyAdds"/> over its two loop nests.
        /// </summary>
        /// <remarks>
        /// Against the packed kernel, calls alternating one by one, both orders (Intel Xeon, 2026-12-03; bit-identical
        /// results): S4 (16×32×32 → 32, 3×3, padding 1) 0.90× (28.7 µs against 31.8; packing its input had taken 16 % of
        /// the pass), 32×32×32 → 64 0.95×, 64×16×16 → 128 0.95×, 16×56×56 → 32 0.89×, 8×32×32 → 24 with 5×5 taps (600 FMA
        /// statements) 0.93×, 16×34×34 → 16 unpadded 0.83×. Prototypes on S4: blocks of 3 rows × 4 channels, 21 shuffles
        /// a channel instead of 9, were no faster than packing; blocks of 8 channels 0.97×, of 12 (overlapping by 4) 0.97×.
        /// </remarks>
        private static StrideTwoForwardPlan? PlanStrideTwoForward(LayerShape s)
        {
            checked
            {
                if (s.Stride != 2 || s.OutWidth < Lanes)
                {
                    return null;
                }

                int channelBlock = Ceiling(s.OutChannels, Ceiling(s.OutChannels, MaxAccumulators));
                int leftmost = -s.PadLeft, rightmost = ((s.KernelWidth - 1) * s.Dilation) - s.PadLeft;
                int lastBlock = s.OutWidth - Lanes, columnBlocks = Ceiling(s.OutWidth, Lanes);
                bool edgeBlock = leftmost < 0;
                int interiorBlocks = columnBlocks - (edgeBlock ? 1 : 0);
                int firstInterior = edgeBlock ? Math.Min(Lanes, lastBlock) : 0;
                int bodies = (edgeBlock ? 1 : 0) + (interiorBlocks > 0 ? 1 : 0);
                if (channelBlock < MinStrideTwoChannelBlock
                    || (2 * lastBlock) + EvenBelow(rightmost) + (2 * Lanes) > s.InWidth
                    || (edgeBlock && s.InWidth < 2 * Lanes)
                    || (interiorBlocks > 0 && (2 * firstInterior) + leftmost < 0)
                    || bodies * s.Taps * channelBlock > MaxTailedMultiplyAdds)
                {
                    return null;
                }

                // A tap at column offset o loads 16 floats from EvenBelow(o); the edge block's moved taps load from 0.
                int first = Math.Min(0, EvenBelow(leftmost)), last = Math.Max(EvenBelow(rightmost), 0) + (2 * Lanes);
                return new StrideTwoForwardPlan(channelBlock, edgeBlock, interiorBlocks, last - first, -first);
            }
        }

        /// <summary>
        /// The forward pass with output channels along the lanes (see <see cref="ChannelLanesForwardPlan"/>), or null: at
        /// stride 2 or more (stride 1 keeps its block kernels, which load whole rows of pixels), for K a multiple of 16 or 24, where a row's last block has at least half a block's pixels and the
        /// bodies come to at most <see cref="MaxInPlaceStatements"/> FMA statements and loads (at 1,425, 5×5 taps in three
        /// bodies, the JIT stopped inlining MultiplyAdd). nr vectors of channels × 12 / nr pixels: per tap, nr weight vectors
        /// and 12 / nr broadcasts feed 12 FMAs (three vectors where K allows; 12 + nr + 1 registers).
        /// </summary>
        /// <remarks>
        /// Against the stride-2 form that shuffles every other column out of two loads (<see cref="StrideTwoForwardPlan"/>),
        /// calls alternating one by one, AMD EPYC (Zen 5, run with AVX2's 16 registers, tiered compilation off),
        /// 2026-12-04, bit-identical results: S4 (16×32×32 → 32) 0.88–0.89× (21.2–23.7 µs against 23.9–27.0), 32×32×32 → 64
        /// 0.93×, 16×56×56 → 32 0.75×, 5×32×32 → 24 (three vectors × four pixels) 0.93×; but 3×48×48 → 8, one vector × twelve
        /// pixels (a broadcast per FMA, as in the shuffled form), 1.10×, so K = 8 keeps the shuffles. Those take 9 to 12
        /// shuffles a source channel, which share the FMA pipes on AMD's cores; this form has none, and its two transposes
        /// (weights in, outputs out) cost less. Against the packed kernel at larger strides, same conditions: 16×48×48 → 32,
        /// 3×3 at stride 3, 0.50× (21.5 µs against 43.3); 16×64×64 → 32, 4×4 at stride 4, 0.49×; 3×64×64 → 64, 3×3 at stride
        /// 3, 0.73×.
        /// </remarks>
        private static ChannelLanesForwardPlan? PlanChannelLanesForward(LayerShape s)
        {
            checked
            {
                int vectors = new[] { 3, 2 }.FirstOrDefault(v => s.OutChannels % (v * Lanes) == 0);
                if (s.Stride < 2 || vectors == 0)
                {
                    return null;
                }

                int pixels = MaxAccumulators / vectors;
                int tail = s.OutWidth % pixels;
                if (tail != 0 && 2 * tail < pixels)
                {
                    return null;
                }

                bool Inside(int j0, int n) => Range(n).All(q => Range(s.KernelWidth).All(t => ReadsInside(s, new PixelBlocks(j0, n, 1), q, t)));

                var bodies = new List<PixelBlocks>();
                for (int start = 0; start < s.OutWidth; start += pixels)
                {
                    int n = Math.Min(pixels, s.OutWidth - start);
                    bool loopable = n == pixels && Inside(start, n);
                    PixelBlocks? last = bodies.Count > 0 ? bodies[bodies.Count - 1] : null;
                    if (loopable && last is not null && last.Pixels == pixels && Inside(last.Start, pixels))
                    {
                        bodies[bodies.Count - 1] = last with { Count = last.Count + 1 };
                    }
                    else
                    {
                        bodies.Add(new PixelBlocks(start, n, 1));
                    }
                }

                if ((long)bodies.Count * s.Taps * (vectors + pixels + (pixels * vectors)) > MaxInPlaceStatements)
                {
                    return null;
                }

                // Loads relative to the block's first input column (Stride · j0); the zero row covers every one emitted.
                int[] offsets = bodies
                    .SelectMany(b => Range(b.Pixels).SelectMany(q => Range(s.KernelWidth)
                        .Where(t => ReadsInside(s, b, q, t))
                        .Select(t => PixelColumnOffset(s, q, t))))
                    .ToArray();
                int first = Math.Min(0, offsets.Min()), lastOffset = offsets.Max();
                return new ChannelLanesForwardPlan(vectors, pixels, bodies.ToEquatableArray(), lastOffset - first + 1, -first);
            }
        }

        /// <summary>
        /// The input column pixel q of a channel-lane forward block reads for kernel column t, less the block's first input
        /// column (stride · j0).
        /// </summary>
        internal static int PixelColumnOffset(LayerShape s, int q, int t) => (s.Stride * q) + (t * s.Dilation) - s.PadLeft;

        /// <summary>
        /// Whether pixel q of <paramref name="body"/> reads inside the input for kernel column t: always in a loop body (the
        /// planner loops only over such blocks); in a body of its own, the taps outside are not emitted.
        /// </summary>
        internal static bool ReadsInside(LayerShape s, PixelBlocks body, int q, int t)
        {
            int column = (s.Stride * body.Start) + PixelColumnOffset(s, q, t);
            return body.Loops || (column >= 0 && column < s.InWidth);
        }

        /// <summary>The even number at or below <paramref name="value"/> (for negative values too).</summary>
        internal static int EvenBelow(int value) => value - (value & 1);

        /// <summary>
        /// Backward-data as a direct correlation of the output gradient with the flipped kernel, split into stride²
        /// phases: input rows y with (y + padTop) ≡ ph (mod stride) receive exactly the taps r with r·dilation ≡ ph,
        /// from output-gradient rows (y + padTop − r·dilation) / stride. Taps that would meet the zeros of a
        /// stride-dilated gradient are never emitted.
        /// </summary>
        /// <returns>The plan and its estimated cycles per sample (see <see cref="ChooseBlocking"/>).</returns>
        private static (DataPlan Plan, double Cost) PlanBackwardData(LayerShape s)
        {
            checked
            {
                int st = s.Stride, d = s.Dilation;
                (List<AxisPhase> rowPhases, bool rowsCovered) = AxisPhases(s.InHeight, s.PadTop, s.KernelHeight, st, d);
                (List<AxisPhase> columnPhases, bool columnsCovered) = AxisPhases(s.InWidth, s.PadLeft, s.KernelWidth, st, d);

                // Offsets of the packed gradient so that every tap's first row and column index is >= 0.
                int rowOffset = 0, columnOffset = 0;
                foreach (AxisPhase p in rowPhases)
                {
                    foreach (int q in p.Shifts)
                    {
                        rowOffset = Math.Max(rowOffset, q - p.Start);
                    }
                }

                foreach (AxisPhase p in columnPhases)
                {
                    foreach (int q in p.Shifts)
                    {
                        columnOffset = Math.Max(columnOffset, q - p.Start);
                    }
                }

                // Choose each phase's blocking first: the packed width must cover its widest vector read.
                var choices = new List<(AxisPhase Row, AxisPhase Column, Blocking Blocking, Blocking? Tail, int Taps)>();
                double cost = 0;
                int lastRow = rowOffset + s.OutHeight - 1, lastColumn = columnOffset + s.OutWidth - 1;
                foreach (AxisPhase rowPhase in rowPhases)
                {
                    foreach (AxisPhase columnPhase in columnPhases)
                    {
                        int tapCount = rowPhase.Taps.Count * columnPhase.Taps.Count;
                        (Blocking blocking, Blocking? tail, double phaseCost) = ChooseBlocking(s.InChannels, rowPhase.Count, columnPhase.Count, tapCount, paddedDestination: st > 1);
                        cost += phaseCost * s.OutChannels;
                        choices.Add((rowPhase, columnPhase, blocking, tail, tapCount));
                        int lastVectorColumn = st > 1
                            ? RoundUp(columnPhase.Count, blocking.BlockColumns) - 1
                            : Math.Max(columnPhase.Count, Lanes) - 1;
                        foreach (int q in rowPhase.Shifts)
                        {
                            lastRow = Math.Max(lastRow, rowPhase.Count - 1 + rowPhase.Start - q + rowOffset);
                        }

                        foreach (int q in columnPhase.Shifts)
                        {
                            lastColumn = Math.Max(lastColumn, lastVectorColumn + columnPhase.Start - q + columnOffset);
                        }
                    }
                }

                var pack = new PackPlan(s.OutChannels, 1, lastRow + 1, lastColumn + 1, rowOffset, columnOffset);
                var phases = new List<DataPhasePlan>();
                int scratchLength = 0;
                foreach ((AxisPhase rowPhase, AxisPhase columnPhase, Blocking blocking, Blocking? tail, int tapCount) in choices)
                {
                    int rowStart = (rowPhase.Start * st) + rowPhase.Phase - s.PadTop;
                    int columnStart = (columnPhase.Start * st) + columnPhase.Phase - s.PadLeft;
                    var taps = new List<TapPlan>();
                    for (int i = 0; i < rowPhase.Taps.Count; i++)
                    {
                        for (int j = 0; j < columnPhase.Taps.Count; j++)
                        {
                            int r = rowPhase.Taps[i], c = columnPhase.Taps[j];
                            int sourceRow = rowPhase.Start - rowPhase.Shifts[i] + rowOffset;
                            int sourceColumn = columnPhase.Start - columnPhase.Shifts[j] + columnOffset;
                            taps.Add(new TapPlan(r, c, (sourceRow * pack.RowPitch) + sourceColumn, s.WeightTapOffset(r, c)));
                        }
                    }

                    bool direct = st == 1;
                    int destinationRowPitch = direct ? s.InWidth : RoundUp(columnPhase.Count, blocking.BlockColumns);
                    int destinationChannelPitch = direct ? s.InHeight * s.InWidth : rowPhase.Count * destinationRowPitch;
                    if (!direct)
                    {
                        scratchLength = Math.Max(scratchLength, s.InChannels * destinationChannelPitch);
                    }

                    (EquatableArray<TapPlan> unrolled, TapRowLoop? tapRows) = LoopOverTapRows(taps);
                    string name = direct ? "BackwardDataSample" : $"BackwardDataPhase{rowPhase.Phase}_{columnPhase.Phase}";
                    string summary = direct
                        ? "One sample's input gradient: inputGrad[c,y,x] = Σ_k Σ_taps w'[k,c,r,s] · outputGrad[k, y + padTop − r·dilation, x + padLeft − s·dilation] (a full correlation with the flipped kernel)."
                        : $"Input-gradient rows y ≡ {rowStart} and columns x ≡ {columnStart} (mod {st}): only the {tapCount} taps whose dilated offsets land on stride-sampled output rows and columns contribute.";
                    phases.Add(new DataPhasePlan(
                        rowPhase.Phase,
                        columnPhase.Phase,
                        rowStart,
                        columnStart,
                        rowPhase.Count,
                        columnPhase.Count,
                        new BlockKernelPlan(
                            name,
                            summary,
                            HasBias: false,
                            s.InChannels,
                            rowPhase.Count,
                            columnPhase.Count,
                            blocking,
                            PaddedDestination: !direct,
                            destinationChannelPitch,
                            destinationRowPitch,
                            SourceChannels: s.OutChannels,
                            SourceChannelPitch: pack.ChannelPitch,
                            SourceRowPitch: pack.RowPitch,
                            RowStep: 1,
                            WeightOutputStride: s.Taps,
                            WeightSourceStride: s.InChannels * s.Taps,
                            unrolled,
                            tapRows,
                            tail)));
                }

                // The output gradient is read in place when every phase's kernel can: then nothing is packed.
                List<DataPhasePlan> inPlace = phases.Select(p => p with { Kernel = ReadInPlace(p.Kernel, rowOffset, columnOffset, s.OutHeight, s.OutWidth) }).ToList();
                if (inPlace.All(p => p.Kernel.InPlace is not null))
                {
                    phases = inPlace;
                }

                return (new DataPlan(pack, phases.ToEquatableArray(), scratchLength, ClearFirst: !(rowsCovered && columnsCovered)), cost);
            }
        }

        /// <summary>
        /// Backward-data in the transposed form (see <see cref="TransposedDataPlan"/>), when it applies and its estimated
        /// cost is below <paramref name="directCost"/>, the full correlation's. It applies at stride 1 when a tap column's
        /// shift, s·dilation, stays inside one vector and a block's S accumulators per row fit the registers.
        /// </summary>
        private static TransposedDataPlan? PlanTransposedBackwardData(LayerShape s, double directCost)
        {
            checked
            {
                int d = s.Dilation, kernelWidth = s.KernelWidth;
                if (s.Stride != 1 || (kernelWidth - 1) * d >= Lanes || kernelWidth > MaxAccumulators)
                {
                    return null;
                }

                int vectors = Ceiling(s.OutWidth, Lanes);
                if ((vectors + 1) * Lanes > MaxRowBufferFloats / MaxAccumulators)
                {
                    // The row buffer lives on the stack: very wide rows keep the full correlation.
                    return null;
                }

                TransposedDataPlan? best = null;

                // The estimate leaves out the row buffer's round trip through memory: the transposed form must win by a
                // fifth. Where both do the same multiply-adds (same-padded 3×3 layers), the full correlation stays.
                double bestCost = directCost * TransposedMargin;
                for (int cb = 1; cb <= Math.Min(s.InChannels, MaxAccumulators); cb++)
                {
                    for (int rb = 1; rb <= Math.Min(s.InHeight, MaxAccumulators); rb++)
                    {
                        int accumulators = cb * rb * kernelWidth;
                        if (accumulators > MaxAccumulators || accumulators + rb + 1 > VectorRegisters)
                        {
                            continue;
                        }

                        List<RowSegment> segments = RowSegments(s, rb);
                        int statements = segments.Sum(segment => segment.Pairs.Count) * kernelWidth * cb;
                        if (statements > MaxUnrolledMultiplyAdds)
                        {
                            continue;
                        }

                        // Per block and gradient vector: for every kernel row, its gradient rows are loaded and cb·S weights
                        // broadcast for cb·S FMAs per row, two of each a cycle; then per row S − 1 shifts (a permute, two
                        // masks and two adds, about 1.5 cycles) and two stores. Per block, the rows are copied out.
                        double combine = cb * rb * ((1.5 * (kernelWidth - 1)) + 1);
                        double copy = cb * rb * (Ceiling(s.InWidth, Lanes) + 1.0);
                        double cost = 0;
                        foreach (RowSegment segment in segments)
                        {
                            double perChannel = 0;
                            foreach (IGrouping<int, RowTap> kernelRow in segment.Pairs.GroupBy(pair => pair.KernelRow))
                            {
                                int rows = kernelRow.Count();
                                perChannel += Math.Max(rows * cb * kernelWidth, rows + (cb * kernelWidth)) / 2.0;
                            }

                            cost += segment.Blocks * (double)Ceiling(s.InChannels, cb) * ((vectors * ((s.OutChannels * perChannel) + combine)) + copy);
                        }

                        if (cost < bestCost - 1e-9 || (best is not null && Math.Abs(cost - bestCost) < 1e-9 && accumulators > best.ChannelBlock * best.RowBlock * kernelWidth))
                        {
                            best = new TransposedDataPlan(cb, rb, vectors, segments.ToEquatableArray());
                            bestCost = cost;
                        }
                    }
                }

                return best;
            }
        }

        /// <summary>
        /// Input-gradient rows in blocks of <paramref name="rb"/> (the last block overlapping its neighbour when rb does not
        /// divide the height), each with the (block row, kernel row) pairs whose gradient row exists; consecutive blocks
        /// with the same pairs form one segment.
        /// </summary>
        private static List<RowSegment> RowSegments(LayerShape s, int rb)
        {
            var starts = new List<int>();
            for (int y0 = 0; y0 + rb <= s.InHeight; y0 += rb)
            {
                starts.Add(y0);
            }

            if (s.InHeight % rb != 0)
            {
                starts.Add(s.InHeight - rb);
            }

            var segments = new List<RowSegment>();
            foreach (int y0 in starts)
            {
                var pairs = new List<RowTap>();
                for (int row = 0; row < rb; row++)
                {
                    for (int r = 0; r < s.KernelHeight; r++)
                    {
                        // Input row y0 + row is padded row y0 + row + padTop = i + r·dilation for gradient row i.
                        int offset = row + s.PadTop - (r * s.Dilation);
                        int i = y0 + offset;
                        if (i >= 0 && i < s.OutHeight)
                        {
                            pairs.Add(new RowTap(row, r, offset));
                        }
                    }
                }

                EquatableArray<RowTap> key = pairs.ToEquatableArray();
                RowSegment? last = segments.Count > 0 ? segments[segments.Count - 1] : null;
                if (last is not null && last.Pairs.Equals(key) && last.FirstRow + (last.Blocks * rb) == y0)
                {
                    segments[segments.Count - 1] = last with { Blocks = last.Blocks + 1 };
                }
                else
                {
                    // A block can have no pairs (rows only padding reaches): it still writes its zeros.
                    segments.Add(new RowSegment(y0, 1, key));
                }
            }

            return segments;
        }

        /// <summary>
        /// Backward-weights: each accumulator holds one (output channel, tap) pair and reduces over output pixels;
        /// channel blocks divide K exactly so that no weight gradient is summed twice. Taps are grouped in the order of
        /// their weights, so that one channel's sums in a group land on consecutive weights: eight of them are added with
        /// one vector instead of eight scalars.
        /// </summary>
        private static WeightsPlan PlanBackwardWeights(LayerShape s, PackPlan pack)
        {
            checked
            {
                int pixelVectors = s.OutHeight * Ceiling(s.OutWidth, Lanes);
                int best = 1, bestGroup = 1;
                double bestCost = double.MaxValue;
                for (int channels = 1; channels <= Math.Min(s.OutChannels, MaxAccumulators); channels++)
                {
                    if (s.OutChannels % channels != 0)
                    {
                        continue;
                    }

                    for (int group = 1; group <= Math.Min(s.Taps, MaxAccumulators); group++)
                    {
                        int accumulators = channels * group;

                        // Every tap of every channel is one FMA statement per column segment (see ColumnSegments).
                        bool tooLarge = (long)channels * s.Taps * ColumnSegments(s) > MaxInlinedMultiplyAdds;
                        if (accumulators > MaxAccumulators || accumulators + Math.Min(channels, group) + 1 > VectorRegisters || (tooLarge && channels > 1))
                        {
                            continue;
                        }

                        // Per vector of output pixels: channels·group FMAs against channels + group 256-bit loads, two of
                        // each a cycle, where the taps' loads count one and a half (they start at any column, and about
                        // half of them straddle two cache lines); and no fewer cycles than twelve FMAs take (MinCyclesPerTap:
                        // a group of 2 × 3 waits on its FMAs' latency, and 1 × 9, ten loads for nine FMAs, measured 20%
                        // slower than 2 × 6). Per group and channel, the reduction: a transpose of up to eight sums (about
                        // four cycles) and their addition to the weight gradient.
                        double cost = 0;
                        for (int first = 0; first < s.Taps; first += group)
                        {
                            int size = Math.Min(group, s.Taps - first);
                            double perStep = Math.Max(MinCyclesPerTap, Math.Max(channels * size, channels + (1.5 * size)) / 2.0);
                            double reduction = 0;
                            for (int chunk = first; chunk < first + size; chunk += Lanes)
                            {
                                reduction += 4 + (chunk + Lanes <= s.Taps ? 1 : 1.5 * Math.Min(Lanes, first + size - chunk));
                            }

                            cost += (pixelVectors * perStep) + (channels * reduction);
                        }

                        cost *= s.OutChannels / channels;
                        if (cost < bestCost - 1e-9 || (Math.Abs(cost - bestCost) < 1e-9 && accumulators > best * bestGroup))
                        {
                            (best, bestGroup, bestCost) = (channels, group, cost);
                        }
                    }
                }

                List<TapPlan> taps = TapsInWeightOrder(s, pack);
                var groupsList = new List<EquatableArray<TapPlan>>();
                for (int first = 0; first < taps.Count; first += bestGroup)
                {
                    groupsList.Add(taps.Skip(first).Take(bestGroup).ToEquatableArray());
                }

                int rowPitch = RoundUp(s.OutWidth, Lanes);
                return new WeightsPlan(best, rowPitch, s.OutHeight * rowPitch, groupsList.ToEquatableArray());
            }
        }

        /// <summary>Whether a pixel-lane backward-weights row is unrolled vector by vector: short rows of kernels of up to 25 taps.</summary>
        internal static bool UnrollsColumns(LayerShape s) => Ceiling(s.OutWidth, Lanes) <= 4 && s.Taps <= 25;

        /// <summary>
        /// The pieces a pixel-lane backward-weights row is emitted in: each vector when <see cref="UnrollsColumns"/>;
        /// otherwise a loop over its whole vectors and, if the width is not a multiple of eight, a masked last vector.
        /// </summary>
        private static int ColumnSegments(LayerShape s) =>
            UnrollsColumns(s) ? Ceiling(s.OutWidth, Lanes) : s.OutWidth % Lanes != 0 ? 2 : 1;

        /// <summary>The kernel's taps in row-major order, each with its offset in the packed input (phase, row, column).</summary>
        private static List<TapPlan> InputTaps(LayerShape s, PackPlan pack)
        {
            checked
            {
                int st = s.Stride, d = s.Dilation;
                var taps = new List<TapPlan>();
                for (int r = 0; r < s.KernelHeight; r++)
                {
                    for (int c = 0; c < s.KernelWidth; c++)
                    {
                        int sourceOffset = (c * d % st * pack.PhasePitch) + (r * d * pack.RowPitch) + (c * d / st);
                        taps.Add(new TapPlan(r, c, sourceOffset, s.WeightTapOffset(r, c)));
                    }
                }

                return taps;
            }
        }

        /// <summary>
        /// The taps as backward-weights reads them: <see cref="InputTaps"/> sorted by weight offset (a convolution's weights
        /// run backwards through the taps, so in weight order its groups are contiguous too).
        /// </summary>
        private static List<TapPlan> TapsInWeightOrder(LayerShape s, PackPlan pack)
        {
            List<TapPlan> taps = InputTaps(s, pack);
            taps.Sort((a, b) => a.WeightOffset.CompareTo(b.WeightOffset));
            return taps;
        }

        /// <summary>
        /// Backward-weights with the output channels along the lanes (see <see cref="ChannelLanesWeightsPlan"/>), for K a
        /// multiple of eight, when either
        /// <list type="bullet">
        /// <item>one output-gradient plane and one input plane, which the pixel-lane plan rereads once per tap group, come
        /// to more than <see cref="PixelLanesWorkingSetBytes"/> (one plane each, whatever its channel block: with the
        /// source channel in the outer loop, a larger block rereads its input plane from L1); tiled over output rows, this
        /// form keeps what it rereads in L1 (against the pixel-lane kernel, interleaved on an Intel Xeon, 2026-12-03:
        /// 0.60-0.89× on 56×56 and 112×112 outputs: S6, 16×56×56 with K = 16, the 7×7 stride-2 ResNet stem); or</item>
        /// <item><see cref="ChannelLanesAreCheaper"/>: where the pixel-lane form sums few vectors per horizontal reduction
        /// or pads its rows with many unused lanes;</item>
        /// </list>
        /// null otherwise, or when even one channel's rows with one vector would unroll past
        /// <see cref="MaxInlinedMultiplyAdds"/>, and the pixel-lane plan runs.
        /// </summary>
        private static ChannelLanesWeightsPlan? PlanChannelLanesWeights(LayerShape s, PackPlan pack, WeightsPlan pixelLanes)
        {
            checked
            {
                long pixelLanesWorkingSet = 4L * ((long)pixelLanes.OutputGradChannelPitch + pack.ChannelPitch);
                if (s.OutChannels % Lanes != 0 || (pixelLanesWorkingSet <= PixelLanesWorkingSetBytes && !ChannelLanesAreCheaper(s, pixelLanes)))
                {
                    return null;
                }

                // Per pixel, nr gradient vectors and 12 / nr broadcasts feed 12 FMAs: three vectors × four rows load 7
                // operands, 2 × 6 load 8, 1 × 12 load 13. The 12 accumulators, the nr vectors and the broadcast must fit in
                // the 16 registers of AVX2, so not four vectors × three rows (17: with AVX-512's 32 registers the JIT kept
                // them all; on AVX2's 16 it spilled an accumulator every pixel and S6 ran 1.9× slower). One
                // channel's rows (every tap) unroll nr FMAs each: a large kernel takes fewer vectors.
                int vectors = new[] { 4, 3, 2, 1 }.FirstOrDefault(v =>
                    s.OutChannels % (v * Lanes) == 0 && (MaxAccumulators / v * v) + v + 1 <= VectorRegisters && s.Taps * v <= MaxInlinedMultiplyAdds);
                if (vectors == 0)
                {
                    return null;
                }

                int rows = MaxAccumulators / vectors;

                // Grouping rows across channels keeps every group whole; when the repeat and the channels left after its last
                // whole repeat (unrolled in the same method) come to too many FMA statements, groups stay inside one channel
                // and its last group may be short. (32×28×28 → 64 with 5×5 taps: 300 + 200 statements, compiled without
                // MultiplyAdd inlined, ran at 6 GFLOP/s.)
                int period = Lcm(rows, s.Taps) / s.Taps;
                int unrolledChannels = (s.InChannels >= period ? period : 0) + (s.InChannels % period);
                if ((long)unrolledChannels * s.Taps * vectors > MaxInlinedMultiplyAdds)
                {
                    period = 1;
                }

                List<TapPlan> taps = TapsInWeightOrder(s, pack);
                EquatableArray<EquatableArray<WeightsRow>> Chunk(int channels) =>
                    Range(channels).SelectMany(c => taps.Select(tap => new WeightsRow(c, tap)))
                        .Select((row, index) => (row, index))
                        .GroupBy(x => x.index / rows, x => x.row)
                        .Select(group => group.ToEquatableArray())
                        .ToEquatableArray();

                EquatableArray<EquatableArray<WeightsRow>> groups = Chunk(s.InChannels >= period ? period : 0);
                EquatableArray<EquatableArray<WeightsRow>> tail = Chunk(s.InChannels % period);

                // The tile's transposed gradient, tileRows × OutWidth × 8·nr floats, should stay in a 16 KB share of L1
                // (on S6, tiles of one row measured 3% slower than two).
                int tileRows = 1;
                for (int candidate = s.OutHeight; candidate >= 1; candidate--)
                {
                    if (s.OutHeight % candidate == 0 && (long)candidate * s.OutWidth * vectors * Lanes * sizeof(float) <= 16 * 1024)
                    {
                        tileRows = candidate;
                        break;
                    }
                }

                return new ChannelLanesWeightsPlan(vectors, tileRows, period, groups, tail);
            }
        }

        /// <summary>
        /// Whether, with every plane in L1, the channel-lane form should beat <paramref name="pixelLanes"/>. Per (output channel,
        /// source channel, tap), in tenths of an FMA: the pixel-lane form spends one FMA on each gradient vector of its
        /// zero-padded rows (Ho × ⌈Wo / 8⌉) and 4.2 on the horizontal reduction; the channel-lane form 1.13 on each eight real
        /// pixels (Ho·Wo / 8: its loads are eight to every twelve FMAs, the pixel form's seven) and 1.8 on transposing the
        /// gradient in and the sums out. The constants are fitted to interleaved A/B runs of the two kernels on buffers
        /// aligned to 64 bytes (Intel Xeon, 2026-12-04; channel ÷ pixel time): 8×8 outputs (S2; 64×16×16 → 128 at stride
        /// 2) 0.88-0.89, 14×20 with 5×5 taps 0.86, 15×15 0.93, 28×28 at stride 2 0.93, 14×16 and 16×16 with 5×5 taps
        /// 1.01-1.03, 16×16 with 3×3 taps 0.99-1.20 (S4 1.20), 32×32 (S3) 1.09-1.17: the rule picks the faster form in
        /// all thirteen.
        /// </summary>
        private static bool ChannelLanesAreCheaper(LayerShape s, WeightsPlan pixelLanes)
        {
            // The pixel-lane plan's gradient plane is its zero-padded rows, whole vectors.
            long pixelVectors = pixelLanes.OutputGradChannelPitch / Lanes;
            long pixelLanesTenths = (10 * pixelVectors) + 42;
            long channelLanesTenths = (113L * s.OutHeight * s.OutWidth / (10 * Lanes)) + 18;
            return channelLanesTenths < pixelLanesTenths;
        }

        private static IEnumerable<int> Range(int count) => Enumerable.Range(0, count);

        private static int Lcm(int a, int b)
        {
            int x = a, y = b;
            while (y != 0)
            {
                (x, y) = (y, x % y);
            }

            return checked(a / x * b);
        }

        /// <summary>
        /// Keeps at most <see cref="MaxUnrolledTaps"/> taps unrolled: past that, when every kernel row repeats the first
        /// row's taps at a fixed source and weight distance, a loop over the rows unrolls one row. An 11×11 kernel unrolled
        /// whole was compiled into code that spilled its accumulators to the stack (8 GFLOP/s instead of 80).
        /// </summary>
        private static (EquatableArray<TapPlan> Taps, TapRowLoop? Rows) LoopOverTapRows(List<TapPlan> taps)
        {
            List<List<TapPlan>> rows = taps.GroupBy(tap => tap.R).Select(row => row.ToList()).ToList();
            if (taps.Count <= MaxUnrolledTaps || rows.Count < 2)
            {
                return (taps.ToEquatableArray(), null);
            }

            List<TapPlan> first = rows[0];
            int sourceDelta = rows[1][0].SourceOffset - first[0].SourceOffset;
            int weightDelta = rows[1][0].WeightOffset - first[0].WeightOffset;
            for (int row = 1; row < rows.Count; row++)
            {
                List<TapPlan> current = rows[row];
                bool repeats = current.Count == first.Count && current.Select((tap, i) =>
                    tap.S == first[i].S &&
                    tap.SourceOffset - first[i].SourceOffset == row * sourceDelta &&
                    tap.WeightOffset - first[i].WeightOffset == row * weightDelta).All(same => same);
                if (!repeats)
                {
                    return (taps.ToEquatableArray(), null);
                }
            }

            return (first.ToEquatableArray(), new TapRowLoop(rows.Count, sourceDelta, weightDelta));
        }

        /// <summary>
        /// Picks channels × rows × vectors per block minimising estimated cycles: FMAs, loads and broadcasts issue two
        /// a cycle each; overlapping edge blocks count as wasted work. When the rows are not a whole number of blocks, the
        /// last rows may instead take a blocking of their own (a tail: S4's backward-data phases, 16 rows, run five blocks
        /// of 2 channels × 3 rows and then 6 channels × 1 row, 43 blocks for 48), whose vectors per block divide the main
        /// blocking's, so that both fit the same padded rows.
        /// </summary>
        /// <returns>The blocking, the tail's (or null), and their estimated cycles per source channel.</returns>
        internal static (Blocking Blocking, Blocking? Tail, double Cost) ChooseBlocking(int channels, int rows, int columns, int taps, bool paddedDestination) =>
            ChooseBlocking(channels, rows, columns, taps, paddedDestination, vectorBlockDivides: 0);

        private static (Blocking Blocking, Blocking? Tail, double Cost) ChooseBlocking(int channels, int rows, int columns, int taps, bool paddedDestination, int vectorBlockDivides)
        {
            int accumulatorLimit = Math.Max(1, Math.Min(MaxAccumulators, MaxUnrolledMultiplyAdds / Math.Max(1, taps)));
            Blocking? best = null, bestTail = null;
            double bestCost = double.MaxValue;
            var tails = new Dictionary<(int Rows, int VectorBlock), (Blocking Blocking, Blocking? Tail, double Cost)>();
            for (int kb = 1; kb <= Math.Min(channels, MaxAccumulators); kb++)
            {
                for (int rb = 1; rb <= Math.Min(rows, MaxAccumulators); rb++)
                {
                    for (int jb = 1; jb <= 4; jb++)
                    {
                        int accumulators = kb * rb * jb;
                        if (accumulators > accumulatorLimit || accumulators + Math.Min(kb, rb * jb) + 1 > VectorRegisters || (vectorBlockDivides > 0 && vectorBlockDivides % jb != 0))
                        {
                            continue;
                        }

                        int blockColumns = jb * Lanes;
                        if (jb > 1 && !paddedDestination && blockColumns > columns)
                        {
                            continue;
                        }

                        // Zen 3 issues two 256-bit FMAs and two 256-bit loads (broadcasts included) a cycle.
                        double perTap = Math.Max(MinCyclesPerTap, Math.Max(accumulators, (rb * jb) + kb) / 2.0);
                        double perBlock = (taps * perTap) + accumulators;
                        long channelAndColumnBlocks = (long)Ceiling(channels, kb) * Ceiling(Math.Max(columns, 1), blockColumns);
                        Consider(new Blocking(kb, rb, jb), null, channelAndColumnBlocks * Ceiling(rows, rb) * perBlock);
                        if (vectorBlockDivides == 0 && rows > rb && rows % rb != 0 && taps * (accumulators + MaxAccumulators) <= MaxTailedMultiplyAdds)
                        {
                            if (!tails.TryGetValue((rows % rb, jb), out var tailChoice))
                            {
                                tails[(rows % rb, jb)] = tailChoice = ChooseBlocking(channels, rows % rb, columns, taps, paddedDestination, vectorBlockDivides: jb);
                            }

                            (Blocking tail, _, double tailCost) = tailChoice;
                            Consider(new Blocking(kb, rb, jb), tail, (channelAndColumnBlocks * (rows / rb) * perBlock) + tailCost);
                        }
                    }
                }
            }

            return best is null ? (new Blocking(1, 1, 1), null, double.MaxValue) : (best, bestTail, bestCost);

            // Ties go to more accumulators, then to fewer loads a tap, then to fewer rows: each source channel's rows that
            // a block reads stay in L1 (S6: 4 channels × 3 rows rather than 2 × 6, which ties with it).
            void Consider(Blocking blocking, Blocking? tail, double cost)
            {
                bool better = best is null || cost < bestCost - 1e-9 || (Math.Abs(cost - bestCost) < 1e-9 && (
                    blocking.Accumulators != best.Accumulators ? blocking.Accumulators > best.Accumulators
                    : Loads(blocking) != Loads(best) ? Loads(blocking) < Loads(best)
                    : blocking.RowBlock < best.RowBlock));
                if (better)
                {
                    (best, bestTail, bestCost) = (blocking, tail, cost);
                }
            }

            static int Loads(Blocking b) => (b.RowBlock * b.VectorBlock) + b.ChannelBlock;
        }

        /// <summary>The output positions of one axis phase of backward-data and the taps that reach it.</summary>
        /// <param name="Start">First phase index a (input position a·stride + phase − pad).</param>
        /// <param name="Shifts">Per tap, (tap·dilation − phase) / stride: how many gradient rows the tap looks back.</param>
        private sealed record AxisPhase(int Phase, int Start, int Count, List<int> Taps, List<int> Shifts);

        /// <summary>
        /// The phases of one axis that some tap reaches and that hold input positions, built from the taps (at most the
        /// kernel size of them) rather than by walking every phase, so a huge stride costs nothing. The flag says whether
        /// they cover every input position: otherwise the rest of the input gradient is zero and must be cleared.
        /// </summary>
        private static (List<AxisPhase> Phases, bool CoversInput) AxisPhases(int input, int padBefore, int kernel, int stride, int dilation)
        {
            var byPhase = new SortedDictionary<int, AxisPhase>();
            for (int tap = 0; tap < kernel; tap++)
            {
                int phase = (int)((long)tap * dilation % stride);
                if (!byPhase.TryGetValue(phase, out AxisPhase? entry))
                {
                    // Positions a with 0 <= a·stride + phase − padBefore <= input − 1.
                    int start = padBefore >= phase ? Ceiling(padBefore - phase, stride) : 0;
                    long lastNumerator = input - 1L + padBefore - phase;
                    int count = lastNumerator < 0 ? 0 : (int)Math.Max(0, (lastNumerator / stride) - start + 1);
                    entry = byPhase[phase] = new AxisPhase(phase, start, count, new List<int>(), new List<int>());
                }

                entry.Taps.Add(tap);
                entry.Shifts.Add((int)(((long)tap * dilation - phase) / stride));
            }

            var phases = byPhase.Values.Where(p => p.Count > 0).ToList();

            // Input positions fall into min(stride, input) distinct phases; each phase here holds at least one.
            return (phases, phases.Count == Math.Min(stride, input));
        }

        /// <summary>
        /// A generous upper bound (in floats, as a double so it cannot overflow) on the largest working buffer the plan
        /// will use: the padded, phase-split input; the output gradient with kernel-sized margins; the per-phase result.
        /// </summary>
        public static double WorkingBufferBound(int inChannels, int outChannels, ConvAxis rows, ConvAxis columns)
        {
            double stride = rows.Stride;
            double input = inChannels * (rows.PaddedInput + stride + 1.0) * (columns.PaddedInput + (10.0 * stride) + Lanes);
            double outputGrad = outChannels * (rows.Output + (2.0 * rows.Extent) + Lanes) * (columns.Output + (2.0 * columns.Extent) + (3.0 * Lanes));
            double phase = inChannels * (rows.Input + 1.0) * (columns.Input + (4.0 * Lanes));
            return Math.Max(input, Math.Max(outputGrad, phase));
        }

        private static int Ceiling(int value, int divisor) => (value + divisor - 1) / divisor;

        private static int RoundUp(int value, int multiple) => checked(Ceiling(value, multiple) * multiple);
    }
}
