using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using SpecializedConv.Generators;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Generator;

/// <summary>
/// The generator's diagnostics as a product surface: every bad declaration gets the right SCONV id, as an error on the
/// attribute, with a message naming the offending value and a working help link; nothing is generated for that class,
/// the generator never throws, and a bad class does not take good ones down with it. Every descriptor is documented in
/// docs/diagnostics.md and tracked in AnalyzerReleases.*.md.
/// </summary>
public sealed class DiagnosticTests
{
    private const string Prelude = "using SpecializedConv;\nnamespace Demo;\n";

    private const string DiagnosticsDocument = "docs/diagnostics.md";

    // ---- One test (at least) per diagnostic id. ----

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public class NotPartial { }", "NotPartial")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public sealed record NotPartial;", "NotPartial")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public static class NotPartial { }", "NotPartial")]
    public void A_class_without_partial_reports_SCONV001(string declaration, string offendingName) =>
        AssertRejected(declaration, "Demo.NotPartial", ("SCONV001", $"'{offendingName}'"));

    [Fact]
    public void A_class_with_one_part_not_partial_reports_SCONV001()
    {
        // The compiler also reports CS0260 on the plain part; the generator must not add members to a type it cannot extend.
        AssertRejected(
            "[Conv2D(1, 8, 8, 2, 3)] public partial class HalfPartial { }\npublic class HalfPartial { }",
            "Demo.HalfPartial",
            ("SCONV001", "'HalfPartial'"));
    }

    [Theory]
    [InlineData("Conv2D(-3, 8, 8, 2, 3)", "InChannels is -3")]
    [InlineData("Conv2D(1, 0, 8, 2, 3)", "InHeight is 0")]
    [InlineData("Conv2D(1, 8, -1, 2, 3)", "InWidth is -1")]
    [InlineData("Conv2D(1, 8, 8, 0, 3)", "OutChannels is 0")]
    [InlineData("Conv2D(1, 8, 8, 2, 0, 3)", "KernelHeight is 0")]
    [InlineData("Conv2D(1, 8, 8, 2, 3, -2)", "KernelWidth is -2")]
    [InlineData("Conv2D(int.MinValue, 8, 8, 2, 3)", "InChannels is -2147483648")]
    public void A_size_below_one_reports_SCONV002_naming_the_size_and_its_value(string attribute, string messagePart) =>
        AssertRejected($"[{attribute}] public partial class Layer {{ }}", "Demo.Layer", ("SCONV002", messagePart));

    [Fact]
    public void A_square_kernel_size_of_zero_reports_both_kernel_axes_with_SCONV002()
    {
        AssertRejected(
            "[Conv2D(1, 8, 8, 2, 0)] public partial class Layer { }",
            "Demo.Layer",
            ("SCONV002", "KernelHeight is 0"),
            ("SCONV002", "KernelWidth is 0"));
    }

    [Theory]
    [InlineData("Stride = 0", "Stride is 0")]
    [InlineData("Stride = -2", "Stride is -2")]
    [InlineData("Dilation = 0", "Dilation is 0")]
    [InlineData("Dilation = -1", "Dilation is -1")]
    public void A_stride_or_dilation_below_one_reports_SCONV003(string namedArgument, string messagePart) =>
        AssertRejected($"[Conv2D(1, 8, 8, 2, 3, {namedArgument})] public partial class Layer {{ }}", "Demo.Layer", ("SCONV003", messagePart));

    [Theory]
    [InlineData("Mode = ConvMode.Same, Padding = 1", "Padding is 1 with Mode = ConvMode.Same")]
    [InlineData("Padding = 2, Mode = ConvMode.Full", "Padding is 2 with Mode = ConvMode.Full")]
    public void Padding_with_a_mode_other_than_valid_reports_SCONV004(string namedArguments, string messagePart) =>
        AssertRejected($"[Conv2D(1, 8, 8, 2, 3, {namedArguments})] public partial class Layer {{ }}", "Demo.Layer", ("SCONV004", messagePart));

    [Theory]
    [InlineData("Padding = -1", "Padding is -1")]
    [InlineData("Padding = -5, Mode = ConvMode.Same", "Padding is -5")]
    public void Negative_padding_reports_SCONV005_and_nothing_about_the_mode(string namedArguments, string messagePart) =>
        AssertRejected($"[Conv2D(1, 8, 8, 2, 3, {namedArguments})] public partial class Layer {{ }}", "Demo.Layer", ("SCONV005", messagePart));

    [Theory]
    [InlineData("Conv2D(1, 8, 4, 2, 3, 5)", "The width axis has a dilated kernel extent of 5 but a padded input of only 4")]
    [InlineData("Conv2D(1, 2, 8, 2, 3, 1)", "The height axis has a dilated kernel extent of 3 but a padded input of only 2")]
    [InlineData("Conv2D(1, 8, 6, 2, 1, 3, Dilation = 3)", "The width axis has a dilated kernel extent of 7 but a padded input of only 6")]
    [InlineData("Conv2D(1, 8, 2, 2, 1, 5, Padding = 1)", "The width axis has a dilated kernel extent of 5 but a padded input of only 4")]
    public void A_kernel_larger_than_the_padded_input_reports_SCONV006_naming_the_axis_and_both_extents(string attribute, string messagePart) =>
        AssertRejected($"[{attribute}] public partial class Layer {{ }}", "Demo.Layer", ("SCONV006", messagePart));

    [Fact]
    public void A_square_kernel_larger_than_a_square_input_reports_SCONV006_for_each_axis()
    {
        AssertRejected(
            "[Conv2D(1, 4, 4, 2, 5)] public partial class Layer { }",
            "Demo.Layer",
            ("SCONV006", "The height axis has a dilated kernel extent of 5 but a padded input of only 4"),
            ("SCONV006", "The width axis has a dilated kernel extent of 5 but a padded input of only 4"));
    }

    [Fact]
    public void A_layer_whose_lengths_exceed_int_MaxValue_reports_SCONV007_for_each_length()
    {
        // 50000³ input elements and 50000² output elements; the 50000 weights fit.
        AssertRejected(
            "[Conv2D(50000, 50000, 50000, 1, 1)] public partial class Huge { }",
            "Demo.Huge",
            ("SCONV007", "InputLength (InChannels × InHeight × InWidth) is 125000000000000"),
            ("SCONV007", "OutputLength (OutChannels × OutHeight × OutWidth) is 2500000000"));
    }

    [Theory]
    [InlineData("Conv2D(50000, 8, 8, 50000, 1)", "WeightLength (OutChannels × InChannels × KernelHeight × KernelWidth) is 2500000000")]
    [InlineData("Conv2D(1, 1000, 1000, 5000, 1)", "OutputLength (OutChannels × OutHeight × OutWidth) is 5000000000")]
    [InlineData("Conv2D(1, 2147483647, 8, 1, 3, Mode = ConvMode.Full)", "The padded input height is 2147483651")]
    public void A_single_length_beyond_int_MaxValue_reports_SCONV007_naming_it_and_its_size(string attribute, string messagePart) =>
        AssertRejected($"[{attribute}] public partial class Huge {{ }}", "Demo.Huge", ("SCONV007", messagePart));

    [Theory]
    [InlineData("Conv2D(1, 16, 16, 2, 12)", "12×12 = 144")]
    [InlineData("Conv2D(1, 16, 16, 2, 12, 11)", "12×11 = 132")]
    [InlineData("Conv2D(1, 8, 200, 2, 1, 122)", "1×122 = 122")]
    public void A_kernel_with_more_than_121_taps_reports_SCONV008(string attribute, string messagePart) =>
        AssertRejected($"[{attribute}] public partial class Layer {{ }}", "Demo.Layer", ("SCONV008", messagePart));

    [Fact]
    public void An_11_by_11_kernel_is_the_largest_that_is_unrolled_without_a_diagnostic()
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Prelude + "[Conv2D(1, 12, 12, 1, 11)] public partial class Largest { }");

        AssertGeneratorDidNotThrow(result);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedTrees, tree => tree.FilePath.EndsWith("/Demo.Largest.Conv2D.g.cs", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Generic<T> { }", "Demo.Generic", "'Generic' is generic")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Generic<TFirst, TSecond> { }", "Demo.Generic", "'Generic' is generic")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] file partial class FileLocal { }", "Demo.FileLocal", "'FileLocal' is file-local")]
    public void A_generic_or_file_local_class_reports_SCONV009(string declaration, string layerFullName, string messagePart) =>
        AssertRejected(declaration, layerFullName, ("SCONV009", messagePart));

    [Fact]
    public void A_class_nested_in_a_generic_class_reports_SCONV009_naming_the_generic_container()
    {
        // Only the container is checked here: the layer is also called generic today (see the skipped test below).
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            Prelude + "public partial class Outer<T> { [Conv2D(1, 8, 8, 2, 3)] public partial class Inner { } }");

        AssertGeneratorDidNotThrow(result);
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, diagnostic => AssertIsWellFormedError(diagnostic, "SCONV009", output));
        Assert.Contains(result.Diagnostics, diagnostic => Message(diagnostic).Contains("'Inner' is nested in the generic type 'Outer'", StringComparison.Ordinal));
        AssertNothingGeneratedFor(result, "Demo.Outer.Inner");
    }

    [Theory]
    [InlineData("public class Outer { [Conv2D(1, 8, 8, 2, 3)] public partial class Inner { } }", "Demo.Outer.Inner", "'Inner' is nested in 'Outer', which is not partial")]
    [InlineData("public struct Outer { [Conv2D(1, 8, 8, 2, 3)] public partial class Inner { } }", "Demo.Outer.Inner", "'Inner' is nested in 'Outer', which is not partial")]
    [InlineData("public partial class Outer { public class Middle { [Conv2D(1, 8, 8, 2, 3)] public partial class Inner { } } }", "Demo.Outer.Middle.Inner", "'Inner' is nested in 'Middle', which is not partial")]
    public void A_class_nested_in_a_type_that_is_not_partial_reports_SCONV010_naming_that_type(string declaration, string layerFullName, string messagePart) =>
        AssertRejected(declaration, layerFullName, ("SCONV010", messagePart));

    [Theory]
    [InlineData("Mode = (ConvMode)7", "Mode = 7")]
    [InlineData("Mode = (ConvMode)(-1)", "Mode = -1")]
    [InlineData("Kind = (ConvKind)5", "Kind = 5")]
    public void An_enum_value_outside_the_enum_reports_SCONV011_naming_the_argument_and_value(string namedArgument, string messagePart) =>
        AssertRejected($"[Conv2D(1, 8, 8, 2, 3, {namedArgument})] public partial class Layer {{ }}", "Demo.Layer", ("SCONV011", messagePart));

    // ---- Valid declarations, several errors, several classes. ----

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Forward { }", "Demo.Forward", "'Forward'")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Shape { }", "Demo.Shape", "'Shape'")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public static partial class Kernel { }", "Demo.Kernel", "'Kernel'")]
    public void A_class_named_like_a_generated_member_reports_SCONV012(string declaration, string layerFullName, string messagePart) =>
        AssertRejected(declaration, layerFullName, ("SCONV012", messagePart));

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Layer { public const int InputLength = 64; }", "'InputLength'")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public partial class Layer { public static void Forward() { } }", "'Forward'")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public static partial class Layer { public sealed class Kernel { } }", "'Kernel'")]
    public void A_member_named_like_a_generated_member_reports_SCONV013(string declaration, string messagePart) =>
        AssertRejected(declaration, "Demo.Layer", ("SCONV013", messagePart));

    [Fact]
    public void A_valid_declaration_reports_nothing_and_its_generated_code_compiles()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            Prelude + "[Conv2D(3, 12, 10, 4, 3, Mode = ConvMode.Same, Kind = ConvKind.Convolution, Dilation = 2)] public partial class Valid { }");

        AssertGeneratorDidNotThrow(result);
        Assert.Empty(result.Diagnostics);
        Assert.Single(result.GeneratedTrees, tree => tree.FilePath.EndsWith("/Demo.Valid.Conv2D.g.cs", StringComparison.Ordinal));
        Diagnostic[] errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, "The generated code does not compile:" + Environment.NewLine + GeneratorHarness.Describe(errors));
    }

    [Fact]
    public void Every_error_in_one_declaration_is_reported_not_just_the_first()
    {
        AssertRejected(
            "[Conv2D(-3, 8, 0, 2, 3, Stride = 0, Dilation = -1, Padding = -2)] public class Many { }",
            "Demo.Many",
            ("SCONV001", "'Many'"),
            ("SCONV002", "InChannels is -3"),
            ("SCONV002", "InWidth is 0"),
            ("SCONV003", "Stride is 0"),
            ("SCONV003", "Dilation is -1"),
            ("SCONV005", "Padding is -2"));
    }

    [Fact]
    public void Each_bad_class_gets_its_diagnostic_on_its_own_attribute()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            Prelude + "[Conv2D(1, 8, 8, 2, 3, Stride = 0)] public partial class First { }\n",
            Prelude + "[Conv2D(1, 8, 8, 2, 3, Padding = -4)] public partial class Second { }\n");

        AssertGeneratorDidNotThrow(result);
        Diagnostic stride = Assert.Single(result.Diagnostics, d => d.Id == "SCONV003");
        Diagnostic padding = Assert.Single(result.Diagnostics, d => d.Id == "SCONV005");
        Assert.Equal(2, result.Diagnostics.Length);
        Assert.Equal("Conv2D(1, 8, 8, 2, 3, Stride = 0)", SourceTextAt(stride, output));
        Assert.Equal("Conv2D(1, 8, 8, 2, 3, Padding = -4)", SourceTextAt(padding, output));
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void A_bad_class_does_not_stop_a_good_class_in_the_same_compilation_from_being_generated()
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            Prelude + "[Conv2D(1, 8, 8, 2, 3, Stride = 0)] public partial class Bad { }\n[Conv2D(1, 8, 8, 2, 3)] public partial class Good { }\n",
            Prelude + "[Conv2D(1, 4, 4, 2, 5)] public partial class AlsoBad { }\n");

        AssertGeneratorDidNotThrow(result);
        Assert.Equal(new[] { "SCONV003", "SCONV006", "SCONV006" }, result.Diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));
        SyntaxTree generated = Assert.Single(result.GeneratedTrees);
        Assert.EndsWith("/Demo.Good.Conv2D.g.cs", generated.FilePath, StringComparison.Ordinal);

        // The good layer is complete: the output compiles and the class implements the kernel interface.
        Diagnostic[] errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, GeneratorHarness.Describe(errors));
        INamedTypeSymbol good = output.GetTypeByMetadataName("Demo.Good")!;
        Assert.Contains(good.AllInterfaces, i => i.ToDisplayString() == "SpecializedConv.IConv2DKernel");
    }

    // ---- The descriptor table, its documentation and its release tracking. ----

    [Fact]
    public void Every_descriptor_has_a_stable_id_an_error_severity_and_a_help_link_to_its_section()
    {
        IReadOnlyList<DiagnosticDescriptor> descriptors = Descriptors();

        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.All(descriptors, descriptor =>
        {
            Assert.Matches(@"^SCONV\d{3}$", descriptor.Id);
            Assert.Equal(DiagnosticSeverity.Error, descriptor.DefaultSeverity);
            Assert.True(descriptor.IsEnabledByDefault, descriptor.Id);
            Assert.EndsWith($"{DiagnosticsDocument}#{descriptor.Id.ToLowerInvariant()}", descriptor.HelpLinkUri, StringComparison.Ordinal);
            Assert.False(string.IsNullOrWhiteSpace(descriptor.Title.ToString(CultureInfo.InvariantCulture)), descriptor.Id);
        });
    }

    [Fact]
    public void Every_descriptor_has_a_section_in_docs_diagnostics_md_that_its_help_link_reaches()
    {
        string path = Path.Combine(RepositoryRoot(), "docs", "diagnostics.md");
        Assert.True(File.Exists(path), $"{path} does not exist: every help link points into it.");
        string document = File.ReadAllText(path);

        Assert.All(Descriptors(), descriptor =>
        {
            string anchor = descriptor.Id.ToLowerInvariant();

            // GitHub makes a heading's anchor from its whole text, so a heading reaches "#sconv001" only when it is the
            // bare id; anything longer needs an explicit <a id>.
            bool hasAnchor = Regex.IsMatch(document, $"<a\\s+(id|name)\\s*=\\s*\"{anchor}\"", RegexOptions.IgnoreCase);
            bool hasBareHeading = Regex.IsMatch(document, $"^#{{1,6}}\\s+{descriptor.Id}\\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline);
            Assert.True(hasAnchor || hasBareHeading, $"{DiagnosticsDocument} has no <a id=\"{anchor}\"> or '## {descriptor.Id}' heading for its help link.");
        });
    }

    [Fact]
    public void Every_descriptor_is_tracked_in_the_analyzer_release_files_with_its_category_and_severity()
    {
        string directory = Path.Combine(RepositoryRoot(), "generators", "SpecializedConv.Generators");
        string[] rows = new[] { "AnalyzerReleases.Unshipped.md", "AnalyzerReleases.Shipped.md" }
            .Select(name => Path.Combine(directory, name))
            .Where(File.Exists)
            .SelectMany(File.ReadAllLines)
            .ToArray();

        Assert.All(Descriptors(), descriptor =>
        {
            string[] row = rows
                .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
                .FirstOrDefault(cells => cells[0] == descriptor.Id)
                ?? throw new Xunit.Sdk.XunitException($"{descriptor.Id} has no row in AnalyzerReleases.Unshipped.md (or Shipped.md).");
            Assert.Equal(descriptor.Category, row[1]);
            Assert.Equal(descriptor.DefaultSeverity.ToString(), row[2]);
        });
    }

    [Fact]
    public void Every_descriptor_id_is_exercised_by_a_test_in_this_class()
    {
        string[] testNames = typeof(DiagnosticTests)
            .GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(method => method.GetCustomAttributes<FactAttribute>().Any(fact => fact.Skip is null))
            .Select(method => method.Name)
            .ToArray();

        Assert.All(Descriptors(), descriptor => Assert.Contains(testNames, name => name.Contains(descriptor.Id, StringComparison.Ordinal)));
    }

    // ---- Regressions: generator bugs found while writing these tests, fixed since. ----

    [Fact]
    public void An_attribute_that_does_not_bind_reports_no_made_up_sizes()
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(Prelude + "[Conv2D(1, 2, 3)] public partial class Unbound { }");

        AssertGeneratorDidNotThrow(result);
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "SCONV002");
        AssertNothingGeneratedFor(result, "Demo.Unbound");
    }

    [Fact]
    public void A_class_nested_in_a_generic_class_is_not_itself_called_generic()
    {
        AssertRejected(
            "public partial class Outer<T> { [Conv2D(1, 8, 8, 2, 3)] public partial class Inner { } }",
            "Demo.Outer.Inner",
            ("SCONV009", "'Inner' is nested in the generic type 'Outer'"));
    }

    [Fact]
    public void Layers_whose_names_differ_only_in_case_are_both_generated()
    {
        (GeneratorDriverRunResult result, _) = GeneratorHarness.Run(
            Prelude + "[Conv2D(1, 8, 8, 2, 3)] public partial class Layer { }\n[Conv2D(1, 8, 8, 2, 3)] public partial class layer { }\n");

        AssertGeneratorDidNotThrow(result);
        Assert.Empty(result.Diagnostics);
        Assert.Equal(2, result.GeneratedTrees.Length);
    }

    [Theory]
    [InlineData("Conv2D(1, 46340, 46340, 1, 1)")]
    [InlineData("Conv2D(2, 32768, 32767, 1, 1)")]
    public void A_layer_whose_working_buffers_exceed_int_MaxValue_reports_SCONV007_and_good_layers_still_generate(string attribute)
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(
            Prelude + $"[{attribute}] public partial class Huge {{ }}\n[Conv2D(1, 8, 8, 2, 3)] public partial class Good {{ }}\n");

        AssertGeneratorDidNotThrow(result);
        Diagnostic diagnostic = Assert.Single(result.Diagnostics);
        AssertIsWellFormedError(diagnostic, "SCONV007", output);
        AssertNothingGeneratedFor(result, "Demo.Huge");
        Assert.Single(result.GeneratedTrees, tree => tree.FilePath.EndsWith("/Demo.Good.Conv2D.g.cs", StringComparison.Ordinal));
    }

    // ---- Helpers. ----

    /// <summary>
    /// Runs the generator on <see cref="Prelude"/> + <paramref name="declaration"/> and checks that it reports exactly the
    /// <paramref name="expected"/> diagnostics (id and a part of the message each, in any order), each well formed, and
    /// generates nothing for <paramref name="layerFullName"/>.
    /// </summary>
    private static void AssertRejected(string declaration, string layerFullName, params (string Id, string MessagePart)[] expected)
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(Prelude + declaration);

        AssertGeneratorDidNotThrow(result);
        string reported = string.Join(Environment.NewLine, result.Diagnostics.Select(d => $"  {d.Id}: {Message(d)}"));
        Assert.True(
            expected.Select(e => e.Id).OrderBy(id => id, StringComparer.Ordinal).SequenceEqual(result.Diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal)),
            $"Expected {string.Join(", ", expected.Select(e => e.Id))}; the generator reported:{Environment.NewLine}{reported}");

        var unmatched = result.Diagnostics.ToList();
        foreach ((string id, string messagePart) in expected)
        {
            Diagnostic? match = unmatched.FirstOrDefault(d => d.Id == id && Message(d).Contains(messagePart, StringComparison.Ordinal));
            Assert.True(match is not null, $"No {id} whose message contains \"{messagePart}\"; the generator reported:{Environment.NewLine}{reported}");
            AssertIsWellFormedError(match, id, output);
            unmatched.Remove(match);
        }

        AssertNothingGeneratedFor(result, layerFullName);
    }

    /// <summary>An error with the given id, on the attribute (its span starts at <c>Conv2D(</c>), linking to its documentation.</summary>
    private static void AssertIsWellFormedError(Diagnostic diagnostic, string id, Compilation output)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.EndsWith($"{DiagnosticsDocument}#{id.ToLowerInvariant()}", diagnostic.Descriptor.HelpLinkUri, StringComparison.Ordinal);
        Assert.StartsWith("Conv2D(", SourceTextAt(diagnostic, output), StringComparison.Ordinal);
    }

    /// <summary>
    /// The source text a diagnostic points at. Its location is rebuilt from a path and spans (models hold no trees), so
    /// the tree is found by path; the line span must agree with the text span, or IDEs would underline the wrong place.
    /// </summary>
    private static string SourceTextAt(Diagnostic diagnostic, Compilation output)
    {
        FileLinePositionSpan lineSpan = diagnostic.Location.GetLineSpan();
        SyntaxTree tree = Assert.Single(output.SyntaxTrees, t => t.FilePath == lineSpan.Path);
        Assert.Equal(tree.GetLineSpan(diagnostic.Location.SourceSpan).Span, lineSpan.Span);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    private static void AssertGeneratorDidNotThrow(GeneratorDriverRunResult result)
    {
        // The driver runs the project's other generators too: none may throw, and the Conv2D one must have run.
        Assert.All(result.Results, run => Assert.True(run.Exception is null, $"{run.Generator.GetGeneratorType().Name} threw: {run.Exception}"));
        Assert.Single(result.Results, run => run.Generator.GetGeneratorType() == typeof(Conv2DGenerator));

        // The driver turns an exception into warning CS8785 among the run's diagnostics (the compilation never holds it).
        Assert.DoesNotContain(result.Diagnostics, d => d.Id == "CS8785");
    }

    private static void AssertNothingGeneratedFor(GeneratorDriverRunResult result, string layerFullName) =>
        Assert.DoesNotContain(result.GeneratedTrees, tree => tree.FilePath.EndsWith($"/{layerFullName}.Conv2D.g.cs", StringComparison.Ordinal));

    private static string Message(Diagnostic diagnostic) => diagnostic.GetMessage(CultureInfo.InvariantCulture);

    /// <summary>Every descriptor of the generator's internal table, read by reflection (the generator exposes no internals to tests).</summary>
    private static IReadOnlyList<DiagnosticDescriptor> Descriptors()
    {
        Type table = typeof(Conv2DGenerator).Assembly.GetType("SpecializedConv.Generators.DiagnosticDescriptors", throwOnError: true)!;
        DiagnosticDescriptor[] descriptors = table
            .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
            .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
            .ToArray();
        Assert.NotEmpty(descriptors);
        return descriptors;
    }

    /// <summary>The folder holding SpecializedConv.sln, found by walking up from the test binaries.</summary>
    private static string RepositoryRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SpecializedConv.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SpecializedConv.sln above {AppContext.BaseDirectory}.");
    }
}
