using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SpecializedConv.Generators;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// Every diagnostic of the pooling and dense generators (SCONV020–SCONV025), and the generic Conv2D ones they reuse:
/// reported on the attribute, with a message that names the value and says what to change, and nothing generated for
/// the class. Also: an unrelated edit leaves every pipeline step cached.
/// </summary>
public sealed class LayerDiagnosticTests
{
    [Theory]
    [InlineData("[MaxPool2D(1, 8, 8, 2)]", "MaxPool2D")]
    [InlineData("[AvgPool2D(1, 8, 8, 2)]", "AvgPool2D")]
    [InlineData("[Dense(8, 2)]", "Dense")]
    public void Reports_SCONV020_when_the_layer_class_is_not_partial(string attribute, string name)
    {
        Diagnostic diagnostic = SingleDiagnostic($"{attribute}\npublic class Layer;", "SCONV020");
        Assert.Equal($"'Layer' has [{name}] but is not partial: add the 'partial' modifier so the generator can add the layer's members", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData("[MaxPool2D(0, 8, 8, 2)]", "Channels is 0: every size of a [MaxPool2D] layer (Channels, InHeight, InWidth, Size) must be at least 1")]
    [InlineData("[AvgPool2D(1, 8, 8, -3)]", "Size is -3: every size of a [AvgPool2D] layer (Channels, InHeight, InWidth, Size) must be at least 1")]
    [InlineData("[Dense(16, 0)]", "Outputs is 0: every size of a [Dense] layer (Inputs, Outputs) must be at least 1")]
    public void Reports_SCONV021_for_a_size_below_one(string attribute, string message)
    {
        Diagnostic diagnostic = SingleDiagnostic($"{attribute}\npublic partial class Layer;", "SCONV021");
        Assert.Equal(message, diagnostic.GetMessage());
    }

    [Fact]
    public void Reports_SCONV022_for_a_negative_stride()
    {
        Diagnostic diagnostic = SingleDiagnostic("[MaxPool2D(1, 8, 8, 2, Stride = -1)]\npublic partial class Layer;", "SCONV022");
        Assert.Equal("Stride is -1: use a positive stride, or 0 (the default) for a stride equal to the window size 2", diagnostic.GetMessage());
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-1)]
    public void Reports_SCONV023_for_padding_outside_zero_to_half_the_window(int padding)
    {
        Diagnostic diagnostic = SingleDiagnostic($"[AvgPool2D(1, 8, 8, 3, Padding = {padding})]\npublic partial class Layer;", "SCONV023");
        Assert.Equal(
            $"Padding is {padding} with a 3×3 window: it must be between 0 and 1 (half the window, as PyTorch requires), so that every window overlaps the input",
            diagnostic.GetMessage());
    }

    [Fact]
    public void Reports_SCONV024_when_the_window_is_larger_than_the_padded_input()
    {
        Diagnostic diagnostic = SingleDiagnostic("[MaxPool2D(1, 3, 9, 5, Padding = 0)]\npublic partial class Layer;", "SCONV024");
        Assert.Equal(
            "The height axis has a window of 5 but a padded input of only 3, so the output would be empty: use a smaller window, or more padding",
            diagnostic.GetMessage());
    }

