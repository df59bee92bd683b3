using System;
using System.Collections.Generic;
using System.Text.Json.Serialization;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>
/// One worked case of <c>Reference/conv2d.json</c>: a layer shape, float32-exact inputs, and the forward and
/// backward results PyTorch computed in float64. Field meanings are in <c>Reference/README.md</c>.
/// Arrays are row-major: input and inputGrad N×C×H×W, weights and weightGrad K×C×R×S, bias and biasGrad K,
/// output and outputGrad N×K×Ho×Wo.
/// </summary>
public sealed record ReferenceCase : IReferenceCase
{
    /// <summary>Unique name, used as the theory argument.</summary>
    public required string Name { get; init; }

    /// <summary>Samples N.</summary>
    public required int Batch { get; init; }

    /// <summary>Input channels C.</summary>
    public required int InChannels { get; init; }

    /// <summary>Input height H.</summary>
    public required int InHeight { get; init; }

    /// <summary>Input width W.</summary>
    public required int InWidth { get; init; }

    /// <summary>Output channels K.</summary>
    public required int OutChannels { get; init; }

    /// <summary>Kernel height R.</summary>
    public required int KernelHeight { get; init; }

    /// <summary>Kernel width S.</summary>
    public required int KernelWidth { get; init; }

    /// <summary>Valid, Same or Full.</summary>
    public required ConvMode Mode { get; init; }

    /// <summary>Cross-correlation or convolution (kernel flipped in both axes).</summary>
    public required ConvKind Kind { get; init; }

    /// <summary>Stride of both axes.</summary>
    public required int Stride { get; init; }

    /// <summary>Explicit padding of both axes (Valid only).</summary>
    public required int Padding { get; init; }

    /// <summary>Dilation of both axes.</summary>
    public required int Dilation { get; init; }

    /// <summary>Padding above, as PyTorch applied it (for checking <see cref="ConvAxis"/>).</summary>
    public required int PadTop { get; init; }

    /// <summary>Padding below.</summary>
    public required int PadBottom { get; init; }

    /// <summary>Padding on the left.</summary>
    public required int PadLeft { get; init; }

    /// <summary>Padding on the right.</summary>
    public required int PadRight { get; init; }

    /// <summary>Output height Ho.</summary>
    public required int OutHeight { get; init; }

    /// <summary>Output width Wo.</summary>
    public required int OutWidth { get; init; }

    /// <summary>N×C×H×W.</summary>
    public required float[] Input { get; init; }

    /// <summary>K×C×R×S.</summary>
    public required float[] Weights { get; init; }

    /// <summary>K.</summary>
    public required float[] Bias { get; init; }

    /// <summary>N×K×Ho×Wo, dLoss/dOutput fed to both backward passes.</summary>
    public required float[] OutputGrad { get; init; }

    /// <summary>N×K×Ho×Wo, the forward result.</summary>
    public required float[] Output { get; init; }

    /// <summary>N×C×H×W, dLoss/dInput.</summary>
    public required float[] InputGrad { get; init; }

    /// <summary>K×C×R×S, dLoss/dWeights summed over the batch.</summary>
    public required float[] WeightGrad { get; init; }

    /// <summary>K, dLoss/dBias summed over the batch.</summary>
    public required float[] BiasGrad { get; init; }

    /// <summary>The case's shape, with padding and output size derived by <see cref="ConvAxis"/> (not copied from the file).</summary>
    [JsonIgnore]
    public Conv2DShape Shape => new(InChannels, InHeight, InWidth, OutChannels, KernelHeight, KernelWidth, Mode, Kind, Stride, Padding, Dilation);

    /// <inheritdoc/>
    public IEnumerable<(string Field, int Length, int Expected)> ArrayLengths()
    {
        Conv2DShape shape = Shape;
        yield return (nameof(Input), Input.Length, Batch * shape.InputLength);
        yield return (nameof(InputGrad), InputGrad.Length, Batch * shape.InputLength);
        yield return (nameof(Output), Output.Length, Batch * shape.OutputLength);
        yield return (nameof(OutputGrad), OutputGrad.Length, Batch * shape.OutputLength);
        yield return (nameof(Weights), Weights.Length, shape.WeightLength);
        yield return (nameof(WeightGrad), WeightGrad.Length, shape.WeightLength);
        yield return (nameof(Bias), Bias.Length, shape.BiasLength);
        yield return (nameof(BiasGrad), BiasGrad.Length, shape.BiasLength);
    }

    /// <summary>The name, so that test output stays readable.</summary>
    public override string ToString() => Name;
}

/// <summary>Loads <c>Reference/conv2d.json</c> once, checked by <see cref="ReferenceFile"/>.</summary>
public static class ReferenceCases
{
    /// <summary>The format this loader understands.</summary>
    public const string Format = "conv2d-reference/1";

    private static readonly Lazy<IReadOnlyList<ReferenceCase>> Cases = new(() => ReferenceFile.Read<Conv2DReferenceFile>(FilePath, Format).Cases);

    /// <summary>Path of the file read.</summary>
    public static string FilePath => ReferenceFile.PathOf("conv2d.json");

    /// <summary>Every case, in file order.</summary>
    public static IReadOnlyList<ReferenceCase> All => Cases.Value;

    /// <summary>Every case name, for <c>[MemberData(nameof(ReferenceCases.Names), MemberType = typeof(ReferenceCases))]</c>.</summary>
    public static TheoryData<string> Names => ReferenceFile.Names(All);

    /// <summary>The case called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such case.</exception>
    public static ReferenceCase ByName(string name) => ReferenceFile.ByName(All, name, FilePath);

    private sealed record Conv2DReferenceFile(string Format, ReferenceCase[] Cases) : IReferenceFile
    {
        public IEnumerable<IReferenceCase> AllCases() => Cases;
    }
}
