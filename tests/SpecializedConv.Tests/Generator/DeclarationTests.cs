using System;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using SpecializedConv.Generators;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Generator;

/// <summary>
/// Every way a user may legitimately declare a layer generates code that compiles, reads the attribute right and
/// computes the right thing: each layer's <c>Shape</c> is compared with the declared one, its forward pass with
/// <see cref="ReferenceConv2D"/> on seeded random data, and its file is named <c>Namespace.Outer.Type.Conv2D.g.cs</c>.
/// </summary>
/// <remarks>
/// Tolerance: <see cref="NumericAssert.ReferenceTolerance"/> (1e-4 of the largest expected magnitude). The reference sums
/// in double; a generated layer sums at most C·R·S ≤ 3·3·3 = 27 float products per output (plus the bias), whose
/// rounding is a few units of 2^-24 ≈ 6e-8 each, so its error stays below 1e-5 of the magnitude. These tests are about
/// declarations, not numerics: any misread attribute or wrong type moves outputs by whole units.
/// </remarks>
public sealed class DeclarationTests
{
    [Fact]
    public void A_class_in_the_global_namespace_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\n[Conv2D(1, 8, 8, 2, 3)] public partial class GlobalLayer { }" },
            new ExpectedLayer("GlobalLayer", "GlobalLayer.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)));
    }

