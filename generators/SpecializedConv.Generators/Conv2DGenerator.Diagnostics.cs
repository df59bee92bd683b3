using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Conv2DGenerator
{
    /// <summary>Checks a declaration: either a <see cref="LayerShape"/> to generate, or diagnostics and nothing.</summary>
    internal static class Diagnostics
    {
        /// <summary>Working buffers are indexed with int offsets; half of int.MaxValue leaves room for every margin.</summary>
        private const double MaxWorkingBuffer = int.MaxValue / 2.0;

        public static CheckedLayer<LayerShape> Check(LayerDeclaration layer)
        {
            var found = new List<DiagnosticInfo>();
            LocationInfo? at = layer.AttributeLocation;
            LayerTypeInfo type = layer.Type;

            LayerTypes.Check(type, "Conv2D", layer.OtherLayerAttributes, layer.InvalidArguments, at, found, DiagnosticDescriptors.NotPartial);
            LayerTypes.CheckMemberNames(type, Parser.GeneratedMemberNames(type.IsStatic), layer.ConflictingMembers, at, found);

            if (!layer.InvalidArguments.IsEmpty)
            {
                // The other values may be placeholders for the invalid ones: checking them would only mislead.
                return new CheckedLayer<LayerShape>(null, null, found.ToEquatableArray());
            }

            CheckPositive(found, at, "InChannels", layer.InChannels);
            CheckPositive(found, at, "InHeight", layer.InHeight);
            CheckPositive(found, at, "InWidth", layer.InWidth);
            CheckPositive(found, at, "OutChannels", layer.OutChannels);
            CheckPositive(found, at, "KernelHeight", layer.KernelHeight);
            CheckPositive(found, at, "KernelWidth", layer.KernelWidth);
            if (layer.Stride < 1)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StrideOrDilationBelowOne, at, "Stride", layer.Stride));
            }

            if (layer.Dilation < 1)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StrideOrDilationBelowOne, at, "Dilation", layer.Dilation));
            }

            if (layer.Padding < 0)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NegativePadding, at, layer.Padding));
            }
            else if (layer.Padding > 0 && layer.Mode != ConvMode.Valid)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.PaddingNeedsValidMode, at, layer.Padding, layer.Mode));
            }

            if (found.Count > 0)
            {
                // The geometry below is meaningless with any of the values above wrong.
                return new CheckedLayer<LayerShape>(null, null, found.ToEquatableArray());
            }

            long taps = (long)layer.KernelHeight * layer.KernelWidth;
            if (taps > DiagnosticDescriptors.MaxUnrolledTaps)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelTooLargeToUnroll, at, layer.KernelHeight, layer.KernelWidth, taps));
            }

            var rows = new ConvAxis(layer.InHeight, layer.KernelHeight, layer.Mode, layer.Kind, layer.Stride, layer.Padding, layer.Dilation);
            var columns = new ConvAxis(layer.InWidth, layer.KernelWidth, layer.Mode, layer.Kind, layer.Stride, layer.Padding, layer.Dilation);
            CheckAxis(found, at, "height", rows);
            CheckAxis(found, at, "width", columns);
            if (found.Count > 0)
            {
                return new CheckedLayer<LayerShape>(null, null, found.ToEquatableArray());
            }

            CheckLength(found, at, "InputLength (InChannels × InHeight × InWidth)", (long)layer.InChannels * layer.InHeight * layer.InWidth);
            CheckLength(found, at, "OutputLength (OutChannels × OutHeight × OutWidth)", (long)layer.OutChannels * rows.Output * columns.Output);
            CheckLength(found, at, "WeightLength (OutChannels × InChannels × KernelHeight × KernelWidth)", (long)layer.OutChannels * layer.InChannels * taps);
            if (found.Count > 0)
            {
                return new CheckedLayer<LayerShape>(null, null, found.ToEquatableArray());
            }

            double buffers = Planner.WorkingBufferBound(layer.InChannels, layer.OutChannels, rows, columns);
            if (buffers > MaxWorkingBuffer)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerTooLarge, at, "The padded working buffers (input and output gradient with their margins)", $"about {buffers:0}"));
                return new CheckedLayer<LayerShape>(null, null, found.ToEquatableArray());
            }

            var shape = new LayerShape(
                layer.InChannels, layer.InHeight, layer.InWidth, layer.OutChannels, layer.KernelHeight, layer.KernelWidth,
                layer.Mode, layer.Kind, layer.Stride, layer.Padding, layer.Dilation,
                (int)rows.PadBefore, (int)rows.PadAfter, (int)columns.PadBefore, (int)columns.PadAfter,
                (int)rows.Output, (int)columns.Output);
            return new CheckedLayer<LayerShape>(type, shape, EquatableArray<DiagnosticInfo>.Empty);
        }

        private static void CheckPositive(List<DiagnosticInfo> found, LocationInfo? at, string name, int value)
        {
            if (value < 1)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveSize, at, name, value));
            }
        }

        private static void CheckAxis(List<DiagnosticInfo> found, LocationInfo? at, string axisName, ConvAxis axis)
        {
            if (axis.PaddedInput > int.MaxValue)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerTooLarge, at, $"The padded input {axisName}", axis.PaddedInput));
            }
            else if (axis.Extent > axis.PaddedInput)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.KernelLargerThanInput, at, axisName, axis.Extent, axis.PaddedInput));
            }
        }

        private static void CheckLength(List<DiagnosticInfo> found, LocationInfo? at, string what, long length)
        {
            if (length > int.MaxValue)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerTooLarge, at, what, length));
            }
        }
    }
}
