using System.Linq;
using Microsoft.CodeAnalysis;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Generator;

/// <summary>
/// The generated code is a product people read: these snapshots (Verify's file convention, see
/// <see cref="Snapshot"/>) show each change to it in review. Accept changes with SPECIALIZEDCONV_ACCEPT_SNAPSHOTS=1.
/// </summary>
public sealed class GeneratorSnapshotTests
{
    [Fact]
    public void Emits_lenet_conv1() => VerifyLayer("[Conv2D(1, 28, 28, 6, 5, 5, Mode = ConvMode.Valid, Stride = 1)]", "LeNetConv1");

    [Fact]
    public void Emits_lenet_conv2_with_register_blocking() => VerifyLayer("[Conv2D(6, 12, 12, 16, 5, 5)]", "LeNetConv2");

    [Fact]
    public void Emits_same_mode_stride_2_with_phase_split_backward_data() =>
        VerifyLayer("[Conv2D(3, 16, 16, 8, 3, 3, Mode = ConvMode.Same, Stride = 2)]", "SameStride2");

    [Fact]
    public void Emits_channel_lane_backward_weights_where_the_planes_outgrow_l1() =>
        VerifyLayer("[Conv2D(3, 64, 64, 16, 3, 3, Mode = ConvMode.Same)]", "ChannelLanes");

    [Fact]
    public void Emits_full_mode_convolution_with_flipped_taps() =>
        VerifyLayer("[Conv2D(2, 10, 10, 4, 3, 3, Mode = ConvMode.Full, Kind = ConvKind.Convolution)]", "FullConvolution");

    [Fact]
    public void Emits_a_nested_kernel_type_for_a_static_class() =>
        VerifyLayer("[Conv2D(1, 8, 8, 2, 3)]", "StaticLayer", "public static partial class");

    private static void VerifyLayer(string attribute, string typeName, string declaration = "public partial class", [System.Runtime.CompilerServices.CallerMemberName] string testName = "")
    {
        string source = $"using SpecializedConv;\nnamespace Demo;\n{attribute}\n{declaration} {typeName};\n";
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Assert.Empty(result.Diagnostics);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
        GeneratedSourceResult generated = Assert.Single(result.Results[0].GeneratedSources);
        Assert.Equal($"Demo.{typeName}.Conv2D.g.cs", generated.HintName);
        Snapshot.Verify(nameof(GeneratorSnapshotTests), testName, generated.HintName, generated.SourceText.ToString(), System.IO.Path.GetFullPath(ThisFile()));
    }

    private static string ThisFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;
}
