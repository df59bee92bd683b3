using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// Generates a fixed-shape pooling layer for every <c>[MaxPool2D]</c> and <c>[AvgPool2D]</c> class. One pipeline per
/// attribute, each of plain values: Parser (attribute → <see cref="Pool2DDeclaration"/>), Diagnostics
/// (→ <see cref="CheckedPool2D"/>), Planner (→ <see cref="Pool2DPlan"/>) and Emitter (→ C# text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class Pool2DGenerator : IIncrementalGenerator
{
    /// <summary>Metadata name of the max-pooling attribute.</summary>
    public const string MaxPoolAttributeMetadataName = "SpecializedConv.MaxPool2DAttribute";

    /// <summary>Metadata name of the average-pooling attribute.</summary>
    public const string AvgPoolAttributeMetadataName = "SpecializedConv.AvgPool2DAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        Register(context, context.SyntaxProvider.ForAttributeWithMetadataName(
            MaxPoolAttributeMetadataName,
            static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
            static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, PoolKind.Max, cancellationToken)));
        Register(context, context.SyntaxProvider.ForAttributeWithMetadataName(
            AvgPoolAttributeMetadataName,
            static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
            static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, PoolKind.Average, cancellationToken)));
    }

    private static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<ParsedPool2D> parsed)
    {
        IncrementalValuesProvider<Pool2DDeclaration> declarations = parsed
            .Where(static layer => layer.Declaration is not null)
            .Select(static (layer, _) => layer.Declaration!)
            .WithTrackingName(TrackingNames.Declarations);

        IncrementalValuesProvider<CheckedPool2D> checkedLayers = declarations
            .Select(static (declaration, _) => Diagnostics.Check(declaration))
            .WithTrackingName(TrackingNames.Checked);

        context.RegisterSourceOutput(
            checkedLayers.Where(static layer => !layer.Diagnostics.IsEmpty).Select(static (layer, _) => layer.Diagnostics),
            static (output, diagnostics) =>
            {
                foreach (DiagnosticInfo diagnostic in diagnostics)
                {
                    output.ReportDiagnostic(diagnostic.ToDiagnostic());
                }
            });

        IncrementalValuesProvider<Pool2DPlan> plans = checkedLayers
            .Where(static layer => layer.Shape is not null)
            .Select(static (layer, _) => Planner.Plan(layer.Type!, layer.Shape!))
            .WithTrackingName(TrackingNames.Plans);

        IncrementalValuesProvider<GeneratedSource> sources = plans
            .Select(static (plan, _) => new GeneratedSource(plan.Type.FullName, Emitter.HintName(plan), Emitter.Emit(plan)))
            .WithTrackingName(TrackingNames.Sources);

        context.RegisterSourceOutput(sources.Collect(), static (output, all) => GeneratedSource.AddAll(output, all));
    }

    /// <summary>Names of the pipeline steps (shared by both attributes' pipelines), for incrementality tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Attribute applications read into declarations.</summary>
        public const string Declarations = "Pool2D" + nameof(Declarations);

        /// <summary>Declarations checked into shapes or diagnostics.</summary>
        public const string Checked = "Pool2D" + nameof(Checked);

        /// <summary>Shapes planned into packing and blocking.</summary>
        public const string Plans = "Pool2D" + nameof(Plans);

        /// <summary>Plans written as C#.</summary>
        public const string Sources = "Pool2D" + nameof(Sources);
    }

}
