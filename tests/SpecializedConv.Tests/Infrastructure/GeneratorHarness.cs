using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SpecializedConv.Generators;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>
/// Runs the real generator on source text in memory, the way the compiler does in a user's project: parse, run the
/// driver, compile the result against the runtime library, and (for numeric tests) load it.
/// </summary>
public static class GeneratorHarness
{
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        string[] platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return platform
            .Where(path => Path.GetFileName(path) is var name && (name.StartsWith("System.", StringComparison.Ordinal) || name is "netstandard.dll" or "mscorlib.dll"))
            .Append(typeof(Conv2DShape).Assembly.Location)
            .Select(path => (MetadataReference)MetadataReference.CreateFromFile(path))
            .ToArray();
    });

    public static CSharpCompilation CreateCompilation(params string[] sources) =>
        CSharpCompilation.Create(
            "GeneratedLayers" + Guid.NewGuid().ToString("N"),
            sources.Select((text, i) => CSharpSyntaxTree.ParseText(text, ParseOptions, path: $"Source{i}.cs")),
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, optimizationLevel: OptimizationLevel.Release));

    public static GeneratorDriver CreateDriver() =>
        CSharpGeneratorDriver.Create(
            new ISourceGenerator[] { new Conv2DGenerator().AsSourceGenerator(), new Pool2DGenerator().AsSourceGenerator(), new DenseGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator once; returns its result and the compilation with the generated files added.</summary>
    public static (GeneratorDriverRunResult Result, Compilation Output) Run(params string[] sources)
    {
        CSharpCompilation input = CreateCompilation(sources);
        GeneratorDriver driver = CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _);
        return (driver.GetRunResult(), output);
    }

    /// <summary>The compiler's and the generator's errors and warnings, one per line, for failure messages.</summary>
    public static string Describe(IEnumerable<Diagnostic> diagnostics) =>
        string.Join(Environment.NewLine, diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.ToString()));

    /// <summary>Generates, compiles and loads <paramref name="sources"/>; fails with every diagnostic if anything is wrong.</summary>
    public static Assembly CompileAndLoad(params string[] sources)
    {
        (GeneratorDriverRunResult result, Compilation output) = Run(sources);
        if (result.Diagnostics.Length > 0)
        {
            throw new InvalidOperationException("The generator reported:" + Environment.NewLine + Describe(result.Diagnostics));
        }

        using var image = new MemoryStream();
        var emit = output.Emit(image);
        if (!emit.Success)
        {
            throw new InvalidOperationException("The generated code does not compile:" + Environment.NewLine + Describe(emit.Diagnostics));
        }

        return Assembly.Load(image.ToArray());
    }

    /// <summary>C# declaring one layer class per shape, named <c>Layer0</c>, <c>Layer1</c>, … in namespace <c>Generated</c>.</summary>
    public static string DeclareLayers(IReadOnlyList<Conv2DShape> shapes)
    {
        var source = new StringBuilder("using SpecializedConv;\nnamespace Generated;\n");
        for (int i = 0; i < shapes.Count; i++)
        {
            Conv2DShape s = shapes[i];
            source.Append($"[Conv2D({s.InChannels}, {s.InHeight}, {s.InWidth}, {s.OutChannels}, {s.KernelHeight}, {s.KernelWidth}, ")
                  .Append($"Mode = ConvMode.{s.Mode}, Kind = ConvKind.{s.Kind}, Stride = {s.Stride}, Padding = {s.Padding}, Dilation = {s.Dilation})]\n")
                  .Append($"public partial class Layer{i} {{ }}\n");
        }

        return source.ToString();
    }

    /// <summary>Declares, generates, compiles and loads one layer per shape, in the order given.</summary>
    public static IReadOnlyList<GeneratedLayer> CompileLayers(IReadOnlyList<Conv2DShape> shapes)
    {
        Assembly assembly = CompileAndLoad(DeclareLayers(shapes));
        return shapes.Select((_, i) => GeneratedLayer.For(assembly.GetType($"Generated.Layer{i}", throwOnError: true)!)).ToArray();
    }

    /// <summary>
    /// One layer per named shape, compiled and loaded, with the source the generator wrote for it: for tests that pin
    /// which form the planner chose as well as the numbers (see <see cref="NamedLayers"/>).
    /// </summary>
    public static IReadOnlyDictionary<string, (GeneratedLayer Layer, string Source)> CompileNamedLayers(IReadOnlyList<(string Name, Conv2DShape Shape)> shapes)
    {
        Conv2DShape[] only = shapes.Select(s => s.Shape).ToArray();
        (GeneratorDriverRunResult result, _) = Run(DeclareLayers(only));
        IReadOnlyList<GeneratedLayer> layers = CompileLayers(only);
        return Enumerable.Range(0, only.Length).ToDictionary(
            i => shapes[i].Name,
            i => (layers[i], result.GeneratedTrees.Single(tree => tree.FilePath.EndsWith($"Generated.Layer{i}.Conv2D.g.cs", StringComparison.Ordinal)).ToString()));
    }
}

