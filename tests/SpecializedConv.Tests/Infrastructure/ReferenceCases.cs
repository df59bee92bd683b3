using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>
/// One worked case of <c>Reference/conv2d.json</c>: a layer shape, float32-exact inputs, and the forward and
/// backward results PyTorch computed in float64. Field meanings are in <c>Reference/README.md</c>.
/// Arrays are row-major: input and inputGrad N×C×H×W, weights and weightGrad K×C×R×S, bias and biasGrad K,
/// output and outputGrad N×K×Ho×Wo.
/// </summary>
public sealed record ReferenceCase
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

    /// <summary>The name, so that test output stays readable.</summary>
    public override string ToString() => Name;
}

/// <summary>Loads <c>Reference/conv2d.json</c> (copied next to the test assembly) once, and checks it is well formed.</summary>
public static class ReferenceCases
{
    /// <summary>The format this loader understands.</summary>
    public const string Format = "conv2d-reference/1";

    private static readonly Lazy<IReadOnlyList<ReferenceCase>> Cases = new(Load);

    /// <summary>Path of the file read.</summary>
    public static string FilePath => Path.Combine(AppContext.BaseDirectory, "Reference", "conv2d.json");

    /// <summary>Every case, in file order.</summary>
    public static IReadOnlyList<ReferenceCase> All => Cases.Value;

    /// <summary>Every case name, for <c>[MemberData(nameof(ReferenceCases.Names), MemberType = typeof(ReferenceCases))]</c>.</summary>
    public static TheoryData<string> Names
    {
        get
        {
            var names = new TheoryData<string>();
            foreach (ReferenceCase referenceCase in All)
            {
                names.Add(referenceCase.Name);
            }

            return names;
        }
    }

    /// <summary>The case called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such case.</exception>
    public static ReferenceCase ByName(string name) =>
        All.FirstOrDefault(referenceCase => referenceCase.Name == name)
        ?? throw new KeyNotFoundException($"No reference case named '{name}' in {FilePath}.");

    private static IReadOnlyList<ReferenceCase> Load()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
        };

        ReferenceFile file = JsonSerializer.Deserialize<ReferenceFile>(File.ReadAllText(FilePath), options)
            ?? throw new InvalidDataException($"{FilePath} is empty.");
        if (file.Format != Format)
        {
            throw new InvalidDataException($"{FilePath} has format '{file.Format}', expected '{Format}'.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (ReferenceCase referenceCase in file.Cases)
        {
            if (!names.Add(referenceCase.Name))
            {
                throw new InvalidDataException($"{FilePath} has two cases named '{referenceCase.Name}'.");
            }

            CheckLengths(referenceCase);
        }

        return file.Cases;
    }

    private static void CheckLengths(ReferenceCase referenceCase)
    {
        Conv2DShape shape = referenceCase.Shape;
        int batch = referenceCase.Batch;
        Check(referenceCase.Input, batch * shape.InputLength, nameof(ReferenceCase.Input));
        Check(referenceCase.InputGrad, batch * shape.InputLength, nameof(ReferenceCase.InputGrad));
        Check(referenceCase.Output, batch * shape.OutputLength, nameof(ReferenceCase.Output));
        Check(referenceCase.OutputGrad, batch * shape.OutputLength, nameof(ReferenceCase.OutputGrad));
        Check(referenceCase.Weights, shape.WeightLength, nameof(ReferenceCase.Weights));
        Check(referenceCase.WeightGrad, shape.WeightLength, nameof(ReferenceCase.WeightGrad));
        Check(referenceCase.Bias, shape.BiasLength, nameof(ReferenceCase.Bias));
        Check(referenceCase.BiasGrad, shape.BiasLength, nameof(ReferenceCase.BiasGrad));

        void Check(float[] array, int expected, string field)
        {
            if (array.Length != expected)
            {
                throw new InvalidDataException($"Case '{referenceCase.Name}': {field} has {array.Length} elements, expected {expected}.");
            }
        }
    }

    private sealed record ReferenceFile(string Format, ReferenceCase[] Cases);
}
