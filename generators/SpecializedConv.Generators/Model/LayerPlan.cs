using System.Linq;
using SpecializedConv.Generators.Helpers;

namespace SpecializedConv.Generators.Model;

/// <summary>One unrolled kernel tap: where its source vector lies and which weight multiplies it.</summary>
/// <param name="R">Kernel row of the tap (for comments).</param>
/// <param name="S">Kernel column of the tap (for comments).</param>
/// <param name="SourceOffset">Element offset of the tap's source vector from the block's source origin.</param>
/// <param name="WeightOffset">Element offset of the tap's weight within one (output channel, source channel) slice.</param>
internal sealed record TapPlan(int R, int S, int SourceOffset, int WeightOffset);

/// <summary>How a register-blocked kernel covers one pass: kb channels × rb rows × jb vectors per block.</summary>
/// <param name="ChannelBlock">Output channels per block (kb).</param>
/// <param name="RowBlock">Output rows per block (rb).</param>
/// <param name="VectorBlock">8-float vectors along a row per block (jb).</param>
internal sealed record Blocking(int ChannelBlock, int RowBlock, int VectorBlock)
{
    public int Accumulators => ChannelBlock * RowBlock * VectorBlock;

    public int BlockColumns => VectorBlock * Lanes;

    public const int Lanes = 8;
}

/// <summary>
/// A register-blocked direct convolution over a packed source (or, with <paramref name="InPlace"/>, the source where it
/// lies): for each block of output channels, rows and column vectors, accumulators start at the bias (or zero), take one
/// FMA per tap, source channel and accumulator, and are stored once. Forward and every backward-data phase are instances
/// of it.
/// </summary>
/// <param name="PaddedDestination">Destination rows are padded to whole blocks, so blocks never overlap or store partially.</param>
/// <param name="RowStep">Source rows advanced per output row (the stride in the forward pass).</param>
/// <param name="Taps">Every tap, unrolled; or with <paramref name="TapRows"/>, the taps of the first kernel row.</param>
/// <param name="TapRows">Set for large kernels: a loop over the kernel rows with only one row's taps unrolled.</param>
/// <param name="RowTail">Set when the last OutRows mod RowBlock rows take a blocking of their own instead of an
/// overlapping block of the main one.</param>
/// <param name="InPlace">Set when the kernel reads its source where it lies rather than a packed copy.</param>
internal sealed record BlockKernelPlan(
    string MethodName,
    string Summary,
    bool HasBias,
    int OutChannels,
    int OutRows,
    int OutColumns,
    Blocking Blocking,
    bool PaddedDestination,
    int DestinationChannelPitch,
    int DestinationRowPitch,
    int SourceChannels,
    int SourceChannelPitch,
    int SourceRowPitch,
    int RowStep,
    int WeightOutputStride,
    int WeightSourceStride,
    EquatableArray<TapPlan> Taps,
    TapRowLoop? TapRows = null,
    Blocking? RowTail = null,
    InPlaceSource? InPlace = null);

/// <summary>
/// A block kernel's source read where it lies, NCHW planes of <paramref name="Height"/> × <paramref name="Width"/> floats
/// without margins, instead of a zero-padded copy (then the kernel's source pitches are the plane's, and its taps'
/// SourceOffset is not used). Source rows above or below the plane read a row of zeros whose reference stays put from
/// channel to channel; in a column block at either end of a row, a vector that would reach past the row's end is the
/// vector at that end moved by whole columns, those past the end zeroed. The result is the padded copy's, bit for bit.
/// </summary>
/// <param name="Offsets">Per tap, in the kernel's tap order: the source row and column it reads for output (i, j), less (i, j).</param>
/// <param name="LeadingEdgeBlocks">Column blocks at the start of each row whose loads reach left of the row, emitted one by one.</param>
/// <param name="TrailingEdgeBlocks">Column blocks at the end of each row whose loads reach past its end, emitted one by one.</param>
/// <param name="ZeroRowLength">Floats a zero row needs: every load a block makes from a row reference lies inside.</param>
/// <param name="ZeroRowOrigin">Where in the zero row a row reference points (loads reach up to this far left of it).</param>
/// <param name="TailLeadingEdgeBlocks">The same for the row tail's blocking, when it has one.</param>
/// <param name="TailTrailingEdgeBlocks">The same for the row tail's blocking, when it has one.</param>
internal sealed record InPlaceSource(
    int Height,
    int Width,
    EquatableArray<SourceOffset> Offsets,
    int LeadingEdgeBlocks,
    int TrailingEdgeBlocks,
    int TailLeadingEdgeBlocks,
    int TailTrailingEdgeBlocks,
    int ZeroRowLength,
    int ZeroRowOrigin)
{
    public int MinRow => Offsets.Min(o => o.Row);

    public int MaxRow => Offsets.Max(o => o.Row);
}

