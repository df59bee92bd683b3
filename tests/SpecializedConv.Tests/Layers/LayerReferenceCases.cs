using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// One pooling case of <c>Reference/layers.json</c> (max or average): a shape, float32-exact inputs, and PyTorch's
/// forward and backward results in float64. Field meanings are in <c>Reference/make_layers.py</c>, which wrote the file.
/// Arrays are row-major: input and inputGrad N×C×H×W, output, outputGrad and argMax N×C×Ho×Wo.
/// </summary>
public sealed record PoolCase
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

    public override string ToString() => Name;
}

/// <summary>One dense case of <c>Reference/layers.json</c>: input N×I, weights O×I, bias O, output and outputGrad N×O.</summary>
public sealed record DenseCase
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

    public override string ToString() => Name;
}

/// <summary>Loads <c>Reference/layers.json</c> (copied next to the test assembly) once, and checks it is well formed.</summary>
public static class LayerReferenceCases
{
    /// <summary>The format this loader understands.</summary>
    public const string Format = "layers-reference/1";

    private static readonly Lazy<ReferenceFile> File = new(Load);

    /// <summary>Path of the file read.</summary>
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Reference", "layers.json");

    public static IReadOnlyList<PoolCase> MaxPool => File.Value.MaxPool2D;

    public static IReadOnlyList<PoolCase> AvgPool => File.Value.AvgPool2D;

    public static IReadOnlyList<DenseCase> Dense => File.Value.Dense;

    public static TheoryData<string> MaxPoolNames => Names(MaxPool.Select(c => c.Name));

    public static TheoryData<string> AvgPoolNames => Names(AvgPool.Select(c => c.Name));

    public static TheoryData<string> DenseNames => Names(Dense.Select(c => c.Name));

    public static PoolCase MaxPoolCase(string name) => ByName(MaxPool, name, c => c.Name);

    public static PoolCase AvgPoolCase(string name) => ByName(AvgPool, name, c => c.Name);

    public static DenseCase DenseCase(string name) => ByName(Dense, name, c => c.Name);

    private static TheoryData<string> Names(IEnumerable<string> names)
    {
        var data = new TheoryData<string>();
        foreach (string name in names)
        {
            data.Add(name);
        }

        return data;
    }

    private static T ByName<T>(IReadOnlyList<T> cases, string name, Func<T, string> nameOf) =>
        cases.FirstOrDefault(c => nameOf(c) == name) ?? throw new KeyNotFoundException($"No reference case named '{name}' in {FilePath}.");

    private static ReferenceFile Load()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        };
        ReferenceFile file = JsonSerializer.Deserialize<ReferenceFile>(System.IO.File.ReadAllText(FilePath), options)
            ?? throw new InvalidDataException($"{FilePath} is empty.");
        if (file.Format != Format)
        {
            throw new InvalidDataException($"{FilePath} has format '{file.Format}', expected '{Format}'.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (PoolCase c in file.MaxPool2D.Concat(file.AvgPool2D))
        {
            Require(names.Add(c.Name), $"two cases named '{c.Name}'");
            Pool2DShape shape = c.Shape;
            Require(c.Input.Length == c.Batch * shape.InputLength && c.InputGrad.Length == c.Input.Length, $"'{c.Name}': input lengths");
            Require(c.Output.Length == c.Batch * shape.OutputLength && c.OutputGrad.Length == c.Output.Length, $"'{c.Name}': output lengths");
            Require(file.AvgPool2D.Contains(c) || c.ArgMax?.Length == c.Output.Length, $"'{c.Name}': argMax length");
        }

        foreach (DenseCase c in file.Dense)
        {
            Require(names.Add(c.Name), $"two cases named '{c.Name}'");
            DenseShape shape = c.Shape;
            Require(c.Input.Length == c.Batch * c.Inputs && c.InputGrad.Length == c.Input.Length, $"'{c.Name}': input lengths");
            Require(c.Output.Length == c.Batch * c.Outputs && c.OutputGrad.Length == c.Output.Length, $"'{c.Name}': output lengths");
            Require(c.Weights.Length == shape.WeightLength && c.WeightGrad.Length == shape.WeightLength, $"'{c.Name}': weight lengths");
            Require(c.Bias.Length == c.Outputs && c.BiasGrad.Length == c.Outputs, $"'{c.Name}': bias lengths");
        }

        return file;

        void Require(bool condition, string problem)
        {
            if (!condition)
            {
                throw new InvalidDataException($"{FilePath}: {problem}.");
            }
        }
    }

    private sealed record ReferenceFile(string Format, string Torch, PoolCase[] MaxPool2D, PoolCase[] AvgPool2D, DenseCase[] Dense);
}
