using SpecializedConv.Generators.Helpers;

namespace SpecializedConv.Generators.Model;

/// <summary>What a <c>[Dense]</c> attribute says, read but not yet checked: values may be out of range.</summary>
/// <param name="OtherLayerAttributes">Other layer attributes on the same class, e.g. <c>[Conv2D]</c>.</param>
/// <param name="InvalidArguments">Arguments that were not constants of the right type, as "Name = value" texts.</param>
/// <param name="ConflictingMembers">Members the user already declares under a name the generator adds.</param>
internal sealed record DenseDeclaration(
    LayerTypeInfo Type,
    LocationInfo? AttributeLocation,
    int Inputs,
    int Outputs,
    EquatableArray<string> OtherLayerAttributes,
    EquatableArray<string> InvalidArguments,
    EquatableArray<string> ConflictingMembers);

/// <summary>A checked dense layer: both sizes positive and the weight length fits in an int.</summary>
internal sealed record DenseLayerShape(int Inputs, int Outputs)
{
    public int WeightLength => Inputs * Outputs;
}

/// <summary>
/// Forward: a block of <paramref name="SampleBlock"/> samples × <paramref name="OutputBlock"/> outputs keeps one
/// Vector256 accumulator per pair, walks the inputs 8 at a time (each input vector loaded once per sample, each weight
/// vector once per output) and reduces each accumulator once.
/// </summary>
internal sealed record DenseForwardKernel(string MethodName, int SampleBlock, int OutputBlock)
{
    public int Accumulators => SampleBlock * OutputBlock;
}

/// <summary>
/// Backward-data: a block of <paramref name="SampleBlock"/> samples × <paramref name="VectorBlock"/> vectors of 8
/// inputs keeps one accumulator per pair and walks the outputs, adding broadcast gradient × weight-row vector.
/// </summary>
internal sealed record DenseDataKernel(string MethodName, int SampleBlock, int VectorBlock)
{
    public int Accumulators => SampleBlock * VectorBlock;

    public int BlockInputs => VectorBlock * Blocking.Lanes;
}

/// <summary>
/// Backward-weights: a block of <paramref name="OutputBlock"/> weight rows × <paramref name="VectorBlock"/> vectors of
/// 8 inputs keeps one accumulator per pair and walks the samples, adding broadcast gradient × input vector.
/// </summary>
internal sealed record DenseWeightsKernel(int OutputBlock, int VectorBlock)
{
    public int Accumulators => OutputBlock * VectorBlock;

    public int BlockInputs => VectorBlock * Blocking.Lanes;
}

/// <summary>Everything the Emitter needs to write one dense layer.</summary>
/// <param name="Vectorized">Inputs ≥ 8: the passes are Vector256 kernels. Below that every pass is the scalar reference.</param>
/// <param name="TailLanes">Inputs mod 8: the forward pass's last vector re-reads 8 − TailLanes inputs and masks them off.</param>
/// <param name="ForwardRemainder">The one-sample kernel for samples left over by <paramref name="Forward"/>'s block; null when it already takes one.</param>
/// <param name="DataRemainder">The one-sample kernel for samples left over by <paramref name="Data"/>'s block; null when it already takes one.</param>
internal sealed record DensePlan(
    LayerTypeInfo Type,
    DenseLayerShape Shape,
    bool Vectorized,
    int TailLanes,
    DenseForwardKernel Forward,
    DenseForwardKernel? ForwardRemainder,
    DenseDataKernel Data,
    DenseDataKernel? DataRemainder,
    DenseWeightsKernel Weights);
