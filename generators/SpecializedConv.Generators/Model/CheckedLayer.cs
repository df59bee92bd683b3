using SpecializedConv.Generators.Helpers;

namespace SpecializedConv.Generators.Model;

/// <summary>
/// A declaration after the Diagnostics stage: a shape to generate and the class to add it to, or (both null) the
/// diagnostics that say why it cannot be generated.
/// </summary>
/// <typeparam name="TShape">The checked shape of the layer kind: <see cref="LayerShape"/>, <see cref="Pool2DLayerShape"/> or <see cref="DenseLayerShape"/>.</typeparam>
internal sealed record CheckedLayer<TShape>(LayerTypeInfo? Type, TShape? Shape, EquatableArray<DiagnosticInfo> Diagnostics)
    where TShape : class;