/// <summary>
/// A generated layer's passes as delegates, called through <see cref="IConv2DKernel"/>'s static abstract members
/// (as generic runtime code calls them), so tests exercise the interface too.
/// </summary>
public sealed class GeneratedLayer
{
    public delegate void ForwardPass(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output);

    public delegate void BackwardDataPass(ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad);

    public delegate void BackwardWeightsPass(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad);

    private GeneratedLayer(Type kernelType, Conv2DShape shape, ForwardPass forward, BackwardDataPass backwardData, BackwardWeightsPass backwardWeights)
    {
        KernelType = kernelType;
        Shape = shape;
        Forward = forward;
        BackwardData = backwardData;
        BackwardWeights = backwardWeights;
    }

    public Type KernelType { get; }

    public Conv2DShape Shape { get; }

    public ForwardPass Forward { get; }

    public BackwardDataPass BackwardData { get; }

    public BackwardWeightsPass BackwardWeights { get; }

    public static GeneratedLayer For<TKernel>()
        where TKernel : IConv2DKernel =>
        new(typeof(TKernel), TKernel.Shape, TKernel.Forward, TKernel.BackwardData, TKernel.BackwardWeights);

    /// <summary>Wraps a type implementing <see cref="IConv2DKernel"/> (for a static layer class, its nested <c>Kernel</c>).</summary>
    public static GeneratedLayer For(Type layerType)
    {
        Type kernelType = typeof(IConv2DKernel).IsAssignableFrom(layerType)
            ? layerType
            : layerType.GetNestedType("Kernel") ?? throw new ArgumentException($"{layerType} does not implement IConv2DKernel.", nameof(layerType));
        MethodInfo factory = typeof(GeneratedLayer).GetMethod(nameof(For), Type.EmptyTypes)!.MakeGenericMethod(kernelType);
        return (GeneratedLayer)factory.Invoke(null, null)!;
    }
}

/// <summary>
/// Layers of named shapes for theories over the names: compiled together (<see cref="GeneratorHarness.CompileNamedLayers"/>)
/// the first time one is asked for, so that listing the names costs nothing.
/// </summary>
public sealed class NamedLayers
{
    private readonly (string Name, Conv2DShape Shape)[] _shapes;
    private readonly Lazy<IReadOnlyDictionary<string, (GeneratedLayer Layer, string Source)>> _layers;

    public NamedLayers(IEnumerable<(string Name, Conv2DShape Shape)> shapes)
    {
        _shapes = shapes.ToArray();
        _layers = new(() => GeneratorHarness.CompileNamedLayers(_shapes));
    }

    /// <summary>The shapes' names, for <c>[MemberData]</c>.</summary>
    public TheoryData<string> Names => new(_shapes.Select(s => s.Name));

    /// <summary>The compiled layer of shape <paramref name="name"/> and the source generated for it.</summary>
    public (GeneratedLayer Layer, string Source) this[string name] => _layers.Value[name];
}
