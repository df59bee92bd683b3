using System.Linq;
using Microsoft.CodeAnalysis;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// The generated pooling and dense code is a product people read: these snapshots (Verify's file convention, see
/// <see cref="Snapshot"/>) show each change to it in review. Accept changes with SPECIALIZEDCONV_ACCEPT_SNAPSHOTS=1.
/// </summary>
public sealed class LayerSnapshotTests
{
    [Fact]
    public void Emits_lenet_max_pool1_with_a_clamped_last_block() => VerifyLayer("[MaxPool2D(6, 24, 24, 2)]", "LeNetPool1", "MaxPool2D");

    [Fact]
    public void Emits_lenet_max_pool2_two_window_rows_a_vector() => VerifyLayer("[MaxPool2D(16, 8, 8, 2)]", "LeNetPool2", "MaxPool2D");

    [Fact]
    public void Emits_overlapping_max_pool_with_partial_rows() => VerifyLayer("[MaxPool2D(4, 9, 9, 3, Stride = 2)]", "PartialRows", "MaxPool2D");

    [Fact]
    public void Emits_padded_overlapping_max_pool_starting_from_negative_infinity() =>
        VerifyLayer("[MaxPool2D(3, 13, 11, 3, Stride = 2, Padding = 1)]", "PaddedPool", "MaxPool2D");

    [Fact]
    public void Emits_lenet_average_subsampling_in_a_static_class() =>
        VerifyLayer("[AvgPool2D(6, 28, 28, 2)]", "LeNetSubsampling1", "AvgPool2D", "public static partial class");

    [Fact]
    public void Emits_lenet_dense1_blocked_over_samples_and_outputs() => VerifyLayer("[Dense(256, 120)]", "LeNetFull1", "Dense");

    [Fact]
    public void Emits_lenet_dense3_with_a_masked_input_tail() => VerifyLayer("[Dense(84, 10)]", "LeNetFull3", "Dense");

    private static void VerifyLayer(
        string attribute, string typeName, string kind, string declaration = "public partial class", [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        string source = $"using SpecializedConv;\nnamespace Demo;\n{attribute}\n{declaration} {typeName};\n";
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        GeneratedSourceResult generated = Assert.Single(result.Results.SelectMany(run => run.GeneratedSources));
        Assert.Equal($"Demo.{typeName}.{kind}.g.cs", generated.HintName);
        Snapshot.Verify(nameof(LayerSnapshotTests), testName, generated.HintName, generated.SourceText.ToString(), System.IO.Path.GetFullPath(ThisFile()));
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