/// <summary>Where a tap reads in an in-place source, relative to its output position.</summary>
internal sealed record SourceOffset(int Row, int Column);

/// <summary>
/// A loop over <paramref name="Rows"/> kernel rows whose taps repeat the first row's: each row's source vectors lie
/// <paramref name="SourceDelta"/> floats after the previous row's and its weights <paramref name="WeightDelta"/> (negative
/// for a convolution's turned kernel).
/// </summary>
internal sealed record TapRowLoop(int Rows, int SourceDelta, int WeightDelta);

/// <summary>Zero-padded, column-phase-split copy of a tensor: see KernelSupport.PackPlanes.</summary>
internal sealed record PackPlan(int Channels, int Phases, int Rows, int RowPitch, int PadTop, int PadLeft)
{
    public int PhasePitch => checked(Rows * RowPitch);

    public int ChannelPitch => checked(Phases * PhasePitch);

    public int Length => checked(Channels * ChannelPitch);
}

/// <summary>One stride phase of backward-data: input positions y ≡ RowStart, x ≡ ColumnStart (mod stride), and its kernel.</summary>
internal sealed record DataPhasePlan(int RowPhase, int ColumnPhase, int RowStart, int ColumnStart, int Rows, int Columns, BlockKernelPlan Kernel);

/// <summary>
/// Backward-data: the output gradient packed with zero margins (or read in place), then one blocked kernel per stride phase
/// that a tap reaches.
/// </summary>
/// <param name="ScratchLength">Length of the per-phase result buffer when the stride is above 1 (0 otherwise).</param>
/// <param name="ClearFirst">Some input positions meet no tap (their gradient is zero), so the gradient is cleared before the phases are scattered.</param>
internal sealed record DataPlan(PackPlan OutputGradPack, EquatableArray<DataPhasePlan> Phases, int ScratchLength, bool ClearFirst)
{
    /// <summary>Every phase reads the output gradient where it lies (see <see cref="InPlaceSource"/>): nothing is packed.</summary>
    public bool ReadsInPlace => Phases.Count > 0 && Phases.All(p => p.Kernel.InPlace is not null);
}

/// <summary>
/// Backward-data at stride 1 in the transposed form: instead of correlating a zero-margined gradient with the flipped
/// kernel (most of whose taps meet zeros when the output is small), each accumulator sums
/// <c>w'[k,c,r,s] · outputGrad[k, y + padTop − r·dilation, 8v … 8v+7]</c> for one tap column s, and the S sums are
/// then shifted by s·dilation lanes and added into the input-gradient row. Only products of real gradient values are
/// computed: the taps of rows that fall outside the gradient are left out at compile time.
/// </summary>
/// <param name="ChannelBlock">Input-gradient channels per block (cb).</param>
/// <param name="RowBlock">Input-gradient rows per block (rb).</param>
/// <param name="Vectors">8-float vectors per (zero-padded) output-gradient row.</param>
/// <param name="Segments">The row blocks in order: runs of blocks with the same taps become one loop.</param>
internal sealed record TransposedDataPlan(
    int ChannelBlock,
    int RowBlock,
    int Vectors,
    EquatableArray<RowSegment> Segments)
{
    /// <summary>Floats per row of the per-block row buffer: the shifted sums reach up to one vector past the gradient row.</summary>
    public int RowBufferPitch => (Vectors + 1) * Blocking.Lanes;

    public int RowBufferLength => ChannelBlock * RowBlock * RowBufferPitch;
}

