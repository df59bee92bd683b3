using SpecializedConv.Generators.Helpers;

namespace SpecializedConv.Generators.Model;

/// <summary>Which reduction a pooling layer applies to its windows.</summary>
internal enum PoolKind
{
    /// <summary><c>[MaxPool2D]</c>: the largest cell, padding −∞, with the arg-max recorded.</summary>
    Max,

    /// <summary><c>[AvgPool2D]</c>: the sum divided by Size², padding 0 and counted.</summary>
    Average,
}

/// <summary>
/// What a <c>[MaxPool2D]</c> or <c>[AvgPool2D]</c> attribute says, read but not yet checked: values may be out of range.
/// </summary>
/// <param name="Stride">As written: 0 means the window size.</param>
/// <param name="OtherLayerAttributes">Other layer attributes on the same class, e.g. <c>[Dense]</c>.</param>
/// <param name="InvalidArguments">Arguments that were not constants of the right type, as "Name = value" texts.</param>
/// <param name="ConflictingMembers">Members the user already declares under a name the generator adds.</param>
internal sealed record Pool2DDeclaration(
    LayerTypeInfo Type,
    LocationInfo? AttributeLocation,
    PoolKind Kind,
    int Channels,
    int InHeight,
    int InWidth,
    int Size,
    int Stride,
    int Padding,
    EquatableArray<string> OtherLayerAttributes,
    EquatableArray<string> InvalidArguments,
    EquatableArray<string> ConflictingMembers);

/// <summary>A checked pooling layer: every size positive, the stride resolved, and every length fits in an int.</summary>
internal sealed record Pool2DLayerShape(
    PoolKind Kind,
    int Channels,
    int InHeight,
    int InWidth,
    int Size,
    int Stride,
    int Padding,
    int OutHeight,
    int OutWidth)
{
    public int InputLength => Channels * InHeight * InWidth;

    public int OutputLength => Channels * OutHeight * OutWidth;

    public int WindowArea => Size * Size;

    /// <summary><c>MaxPool2D</c> or <c>AvgPool2D</c>: the attribute's name, and the suffix of the hint name.</summary>
    public string AttributeName => Kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";
}

/// <summary>One window cell (tap) of the unrolled forward kernel.</summary>
/// <param name="R">Window row (for comments).</param>
/// <param name="S">Window column (for comments).</param>
/// <param name="SourceOffset">Offset of the tap's vector in the packed input from the block's origin.</param>
/// <param name="CellOffset">Offset of the tap's cell in the unpadded sample from the window's top-left cell, r·W + s (for arg-max indices).</param>
internal sealed record PoolTapPlan(int R, int S, int SourceOffset, int CellOffset);

/// <summary>
/// How the vectorised forward pass covers one sample: for each channel and output row, blocks of
/// <see cref="VectorBlock"/> vectors of 8 output columns, each reducing over the window's taps.
/// </summary>
/// <param name="InputPack">
/// The packed input: padded (−∞ or 0) and split into column phases (x mod stride), as Conv2D packs it; one phase when a row
/// has one output (see <c>Pool2DGenerator.Planner.ColumnPhases</c>).
/// </param>
/// <param name="VectorBlock">8-column vectors per block (jb), for independent dependency chains.</param>
/// <param name="ColumnBlocks">Blocks per output row.</param>
/// <param name="PartialStore">The row is narrower than one vector: lanes past OutWidth are computed but not stored.</param>
/// <param name="ClampLastBlock">OutWidth is not a multiple of the block: the last block overlaps the previous one.</param>
/// <param name="Taps">Every window cell in row-major order when unrolled; empty when the window is looped over.</param>
/// <param name="FirstTapStarts">
/// The first tap's load starts each reduction instead of −∞ or 0: always for sums, and for maxima when there is no padding
/// (tap (0,0) is then a real cell, the one an all −∞ window must report).
/// </param>
/// <param name="TiledForward">
/// Max pooling whose 2×2 windows, stride 2, tile the input, with rows of at least 8 outputs or exactly 4 (then each
/// vector covers two window rows, an even number of them): the forward pass reads the input in place, splitting each pair of
/// input rows into even and odd columns in registers, with no packed copy.
/// </param>
/// <param name="TiledBackward">
/// Max pooling whose 2×2 windows, stride 2, tile the input exactly (no padding, even height and width, at least 8 wide):
/// backward writes every input cell once (<c>PoolSupport.RouteTiledMaxGradient</c>) instead of clearing and scattering.
/// </param>
internal sealed record Pool2DPlan(
    LayerTypeInfo Type,
    Pool2DLayerShape Shape,
    PackPlan InputPack,
    int VectorBlock,
    int ColumnBlocks,
    bool PartialStore,
    bool ClampLastBlock,
    EquatableArray<PoolTapPlan> Taps,
    bool FirstTapStarts,
    bool TiledForward,
    bool TiledBackward)
{
    public int BlockColumns => VectorBlock * Blocking.Lanes;

    public bool UnrolledTaps => !Taps.IsEmpty;
}
