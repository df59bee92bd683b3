using Microsoft.CodeAnalysis;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// Generates a fixed-shape convolution layer for every <c>[Conv2D]</c> class. A pipeline of plain values:
/// Parser (attribute → <see cref="LayerDeclaration"/>), Diagnostics (→ <see cref="CheckedLayer{TShape}"/>),
/// Planner (→ <see cref="LayerPlan"/>) and Emitter (→ C# text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class Conv2DGenerator : IIncrementalGenerator
{
    /// <summary>Metadata name of the attribute the generator reacts to.</summary>
    public const string AttributeMetadataName = "SpecializedConv.Conv2DAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context) =>
        LayerPipeline.Register(
            context,
            context.SyntaxProvider.ForAttributeWithMetadataName(AttributeMetadataName, LayerPipeline.IsClassOrRecord, Parser.Parse),
            new LayerPipeline.StepNames(TrackingNames.Declarations, TrackingNames.Checked, TrackingNames.Plans, TrackingNames.Sources),
            Diagnostics.Check,
            Planner.Plan,
            static plan => new GeneratedSource(plan.Type.FullName, Emitter.HintName(plan.Type), Emitter.Emit(plan)));

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
