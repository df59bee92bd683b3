using System;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// The incremental pipeline every layer generator registers, from its stages: the Parser's declarations, the
/// Diagnostics stage's checked layers (whose diagnostics are reported), the Planner's plans for the layers that passed,
/// and the Emitter's sources. Each step carries the generator's own tracking name, for the incrementality tests.
/// </summary>
internal static class LayerPipeline
{
    /// <summary>The names one generator gives its tracked steps.</summary>
    public sealed record StepNames(string Declarations, string Checked, string Plans, string Sources);

    /// <summary>The syntax a layer attribute can be on: the generators read classes (records included) only.</summary>
    public static bool IsClassOrRecord(SyntaxNode node, CancellationToken cancellationToken) =>
        node is ClassDeclarationSyntax or RecordDeclarationSyntax;

    /// <summary>Registers the steps after the Parser for one attribute's applications.</summary>
    /// <param name="parsed">The Parser's output for each application: null where nothing can be read (not a class).</param>
    public static void Register<TDeclaration, TShape, TPlan>(
        IncrementalGeneratorInitializationContext context,
        IncrementalValuesProvider<TDeclaration?> parsed,
        StepNames names,
        Func<TDeclaration, CheckedLayer<TShape>> check,
        Func<LayerTypeInfo, TShape, TPlan> plan,
        Func<TPlan, GeneratedSource> emit)
        where TDeclaration : class
        where TShape : class
    {
        IncrementalValuesProvider<TDeclaration> declarations = parsed
            .Where(static declaration => declaration is not null)
            .Select(static (declaration, _) => declaration!)
            .WithTrackingName(names.Declarations);

        IncrementalValuesProvider<CheckedLayer<TShape>> checkedLayers = declarations
            .Select((declaration, _) => check(declaration))
            .WithTrackingName(names.Checked);

        context.RegisterSourceOutput(
            checkedLayers.Where(static layer => !layer.Diagnostics.IsEmpty).Select(static (layer, _) => layer.Diagnostics),
            static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        IncrementalValuesProvider<TPlan> plans = checkedLayers
            .Where(static layer => layer.Shape is not null)
            .Select((layer, _) => plan(layer.Type!, layer.Shape!))
            .WithTrackingName(names.Plans);

        IncrementalValuesProvider<GeneratedSource> sources = plans
            .Select((layerPlan, _) => emit(layerPlan))
            .WithTrackingName(names.Sources);

        context.RegisterSourceOutput(sources.Collect(), static (output, all) => GeneratedSource.AddAll(output, all));
    }
}
