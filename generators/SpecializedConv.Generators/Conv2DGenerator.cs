using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// Generates a fixed-shape convolution layer for every <c>[Conv2D]</c> class. A pipeline of plain values:
/// Parser (attribute → <see cref="LayerDeclaration"/>), Diagnostics (→ <see cref="CheckedLayer"/>),
/// Planner (→ <see cref="LayerPlan"/>) and Emitter (→ C# text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class Conv2DGenerator : IIncrementalGenerator
{
    /// <summary>Metadata name of the attribute the generator reacts to.</summary>
    public const string AttributeMetadataName = "SpecializedConv.Conv2DAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<LayerDeclaration> declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                AttributeMetadataName,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                Parser.Parse)
            .Where(static parsed => parsed.Declaration is not null)
            .Select(static (parsed, _) => parsed.Declaration!)
            .WithTrackingName(TrackingNames.Declarations);

        IncrementalValuesProvider<CheckedLayer> checkedLayers = declarations
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

        IncrementalValuesProvider<LayerPlan> plans = checkedLayers
            .Where(static layer => layer.Shape is not null)
            .Select(static (layer, _) => Planner.Plan(layer.Type!, layer.Shape!))
            .WithTrackingName(TrackingNames.Plans);

        IncrementalValuesProvider<GeneratedSource> sources = plans
            .Select(static (plan, _) => new GeneratedSource(plan.Type.FullName, Emitter.HintName(plan.Type), Emitter.Emit(plan)))
            .WithTrackingName(TrackingNames.Sources);

        context.RegisterSourceOutput(sources.Collect(), static (output, all) => GeneratedSource.AddAll(output, all));
    }

    /// <summary>Names of the pipeline steps, for incrementality tests.</summary>
    public static class TrackingNames
    {
        /// <summary>Attribute applications read into declarations.</summary>
        public const string Declarations = nameof(Declarations);

        /// <summary>Declarations checked into shapes or diagnostics.</summary>
        public const string Checked = nameof(Checked);

        /// <summary>Shapes planned into blocking and layouts.</summary>
        public const string Plans = nameof(Plans);

        /// <summary>Plans written as C#.</summary>
        public const string Sources = nameof(Sources);
    }

}
