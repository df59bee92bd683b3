using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using SpecializedConv.CodeFixes;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Packaging;

/// <summary>
/// The "make it partial" code fix shipped in the package next to the generator: applied in a workspace as the IDE
/// applies it, to the diagnostic the real generator reports, it adds <c>partial</c> where it is missing (and only
/// there, leaving the rest of the text alone), after which the generator reports nothing and the layer compiles.
/// </summary>
public sealed class CodeFixTests
{
    private const string Prelude = "using SpecializedConv;\nnamespace Demo;\n";

    [Theory]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)]\npublic class Layer { }", "[Conv2D(1, 8, 8, 2, 3)]\npublic partial class Layer { }")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)] public sealed record Layer;", "[Conv2D(1, 8, 8, 2, 3)] public sealed partial record Layer;")]
    [InlineData("[Conv2D(1, 8, 8, 2, 3)]\npublic static class Layer { }", "[Conv2D(1, 8, 8, 2, 3)]\npublic static partial class Layer { }")]
    [InlineData("/// <summary>A layer.</summary>\n[Conv2D(1, 8, 8, 2, 3)]\n  class Layer { }", "/// <summary>A layer.</summary>\n[Conv2D(1, 8, 8, 2, 3)]\n  partial class Layer { }")]
    public async Task Adding_partial_to_the_layer_class_clears_SCONV001(string declaration, string expected)
    {
        string fixedText = await FixOnce(Prelude + declaration, "SCONV001", "Make 'Layer' partial");

        Assert.Equal(Prelude + expected, fixedText);
        AssertGeneratesCleanly(fixedText);
    }

    [Fact]
    public async Task Adding_partial_to_the_plain_part_of_a_half_partial_class_clears_SCONV001()
    {
        // Two parts, one of them plain: the fix must find the part the diagnostic is not on.
        string source = Prelude + "[Conv2D(1, 8, 8, 2, 3)]\npublic partial class Layer;\npublic class Layer { }\n";

        string fixedText = await FixOnce(source, "SCONV001", "Make 'Layer' partial");

        Assert.Equal(Prelude + "[Conv2D(1, 8, 8, 2, 3)]\npublic partial class Layer;\npublic partial class Layer { }\n", fixedText);
        AssertGeneratesCleanly(fixedText);
    }

    [Fact]
    public async Task Adding_partial_to_every_containing_type_clears_SCONV010()
    {
        string source = Prelude + """
            public class Model
            {
                internal sealed class Block
                {
                    [Conv2D(1, 8, 8, 2, 3)]
                    public partial class Layer;
                }
            }
            """;

        // One SCONV010 per type that is not partial; either one's fix makes both partial.
        string fixedText = await FixOnce(source, "SCONV010", "Make the types containing 'Layer' partial");

        Assert.Equal(Prelude + """
            public partial class Model
            {
                internal sealed partial class Block
                {
                    [Conv2D(1, 8, 8, 2, 3)]
                    public partial class Layer;
                }
            }
            """, fixedText);
        AssertGeneratesCleanly(fixedText);
    }

    [Fact]
    public async Task Adding_partial_to_a_pooling_layer_clears_SCONV020()
    {
        string fixedText = await FixOnce(Prelude + "[MaxPool2D(2, 8, 8, 2)]\npublic class Pool { }", "SCONV020", "Make 'Pool' partial");

        Assert.Equal(Prelude + "[MaxPool2D(2, 8, 8, 2)]\npublic partial class Pool { }", fixedText);
        AssertGeneratesCleanly(fixedText);
    }

    [Fact]
    public async Task Fix_all_in_document_makes_every_layer_and_containing_type_partial()
    {
        string source = Prelude + """
            [Conv2D(1, 8, 8, 2, 3)]
            public class First { }

            public class Model
            {
                [Conv2D(1, 8, 8, 2, 3)]
                public class Second { }
            }
            """;
        using var workspace = new AdhocWorkspace();
        Document document = AddDocument(workspace, source);
        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsInDocument(document);
        Assert.Equal(new[] { "SCONV001", "SCONV001", "SCONV010" }, diagnostics.Select(d => d.Id).OrderBy(id => id, StringComparer.Ordinal));

        // The IDE's "Fix all occurrences in document", once per equivalence key (one per kind of fix).
        var provider = new MakePartialCodeFixProvider();
        foreach (string key in new[] { "SCONV001", "SCONV010" })
        {
            var fixAll = new FixAllContext(
                document, provider, FixAllScope.Document, key, provider.FixableDiagnosticIds, new GeneratorDiagnostics(), CancellationToken.None);
            CodeAction? action = await provider.GetFixAllProvider().GetFixAsync(fixAll);
            Assert.NotNull(action);
            document = (await Apply(action!)).GetDocument(document.Id)!;
        }

        string fixedText = (await document.GetTextAsync()).ToString();
        Assert.Equal(Prelude + """
            [Conv2D(1, 8, 8, 2, 3)]
            public partial class First { }

            public partial class Model
            {
                [Conv2D(1, 8, 8, 2, 3)]
                public partial class Second { }
            }
            """, fixedText);
        AssertGeneratesCleanly(fixedText);
    }

    [Fact]
    public void The_fixable_ids_are_the_generators_partial_diagnostics()
    {
        // The code fix names the ids as strings (it does not reference the generator); this ties them to the descriptors.
        Type[] tables =
        {
            typeof(SpecializedConv.Generators.Conv2DGenerator).Assembly.GetType("SpecializedConv.Generators.DiagnosticDescriptors", throwOnError: true)!,
            typeof(SpecializedConv.Generators.Conv2DGenerator).Assembly.GetType("SpecializedConv.Generators.LayerDiagnosticDescriptors", throwOnError: true)!,
        };
        string[] partialIds = tables
            .SelectMany(table => table.GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            .Select(field => field.GetValue(null))
            .OfType<DiagnosticDescriptor>()
            .Where(descriptor => descriptor.Title.ToString(CultureInfo.InvariantCulture).EndsWith("must be partial", StringComparison.Ordinal))
            .Select(descriptor => descriptor.Id)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(partialIds, new MakePartialCodeFixProvider().FixableDiagnosticIds.OrderBy(id => id, StringComparer.Ordinal));
    }

    /// <summary>Runs the generator on <paramref name="source"/>, applies the one fix offered for <paramref name="id"/>, returns the new text.</summary>
    private static async Task<string> FixOnce(string source, string id, string expectedTitle)
    {
        using var workspace = new AdhocWorkspace();
        Document document = AddDocument(workspace, source);
        ImmutableArray<Diagnostic> diagnostics = await DiagnosticsInDocument(document);
        Diagnostic diagnostic = diagnostics.First(d => d.Id == id);

        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await new MakePartialCodeFixProvider().RegisterCodeFixesAsync(context);

        CodeAction fix = Assert.Single(actions);
        Assert.Equal(expectedTitle, fix.Title);
        Solution changed = await Apply(fix);
        return (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
    }

    private static async Task<Solution> Apply(CodeAction action)
    {
        ImmutableArray<CodeActionOperation> operations = await action.GetOperationsAsync(CancellationToken.None);
        return Assert.Single(operations.OfType<ApplyChangesOperation>()).ChangedSolution;
    }

    private static Document AddDocument(AdhocWorkspace workspace, string source)
    {
        // The same options and references as the harness's compilations: the runtime library and the framework.
        Compilation template = GeneratorHarness.CreateCompilation();
        Project project = workspace.AddProject(ProjectInfo.Create(
            ProjectId.CreateNewId(), VersionStamp.Create(), "Layers", "Layers", LanguageNames.CSharp,
            compilationOptions: template.Options, parseOptions: GeneratorHarness.ParseOptions, metadataReferences: template.References));
        return workspace.AddDocument(project.Id, "Layers.cs", SourceText.From(source));
    }

    /// <summary>
    /// The generator's diagnostics, placed in the document's tree. The generator reports a file path and span (it keeps
    /// no syntax tree); the IDE maps such a diagnostic to the open document the same way before offering fixes.
    /// </summary>
    private static async Task<ImmutableArray<Diagnostic>> DiagnosticsInDocument(Document document)
    {
        Compilation compilation = (await document.Project.GetCompilationAsync())!;
        SyntaxTree tree = (await document.GetSyntaxTreeAsync())!;
        return GeneratorHarness.CreateDriver().RunGenerators(compilation).GetRunResult().Diagnostics
            .Select(d => Diagnostic.Create(
                d.Id, d.Descriptor.Category, d.GetMessage(CultureInfo.InvariantCulture), d.Severity, d.DefaultSeverity,
                d.Descriptor.IsEnabledByDefault, d.WarningLevel, location: Location.Create(tree, d.Location.SourceSpan)))
            .ToImmutableArray();
    }

    /// <summary>After the fix the generator is silent and the layer, generated members included, compiles.</summary>
    private static void AssertGeneratesCleanly(string source)
    {
        (GeneratorDriverRunResult result, Compilation output) = GeneratorHarness.Run(source);
        Assert.True(result.Diagnostics.IsEmpty, GeneratorHarness.Describe(result.Diagnostics));
        Diagnostic[] errors = output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, GeneratorHarness.Describe(errors));
        Assert.NotEmpty(result.Results.SelectMany(r => r.GeneratedSources));
    }

    /// <summary>What the IDE hands a fix-all: the generator's diagnostics in the document.</summary>
    private sealed class GeneratorDiagnostics : FixAllContext.DiagnosticProvider
    {
        public override async Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            await DiagnosticsInDocument(document);

        public override async Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken)
        {
            var all = new List<Diagnostic>();
            foreach (Document document in project.Documents)
            {
                all.AddRange(await DiagnosticsInDocument(document));
            }

            return all;
        }

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            GetProjectDiagnosticsAsync(project, cancellationToken);
    }
}
