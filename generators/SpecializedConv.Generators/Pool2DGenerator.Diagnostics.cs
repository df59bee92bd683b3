using System.Collections.Generic;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Pool2DGenerator
{
    /// <summary>Checks a declaration: either a <see cref="Pool2DLayerShape"/> to generate, or diagnostics and nothing.</summary>
    internal static class Diagnostics
    {
        private const string SizeNames = "Channels, InHeight, InWidth, Size";

        public static CheckedLayer<Pool2DLayerShape> Check(Pool2DDeclaration layer)
        {
            var found = new List<DiagnosticInfo>();
            LocationInfo? at = layer.AttributeLocation;
            string attribute = layer.Kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D";
            LayerTypes.Check(layer.Type, attribute, layer.OtherLayerAttributes, layer.InvalidArguments, at, found);
            LayerTypes.CheckMemberNames(layer.Type, Parser.GeneratedMemberNames(layer.Kind, layer.Type.IsStatic), layer.ConflictingMembers, at, found);

            LayerTypes.CheckPositive(found, at, attribute, SizeNames, "Channels", layer.Channels);
            LayerTypes.CheckPositive(found, at, attribute, SizeNames, "InHeight", layer.InHeight);
            LayerTypes.CheckPositive(found, at, attribute, SizeNames, "InWidth", layer.InWidth);
            LayerTypes.CheckPositive(found, at, attribute, SizeNames, "Size", layer.Size);
            if (layer.Stride < 0)
            {
                found.Add(DiagnosticInfo.Create(LayerDiagnosticDescriptors.NegativePoolStride, at, layer.Stride, layer.Size));
            }

            if (layer.Size >= 1 && (layer.Padding < 0 || layer.Padding > PoolAxis.MaxPadding(layer.Size)))
            {
                found.Add(DiagnosticInfo.Create(LayerDiagnosticDescriptors.PoolPaddingOutOfRange, at, layer.Padding, layer.Size, PoolAxis.MaxPadding(layer.Size)));
            }

            if (found.Count > 0)
            {
                // The geometry below is meaningless with any of the values above wrong.
                return new CheckedLayer<Pool2DLayerShape>(null, null, found.ToEquatableArray());
            }

            var rows = new PoolAxis(layer.InHeight, layer.Size, layer.Stride, layer.Padding);
            var columns = new PoolAxis(layer.InWidth, layer.Size, layer.Stride, layer.Padding);
            CheckAxis(found, at, "height", rows);
            CheckAxis(found, at, "width", columns);
            if (found.Count > 0)
            {
                return new CheckedLayer<Pool2DLayerShape>(null, null, found.ToEquatableArray());
            }

            LayerTypes.CheckLength(found, at, "InputLength (Channels × InHeight × InWidth)", (long)layer.Channels * layer.InHeight * layer.InWidth);
            LayerTypes.CheckLength(found, at, "OutputLength (Channels × OutHeight × OutWidth)", (long)layer.Channels * rows.Output * columns.Output);

            if (found.Count == 0)
            {
                // The padded input split into column phases (each a few vectors wider than its share of the columns),
                // with a window and a vector of margin on each axis. There are Stride phases only when a row has several
                // outputs, which bounds the stride by the padded width: the bound does not grow with a larger stride.
                int phases = Planner.ColumnPhases(columns.Output, columns.Stride);
                LayerTypes.CheckWorkingBuffers(
                    found, at, layer.Channels * (rows.PaddedInput + layer.Size + 16.0) * (columns.PaddedInput + layer.Size + 32.0 + (16.0 * phases)));
            }

            if (found.Count > 0)
            {
                return new CheckedLayer<Pool2DLayerShape>(null, null, found.ToEquatableArray());
            }

            var shape = new Pool2DLayerShape(
                layer.Kind, layer.Channels, layer.InHeight, layer.InWidth, layer.Size, rows.Stride, layer.Padding, (int)rows.Output, (int)columns.Output);
            return new CheckedLayer<Pool2DLayerShape>(layer.Type, shape, EquatableArray<DiagnosticInfo>.Empty);
        }

        private static void CheckAxis(List<DiagnosticInfo> found, LocationInfo? at, string axisName, PoolAxis axis)
        {
            if (axis.PaddedInput > int.MaxValue)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerTooLarge, at, $"The padded input {axisName}", axis.PaddedInput));
            }
            else if (axis.Size > axis.PaddedInput)
            {
                found.Add(DiagnosticInfo.Create(LayerDiagnosticDescriptors.PoolWindowLargerThanInput, at, axisName, axis.Size, axis.PaddedInput));
            }
        }
    }
}