    [Fact]
    public void Reports_SCONV025_when_a_class_declares_two_layers()
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Source("[Dense(8, 2)]\n[MaxPool2D(1, 8, 8, 2)]\npublic partial class Layer;"));
        Diagnostic[] found = result.Diagnostics.Where(d => d.Id == "SCONV025").OrderBy(d => d.GetMessage()).ToArray();
        Assert.Equal(2, found.Length);
        Assert.Equal("'Layer' has both [Dense] and [MaxPool2D]: a class declares one layer, so move one of the attributes to a class of its own", found[0].GetMessage());
        Assert.Equal("'Layer' has both [MaxPool2D] and [Dense]: a class declares one layer, so move one of the attributes to a class of its own", found[1].GetMessage());
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Reports_SCONV025_on_both_attributes_when_a_pooling_class_also_declares_a_convolution()
    {
        // Each attribute's generator reports the clash on its own attribute, naming the other one.
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Source("[Conv2D(1, 8, 8, 2, 3)]\n[AvgPool2D(1, 8, 8, 2)]\npublic partial class Layer;"));
        Assert.Equal(2, result.Diagnostics.Length);
        Assert.All(result.Diagnostics, diagnostic => Assert.Equal("SCONV025", diagnostic.Id));
        Assert.Contains(result.Diagnostics, diagnostic => diagnostic.GetMessage().Contains("both [AvgPool2D] and [Conv2D]", System.StringComparison.Ordinal));
        Assert.Contains(result.Diagnostics, diagnostic => diagnostic.GetMessage().Contains("both [Conv2D] and [AvgPool2D]", System.StringComparison.Ordinal));
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Reuses_SCONV007_when_a_length_exceeds_int_MaxValue()
    {
        Diagnostic diagnostic = SingleDiagnostic("[Dense(100000, 100000)]\npublic partial class Layer;", "SCONV007");
        Assert.Equal("WeightLength (Outputs × Inputs) is 10000000000 elements, more than int.MaxValue (2147483647): reduce the layer's sizes", diagnostic.GetMessage());
    }

    [Fact]
    public void Reuses_SCONV009_and_SCONV010_for_types_a_generated_part_cannot_join()
    {
        Diagnostic generic = SingleDiagnostic("[MaxPool2D(1, 8, 8, 2)]\npublic partial class Layer<T>;", "SCONV009");
        Assert.Contains("is generic", generic.GetMessage());
        Diagnostic outer = SingleDiagnostic("public class Outer\n{\n    [Dense(8, 2)]\n    public partial class Layer;\n}", "SCONV010");
        Assert.Equal("'Layer' is nested in 'Outer', which is not partial: add the 'partial' modifier to 'Outer'", outer.GetMessage());
    }

    [Theory]
    [InlineData("[Dense(8)]", "The [Dense] constructor call is not a valid value")]
    [InlineData("[MaxPool2D(1, 8, 8)]", "The [MaxPool2D] constructor call is not a valid value")]
    public void Reuses_SCONV011_when_the_attribute_does_not_bind(string attribute, string message)
    {
        // The compiler reports CS7036 as well; the generator must report instead of throwing, and generate nothing.
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Source($"{attribute}\npublic partial class Layer;"));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("SCONV011", diagnostic.Id);
        Assert.StartsWith(message, diagnostic.GetMessage());
        Assert.Empty(result.GeneratedTrees);
    }

    [Theory]
    [InlineData("[MaxPool2D(1, 8, 8, 2)] public partial class Stride;", "SCONV012", "'Stride'")]
    [InlineData("[Dense(8, 2)] public static partial class Kernel;", "SCONV012", "'Kernel'")]
    [InlineData("[AvgPool2D(1, 8, 8, 2)] public partial class Layer { public const int WindowArea = 4; }", "SCONV013", "'WindowArea'")]
    [InlineData("[Dense(8, 2)] public partial class Layer { public static void BackwardData() { } }", "SCONV013", "'BackwardData'")]
    public void Reuses_SCONV012_and_SCONV013_for_names_that_clash_with_generated_members(string declaration, string id, string messagePart)
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Source(declaration));
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(messagePart, diagnostic.GetMessage());
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Escapes_keyword_names_and_compiles_beside_user_types_that_shadow_system_names()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            "using SpecializedConv;\nnamespace @event;\npublic class Math { }\npublic class Vector256 { }\npublic class Span { }\n" +
            "public partial class @class\n{\n    [MaxPool2D(2, 6, 6, 2)] public partial class @int;\n    [AvgPool2D(2, 6, 6, 3, Padding = 1)] public static partial class @float;\n    [Dense(12, 5)] public partial record @string;\n}\n");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(3, result.GeneratedTrees.Length);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Every_new_descriptor_is_documented_and_tracked()
    {
        string[] ids = { "SCONV020", "SCONV021", "SCONV022", "SCONV023", "SCONV024", "SCONV025" };
        string root = RepositoryRoot();
        string releases = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "generators", "SpecializedConv.Generators", "AnalyzerReleases.Unshipped.md"));
        string docs = System.IO.File.ReadAllText(System.IO.Path.Combine(root, "docs", "diagnostics.md"));
        Assert.All(ids, id => Assert.Contains($"{id} | SpecializedConv | Error", releases));
        Assert.All(ids, id => Assert.Contains($"\n## {id}\n", docs));
        Assert.All(ids, id => Assert.Contains($"[{id}](#{id.ToLowerInvariant()})", docs));
    }

    [Fact]
    public void An_unrelated_edit_leaves_every_pooling_and_dense_step_cached()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Source(
            "[MaxPool2D(6, 24, 24, 2)] public partial class Pool;\n[AvgPool2D(6, 28, 28, 2)] public partial class Avg;\n[Dense(256, 120)] public partial class Full;\n[Dense(0, 1)] public partial class Broken;"));
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        Compilation edited = compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace Demo; public class Unrelated { }", GeneratorHarness.ParseOptions));

        GeneratorDriverRunResult result = driver.RunGenerators(edited).GetRunResult();

        string[] steps =
        {
            Pool2DGenerator.TrackingNames.Declarations, Pool2DGenerator.TrackingNames.Checked, Pool2DGenerator.TrackingNames.Plans, Pool2DGenerator.TrackingNames.Sources,
            DenseGenerator.TrackingNames.Declarations, DenseGenerator.TrackingNames.Checked, DenseGenerator.TrackingNames.Plans, DenseGenerator.TrackingNames.Sources,
        };
        var seen = new HashSet<string>();
        foreach (GeneratorRunResult generator in result.Results)
        {
            foreach (string step in steps.Where(generator.TrackedSteps.ContainsKey))
            {
                seen.Add(step);
                IncrementalStepRunReason[] reasons = generator.TrackedSteps[step].SelectMany(run => run.Outputs).Select(output => output.Reason).ToArray();
                Assert.NotEmpty(reasons);
                Assert.All(reasons, reason => Assert.True(
                    reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step} ran again: {reason}"));
            }
        }

        Assert.Equal(steps.Order(), seen.Order());
    }

    private static string Source(string declarations) => $"using SpecializedConv;\nnamespace Demo;\n{declarations}\n";

    /// <summary>Runs the generators; asserts exactly one generator diagnostic, with <paramref name="id"/>, on the attribute, and no generated file.</summary>
    private static Diagnostic SingleDiagnostic(string declarations, string id)
    {
        string source = Source(declarations);
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(source);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal($"https://github.com/specializedconv/specializedconv/blob/main/docs/diagnostics.md#{id.ToLowerInvariant()}", diagnostic.Descriptor.HelpLinkUri);
        string located = source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length);
        Assert.Matches(@"^(MaxPool2D|AvgPool2D|Dense)\(", located);
        Assert.Empty(result.GeneratedTrees);
        return diagnostic;
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string path = "") =>
        System.IO.Path.GetFullPath(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(path)!, "..", "..", ".."));
}
