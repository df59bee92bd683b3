using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SpecializedConv.Generators;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Generator;

/// <summary>
/// The pipeline caches, as in ComputeSharp's <c>VerifyIncrementalSteps</c> and Mapperly's <c>IncrementalGeneratorTest</c>:
/// an edit that does not touch a layer leaves every tracked step Cached or Unchanged (so the IDE does no work per
/// keystroke), an edit to one layer re-runs that layer only, and no model holds a Roslyn object that would defeat the
/// equality the caching relies on or keep an old compilation alive.
/// </summary>
public sealed class IncrementalityTests
{
    private static readonly string[] TrackedSteps =
    {
        Conv2DGenerator.TrackingNames.Declarations,
        Conv2DGenerator.TrackingNames.Checked,
        Conv2DGenerator.TrackingNames.Plans,
        Conv2DGenerator.TrackingNames.Sources,
    };

    private const string FirstLayer = """
        using SpecializedConv;
        namespace Demo;

        [Conv2D(1, 8, 8, 2, 3)]
        public partial class FirstLayer { }

        public static class FirstHelper
        {
            public static int Twice(int value) { return value * 2; }
        }
        """;

    private const string SecondLayer = """
        using SpecializedConv;
        namespace Demo;

        [Conv2D(2, 9, 7, 3, 2, 3, Stride = 2, Mode = ConvMode.Valid)]
        public partial class SecondLayer { }
        """;

    private const string Unrelated = """
        namespace Demo;

        public static class Unrelated
        {
            public static int Square(int value) { return value * value; }
        }
        """;

    [Fact]
    public void Adding_an_unrelated_file_leaves_every_step_cached_and_the_output_identical()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(FirstLayer, SecondLayer);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult before = driver.GetRunResult();

        driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText(Unrelated, GeneratorHarness.ParseOptions, path: "Unrelated.cs")));

        AssertEveryStepCached(driver.GetRunResult(), layers: 2);
        AssertSameOutput(before, driver.GetRunResult());
    }

    [Fact]
    public void Editing_a_method_body_in_an_unrelated_file_leaves_every_step_cached_and_the_output_identical()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(FirstLayer, SecondLayer, Unrelated);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult before = driver.GetRunResult();

        driver = driver.RunGenerators(Edit(compilation, "return value * value;", "return checked(value * value);"));

        AssertEveryStepCached(driver.GetRunResult(), layers: 2);
        AssertSameOutput(before, driver.GetRunResult());
    }

    [Fact]
    public void Editing_a_method_body_below_a_layer_in_its_own_file_leaves_every_step_cached()
    {
        // The attribute is re-read (its file changed) but reads the same, spans included: equal models stop the work there.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(FirstLayer, SecondLayer);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult before = driver.GetRunResult();

        driver = driver.RunGenerators(Edit(compilation, "return value * 2;", "return value + value;"));

        AssertEveryStepCached(driver.GetRunResult(), layers: 2);
        AssertSameOutput(before, driver.GetRunResult());
    }

    [Fact]
    public void Changing_one_layers_attribute_regenerates_that_layer_only()
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(FirstLayer, SecondLayer);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult before = driver.GetRunResult();

        driver = driver.RunGenerators(Edit(compilation, "[Conv2D(1, 8, 8, 2, 3)]", "[Conv2D(1, 8, 8, 4, 3)]"));
        GeneratorDriverRunResult after = driver.GetRunResult();

        GeneratorRunResult run = Conv2DRun(after);
        foreach (string step in TrackedSteps)
        {
            (object Value, IncrementalStepRunReason Reason)[] outputs = Outputs(run, step);
            Assert.Equal(2, outputs.Length);
            Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(outputs, o => LayerNameOf(o.Value) == "FirstLayer").Reason);
            Assert.Contains(Assert.Single(outputs, o => LayerNameOf(o.Value) == "SecondLayer").Reason, CachedReasons);
        }

        Assert.NotEqual(GeneratedText(before, "Demo.FirstLayer.Conv2D.g.cs"), GeneratedText(after, "Demo.FirstLayer.Conv2D.g.cs"));
        Assert.Equal(GeneratedText(before, "Demo.SecondLayer.Conv2D.g.cs"), GeneratedText(after, "Demo.SecondLayer.Conv2D.g.cs"));
    }

    [Fact]
    public void Moving_a_layer_down_its_file_re_reads_its_location_but_plans_and_writes_nothing_again()
    {
        // A valid layer's checked model keeps no location (only diagnostics need one), so a shifted span stops at Checked.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(FirstLayer, SecondLayer);
        GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGenerators(compilation);
        GeneratorDriverRunResult before = driver.GetRunResult();

        driver = driver.RunGenerators(Edit(compilation, "namespace Demo;\n\n[Conv2D(1, 8, 8, 2, 3)]", "namespace Demo;\n\n// A new comment.\n[Conv2D(1, 8, 8, 2, 3)]"));
        GeneratorRunResult run = Conv2DRun(driver.GetRunResult());

        Assert.Equal(IncrementalStepRunReason.Modified, Assert.Single(Outputs(run, Conv2DGenerator.TrackingNames.Declarations), o => LayerNameOf(o.Value) == "FirstLayer").Reason);
        foreach (string step in TrackedSteps.Skip(1))
        {
            Assert.All(Outputs(run, step), output => Assert.Contains(output.Reason, CachedReasons));
        }

        AssertSameOutput(before, driver.GetRunResult());
    }

    [Fact]
    public void No_step_output_holds_a_symbol_syntax_node_compilation_or_location()
    {
        // A rejected layer too, so that diagnostics (with their locations) are walked as well as plans.
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(
            FirstLayer,
            SecondLayer,
            "using SpecializedConv;\nnamespace Demo;\n[Conv2D(1, 8, 8, 2, 3, Stride = 0)]\npublic partial class Rejected { }\n");
        GeneratorRunResult run = Conv2DRun(GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult());

        foreach (string step in TrackedSteps)
        {
            (object Value, IncrementalStepRunReason Reason)[] outputs = Outputs(run, step);
            Assert.NotEmpty(outputs);
            var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
            for (int i = 0; i < outputs.Length; i++)
            {
                AssertHoldsNoRoslynObjects(outputs[i].Value, $"{step}[{i}]", visited);
            }
        }
    }

    // ---- Helpers. ----

    private static readonly IncrementalStepRunReason[] CachedReasons = { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged };

    /// <summary>Objects a model must not hold: each pins a compilation, and none compares by value.</summary>
    private static readonly Type[] RoslynObjectTypes =
    {
        typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxToken), typeof(SyntaxTree), typeof(SyntaxReference),
        typeof(SemanticModel), typeof(Compilation), typeof(Location), typeof(AttributeData), typeof(TypedConstant),
    };

    private static void AssertEveryStepCached(GeneratorDriverRunResult result, int layers)
    {
        GeneratorRunResult run = Conv2DRun(result);
        foreach (string step in TrackedSteps)
        {
            (object Value, IncrementalStepRunReason Reason)[] outputs = Outputs(run, step);

            // Without this, a step that stopped being tracked would pass vacuously.
            Assert.True(outputs.Length == layers, $"{step} has {outputs.Length} outputs, expected one per layer ({layers}).");
            Assert.All(outputs, output => Assert.True(
                CachedReasons.Contains(output.Reason),
                $"{step} output for {LayerNameOf(output.Value)} is {output.Reason}, expected Cached or Unchanged."));
        }
    }

    private static void AssertSameOutput(GeneratorDriverRunResult before, GeneratorDriverRunResult after)
    {
        Dictionary<string, string> Texts(GeneratorDriverRunResult result) =>
            Conv2DRun(result).GeneratedSources.ToDictionary(source => source.HintName, source => source.SourceText.ToString(), StringComparer.Ordinal);

        Dictionary<string, string> expected = Texts(before), actual = Texts(after);
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach ((string hintName, string text) in expected)
        {
            Assert.True(text == actual[hintName], $"{hintName} changed although no layer did.");
        }
    }

    /// <summary>The Conv2D generator's part of a run (the driver also runs the project's other generators).</summary>
    private static GeneratorRunResult Conv2DRun(GeneratorDriverRunResult result) =>
        Assert.Single(result.Results, run => run.Generator.GetGeneratorType() == typeof(Conv2DGenerator));

    private static (object Value, IncrementalStepRunReason Reason)[] Outputs(GeneratorRunResult run, string step)
    {
        Assert.True(run.TrackedSteps.TryGetValue(step, out ImmutableArray<IncrementalGeneratorRunStep> steps), $"Step {step} was not tracked.");
        return steps.SelectMany(s => s.Outputs).ToArray();
    }

    /// <summary>The compilation with the one syntax tree containing <paramref name="oldText"/> edited in place (same path, same options).</summary>
    private static CSharpCompilation Edit(CSharpCompilation compilation, string oldText, string newText)
    {
        SyntaxTree tree = Assert.Single(compilation.SyntaxTrees, t => t.ToString().Contains(oldText, StringComparison.Ordinal));
        string text = tree.ToString();
        int start = text.IndexOf(oldText, StringComparison.Ordinal);
        SourceText edited = tree.GetText().WithChanges(new TextChange(new TextSpan(start, oldText.Length), newText));
        return compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(edited));
    }

    private static string GeneratedText(GeneratorDriverRunResult result, string hintName) =>
        Assert.Single(Conv2DRun(result).GeneratedSources, source => source.HintName == hintName).SourceText.ToString();

    /// <summary>
    /// Which layer a step output belongs to. The models are internal to the generator, so this reads them by reflection:
    /// a declaration, checked layer or plan has a <c>Type</c> with a <c>Name</c>; a generated source has a <c>HintName</c>.
    /// </summary>
    private static string LayerNameOf(object value)
    {
        Type type = value.GetType();
        if (type.GetProperty("HintName")?.GetValue(value) is string hintName)
        {
            // "Demo.FirstLayer.Conv2D.g.cs" → "FirstLayer".
            string fullName = hintName[..^".Conv2D.g.cs".Length];
            return fullName[(fullName.LastIndexOf('.') + 1)..];
        }

        PropertyInfo typeProperty = type.GetProperty("Type") ?? throw new InvalidOperationException($"{type} has no Type or HintName property.");

        // A rejected layer's checked model has no type.
        object? layerType = typeProperty.GetValue(value);
        return layerType is null ? "(rejected layer)" : (string)layerType.GetType().GetProperty("Name")!.GetValue(layerType)!;
    }

    /// <summary>
    /// Walks every field reachable from <paramref name="value"/> (as ComputeSharp's incrementality test does) and fails on
    /// any Roslyn object. Strings, primitives and enums end the walk; reflection metadata and delegates are not models.
    /// </summary>
    private static void AssertHoldsNoRoslynObjects(object? value, string path, HashSet<object> visited)
    {
        if (value is null or string or decimal or Type or MemberInfo or Delegate || value.GetType().IsPrimitive || value.GetType().IsEnum || value is Pointer)
        {
            return;
        }

        Type type = value.GetType();
        Type? forbidden = RoslynObjectTypes.FirstOrDefault(t => t.IsAssignableFrom(type));
        Assert.True(forbidden is null, $"{path} is a {type.FullName} ({forbidden?.Name}): models must hold plain values only.");
        if (!type.IsValueType && !visited.Add(value))
        {
            return;
        }

        if (value is Array array)
        {
            int index = 0;
            foreach (object? item in (IEnumerable)array)
            {
                AssertHoldsNoRoslynObjects(item, $"{path}[{index++}]", visited);
            }

            return;
        }

        for (Type? declaring = type; declaring is not null; declaring = declaring.BaseType)
        {
            foreach (FieldInfo field in declaring.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                if (field.FieldType.IsPointer || field.FieldType.IsByRefLike)
                {
                    continue;
                }

                AssertHoldsNoRoslynObjects(field.GetValue(value), $"{path}.{field.Name}", visited);
            }
        }
    }
}
