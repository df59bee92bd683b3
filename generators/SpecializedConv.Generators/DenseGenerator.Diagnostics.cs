using System.Collections.Generic;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class DenseGenerator
{
    /// <summary>Checks a declaration: either a <see cref="DenseLayerShape"/> to generate, or diagnostics and nothing.</summary>
    internal static class Diagnostics
    {
        private const string Attribute = "Dense";
        private const string SizeNames = "Inputs, Outputs";

        public static CheckedLayer<DenseLayerShape> Check(DenseDeclaration layer)
        {
            var found = new List<DiagnosticInfo>();
            LocationInfo? at = layer.AttributeLocation;
            LayerTypes.Check(layer.Type, Attribute, layer.OtherLayerAttributes, layer.InvalidArguments, at, found);
            LayerTypes.CheckMemberNames(layer.Type, Parser.GeneratedMemberNames(layer.Type.IsStatic), layer.ConflictingMembers, at, found);
            LayerTypes.CheckPositive(found, at, Attribute, SizeNames, "Inputs", layer.Inputs);
            LayerTypes.CheckPositive(found, at, Attribute, SizeNames, "Outputs", layer.Outputs);
            if (found.Count > 0)
            {
                return new CheckedLayer<DenseLayerShape>(null, null, found.ToEquatableArray());
            }

            LayerTypes.CheckLength(found, at, "WeightLength (Outputs × Inputs)", (long)layer.Inputs * layer.Outputs);

            if (found.Count == 0)
            {
                // Rows of inputs are rounded up to whole vectors and blocks of outputs may run past the last one.
                LayerTypes.CheckWorkingBuffers(found, at, (layer.Inputs + 16.0) * (layer.Outputs + 16.0));
            }

            if (found.Count > 0)
            {
                return new CheckedLayer<DenseLayerShape>(null, null, found.ToEquatableArray());
            }

            return new CheckedLayer<DenseLayerShape>(layer.Type, new DenseLayerShape(layer.Inputs, layer.Outputs), EquatableArray<DiagnosticInfo>.Empty);
        }
    }
}