/// <summary>
/// <paramref name="Blocks"/> consecutive row blocks starting at input-gradient row <paramref name="FirstRow"/>, every one
/// with the same (block row, kernel row) pairs.
/// </summary>
internal sealed record RowSegment(int FirstRow, int Blocks, EquatableArray<RowTap> Pairs)
{
    /// <summary>The smallest gradient-row offset of any pair: the block's gradient origin, so every load offset is ≥ 0.</summary>
    public int GradientRowBase
    {
        get
        {
            int min = int.MaxValue;
            foreach (RowTap pair in Pairs)
            {
                min = System.Math.Min(min, pair.GradientRowOffset);
            }

            return min;
        }
    }
}

/// <summary>Kernel row <paramref name="KernelRow"/> feeds block row <paramref name="Row"/> from output-gradient row y0 + <paramref name="GradientRowOffset"/>.</summary>
internal sealed record RowTap(int Row, int KernelRow, int GradientRowOffset);

/// <summary>Backward-weights: accumulators per (channel block, tap group), reduced over output pixels.</summary>
internal sealed record WeightsPlan(int ChannelBlock, int OutputGradRowPitch, int OutputGradChannelPitch, EquatableArray<EquatableArray<TapPlan>> TapGroups)
{
    public int MaxGroupSize
    {
        get
        {
            int max = 0;
            foreach (EquatableArray<TapPlan> group in TapGroups)
            {
                max = System.Math.Max(max, group.Count);
            }

            return max;
        }
    }
}

/// <summary>
/// Backward-weights with the output channels along the vector lanes, for K a multiple of eight: the weight gradient is the
/// product of the im2col rows (source channel, tap) with the output gradient transposed to pixel-major order, each
/// accumulator one (row, eight output channels) cell summed over the pixels of a tile of output rows. Every load is
/// either eight consecutive channels' gradients at one pixel or one input value broadcast, and no horizontal sum is
/// needed. The planner chooses it where the pixel-lane form's planes outgrow L1, or where that form would sum few vectors
/// before each horizontal reduction or pad many lanes (see Planner.ChannelLanesAreCheaper).
/// </summary>
/// <param name="Vectors">Eight-channel vectors per block (nr): a block covers 8·nr output channels.</param>
/// <param name="TileRows">Output rows per tile: the tile's transposed gradient (rows × width × 8·nr floats) stays in L1.</param>
/// <param name="ChannelPeriod">Source channels per repeat of the unrolled groups: rows are grouped across channels, so the
/// group pattern repeats every lcm(group size, taps) / taps channels.</param>
/// <param name="Groups">The row groups of one period, in weight order, each of at most 12 / nr rows.</param>
/// <param name="TailGroups">The groups of the InChannels mod ChannelPeriod channels after the last whole period.</param>
internal sealed record ChannelLanesWeightsPlan(
    int Vectors,
    int TileRows,
    int ChannelPeriod,
    EquatableArray<EquatableArray<WeightsRow>> Groups,
    EquatableArray<EquatableArray<WeightsRow>> TailGroups)
{
    public int ChannelBlock => Vectors * Blocking.Lanes;

    public int RowsPerGroup => 12 / Vectors;
}

/// <summary>One im2col row of a <see cref="ChannelLanesWeightsPlan"/> group: a tap of source channel c0 + <paramref name="Channel"/>.</summary>
internal sealed record WeightsRow(int Channel, TapPlan Tap);