    [Fact]
    public void A_class_in_a_file_scoped_namespace_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo.Vision;\n[Conv2D(2, 7, 9, 3, 3)] public partial class FileScoped { }" },
            new ExpectedLayer("Demo.Vision.FileScoped", "Demo.Vision.FileScoped.Conv2D.g.cs", new Conv2DShape(2, 7, 9, 3, 3, 3)));
    }

    [Fact]
    public void A_class_in_nested_block_namespaces_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo\n{\n    namespace Vision\n    {\n        [Conv2D(2, 7, 9, 3, 3)] public partial class BlockScoped { }\n    }\n}" },
            new ExpectedLayer("Demo.Vision.BlockScoped", "Demo.Vision.BlockScoped.Conv2D.g.cs", new Conv2DShape(2, 7, 9, 3, 3, 3)));
    }

    [Fact]
    public void A_static_class_gets_a_nested_Kernel_type_that_implements_the_kernel_interface()
    {
        Assembly assembly = AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n[Conv2D(1, 9, 8, 2, 3, Stride = 2)] public static partial class StaticLayer { }" },
            new ExpectedLayer("Demo.StaticLayer", "Demo.StaticLayer.Conv2D.g.cs", new Conv2DShape(1, 9, 8, 2, 3, 3, stride: 2)));

        Type layer = assembly.GetType("Demo.StaticLayer", throwOnError: true)!;
        Assert.True(layer.IsAbstract && layer.IsSealed, "The layer class is no longer static.");
        Type kernel = layer.GetNestedType("Kernel") ?? throw new Xunit.Sdk.XunitException("A static layer has no nested Kernel type.");
        Assert.True(typeof(IConv2DKernel).IsAssignableFrom(kernel));
        Assert.Equal(kernel, GeneratedLayer.For(layer).KernelType);
    }

    [Fact]
    public void A_class_nested_in_a_partial_struct_and_a_partial_record_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[]
            {
                """
                using SpecializedConv;
                namespace Demo;
                public partial struct Outer
                {
                    public partial record Middle
                    {
                        [Conv2D(2, 6, 10, 2, 2, 3)]
                        public partial class Layer { }
                    }
                }
                """,
            },
            new ExpectedLayer("Demo.Outer+Middle+Layer", "Demo.Outer.Middle.Layer.Conv2D.g.cs", new Conv2DShape(2, 6, 10, 2, 2, 3)));
    }

    [Fact]
    public void A_partial_record_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n[Conv2D(1, 8, 8, 2, 3, Mode = ConvMode.Same)] public partial record RecordLayer(int Tag);" },
            new ExpectedLayer("Demo.RecordLayer", "Demo.RecordLayer.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3, ConvMode.Same)));
    }

    [Fact]
    public void An_abstract_partial_class_generates_a_working_layer()
    {
        // The passes are static, so an abstract class works as a kernel type without ever being instantiated.
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n[Conv2D(1, 8, 8, 2, 3)] public abstract partial class AbstractLayer { public abstract int Tag { get; } }" },
            new ExpectedLayer("Demo.AbstractLayer", "Demo.AbstractLayer.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)));
    }

    [Fact]
    public void A_sealed_partial_class_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n[Conv2D(1, 8, 8, 2, 3, Kind = ConvKind.Convolution)] public sealed partial class SealedLayer { }" },
            new ExpectedLayer("Demo.SealedLayer", "Demo.SealedLayer.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3, kind: ConvKind.Convolution)));
    }

    [Fact]
    public void An_internal_class_generates_a_working_layer()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n[Conv2D(1, 8, 8, 2, 3)] internal partial class InternalLayer { }" },
            new ExpectedLayer("Demo.InternalLayer", "Demo.InternalLayer.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)));
    }

    [Fact]
    public void The_same_class_name_in_two_namespaces_generates_two_distinct_layers()
    {
        AssertGeneratesWorkingLayers(
            new[]
            {
                """
                using SpecializedConv;
                namespace Demo.Left { [Conv2D(1, 8, 8, 2, 3)] public partial class Layer { } }
                namespace Demo.Right { [Conv2D(2, 6, 7, 3, 2, Padding = 1)] public partial class Layer { } }
                """,
            },
            new ExpectedLayer("Demo.Left.Layer", "Demo.Left.Layer.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)),
            new ExpectedLayer("Demo.Right.Layer", "Demo.Right.Layer.Conv2D.g.cs", new Conv2DShape(2, 6, 7, 3, 2, 2, padding: 1)));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Partial_parts_in_two_files_with_the_attribute_on_one_part_generate_one_layer(int fileWithAttribute)
    {
        // The other part uses a generated constant: it must be the same class, not a second one.
        string Attribute(int file) => file == fileWithAttribute ? "[SpecializedConv.Conv2D(2, 8, 9, 2, 3)]\n" : string.Empty;
        string[] parts =
        {
            $"namespace Demo;\n{Attribute(0)}public partial class SplitLayer {{ public static int ChannelsTimesTwo => InChannels * 2; }}",
            $"namespace Demo;\n{Attribute(1)}public sealed partial class SplitLayer {{ public static int Taps => KernelHeight * KernelWidth; }}",
        };

        Assembly assembly = AssertGeneratesWorkingLayers(
            parts,
            new ExpectedLayer("Demo.SplitLayer", "Demo.SplitLayer.Conv2D.g.cs", new Conv2DShape(2, 8, 9, 2, 3, 3)));

        Type layer = assembly.GetType("Demo.SplitLayer", throwOnError: true)!;
        Assert.Equal(4, layer.GetProperty("ChannelsTimesTwo")!.GetValue(null));
        Assert.Equal(9, layer.GetProperty("Taps")!.GetValue(null));
    }

    [Fact]
    public void The_five_argument_constructor_declares_a_square_kernel()
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n[Conv2D(2, 9, 11, 3, 2, Stride = 2, Dilation = 2)] public partial class SquareKernel { }" },
            new ExpectedLayer("Demo.SquareKernel", "Demo.SquareKernel.Conv2D.g.cs", new Conv2DShape(2, 9, 11, 3, 2, 2, stride: 2, dilation: 2)));
    }

    [Fact]
    public void Named_properties_are_read_whatever_their_order()
    {
        var shape = new Conv2DShape(2, 10, 9, 3, 3, 2, ConvMode.Valid, ConvKind.Convolution, stride: 2, padding: 1, dilation: 2);
        AssertGeneratesWorkingLayers(
            new[]
            {
                """
                using SpecializedConv;
                namespace Demo;
                [Conv2D(2, 10, 9, 3, 3, 2, Mode = ConvMode.Valid, Kind = ConvKind.Convolution, Stride = 2, Padding = 1, Dilation = 2)]
                public partial class InOrder { }
                [Conv2D(2, 10, 9, 3, 3, 2, Dilation = 2, Padding = 1, Stride = 2, Kind = ConvKind.Convolution, Mode = ConvMode.Valid)]
                public partial class Reversed { }
                [Conv2D(2, 10, 9, 3, 3, 2, Stride = 2, Dilation = 2, Kind = ConvKind.Convolution, Padding = 1)]
                public partial class Shuffled { }
                """,
            },
            new ExpectedLayer("Demo.InOrder", "Demo.InOrder.Conv2D.g.cs", shape),
            new ExpectedLayer("Demo.Reversed", "Demo.Reversed.Conv2D.g.cs", shape),
            new ExpectedLayer("Demo.Shuffled", "Demo.Shuffled.Conv2D.g.cs", shape));
    }

    [Fact]
    public void Named_constructor_arguments_are_read_whatever_their_order()
    {
        AssertGeneratesWorkingLayers(
            new[]
            {
                """
                using SpecializedConv;
                namespace Demo;
                [Conv2D(kernelWidth: 3, outChannels: 2, inWidth: 9, kernelHeight: 2, inHeight: 7, inChannels: 3, Mode = ConvMode.Full)]
                public partial class Rectangular { }
                [Conv2D(kernelSize: 3, inChannels: 1, outChannels: 2, inWidth: 8, inHeight: 6)]
                public partial class Square { }
                """,
            },
            new ExpectedLayer("Demo.Rectangular", "Demo.Rectangular.Conv2D.g.cs", new Conv2DShape(3, 7, 9, 2, 2, 3, ConvMode.Full)),
            new ExpectedLayer("Demo.Square", "Demo.Square.Conv2D.g.cs", new Conv2DShape(1, 6, 8, 2, 3, 3)));
    }

    [Fact]
    public void The_attribute_is_recognised_qualified_with_its_suffix_or_through_an_alias()
    {
        AssertGeneratesWorkingLayers(
            new[]
            {
                """
                using Alias = SpecializedConv.Conv2DAttribute;
                namespace Demo;
                [SpecializedConv.Conv2D(1, 8, 8, 2, 3)] public partial class Qualified { }
                [SpecializedConv.Conv2DAttribute(1, 8, 8, 2, 3)] public partial class Suffixed { }
                [Alias(1, 8, 8, 2, 3)] public partial class Aliased { }
                """,
            },
            new ExpectedLayer("Demo.Qualified", "Demo.Qualified.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)),
            new ExpectedLayer("Demo.Suffixed", "Demo.Suffixed.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)),
            new ExpectedLayer("Demo.Aliased", "Demo.Aliased.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)));
    }

    // ---- Regressions: generator bugs found while writing these tests, fixed since. ----

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class @event { }", "Demo.event", "Demo.event.Conv2D.g.cs")]
    [InlineData("public partial class @class { [Conv2D(1, 8, 8, 2, 3)] public partial class Layer { } }", "Demo.class+Layer", "Demo.class.Layer.Conv2D.g.cs")]
    public void A_class_named_with_a_keyword_generates_a_working_layer(string declaration, string metadataName, string hintName)
    {
        AssertGeneratesWorkingLayers(
            new[] { "using SpecializedConv;\nnamespace Demo;\n" + declaration },
            new ExpectedLayer(metadataName, hintName, new Conv2DShape(1, 8, 8, 2, 3, 3)));
    }

    [Fact]
    public void Types_in_the_layers_namespace_do_not_shadow_the_ones_the_generated_code_uses()
    {
        AssertGeneratesWorkingLayers(
            new[]
            {
                """
                using SpecializedConv;
                namespace Demo;
                internal static class MemoryMarshal { }
                internal static class Unsafe { }
                internal static class Vector256 { }
                internal static class Span { }
                [Conv2D(1, 8, 8, 2, 3)] public partial class Shadowed { }
                """,
            },
            new ExpectedLayer("Demo.Shadowed", "Demo.Shadowed.Conv2D.g.cs", new Conv2DShape(1, 8, 8, 2, 3, 3)));
    }

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public static partial class Kernel { }")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Forward { }")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Shape { }")]
    public void A_layer_named_like_a_generated_member_compiles_or_is_reported(string declaration)
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run("using SpecializedConv;\nnamespace Demo;\n" + declaration);

        bool reported = result.Diagnostics.Any(d => d.Id.StartsWith("SCONV", StringComparison.Ordinal));
        Diagnostic[] errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(reported || errors.Length == 0, "Neither a diagnostic nor compiling code:" + Environment.NewLine + GeneratorHarness.Describe(errors));
    }

    // ---- Helpers. ----

    /// <param name="MetadataName">The loaded type's name for <see cref="Assembly.GetType(string)"/>: nested types after '+'.</param>
    /// <param name="HintName">The generated file's name.</param>
    /// <param name="Shape">What the attribute declares.</param>
    private sealed record ExpectedLayer(string MetadataName, string HintName, Conv2DShape Shape);

    /// <summary>
    /// Generates <paramref name="sources"/> and checks: no diagnostic, exactly the expected files; then compiles and loads
    /// them, and for each layer checks its shape and runs its forward pass against the reference. Returns the assembly.
    /// </summary>
    private static Assembly AssertGeneratesWorkingLayers(string[] sources, params ExpectedLayer[] layers)
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(sources);
        // The driver runs the project's other generators too: none may throw, and the Conv2D one must have run.
        Assert.All(result.Results, run => Assert.True(run.Exception is null, $"{run.Generator.GetGeneratorType().Name} threw: {run.Exception}"));
        Assert.Single(result.Results, run => run.Generator.GetGeneratorType() == typeof(Conv2DGenerator));
        Assert.True(result.Diagnostics.IsEmpty, "The generator reported:" + Environment.NewLine + GeneratorHarness.Describe(result.Diagnostics));
        Assert.Equal(
            layers.Select(layer => layer.HintName).Order(StringComparer.Ordinal),
            result.GeneratedTrees.Select(tree => tree.FilePath[(tree.FilePath.LastIndexOfAny(new[] { '/', '\\' }) + 1)..]).Order(StringComparer.Ordinal));
        Assert.All(layers, layer => Assert.Contains(result.GeneratedTrees, tree => tree.FilePath.EndsWith("/" + layer.HintName, StringComparison.Ordinal)));

        Assembly assembly = GeneratorHarness.CompileAndLoad(sources);
        for (int i = 0; i < layers.Length; i++)
        {
            AssertForwardMatchesReference(assembly, layers[i], seed: 1000 + i);
        }

        return assembly;
    }

    /// <summary>Two samples of random input, weights and bias; the output poisoned with NaN so an unwritten element fails.</summary>
    private static void AssertForwardMatchesReference(Assembly assembly, ExpectedLayer expected, int seed)
    {
        Type type = assembly.GetType(expected.MetadataName, throwOnError: true)!;
        GeneratedLayer layer = GeneratedLayer.For(type);
        Assert.Equal(expected.Shape, layer.Shape);

        const int Samples = 2;
        var random = new Random(seed);
        float[] input = NumericAssert.RandomArray(random, Samples * layer.Shape.InputLength);
        float[] weights = NumericAssert.RandomArray(random, layer.Shape.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, layer.Shape.BiasLength);
        float[] reference = new float[Samples * layer.Shape.OutputLength];
        float[] output = NumericAssert.Poisoned(reference.Length);

        ReferenceConv2D.Forward(layer.Shape, input, weights, bias, reference);
        layer.Forward(input, weights, bias, output);

        NumericAssert.AssertClose(reference, output, NumericAssert.ReferenceTolerance, $"{expected.MetadataName} forward");
    }
}
