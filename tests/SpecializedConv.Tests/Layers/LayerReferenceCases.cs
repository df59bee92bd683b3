using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json.Serialization;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// One pooling case of <c>Reference/layers.json</c> (max or average): a shape, float32-exact inputs, and PyTorch's
/// forward and backward results in float64. Field meanings are in <c>Reference/make_layers.py</c>, which wrote the file.
/// Arrays are row-major: input and inputGrad N×C×H×W, output, outputGrad and argMax N×C×Ho×Wo.
/// </summary>
public sealed record PoolCase : IReferenceCase
{
    public required string Name { get; init; }

    public required int Batch { get; init; }

    public required int Channels { get; init; }

    public required int InHeight { get; init; }

    public required int InWidth { get; init; }

    public required int Size { get; init; }

    /// <summary>The stride PyTorch used (never 0).</summary>
    public required int Stride { get; init; }

    public required int Padding { get; init; }

    /// <summary>Output height as PyTorch computed it (for checking <see cref="PoolAxis"/>).</summary>
    public required int OutHeight { get; init; }

    /// <summary>Output width as PyTorch computed it.</summary>
    public required int OutWidth { get; init; }

    public required float[] Input { get; init; }

    public required float[] OutputGrad { get; init; }

    public required float[] Output { get; init; }

    /// <summary>Max pooling only: each maximum's index within its sample, c·H·W + y·W + x.</summary>
    public int[]? ArgMax { get; init; }

    public required float[] InputGrad { get; init; }

    /// <summary>The case's shape, with the output size derived by <see cref="PoolAxis"/> (not copied from the file).</summary>
    [JsonIgnore]
    public Pool2DShape Shape => new(Channels, InHeight, InWidth, Size, Stride, Padding);

    /// <inheritdoc/>
    public IEnumerable<(string Field, int Length, int Expected)> ArrayLengths()
    {
        Pool2DShape shape = Shape;
        yield return (nameof(Input), Input.Length, Batch * shape.InputLength);
        yield return (nameof(InputGrad), InputGrad.Length, Batch * shape.InputLength);
        yield return (nameof(Output), Output.Length, Batch * shape.OutputLength);
        yield return (nameof(OutputGrad), OutputGrad.Length, Batch * shape.OutputLength);
        if (ArgMax is not null)
        {
            yield return (nameof(ArgMax), ArgMax.Length, Batch * shape.OutputLength);
        }
    }

    public override string ToString() => Name;
}

/// <summary>One dense case of <c>Reference/layers.json</c>: input N×I, weights O×I, bias O, output and outputGrad N×O.</summary>
public sealed record DenseCase : IReferenceCase
{
    public required string Name { get; init; }

    public required int Batch { get; init; }

    public required int Inputs { get; init; }

    public required int Outputs { get; init; }

    public required float[] Input { get; init; }

    public required float[] Weights { get; init; }

    public required float[] Bias { get; init; }

    public required float[] OutputGrad { get; init; }

    public required float[] Output { get; init; }

    public required float[] InputGrad { get; init; }

    public required float[] WeightGrad { get; init; }

    public required float[] BiasGrad { get; init; }

    [JsonIgnore]
    public DenseShape Shape => new(Inputs, Outputs);

    /// <inheritdoc/>
    public IEnumerable<(string Field, int Length, int Expected)> ArrayLengths()
    {
        yield return (nameof(Input), Input.Length, Batch * Inputs);
        yield return (nameof(InputGrad), InputGrad.Length, Batch * Inputs);
        yield return (nameof(Output), Output.Length, Batch * Outputs);
        yield return (nameof(OutputGrad), OutputGrad.Length, Batch * Outputs);
        yield return (nameof(Weights), Weights.Length, Shape.WeightLength);
        yield return (nameof(WeightGrad), WeightGrad.Length, Shape.WeightLength);
        yield return (nameof(Bias), Bias.Length, Outputs);
        yield return (nameof(BiasGrad), BiasGrad.Length, Outputs);
    }

    public override string ToString() => Name;
}

/// <summary>Loads <c>Reference/layers.json</c> once, checked by <see cref="ReferenceFile"/> (and every max-pooling case has its arg-maxima).</summary>
public static class LayerReferenceCases
{
    /// <summary>The format this loader understands.</summary>
    public const string Format = "layers-reference/1";

    private static readonly Lazy<LayersReferenceFile> File = new(Load);

    /// <summary>Path of the file read.</summary>
    public static string FilePath => ReferenceFile.PathOf("layers.json");

    public static IReadOnlyList<PoolCase> MaxPool => File.Value.MaxPool2D;

    public static IReadOnlyList<PoolCase> AvgPool => File.Value.AvgPool2D;

    public static IReadOnlyList<DenseCase> Dense => File.Value.Dense;

    public static TheoryData<string> MaxPoolNames => ReferenceFile.Names(MaxPool);

    public static TheoryData<string> AvgPoolNames => ReferenceFile.Names(AvgPool);

    public static TheoryData<string> DenseNames => ReferenceFile.Names(Dense);

    public static PoolCase MaxPoolCase(string name) => ReferenceFile.ByName(MaxPool, name, FilePath);

    public static PoolCase AvgPoolCase(string name) => ReferenceFile.ByName(AvgPool, name, FilePath);

    public static DenseCase DenseCase(string name) => ReferenceFile.ByName(Dense, name, FilePath);

    private static LayersReferenceFile Load()
    {
        LayersReferenceFile file = ReferenceFile.Read<LayersReferenceFile>(FilePath, Format);
        if (file.MaxPool2D.FirstOrDefault(c => c.ArgMax is null) is { } missing)
        {
            throw new InvalidDataException($"{FilePath}, case '{missing.Name}': a max-pooling case without argMax.");
        }

        return file;
    }

    private sealed record LayersReferenceFile(string Format, string Torch, PoolCase[] MaxPool2D, PoolCase[] AvgPool2D, DenseCase[] Dense) : IReferenceFile
    {
        public IEnumerable<IReferenceCase> AllCases() => MaxPool2D.Concat<IReferenceCase>(AvgPool2D).Concat(Dense);
    }
}
