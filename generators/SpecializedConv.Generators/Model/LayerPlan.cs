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
/// A register-blocked direct convolution over a packed source: for each block of output channels, rows and
/// column vectors, accumulators start at the bias (or zero), take one FMA per tap, source channel and accumulator,
/// and are stored once. Forward and every backward-data phase are instances of it.
/// </summary>
/// <param name="PaddedDestination">Destination rows are padded to whole blocks, so blocks never overlap or store partially.</param>
/// <param name="RowStep">Source rows advanced per output row (the stride in the forward pass).</param>
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
    EquatableArray<TapPlan> Taps);

/// <summary>Zero-padded, column-phase-split copy of a tensor: see KernelSupport.PackPlanes.</summary>
internal sealed record PackPlan(int Channels, int Phases, int Rows, int RowPitch, int PadTop, int PadLeft)
{
    public int PhasePitch => checked(Rows * RowPitch);

    public int ChannelPitch => checked(Phases * PhasePitch);

    public int Length => checked(Channels * ChannelPitch);
}

/// <summary>One stride phase of backward-data: input positions y ≡ RowStart, x ≡ ColumnStart (mod stride), and its kernel.</summary>
internal sealed record DataPhasePlan(int RowPhase, int ColumnPhase, int RowStart, int ColumnStart, int Rows, int Columns, BlockKernelPlan Kernel);

/// <summary>Backward-data: the output gradient packed with zero margins, then one blocked kernel per stride phase that a tap reaches.</summary>
/// <param name="ScratchLength">Length of the per-phase result buffer when the stride is above 1 (0 otherwise).</param>
/// <param name="ClearFirst">Some input positions meet no tap (their gradient is zero), so the gradient is cleared before the phases are scattered.</param>
internal sealed record DataPlan(PackPlan OutputGradPack, EquatableArray<DataPhasePlan> Phases, int ScratchLength, bool ClearFirst);

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

/// <summary>Everything the Emitter needs to write one layer.</summary>
internal sealed record LayerPlan(
    LayerTypeInfo Type,
    LayerShape Shape,
    PackPlan InputPack,
    BlockKernelPlan Forward,
    DataPlan BackwardData,
    WeightsPlan BackwardWeights);