/// <summary>
/// The forward pass at stride 2 read straight from the NCHW input, without packing it: blocks of
/// <paramref name="ChannelBlock"/> output channels × one output row × eight columns, the lanes holding output columns
/// 0, 1, 4, 5 | 2, 3, 6, 7 of the block, so that a tap's vector (every other input column) is one in-lane shuffle of two
/// loads from the input row. Kernel rows above or below the input read a row of zeros; in the first column block, taps
/// left of column 0 take the vector of a tap further right moved by whole columns, the columns before the input zeroed.
/// </summary>
/// <param name="ChannelBlock">Output channels per block: K in equal blocks of at most twelve, the last one overlapping.</param>
/// <param name="EdgeBlock">The first column block reaches left of the input and is emitted on its own.</param>
/// <param name="InteriorBlocks">Column blocks after the edge block (or from column 0 without one), the last one ending
/// at the row's end, overlapping its neighbour when the width is not a multiple of eight.</param>
/// <param name="ZeroRowLength">Floats in the zero row: every offset a load takes from a row's block origin lies inside.</param>
/// <param name="ZeroRowOrigin">Index of the zero row's origin (loads reach up to this far left of it).</param>
internal sealed record StrideTwoForwardPlan(int ChannelBlock, bool EdgeBlock, int InteriorBlocks, int ZeroRowLength, int ZeroRowOrigin);

/// <summary>
/// The forward pass with the output channels along the vector lanes, read straight from the NCHW input: each accumulator
/// holds eight consecutive output channels at one output pixel, and every tap of a source channel loads the weights of
/// those channels as vectors (from the weights transposed to [c, r, s][k]) and broadcasts the input value each pixel of
/// the block reads. No shuffles, whatever the stride; the sums are stored pixel-major, [i, j][k], and transposed to NCHW.
/// Kernel rows above or below the input read a row of zeros; taps that would read left or right of the input are not
/// emitted.
/// </summary>
/// <param name="Vectors">Eight-channel vectors per block (nr): a block covers 8·nr output channels.</param>
/// <param name="Pixels">Output pixels of one row per block (12 / nr): 12 accumulators.</param>
/// <param name="Bodies">A row's blocks, left to right: each unrolled on its own, or a loop over consecutive blocks whose
/// every tap lies inside the input.</param>
/// <param name="ZeroRowLength">Floats in the zero row: every offset a load takes from a block's origin lies inside.</param>
/// <param name="ZeroRowOrigin">Index of the zero row's origin (loads reach up to this far left of it).</param>
internal sealed record ChannelLanesForwardPlan(int Vectors, int Pixels, EquatableArray<PixelBlocks> Bodies, int ZeroRowLength, int ZeroRowOrigin)
{
    public int ChannelBlock => Vectors * Blocking.Lanes;
}

/// <summary>
/// <paramref name="Count"/> blocks of <paramref name="Pixels"/> output pixels from output column <paramref name="Start"/>:
/// one unrolled body, in a loop when Count > 1 (then no tap of theirs leaves the input).
/// </summary>
internal sealed record PixelBlocks(int Start, int Pixels, int Count)
{
    public bool Loops => Count > 1;
}

/// <summary>
/// Everything the Emitter needs to write one layer. Forward runs <paramref name="ChannelLanesForward"/> when there is one,
/// then <paramref name="StrideTwoForward"/> when there is one, and <paramref name="Forward"/> otherwise (over the packed input, or over the input itself when it reads in place). Backward-data runs <paramref name="TransposedBackwardData"/>
/// when the planner chose it (stride 1, where it does less work), and the phases of <paramref name="BackwardData"/> otherwise;
/// backward-weights runs <paramref name="ChannelLanesWeights"/> when there is one (K a multiple of eight, and planes larger
/// than L1 holds or a pixel-lane form that would cost more), and <paramref name="BackwardWeights"/> otherwise.
/// </summary>
internal sealed record LayerPlan(
    LayerTypeInfo Type,
    LayerShape Shape,
    PackPlan InputPack,
    BlockKernelPlan Forward,
    ChannelLanesForwardPlan? ChannelLanesForward,
    StrideTwoForwardPlan? StrideTwoForward,
    DataPlan BackwardData,
    TransposedDataPlan? TransposedBackwardData,
    WeightsPlan BackwardWeights,
    ChannelLanesWeightsPlan? ChannelLanesWeights);
