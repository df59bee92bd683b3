using Microsoft.CodeAnalysis;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// Generates a fixed-shape fully connected layer for every <c>[Dense]</c> class. A pipeline of plain values:
/// Parser (attribute → <see cref="DenseDeclaration"/>), Diagnostics (→ <see cref="CheckedLayer{TShape}"/>),
/// Planner (→ <see cref="DensePlan"/>) and Emitter (→ C# text).
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class DenseGenerator : IIncrementalGenerator
{
    /// <summary>Metadata name of the attribute the generator reacts to.</summary>
    public const string AttributeMetadataName = "SpecializedConv.DenseAttribute";

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
        public const string Declarations = "Dense" + nameof(Declarations);

        /// <summary>Declarations checked into shapes or diagnostics.</summary>
        public const string Checked = "Dense" + nameof(Checked);

        /// <summary>Shapes planned into blocking.</summary>
        public const string Plans = "Dense" + nameof(Plans);

        /// <summary>Plans written as C#.</summary>
        public const string Sources = "Dense" + nameof(Sources);
    }

}
