using Microsoft.CodeAnalysis;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// Generates a fixed-shape pooling layer for every <c>[MaxPool2D]</c> and <c>[AvgPool2D]</c> class. One pipeline per
/// attribute, each of plain values: Parser (attribute → <see cref="Pool2DDeclaration"/>), Diagnostics
/// (→ <see cref="CheckedLayer{TShape}"/>), Planner (→ <see cref="Pool2DPlan"/>) and Emitter (→ C# text).
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
        Register(context, MaxPoolAttributeMetadataName, PoolKind.Max);
        Register(context, AvgPoolAttributeMetadataName, PoolKind.Average);
    }

    /// <summary>One pipeline per attribute; both use the same step names.</summary>
    private static void Register(IncrementalGeneratorInitializationContext context, string attributeMetadataName, PoolKind kind) =>
        LayerPipeline.Register(
            context,
            context.SyntaxProvider.ForAttributeWithMetadataName(
                attributeMetadataName,
                LayerPipeline.IsClassOrRecord,
                (attributeContext, cancellationToken) => Parser.Parse(attributeContext, kind, cancellationToken)),
            new LayerPipeline.StepNames(TrackingNames.Declarations, TrackingNames.Checked, TrackingNames.Plans, TrackingNames.Sources),
            Diagnostics.Check,
            Planner.Plan,
            static plan => new GeneratedSource(plan.Type.FullName, Emitter.HintName(plan), Emitter.Emit(plan)));

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
