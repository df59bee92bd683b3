using System;
using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Conv2DGenerator
{
    /// <summary>Writes one layer's C# from its plan. Only formatting happens here: every decision is in the plan.</summary>
    internal static class Emitter
    {
        private const string Runtime = "global::SpecializedConv";
        private const string Support = "KernelSupport";

        public static string HintName(LayerTypeInfo type) => type.FullName + ".Conv2D.g.cs";

        public static string Emit(LayerPlan plan)
        {
            var w = new IndentedWriter();

            // The public surface goes into the user's class with every type name fully qualified, so nothing the user
            // declares can change its meaning; the kernels go into a file-local class of SpecializedConv.Generated.
            List<IndentedWriter.Block> scopes = LayerTypes.OpenFile(w, plan.Type, "Conv2D");
            EmitPublicSurface(w, plan);
            LayerTypes.Close(scopes);
            using (LayerTypes.OpenImplementationNamespace(w))
            {
                EmitImplementation(w, plan);
            }

            return w.ToString();
        }

        private static string Identifier(string name) => LayerTypes.Identifier(name);

        private static void EmitPublicSurface(IndentedWriter w, LayerPlan plan)
        {
            LayerTypeInfo type = plan.Type;
            LayerShape s = plan.Shape;
            w.Line("/// <summary>");
            w.Line($"/// Generated 2-D convolution layer: input {s.InChannels}×{s.InHeight}×{s.InWidth} → output {s.OutChannels}×{s.OutHeight}×{s.OutWidth},");
            w.Line($"/// kernel {s.KernelHeight}×{s.KernelWidth}, {s.Mode} {Describe(s.Kind)}, stride {s.Stride}, dilation {s.Dilation}, padding (top {s.PadTop}, bottom {s.PadBottom}, left {s.PadLeft}, right {s.PadRight}).");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Layout NCHW, weights K,C,R,S. <c>output[n,k,i,j] = bias[k] + Σ_c Σ_r Σ_s w'[k,c,r,s] · xpad[n, c, i·{s.Stride} + r·{s.Dilation}, j·{s.Stride} + s·{s.Dilation}]</c>,");
            w.Line($"/// where xpad is the input with the zero padding above and {(s.Kind == ConvKind.Convolution ? "w' is the weights turned 180° (w'[k,c,r,s] = w[k,c,R−1−r,S−1−s])" : "w' = w")}.");
            w.Line("/// </remarks>");
            string interfaces = type.IsStatic ? string.Empty : $" : {Runtime}.IConv2DKernel";
            using (w.Open($"{(type.IsStatic ? "static " : string.Empty)}partial {type.Keyword} {Identifier(type.Name)}{interfaces}"))
            {
                LayerTypes.Constant(w, "Input channels C.", "InChannels", s.InChannels, type);
                LayerTypes.Constant(w, "Input height H.", "InHeight", s.InHeight, type);
                LayerTypes.Constant(w, "Input width W.", "InWidth", s.InWidth, type);
                LayerTypes.Constant(w, "Output channels K (filters).", "OutChannels", s.OutChannels, type);
                LayerTypes.Constant(w, $"Output height Ho = (H + {s.PadTop} + {s.PadBottom} − {s.Dilation}·(R−1) − 1) / {s.Stride} + 1.", "OutHeight", s.OutHeight, type);
                LayerTypes.Constant(w, $"Output width Wo = (W + {s.PadLeft} + {s.PadRight} − {s.Dilation}·(S−1) − 1) / {s.Stride} + 1.", "OutWidth", s.OutWidth, type);
                LayerTypes.Constant(w, "Kernel height R.", "KernelHeight", s.KernelHeight, type);
                LayerTypes.Constant(w, "Kernel width S.", "KernelWidth", s.KernelWidth, type);
                LayerTypes.Constant(w, "Elements of one input sample, C·H·W.", "InputLength", s.InputLength, type);
                LayerTypes.Constant(w, "Elements of one output sample, K·Ho·Wo.", "OutputLength", s.OutputLength, type);
                LayerTypes.Constant(w, "Elements of the weights, K·C·R·S.", "WeightLength", s.WeightLength, type);
                LayerTypes.Constant(w, "Elements of the bias, K.", "BiasLength", s.OutChannels, type);
                w.Line();
                w.Line("/// <summary>The layer's shape as a runtime value (for the reference kernels and generic code).</summary>");
                w.Line($"public static {LayerTypes.New(type, "Shape")}{Runtime}.Conv2DShape Shape => {Implementation}.Shape;");
                w.Line();
                EmitInterfaceMembers(w, type);
                EmitPassDocs(w, plan, "Forward");
                w.Line($"public static {LayerTypes.New(type, "Forward")}void Forward({LayerTypes.Span("ReadOnlySpan")} input, {LayerTypes.Span("ReadOnlySpan")} weights, {LayerTypes.Span("ReadOnlySpan")} bias, {LayerTypes.Span("Span")} output) =>");
                w.Line($"    {Implementation}.Forward(input, weights, bias, output);");
                w.Line();
                EmitPassDocs(w, plan, "BackwardData");
                w.Line($"public static {LayerTypes.New(type, "BackwardData")}void BackwardData({LayerTypes.Span("ReadOnlySpan")} outputGrad, {LayerTypes.Span("ReadOnlySpan")} weights, {LayerTypes.Span("Span")} inputGrad) =>");
                w.Line($"    {Implementation}.BackwardData(outputGrad, weights, inputGrad);");
                w.Line();
                EmitPassDocs(w, plan, "BackwardWeights");
                w.Line($"public static {LayerTypes.New(type, "BackwardWeights")}void BackwardWeights({LayerTypes.Span("ReadOnlySpan")} input, {LayerTypes.Span("ReadOnlySpan")} outputGrad, {LayerTypes.Span("Span")} weightGrad, {LayerTypes.Span("Span")} biasGrad) =>");
                w.Line($"    {Implementation}.BackwardWeights(input, outputGrad, weightGrad, biasGrad);");
            }
        }

        private const string Implementation = "global::SpecializedConv.Generated.Conv2DKernels";

        private static void EmitImplementation(IndentedWriter w, LayerPlan plan)
        {
            LayerShape s = plan.Shape;
            w.Line("/// <summary>");
            w.Line($"/// The kernels behind <see cref=\"{LayerTypes.Cref(plan.Type)}\"/>: argument checks, packing into padded working buffers, and the");
            w.Line("/// register-blocked, fully unrolled Vector256 passes. File-local: only the layer's public methods call it.");
            w.Line("/// </summary>");
            using (w.Open("file static class Conv2DKernels"))
            {
                w.Line("// The layer's shape (the same values as its public constants).");
                Private(w, "InChannels", s.InChannels);
                Private(w, "InHeight", s.InHeight);
                Private(w, "InWidth", s.InWidth);
                Private(w, "OutChannels", s.OutChannels);
                Private(w, "OutHeight", s.OutHeight);
                Private(w, "OutWidth", s.OutWidth);
                Private(w, "InputLength", s.InputLength);
                Private(w, "OutputLength", s.OutputLength);
                Private(w, "WeightLength", s.WeightLength);
                Private(w, "BiasLength", s.OutChannels);
                w.Line();
                w.Line($"public static readonly Conv2DShape Shape = new(InChannels, InHeight, InWidth, OutChannels, {s.KernelHeight}, {s.KernelWidth}, " +
                       $"ConvMode.{s.Mode}, ConvKind.{s.Kind}, stride: {s.Stride}, padding: {s.Padding}, dilation: {s.Dilation});");
                w.Line();
                EmitGeometry(w, plan);
                EmitForward(w, plan);
                EmitBackwardData(w, plan);
                EmitBackwardWeights(w, plan);
                int zeroRowOrigin = ZeroRow(plan)?.Origin ?? 0;
                if (plan.ChannelLanesForward is { } channelLanesForward)
                {
                    EmitChannelLanesForwardKernel(w, s, channelLanesForward, zeroRowOrigin);
                }
                else if (plan.StrideTwoForward is { } strideTwo)
                {
                    EmitStrideTwoForwardKernel(w, s, strideTwo, zeroRowOrigin);
                }
                else
                {
                    EmitBlockKernel(w, plan.Forward, zeroRowOrigin);
                }

                if (plan.TransposedBackwardData is { } transposed)
                {
                    EmitTransposedDataKernel(w, plan.Shape, transposed);
                }
                else
                {
                    List<PhaseStep> steps = PhaseSteps(plan.BackwardData, s);
                    foreach (DataPhasePlan phase in plan.BackwardData.Phases)
                    {
                        DataPhasePlan? even = steps.FirstOrDefault(step => step.InKernel && step.Odd == phase)?.Even;
                        EmitBlockKernel(w, phase.Kernel, zeroRowOrigin, even is null ? null : new InterleaveTarget(even.Kernel, s.InHeight, s.InWidth));
                    }
                }

                if (plan.ChannelLanesWeights is { } channelLanes)
                {
                    EmitChannelLanesWeightsKernel(w, plan, channelLanes);
                }
                else
                {
                    EmitWeightsKernel(w, plan);
                }
            }
        }

        private static void EmitPassDocs(IndentedWriter w, LayerPlan plan, string pass)
        {
            LayerShape s = plan.Shape;
            w.Line("/// <summary>");
            switch (pass)
            {
                case "Forward":
                    w.Line($"/// Forward pass over n ≥ 1 samples: <paramref name=\"input\"/> holds n·{s.InputLength} floats (n×{s.InChannels}×{s.InHeight}×{s.InWidth}),");
                    w.Line($"/// <paramref name=\"output\"/> n·{s.OutputLength} (n×{s.OutChannels}×{s.OutHeight}×{s.OutWidth}) and is overwritten.");
                    w.Line("/// </summary>");
                    w.Line("/// <param name=\"input\">Input samples, NCHW.</param>");
                    w.Line($"/// <param name=\"weights\">{s.WeightLength} weights, K,C,R,S ({s.OutChannels}×{s.InChannels}×{s.KernelHeight}×{s.KernelWidth}).</param>");
                    w.Line($"/// <param name=\"bias\">{s.OutChannels} biases, one per output channel.</param>");
                    w.Line("/// <param name=\"output\">Receives the outputs, NCHW.</param>");
                    break;
                case "BackwardData":
                    w.Line("/// Gradient with respect to the input over n ≥ 1 samples: the full convolution of the (stride-dilated) output gradient");
                    w.Line($"/// with the kernel, cropped by the padding. <paramref name=\"outputGrad\"/> holds n·{s.OutputLength} floats, <paramref name=\"inputGrad\"/> n·{s.InputLength} and is overwritten.");
                    w.Line("/// </summary>");
                    w.Line("/// <param name=\"outputGrad\">dLoss/dOutput, NCHW.</param>");
                    w.Line($"/// <param name=\"weights\">{s.WeightLength} weights, K,C,R,S.</param>");
                    w.Line("/// <param name=\"inputGrad\">Receives dLoss/dInput, NCHW.</param>");
                    break;
                default:
                    w.Line("/// Gradients with respect to weights and bias, summed over n ≥ 1 samples: weightGrad[k,c,r,s] is the valid correlation of the");
                    w.Line("/// padded input with the (stride-dilated) output gradient, biasGrad[k] the output gradient summed. Both are overwritten.");
                    w.Line("/// </summary>");
                    w.Line($"/// <param name=\"input\">The forward pass's input, n·{s.InputLength} floats.</param>");
                    w.Line($"/// <param name=\"outputGrad\">dLoss/dOutput, n·{s.OutputLength} floats.</param>");
                    w.Line($"/// <param name=\"weightGrad\">Receives dLoss/dWeights, {s.WeightLength} floats (K,C,R,S).</param>");
                    w.Line($"/// <param name=\"biasGrad\">Receives dLoss/dBias, {s.OutChannels} floats.</param>");
                    break;
            }

            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing has been written.</exception>");
        }

        private static void EmitGeometry(IndentedWriter w, LayerPlan plan)
        {
            LayerShape s = plan.Shape;
            w.Line("// Geometry of the working buffers (see KernelSupport.PackPlanes): the input zero-padded by the mode and split into");
            w.Line("// column phases (x mod stride) so that every tap reads contiguous vectors; rows wide enough that no load leaves them.");
            PackPlan input = plan.InputPack;
            Private(w, "Stride", plan.Shape.Stride);
            Private(w, "PadTop", s.PadTop);
            Private(w, "PadLeft", s.PadLeft);
            Private(w, "PackedInputRowPitch", input.RowPitch);
            Private(w, "PackedInputPhasePitch", input.PhasePitch);
            Private(w, "PackedInputChannelPitch", input.ChannelPitch);
            Private(w, "PackedInputLength", input.Length);
            if (InputInPlace(plan))
            {
                w.Line("// That is the input's own layout: forward and backward-weights read the input in place.");
            }
            else if (plan.ChannelLanesForward is not null)
            {
                w.Line("// Only backward-weights packs the input: the forward pass reads it in place, one input value at a time.");
            }
            else if (plan.StrideTwoForward is not null)
            {
                w.Line("// Only backward-weights packs the input: the forward pass reads it in place, two input columns an output column.");
            }
            else if (plan.Forward.InPlace is not null)
            {
                w.Line("// Only backward-weights packs the input: the forward pass reads it in place.");
            }

            bool transposed = plan.TransposedBackwardData is not null;
            bool gradientPacked = !transposed && !plan.BackwardData.ReadsInPlace;
            if (!transposed)
            {
                int scratch = plan.BackwardData.ScratchLength;
                if (gradientPacked)
                {
                    PackPlan grad = plan.BackwardData.OutputGradPack;
                    w.Line("// Backward-data reads the output gradient with zero margins: row r·dilation back and column s·dilation back stay inside.");
                    Private(w, "PackedOutputGradRowOffset", grad.PadTop);
                    Private(w, "PackedOutputGradColumnOffset", grad.PadLeft);
                    Private(w, "PackedOutputGradRowPitch", grad.RowPitch);
                    Private(w, "PackedOutputGradChannelPitch", grad.ChannelPitch);
                    Private(w, "PackedOutputGradLength", grad.Length);
                }
                else
                {
                    w.Line(scratch > 0
                        ? "// Backward-data reads the output gradient in place; its stride phases go through a scratch buffer."
                        : "// Backward-data reads the output gradient in place.");
                }

                if (scratch > 0)
                {
                    Private(w, "PhaseGradLength", scratch);
                }
            }

            WeightsPlan weights = plan.BackwardWeights;
            bool channelLanes = plan.ChannelLanesWeights is not null;
            bool paddedGradient = !GradientInPlace(s) && (transposed || !channelLanes);
            string? readers = (transposed, channelLanes) switch
            {
                (true, false) => "Both backward passes read",
                (true, true) => "Backward-data reads",
                (false, false) => "Backward-weights reads",
                _ => null,
            };
            if (readers is not null && GradientInPlace(s))
            {
                w.Line($"// {readers} the output gradient in place: its rows are whole vectors already.");
            }
            else if (readers is not null)
            {
                w.Line($"// {readers} the output gradient with rows padded by zeros to whole vectors.");
                Private(w, "PaddedOutputGradRowPitch", weights.OutputGradRowPitch);
                Private(w, "PaddedOutputGradChannelPitch", weights.OutputGradChannelPitch);
                Private(w, "PaddedOutputGradLength", weights.OutputGradChannelPitch * s.OutChannels);
            }

            if (plan.ChannelLanesForward is not null)
            {
                w.Line("// The forward pass reads the weights transposed, [c, r, s][k], and writes its outputs pixel-major, [i, j][k], then");
                w.Line("// transposed to NCHW: eight output channels to a vector.");
            }

            if (channelLanes)
            {
                w.Line("// Backward-weights reads the output gradient transposed to pixel-major order, [i, j][k], and sums into the weight");
                w.Line("// gradient transposed, [c, r, s][k]: eight output channels to a vector.");
            }

            var buffers = new List<string>();
            if (!InputInPlace(plan))
            {
                buffers.Add("t_packedInput");
            }

            if (gradientPacked)
            {
                buffers.Add("t_packedOutputGrad");
            }

            if (paddedGradient)
            {
                buffers.Add("t_paddedOutputGrad");
            }

            if (plan.ChannelLanesForward is not null)
            {
                buffers.Add("t_weightsT");
                buffers.Add("t_outputT");
            }

            if (channelLanes)
            {
                buffers.Add("t_outputGradT");
                buffers.Add("t_weightGradT");
            }

            if (AlignsOutputGrad(plan))
            {
                buffers.Add("t_alignedOutputGrad");
            }

            if (plan.BackwardData.ScratchLength > 0)
            {
                buffers.Add("t_phaseGrad");
            }

            if (ZeroRow(plan) is { } zeroRow)
            {
                w.Line();
                w.Line("// What kernels reading their source in place read for rows above or below it: zeros, never written.");
                w.Line($"private static readonly float[] s_zeroRow = new float[{zeroRow.Length}];");
            }

            if (buffers.Count > 0)
            {
                w.Line();
                w.Line("// Per-thread working buffers, allocated once: kernels write only their fixed interior, so the zero margins stay zero.");
                if (plan.ChannelLanesForward is not null)
                {
                    w.Line("// (The transposed weights and outputs are rewritten whole by every call to the forward pass.)");
                }

                if (channelLanes)
                {
                    w.Line("// (The transposed gradients are rewritten whole by every call to backward-weights.)");
                }

                if (AlignsOutputGrad(plan))
                {
                    w.Line("// (Backward-weights copies an output gradient that is off a 32-byte boundary onto one in t_alignedOutputGrad.)");
                }

                foreach (string buffer in buffers)
                {
                    w.Line($"[ThreadStatic] private static float[]? {buffer};");
                }
            }

            w.Line();
        }

        private static void EmitInterfaceMembers(IndentedWriter w, LayerTypeInfo type)
        {
            string[] lengths = { "InputLength", "OutputLength", "WeightLength", "BiasLength" };
            string name = Identifier(type.Name);
            if (!type.IsStatic)
            {
                foreach (string length in lengths)
                {
                    w.Line($"static int {Runtime}.IConv2DKernel.{length} => {length};");
                }

                w.Line();
                return;
            }

            w.Line("/// <summary>");
            w.Line($"/// This layer's operations as <see cref=\"{Runtime}.IConv2DKernel\"/>, for generic code such as <c>Layer&lt;TKernel&gt;</c>:");
            w.Line("/// a static class cannot implement an interface, so this nested type does.");
            w.Line("/// </summary>");
            using (w.Open($"public sealed class Kernel : {Runtime}.IConv2DKernel"))
            {
                w.Line("private Kernel()");
                w.Line("{");
                w.Line("}");
                w.Line();
                w.Line($"/// <inheritdoc cref=\"{name}.Shape\"/>");
                w.Line($"public static {Runtime}.Conv2DShape Shape => {name}.Shape;");
                foreach (string length in lengths)
                {
                    w.Line($"/// <inheritdoc cref=\"{name}.{length}\"/>");
                    w.Line($"public static int {length} => {name}.{length};");
                }

                w.Line($"/// <inheritdoc cref=\"{name}.Forward\"/>");
                w.Line($"public static void Forward({LayerTypes.Span("ReadOnlySpan")} input, {LayerTypes.Span("ReadOnlySpan")} weights, {LayerTypes.Span("ReadOnlySpan")} bias, {LayerTypes.Span("Span")} output) => {name}.Forward(input, weights, bias, output);");
                w.Line($"/// <inheritdoc cref=\"{name}.BackwardData\"/>");
                w.Line($"public static void BackwardData({LayerTypes.Span("ReadOnlySpan")} outputGrad, {LayerTypes.Span("ReadOnlySpan")} weights, {LayerTypes.Span("Span")} inputGrad) => {name}.BackwardData(outputGrad, weights, inputGrad);");
                w.Line($"/// <inheritdoc cref=\"{name}.BackwardWeights\"/>");
                w.Line($"public static void BackwardWeights({LayerTypes.Span("ReadOnlySpan")} input, {LayerTypes.Span("ReadOnlySpan")} outputGrad, {LayerTypes.Span("Span")} weightGrad, {LayerTypes.Span("Span")} biasGrad) => {name}.BackwardWeights(input, outputGrad, weightGrad, biasGrad);");
            }

            w.Line();
        }

        private static void EmitForward(IndentedWriter w, LayerPlan plan)
        {
            LayerShape s = plan.Shape;
            using (w.Open("public static void Forward(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output)"))
            {
                w.Line($"int batch = {Support}.BatchCount(input.Length, InputLength, nameof(input));");
                w.Line($"{Support}.CheckLength(weights.Length, WeightLength, nameof(weights));");
                w.Line($"{Support}.CheckLength(bias.Length, BiasLength, nameof(bias));");
                w.Line($"{Support}.CheckBatch(output.Length, OutputLength, batch, nameof(output), nameof(input));");
                EmitFallback(w, "Forward(Shape, input, weights, bias, output)");
                if (plan.ChannelLanesForward is not null)
                {
                    w.Line($"float[] weightsT = {Support}.Scratch(ref t_weightsT, WeightLength);");
                    w.Line($"float[] outputT = {Support}.Scratch(ref t_outputT, OutputLength);");
                    w.Line("// The kernel reads eight output channels' weights of a tap as one vector: the weights as [c, r, s][k].");
                    w.Line($"{Support}.Transpose(weights, weightsT, OutChannels, InChannels * {s.Taps});");
                    using (w.Open("for (int n = 0; n < batch; n++)"))
                    {
                        w.Line($"{plan.Forward.MethodName}({InputSample}, ref MemoryMarshal.GetArrayDataReference(weightsT), ref MemoryMarshal.GetReference(bias), ref MemoryMarshal.GetArrayDataReference(outputT));");
                        w.Line("// The kernel writes pixel-major, [i, j][k]; the output is NCHW.");
                        w.Line($"{Support}.Transpose(outputT, output.Slice(n * OutputLength, OutputLength), OutHeight * OutWidth, OutChannels);");
                    }

                    w.Line();
                    return;
                }

                bool direct = plan.StrideTwoForward is not null || plan.Forward.InPlace is not null;
                if (!direct)
                {
                    EmitPackedInputBuffer(w, plan);
                }

                using (w.Open("for (int n = 0; n < batch; n++)"))
                {
                    string source = direct ? InputSample : EmitPackInput(w, plan);
                    w.Line($"{plan.Forward.MethodName}({source}, ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetReference(bias), ref MemoryMarshal.GetReference(output.Slice(n * OutputLength, OutputLength)));");
                }
            }

            w.Line();
        }

        private static void EmitBackwardData(IndentedWriter w, LayerPlan plan)
        {
            LayerShape s = plan.Shape;
            DataPlan data = plan.BackwardData;
            using (w.Open("public static void BackwardData(ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad)"))
            {
                w.Line($"int batch = {Support}.BatchCount(outputGrad.Length, OutputLength, nameof(outputGrad));");
                w.Line($"{Support}.CheckLength(weights.Length, WeightLength, nameof(weights));");
                w.Line($"{Support}.CheckBatch(inputGrad.Length, InputLength, batch, nameof(inputGrad), nameof(outputGrad));");
                EmitFallback(w, "BackwardData(Shape, outputGrad, weights, inputGrad)");
                if (plan.TransposedBackwardData is not null)
                {
                    EmitPaddedGradBuffer(w, s);
                    using (w.Open("for (int n = 0; n < batch; n++)"))
                    {
                        string gradient = EmitPadOutputGrad(w, s, alignedCopy: false);
                        w.Line($"BackwardDataSample({gradient}, ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetReference(inputGrad.Slice(n * InputLength, InputLength)));");
                    }
                }
                else
                {
                    bool packed = !data.ReadsInPlace;
                    if (packed)
                    {
                        w.Line($"float[] packed = {Support}.Scratch(ref t_packedOutputGrad, PackedOutputGradLength);");
                    }

                    string source = packed ? "ref MemoryMarshal.GetArrayDataReference(packed)" : "ref MemoryMarshal.GetReference(outputGrad.Slice(n * OutputLength, OutputLength))";
                    bool phased = s.Stride > 1;
                    List<PhaseStep> steps = PhaseSteps(data, s);
                    if (data.ScratchLength > 0)
                    {
                        w.Line(steps.Any(step => step.Odd is not null && !step.InKernel)
                            ? $"float[] phaseGrad = {Support}.Scratch(ref t_phaseGrad, 2 * PhaseGradLength);"
                            : $"float[] phaseGrad = {Support}.Scratch(ref t_phaseGrad, PhaseGradLength);");
                    }

                    using (w.Open("for (int n = 0; n < batch; n++)"))
                    {
                        if (packed)
                        {
                            w.Line($"{Support}.PackPlanes(outputGrad.Slice(n * OutputLength, OutputLength), packed, OutChannels, OutHeight, OutWidth, PackedOutputGradRowOffset, PackedOutputGradColumnOffset, 1, PackedOutputGradChannelPitch, PackedOutputGradChannelPitch, PackedOutputGradRowPitch);");
                        }

                        w.Line("Span<float> sampleGrad = inputGrad.Slice(n * InputLength, InputLength);");
                        if (!phased)
                        {
                            w.Line($"{data.Phases[0].Kernel.MethodName}({source}, ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetReference(sampleGrad));");
                        }
                        else if (data.ClearFirst)
                        {
                            w.Line("// Some stride phases meet no kernel tap: their input gradient is zero.");
                            w.Line("sampleGrad.Clear();");
                        }

                        foreach ((DataPhasePlan phase, DataPhasePlan? odd, bool inKernel) in steps)
                        {
                            if (odd is not null)
                            {
                                w.Line($"// Input rows {phase.RowStart}, {phase.RowStart + 2}, …: their even columns, then their odd ones, written out together.");
                            }

                            w.Line($"{phase.Kernel.MethodName}({source}, ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetArrayDataReference(phaseGrad));");
                            if (odd is null)
                            {
                                w.Line($"{Support}.ScatterPhase(phaseGrad, sampleGrad, InChannels, InHeight, InWidth, {phase.Rows}, {phase.Columns}, {phase.RowStart}, {phase.ColumnStart}, Stride, {phase.Kernel.DestinationChannelPitch}, {phase.Kernel.DestinationRowPitch});");
                                continue;
                            }

                            if (inKernel)
                            {
                                w.Line($"{odd.Kernel.MethodName}({source}, ref MemoryMarshal.GetReference(weights), ref MemoryMarshal.GetArrayDataReference(phaseGrad), ref Unsafe.Add(ref MemoryMarshal.GetReference(sampleGrad), {phase.RowStart} * InWidth));");
                                continue;
                            }

                            w.Line($"{odd.Kernel.MethodName}({source}, ref MemoryMarshal.GetReference(weights), ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(phaseGrad), PhaseGradLength));");
                            w.Line($"{Support}.InterleavePhases(phaseGrad, phaseGrad.AsSpan(PhaseGradLength), sampleGrad, InChannels, InHeight, InWidth, {phase.Rows}, {phase.RowStart}, {phase.Columns}, {odd.Columns}, {phase.Kernel.DestinationChannelPitch}, {phase.Kernel.DestinationRowPitch}, {odd.Kernel.DestinationChannelPitch}, {odd.Kernel.DestinationRowPitch});");
                        }
                    }
                }
            }

            w.Line();
        }

        private static void EmitBackwardWeights(IndentedWriter w, LayerPlan plan)
        {
            LayerShape s = plan.Shape;
            using (w.Open("public static void BackwardWeights(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad)"))
            {
                w.Line($"int batch = {Support}.BatchCount(input.Length, InputLength, nameof(input));");
                w.Line($"{Support}.CheckBatch(outputGrad.Length, OutputLength, batch, nameof(outputGrad), nameof(input));");
                w.Line($"{Support}.CheckLength(weightGrad.Length, WeightLength, nameof(weightGrad));");
                w.Line($"{Support}.CheckLength(biasGrad.Length, BiasLength, nameof(biasGrad));");
                EmitFallback(w, "BackwardWeights(Shape, input, outputGrad, weightGrad, biasGrad)");
                EmitPackedInputBuffer(w, plan);
                if (plan.ChannelLanesWeights is null)
                {
                    EmitPaddedGradBuffer(w, s);
                    w.Line("weightGrad.Clear();");
                    w.Line("biasGrad.Clear();");
                    using (w.Open("for (int n = 0; n < batch; n++)"))
                    {
                        // An input that needs packing is packed one channel at a time inside the kernel.
                        string source = InputInPlace(plan) ? EmitPackInput(w, plan) : "input.Slice(n * InputLength, InputLength), packed";
                        string gradient = EmitPadOutputGrad(w, s, AlignsOutputGrad(plan));
                        w.Line($"BackwardWeightsSample({source}, {gradient}, ref MemoryMarshal.GetReference(weightGrad), ref MemoryMarshal.GetReference(biasGrad));");
                    }
                }
                else
                {
                    w.Line($"float[] outputGradT = {Support}.Scratch(ref t_outputGradT, OutputLength);");
                    w.Line($"float[] weightGradT = {Support}.Scratch(ref t_weightGradT, WeightLength);");
                    w.Line("Array.Clear(weightGradT);");
                    w.Line("biasGrad.Clear();");
                    using (w.Open("for (int n = 0; n < batch; n++)"))
                    {
                        string source = EmitPackInput(w, plan);
                        w.Line($"{Support}.Transpose(outputGrad.Slice(n * OutputLength, OutputLength), outputGradT, OutChannels, OutHeight * OutWidth);");
                        w.Line($"BackwardWeightsSample({source}, ref MemoryMarshal.GetArrayDataReference(outputGradT), ref MemoryMarshal.GetArrayDataReference(weightGradT), ref MemoryMarshal.GetReference(biasGrad));");
                    }

                    w.Line();
                    w.Line("// The sums are kept as rows of output channels, one per (source channel, tap); the weights are K,C,R,S.");
                    w.Line($"{Support}.Transpose(weightGradT, weightGrad, InChannels * {s.Taps}, OutChannels);");
                }
            }

            w.Line();
        }

        /// <summary>
        /// The order backward-data runs its stride phases in. At stride 2, the two column phases of a row phase (input columns
        /// 0, 2, 4, … and 1, 3, 5, …) are computed one after the other and written out together, each input row whole, rather
        /// than each phase read-modify-writing every other float of the rows. At stride 1 there are none: the one kernel writes
        /// the input gradient directly.
        /// </summary>
        private static List<PhaseStep> PhaseSteps(DataPlan data, LayerShape s)
        {
            var steps = new List<PhaseStep>();
            if (s.Stride == 1)
            {
                return steps;
            }

            foreach (DataPhasePlan phase in data.Phases)
            {
                // An odd column phase with an even partner is written with that partner, not on its own.
                if (!data.Phases.Any(even => Partners(even, phase, s)))
                {
                    DataPhasePlan? odd = data.Phases.FirstOrDefault(other => Partners(phase, other, s));
                    steps.Add(new PhaseStep(phase, odd, odd is not null && InterleavesInKernel(phase, odd)));
                }
            }

            return steps;
        }

        /// <summary>
        /// One step of <see cref="PhaseSteps"/>: a phase, its odd column partner if it has one, and whether the partner's kernel
        /// writes both into the input gradient itself (<see cref="InterleavesInKernel"/>).
        /// </summary>
        private sealed record PhaseStep(DataPhasePlan Even, DataPhasePlan? Odd, bool InKernel);

        /// <summary>
        /// Whether the odd phase's kernel writes both phases' columns straight into the input gradient, interleaving its
        /// results with the even phase's as it stores them (<see cref="KernelSupport"/>.StoreInterleaved): every block of it
        /// must cover whole columns, none of the padding past them.
        /// </summary>
        private static bool InterleavesInKernel(DataPhasePlan even, DataPhasePlan odd) =>
            even.Columns == odd.Columns && odd.Columns % odd.Kernel.Blocking.BlockColumns == 0
            && (odd.Kernel.RowTail is null || odd.Columns % odd.Kernel.RowTail.BlockColumns == 0);

        /// <summary>Whether two stride-2 phases are the even and odd columns of the same input rows, every column of them.</summary>
        private static bool Partners(DataPhasePlan even, DataPhasePlan odd, LayerShape s) =>
            s.Stride == 2 && even.ColumnStart == 0 && odd.ColumnStart == 1 && even.RowStart == odd.RowStart && even.Rows == odd.Rows
            && even.Columns == (s.InWidth + 1) / 2 && odd.Columns == s.InWidth / 2;

        /// <summary>
        /// The row of zeros that the layer's in-place kernels read for rows outside their source, long enough for every one of
        /// them, and where their row references point into it; null when no kernel reads in place.
        /// </summary>
        private static (int Length, int Origin)? ZeroRow(LayerPlan plan)
        {
            var rows = new List<(int Length, int Origin)>();
            if (plan.ChannelLanesForward is { } channelLanesForward)
            {
                rows.Add((channelLanesForward.ZeroRowLength, channelLanesForward.ZeroRowOrigin));
            }
            else if (plan.StrideTwoForward is { } strideTwo)
            {
                rows.Add((strideTwo.ZeroRowLength, strideTwo.ZeroRowOrigin));
            }
            else if (plan.Forward.InPlace is { } forward)
            {
                rows.Add((forward.ZeroRowLength, forward.ZeroRowOrigin));
            }

            if (plan.TransposedBackwardData is null)
            {
                rows.AddRange(plan.BackwardData.Phases.Select(p => p.Kernel.InPlace).OfType<InPlaceSource>().Select(p => (p.ZeroRowLength, p.ZeroRowOrigin)));
            }

            if (rows.Count == 0)
            {
                return null;
            }

            int origin = rows.Max(r => r.Origin);
            return (origin + rows.Max(r => r.Length - r.Origin), origin);
        }

        /// <summary>When the packed input would be a plain copy, forward and backward-weights read the input in place.</summary>
        private static bool InputInPlace(LayerPlan plan) => Planner.InputCopiedAsIs(plan.Shape, plan.InputPack);

        private static void EmitPackedInputBuffer(IndentedWriter w, LayerPlan plan)
        {
            if (!InputInPlace(plan))
            {
                w.Line($"float[] packed = {Support}.Scratch(ref t_packedInput, PackedInputLength);");
            }
        }

        /// <summary>Sample n of the input, where it lies, as a kernel's source argument.</summary>
        private const string InputSample = "ref MemoryMarshal.GetReference(input.Slice(n * InputLength, InputLength))";

        /// <summary>Packs sample n's input into the working buffer, unless it is read in place; returns the reference to pass on.</summary>
        private static string EmitPackInput(IndentedWriter w, LayerPlan plan)
        {
            if (InputInPlace(plan))
            {
                return InputSample;
            }

            w.Line($"{Support}.PackPlanes(input.Slice(n * InputLength, InputLength), packed, InChannels, InHeight, InWidth, PadTop, PadLeft, Stride, PackedInputChannelPitch, PackedInputPhasePitch, PackedInputRowPitch);");
            return "ref MemoryMarshal.GetArrayDataReference(packed)";
        }

        /// <summary>When the output width is a whole number of vectors, the gradient is read where it is, not copied.</summary>
        private static bool GradientInPlace(LayerShape s) => s.OutWidth % Blocking.Lanes == 0;

        /// <summary>
        /// Whether the pixel-lane backward-weights reads its output gradient from a copy on a 32-byte boundary when the
        /// caller's is not on one. It loads every gradient vector once per source channel and tap group, and off a boundary
        /// half of those loads straddle two cache lines: S3's and S4's passes were 3–8 % slower with the gradient 8 bytes
        /// past one (2026-12-04). With eight source channels or more the copy, about one more read of the gradient, costs
        /// less than the straddling loads; LeNet conv1's single channel reads it only a few times.
        /// </summary>
        private static bool AlignsOutputGrad(LayerPlan plan) =>
            plan.ChannelLanesWeights is null && GradientInPlace(plan.Shape) && plan.Shape.InChannels >= 8;

        private static void EmitPaddedGradBuffer(IndentedWriter w, LayerShape s)
        {
            if (!GradientInPlace(s))
            {
                w.Line($"float[] paddedGrad = {Support}.Scratch(ref t_paddedOutputGrad, PaddedOutputGradLength);");
            }
        }

        /// <summary>
        /// Pads sample n's output gradient to whole-vector rows, unless it has them; returns the reference to pass on. With
        /// <paramref name="alignedCopy"/>, a gradient read in place that does not start on a 32-byte boundary is copied
        /// onto one first (<see cref="AlignsOutputGrad"/>).
        /// </summary>
        private static string EmitPadOutputGrad(IndentedWriter w, LayerShape s, bool alignedCopy)
        {
            if (GradientInPlace(s))
            {
                return alignedCopy
                    ? $"ref {Support}.AlignedSource(outputGrad.Slice(n * OutputLength, OutputLength), ref t_alignedOutputGrad)"
                    : "ref MemoryMarshal.GetReference(outputGrad.Slice(n * OutputLength, OutputLength))";
            }

            w.Line($"{Support}.PackPlanes(outputGrad.Slice(n * OutputLength, OutputLength), paddedGrad, OutChannels, OutHeight, OutWidth, 0, 0, 1, PaddedOutputGradChannelPitch, PaddedOutputGradChannelPitch, PaddedOutputGradRowPitch);");
            return "ref MemoryMarshal.GetArrayDataReference(paddedGrad)";
        }

        private static void EmitFallback(IndentedWriter w, string call)
        {
            using (w.Open($"if (!{Support}.VectorPathSupported)"))
            {
                w.Line("// No hardware Vector256 (ARM64, older x86, or disabled): the scalar reference kernel, chosen once by the JIT.");
                w.Line($"ReferenceConv2D.{call};");
                w.Line("return;");
            }

            w.Line();
        }

        /// <summary>
        /// An odd column phase's kernel that stores into the input gradient itself, each of its vectors interleaved with
        /// the even phase's results for the same columns (read from the even kernel's destination, <paramref name="Even"/>).
        /// </summary>
        private sealed record InterleaveTarget(BlockKernelPlan Even, int InputHeight, int InputWidth);

        /// <summary>
        /// Emits a register-blocked direct convolution: see <see cref="BlockKernelPlan"/>; with <paramref name="interleave"/>,
        /// an odd column phase that writes itself and its even partner into the input gradient.
        /// </summary>
        private static void EmitBlockKernel(IndentedWriter w, BlockKernelPlan k, int zeroRowOrigin, InterleaveTarget? interleave = null)
        {
            Blocking b = k.Blocking;
            int mainRows = k.RowTail is null ? k.OutRows : k.OutRows / b.RowBlock * b.RowBlock;
            w.Line("/// <summary>");
            w.Line($"/// {k.Summary}");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {b.ChannelBlock} output channel(s) × {b.RowBlock} row(s) × {b.BlockColumns} columns: {b.Accumulators} Vector256 accumulators, {k.Taps.Count} taps unrolled,");
            w.Line($"/// a loop over the {k.SourceChannels} source channel(s). Edge blocks {(k.PaddedDestination ? "write into padded rows" : "overlap the previous block (recomputing identical values)")}.");
            if (k.RowTail is { } tail)
            {
                w.Line($"/// The last {k.OutRows - mainRows} row(s), rather than an overlapping block, take blocks of {tail.ChannelBlock} output channel(s) × {tail.RowBlock} row(s) × {tail.BlockColumns} columns ({tail.Accumulators} accumulators){(k.InPlace is null ? string.Empty : $", in {k.MethodName}Tail")}.");
            }

            if (k.InPlace is not null)
            {
                w.Line("/// The source is read where it lies: rows above or below it read a row of zeros, and in the column blocks at a row's ends");
                w.Line("/// a vector reaching past the end is the end's vector moved by whole columns, those past the end zeroed.");
            }

            if (interleave is not null)
            {
                w.Line("/// Each result vector is stored together with the even columns' vector from <paramref name=\"evenPhase\"/>, interleaved,");
                w.Line("/// into two input rows' worth of columns of <paramref name=\"destination\"/> (the input gradient from the phase's first row).");
            }

            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string biasParameter = k.HasBias ? "ref float bias, " : string.Empty;
            string evenParameter = interleave is null ? string.Empty : "ref float evenPhase, ";
            string parameters = $"ref float source, ref float weights, {biasParameter}{evenParameter}ref float destination";
            using (w.Open($"private static void {k.MethodName}({parameters})"))
            {
                EmitBlocks(w, k, b, 0, mainRows, interleave, zeroRowOrigin);
                if (k.RowTail is { } rowTail)
                {
                    w.Line();
                    w.Line($"// Rows {mainRows} … {k.OutRows - 1}.");
                    if (k.InPlace is null)
                    {
                        EmitBlocks(w, k, rowTail, mainRows, k.OutRows - mainRows, interleave, zeroRowOrigin);
                    }
                    else
                    {
                        w.Line($"{k.MethodName}Tail({parameters.Replace("ref float ", "ref ")});");
                    }
                }
            }

            w.Line();
            if (k.InPlace is not null && k.RowTail is { } inPlaceTail)
            {
                // A method of its own: the edge blocks are unrolled one by one, and one method's FMA statements stay within
                // what the JIT inlines KernelSupport.MultiplyAdd into.
                w.Line("/// <summary>");
                w.Line($"/// Rows {mainRows} … {k.OutRows - 1} of <see cref=\"{k.MethodName}\"/>: blocks of {inPlaceTail.ChannelBlock} output channel(s) × {inPlaceTail.RowBlock} row(s) × {inPlaceTail.BlockColumns} columns.");
                w.Line("/// </summary>");
                w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
                using (w.Open($"private static void {k.MethodName}Tail({parameters})"))
                {
                    EmitBlocks(w, k, inPlaceTail, mainRows, k.OutRows - mainRows, interleave, zeroRowOrigin);
                }

                w.Line();
            }
        }

        /// <summary>The loops of one blocking over output rows <paramref name="firstRow"/> … firstRow + rows − 1.</summary>
        private static void EmitBlocks(IndentedWriter w, BlockKernelPlan k, Blocking b, int firstRow, int rows, InterleaveTarget? interleave, int zeroRowOrigin)
        {
            int kb = b.ChannelBlock, rb = b.RowBlock;
            int columnBlocks = Ceiling(k.OutColumns, b.BlockColumns);
            bool partialStore = !k.PaddedDestination && k.OutColumns < Blocking.Lanes;
            string interiorStart = partialStore ? "0" : BlockStart("columnBlock", b.BlockColumns, k.OutColumns, clamp: !k.PaddedDestination);
            InPlaceSource? inPlace = k.InPlace;
            if (inPlace is not null)
            {
                EmitEdgeMoves(w, k, b, inPlace);
                w.Line($"ref float zeroRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_zeroRow), {zeroRowOrigin});");
            }

            using (w.Open($"for (int channelBlock = 0; channelBlock < {Ceiling(k.OutChannels, kb)}; channelBlock++)"))
            {
                w.Line($"int k0 = {BlockStart("channelBlock", kb, k.OutChannels, clamp: true)};");
                using (w.Open($"for (int rowBlock = 0; rowBlock < {Ceiling(rows, rb)}; rowBlock++)"))
                {
                    w.Line($"int i0 = {(firstRow > 0 ? $"{firstRow} + " : string.Empty)}{BlockStart("rowBlock", rb, rows, clamp: true)};");
                    if (inPlace is null)
                    {
                        using (w.Open($"for (int columnBlock = 0; columnBlock < {columnBlocks}; columnBlock++)"))
                        {
                            w.Line($"int j0 = {interiorStart};");
                            EmitBlockBody(w, k, b, interleave, partialStore, edgeStart: null);
                        }
                    }
                    else
                    {
                        EmitInPlaceColumnBlocks(w, k, b, inPlace, interleave, interiorStart);
                    }
                }
            }
        }

        /// <summary>
        /// An in-place kernel's column blocks for one row block: its source rows (or the zero row), then the edge blocks at the
        /// row's start one by one, a loop over the blocks whose loads all lie inside the row, and the edge blocks at its end.
        /// </summary>
        private static void EmitInPlaceColumnBlocks(IndentedWriter w, BlockKernelPlan k, Blocking b, InPlaceSource inPlace, InterleaveTarget? interleave, string interiorStart)
        {
            int rb = b.RowBlock, columnBlocks = Ceiling(k.OutColumns, b.BlockColumns);
            List<int> used = SourceRows(inPlace, rb);
            w.Line($"// Source rows {Plus("i0", null, inPlace.MinRow)} … {Plus("i0", null, rb - 1 + inPlace.MaxRow)}; outside the source, the zero row, which stays put.");
            w.Line($"int {string.Join(", ", used.Select(t => $"y{RowName(t)} = i0{Signed(t).Replace("−", "-")}"))};");
            w.Line($"bool {string.Join(", ", used.Select(t => $"in{RowName(t)} = (uint)y{RowName(t)} < {inPlace.Height}"))};");
            w.Line($"int {string.Join(", ", used.Select(t => $"pitch{RowName(t)} = in{RowName(t)} ? {k.SourceChannelPitch} : 0"))};");
            (int leading, int trailing) = EdgeBlockCounts(k, b);
            foreach (int block in Range(columnBlocks))
            {
                if (block >= leading && block < columnBlocks - trailing)
                {
                    if (block == leading)
                    {
                        int last = Planner.ColumnBlockStart(k, b, columnBlocks - trailing - 1) + b.BlockColumns - 1;
                        w.Line($"// Columns {Planner.ColumnBlockStart(k, b, leading)} … {last}: every load inside the source's rows.");
                        using (w.Open($"for (int columnBlock = {leading}; columnBlock < {columnBlocks - trailing}; columnBlock++)"))
                        {
                            w.Line($"int j0 = {interiorStart};");
                            EmitBlockBody(w, k, b, interleave, partialStore: false, edgeStart: null);
                        }
                    }

                    continue;
                }

                int j0 = Planner.ColumnBlockStart(k, b, block);
                w.Line($"// Columns {j0} … {j0 + b.BlockColumns - 1}: loads past the row's {(block < leading ? "start" : "end")} take the vector at it, moved.");
                using (w.OpenBare())
                {
                    w.Line($"int j0 = {j0};");
                    EmitBlockBody(w, k, b, interleave, partialStore: false, edgeStart: j0);
                }
            }
        }

        /// <summary>
        /// One block of a block kernel at output row i0, column j0, channel k0: accumulators, the loop over the source
        /// channels, the stores. <paramref name="edgeStart"/> is j0 in an in-place kernel's edge blocks (null elsewhere).
        /// </summary>
        private static void EmitBlockBody(IndentedWriter w, BlockKernelPlan k, Blocking b, InterleaveTarget? interleave, bool partialStore, int? edgeStart)
        {
            int kb = b.ChannelBlock, rb = b.RowBlock, jb = b.VectorBlock;
            w.Line($"// Accumulator a_k_r_v: output channel k0+k, row i0+r, columns j0+8v … j0+8v+7; {(k.HasBias ? "starts at the bias" : "starts at zero")}.");
            for (int kk = 0; kk < kb; kk++)
            {
                string init = k.HasBias ? $"bias_{kk}" : "Vector256<float>.Zero";
                if (k.HasBias)
                {
                    w.Line($"Vector256<float> bias_{kk} = Vector256.Create(Unsafe.Add(ref bias, k0 + {kk}));");
                }

                w.Line($"Vector256<float> {string.Join(", ", Range(rb).SelectMany(rr => Range(jb).Select(jj => $"{Acc(kk, rr, jj)} = {init}")))};");
            }

            InPlaceSource? inPlace = k.InPlace;
            if (inPlace is null)
            {
                w.Line($"ref float src = ref Unsafe.Add(ref source, (i0 * {k.RowStep * k.SourceRowPitch}) + j0);");
            }
            else
            {
                foreach (int t in SourceRows(inPlace, rb))
                {
                    w.Line($"ref float row{RowName(t)} = ref in{RowName(t)} ? ref Unsafe.Add(ref source, (y{RowName(t)} * {inPlace.Width}) + j0) : ref zeroRow;");
                }
            }

            w.Line($"ref float w = ref Unsafe.Add(ref weights, k0 * {k.WeightOutputStride});");
            using (w.Open($"for (int c = 0; c < {k.SourceChannels}; c++)"))
            {
                int rowStride = k.RowStep * k.SourceRowPitch;
                if (inPlace is not null)
                {
                    EmitTaps(w, k, b, (tap, rr, jj) => InPlaceLoad(inPlace, tap, rr, jj, edgeStart), "w");
                    foreach (int t in SourceRows(inPlace, rb))
                    {
                        w.Line($"row{RowName(t)} = ref Unsafe.Add(ref row{RowName(t)}, pitch{RowName(t)});");
                    }
                }
                else if (k.TapRows is { } tapRows)
                {
                    w.Line($"// Kernel rows in a loop: each repeats the taps of row {k.Taps[0].R}; from row to row the source moves {Move(tapRows.SourceDelta)} and the weights {Move(tapRows.WeightDelta)}.");
                    w.Line("ref float srcRow = ref src;");
                    w.Line("ref float wRow = ref w;");
                    using (w.Open($"for (int tapRow = 0; tapRow < {tapRows.Rows}; tapRow++)"))
                    {
                        EmitTaps(w, k, b, (tap, rr, jj) => $"Vector256.LoadUnsafe(ref srcRow, {(rr * rowStride) + (jj * Blocking.Lanes) + k.Taps[tap].SourceOffset})", "wRow");
                        w.Line(Advance("srcRow", tapRows.SourceDelta));
                        w.Line(Advance("wRow", tapRows.WeightDelta));
                    }
                }
                else
                {
                    EmitTaps(w, k, b, (tap, rr, jj) => $"Vector256.LoadUnsafe(ref src, {(rr * rowStride) + (jj * Blocking.Lanes) + k.Taps[tap].SourceOffset})", "w");
                }

                if (inPlace is null)
                {
                    w.Line($"src = ref Unsafe.Add(ref src, {k.SourceChannelPitch});");
                }

                w.Line($"w = ref Unsafe.Add(ref w, {k.WeightSourceStride});");
            }

            w.Line();
            if (interleave is { } target)
            {
                // Phase row i is input row 2i from the destination's start; phase column j, input columns 2j and 2j + 1.
                int channelPitch = target.InputHeight * target.InputWidth, rowPitch = 2 * target.InputWidth;
                w.Line($"ref float even = ref Unsafe.Add(ref evenPhase, (k0 * {target.Even.DestinationChannelPitch}) + (i0 * {target.Even.DestinationRowPitch}) + j0);");
                w.Line($"ref float dst = ref Unsafe.Add(ref destination, (k0 * {channelPitch}) + (i0 * {rowPitch}) + (2 * j0));");
                foreach (int kk in Range(kb))
                {
                    foreach (int rr in Range(rb))
                    {
                        foreach (int jj in Range(jb))
                        {
                            int evenOffset = (kk * target.Even.DestinationChannelPitch) + (rr * target.Even.DestinationRowPitch) + (jj * Blocking.Lanes);
                            int offset = (kk * channelPitch) + (rr * rowPitch) + (2 * jj * Blocking.Lanes);
                            w.Line($"{Support}.StoreInterleaved(Vector256.LoadUnsafe(ref even, {evenOffset}), {Acc(kk, rr, jj)}, ref Unsafe.Add(ref dst, {offset}));");
                        }
                    }
                }
            }
            else
            {
                w.Line($"ref float dst = ref Unsafe.Add(ref destination, (k0 * {k.DestinationChannelPitch}) + (i0 * {k.DestinationRowPitch}) + j0);");
                foreach (int kk in Range(kb))
                {
                    foreach (int rr in Range(rb))
                    {
                        foreach (int jj in Range(jb))
                        {
                            int offset = (kk * k.DestinationChannelPitch) + (rr * k.DestinationRowPitch) + (jj * Blocking.Lanes);
                            w.Line(partialStore
                                ? $"{Support}.StorePartial({Acc(kk, rr, jj)}, ref Unsafe.Add(ref dst, {offset}), {k.OutColumns});"
                                : $"{Acc(kk, rr, jj)}.StoreUnsafe(ref dst, {offset});");
                        }
                    }
                }
            }
        }

        /// <summary>The source rows, relative to i0, that a block of <paramref name="rowBlock"/> rows of an in-place kernel reads.</summary>
        private static List<int> SourceRows(InPlaceSource p, int rowBlock) =>
            Range(rowBlock).SelectMany(rr => p.Offsets.Select(o => rr + o.Row)).Distinct().OrderBy(t => t).ToList();

        /// <summary>How a source row relative to i0 is named in code: 0, 1, … and m1, m2, … above i0.</summary>
        private static string RowName(int t) => t < 0 ? $"m{-t}" : $"{t}";

        /// <summary>The in-place kernel's edge blocks at the start and end of a row for one of its blockings.</summary>
        private static (int Leading, int Trailing) EdgeBlockCounts(BlockKernelPlan k, Blocking b)
        {
            InPlaceSource p = k.InPlace!;
            return b == k.Blocking ? (p.LeadingEdgeBlocks, p.TrailingEdgeBlocks) : (p.TailLeadingEdgeBlocks, p.TailTrailingEdgeBlocks);
        }

        /// <summary>
        /// The vector of tap <paramref name="tap"/> for block row rr, vector jj in an in-place kernel: a load from the row's
        /// reference; in an edge block (<paramref name="edgeStart"/> = j0), past the row's start the row's first vector moved
        /// right, past its end the last vector moved left, and zero wholly outside.
        /// </summary>
        private static string InPlaceLoad(InPlaceSource p, int tap, int rr, int jj, int? edgeStart)
        {
            SourceOffset o = p.Offsets[tap];
            string row = $"row{RowName(rr + o.Row)}";
            int offset = (jj * Blocking.Lanes) + o.Column;
            if (edgeStart is int j0)
            {
                switch (Planner.EdgeMove(j0 + offset, p.Width))
                {
                    case (true, _, _):
                        return "Vector256<float>.Zero";
                    case (_, int m, _) when m > 0:
                        return $"{Support}.ShiftColumns({LoadAt(row, -j0)}, fromStart{m}, keepFrom{m})";
                    case (_, _, int m) when m > 0:
                        return $"{Support}.ShiftColumns({LoadAt(row, p.Width - Blocking.Lanes - j0)}, fromEnd{m}, keepTo{m})";
                }
            }

            return LoadAt(row, offset);

            static string LoadAt(string reference, int at) =>
                at >= 0 ? $"Vector256.LoadUnsafe(ref {reference}, {at})" : $"Vector256.LoadUnsafe(ref Unsafe.Subtract(ref {reference}, {-at}))";
        }

        /// <summary>The lane moves an in-place kernel's edge blocks use, as constants at the top of the method.</summary>
        private static void EmitEdgeMoves(IndentedWriter w, BlockKernelPlan k, Blocking b, InPlaceSource p)
        {
            (int leading, int trailing) = EdgeBlockCounts(k, b);
            int blocks = Ceiling(k.OutColumns, b.BlockColumns);
            var moves = Planner.EdgeBlockIndices(blocks, leading, trailing)
                .SelectMany(block => Range(b.VectorBlock).SelectMany(jj => p.Offsets.Select(o => Planner.ColumnBlockStart(k, b, block) + (jj * Blocking.Lanes) + o.Column)))
                .Select(column => Planner.EdgeMove(column, p.Width))
                .Where(move => !move.Zero)
                .ToList();
            foreach (int m in moves.Select(move => move.FromStart).Where(m => m > 0).Distinct().OrderBy(m => m))
            {
                w.Line($"// A vector starting {m} column(s) before the row: lane l takes lane l − {m} of the row's first vector; lanes before {m} are zeroed.");
                w.Line($"Vector256<int> fromStart{m} = Vector256.Create({string.Join(", ", Range(Blocking.Lanes).Select(l => Math.Max(0, l - m)))});");
                w.Line($"Vector256<float> keepFrom{m} = Vector256.Create({string.Join(", ", Range(Blocking.Lanes).Select(l => l < m ? "0" : "-1"))}).AsSingle();");
            }

            foreach (int m in moves.Select(move => move.FromEnd).Where(m => m > 0).Distinct().OrderBy(m => m))
            {
                w.Line($"// A vector ending {m} column(s) past the row: lane l takes lane l + {m} of the row's last vector; lanes from {Blocking.Lanes - m} are zeroed.");
                w.Line($"Vector256<int> fromEnd{m} = Vector256.Create({string.Join(", ", Range(Blocking.Lanes).Select(l => Math.Min(Blocking.Lanes - 1, l + m)))});");
                w.Line($"Vector256<float> keepTo{m} = Vector256.Create({string.Join(", ", Range(Blocking.Lanes).Select(l => l < Blocking.Lanes - m ? "-1" : "0"))}).AsSingle();");
            }
        }

        /// <summary>
        /// One block's taps for one source channel. The operand used by fewer FMAs is loaded first and kept in registers:
        /// the rb·jb source vectors when they are fewer than the kb weights, the kb broadcast weights otherwise.
        /// </summary>
        private static void EmitTaps(IndentedWriter w, BlockKernelPlan k, Blocking b, Func<int, int, int, string> load, string weights)
        {
            int kb = b.ChannelBlock, rb = b.RowBlock, jb = b.VectorBlock;
            bool sourceFirst = rb * jb <= kb;
            w.Line(sourceFirst
                ? $"Vector256<float> {string.Join(", ", Range(rb).SelectMany(rr => Range(jb).Select(jj => $"x_{rr}_{jj}")))}, wk;"
                : $"Vector256<float> {string.Join(", ", Range(kb).Select(kk => $"w_{kk}"))}, x;");
            int previousRow = -1;
            foreach ((TapPlan tap, int index) in k.Taps.Select((tap, index) => (tap, index)))
            {
                if (tap.R != previousRow)
                {
                    w.Line($"// Kernel row {tap.R}: taps ({tap.R},{k.Taps.Where(t => t.R == tap.R).Min(t => t.S)}) … ({tap.R},{k.Taps.Where(t => t.R == tap.R).Max(t => t.S)}).");
                    previousRow = tap.R;
                }

                if (sourceFirst)
                {
                    foreach (int rr in Range(rb))
                    {
                        foreach (int jj in Range(jb))
                        {
                            w.Line($"x_{rr}_{jj} = {load(index, rr, jj)};");
                        }
                    }

                    foreach (int kk in Range(kb))
                    {
                        w.Line($"wk = Vector256.Create(Unsafe.Add(ref {weights}, {(kk * k.WeightOutputStride) + tap.WeightOffset}));");
                        w.Line(string.Join(" ", Range(rb).SelectMany(rr => Range(jb).Select(jj => $"{Acc(kk, rr, jj)} = {Support}.MultiplyAdd(x_{rr}_{jj}, wk, {Acc(kk, rr, jj)});"))));
                    }
                }
                else
                {
                    foreach (int kk in Range(kb))
                    {
                        w.Line($"w_{kk} = Vector256.Create(Unsafe.Add(ref {weights}, {(kk * k.WeightOutputStride) + tap.WeightOffset}));");
                    }

                    foreach (int rr in Range(rb))
                    {
                        foreach (int jj in Range(jb))
                        {
                            w.Line($"x = {load(index, rr, jj)};");
                            w.Line(string.Join(" ", Range(kb).Select(kk => $"{Acc(kk, rr, jj)} = {Support}.MultiplyAdd(x, w_{kk}, {Acc(kk, rr, jj)});")));
                        }
                    }
                }
            }
        }

        /// <summary>Lane l of a stride-2 forward's vectors holds output column j0 + ColumnOrder[l] (see KernelSupport.EvenColumns).</summary>
        private static readonly int[] StrideTwoColumnOrder = { 0, 1, 4, 5, 2, 3, 6, 7 };

        /// <summary>Emits the forward pass with output channels along the lanes: see <see cref="ChannelLanesForwardPlan"/>.</summary>
        private static void EmitChannelLanesForwardKernel(IndentedWriter w, LayerShape s, ChannelLanesForwardPlan p, int zeroRowOrigin)
        {
            int kb = p.ChannelBlock, st = s.Stride;
            string stride = st == 1 ? string.Empty : $"{st}";
            w.Line("/// <summary>");
            w.Line($"/// One sample's forward pass, pixel-major: destinationT[i, j][k] = bias[k] + Σ_c Σ_taps w'[k,c,r,s] · xpad[c, {stride}i + r·dilation, {stride}j + s·dilation],");
            w.Line("/// read straight from the input.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {kb} output channels ({p.Vectors} vector(s)) × up to {p.Pixels} pixels of one row: up to {p.Vectors * p.Pixels} Vector256 accumulators, {s.Taps} taps unrolled, a loop over");
            w.Line($"/// the {s.InChannels} source channel(s). Per tap, the {p.Vectors} weight vector(s) are loaded once (weightsT is [c, r, s][k]) and each pixel's");
            w.Line("/// input value is broadcast to them: no shuffles. Kernel rows above or below the input read a row of zeros; taps left or");
            w.Line("/// right of the input are not emitted.");
            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open("private static void ForwardSample(ref float source, ref float weightsT, ref float bias, ref float destinationT)"))
            {
                w.Line($"ref float zeroRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_zeroRow), {zeroRowOrigin});");
                using (w.Open($"for (int k0 = 0; k0 < {s.OutChannels}; k0 += {kb})"))
                {
                    using (w.Open($"for (int i = 0; i < {s.OutHeight}; i++)"))
                    {
                        EmitSourceRows(w, s);
                        foreach (PixelBlocks body in p.Bodies)
                        {
                            int end = body.Start + (body.Count * body.Pixels) - 1;
                            if (body.Loops)
                            {
                                w.Line($"// Columns {body.Start} … {end}, {body.Pixels} at a time: every tap inside the input.");
                                using (w.Open($"for (int j0 = {body.Start}; j0 < {end + 1}; j0 += {body.Pixels})"))
                                {
                                    EmitChannelLanesForwardBlock(w, s, p, body);
                                }
                            }
                            else
                            {
                                w.Line($"// Columns {body.Start} … {end}.");
                                using (w.OpenBare())
                                {
                                    w.Line($"const int j0 = {body.Start};");
                                    EmitChannelLanesForwardBlock(w, s, p, body);
                                }
                            }
                        }
                    }
                }
            }

            w.Line();
        }

        /// <summary>
        /// For output row i of a forward kernel reading its input in place: each kernel row's input row y_r, whether it lies
        /// inside the input (in_r) and the step to the same row of the next channel (pitch_r: 0 for the zero row).
        /// </summary>
        private static void EmitSourceRows(IndentedWriter w, LayerShape s)
        {
            int st = s.Stride, d = s.Dilation;
            w.Line($"// Kernel row r reads input row {Plus(st == 1 ? "i" : $"{st}i", d == 1 ? "r" : $"{d}r", -s.PadTop)} of each channel; outside the input, the zero row, which stays put.");
            w.Line($"int {string.Join(", ", Range(s.KernelHeight).Select(r => $"y{r} = {CodeSum(st == 1 ? "i" : $"{st} * i", (r * d) - s.PadTop)}"))};");
            w.Line($"bool {string.Join(", ", Range(s.KernelHeight).Select(r => $"in{r} = (uint)y{r} < {s.InHeight}"))};");
            w.Line($"int {string.Join(", ", Range(s.KernelHeight).Select(r => $"pitch{r} = in{r} ? {s.InHeight * s.InWidth} : 0"))};");
        }

        /// <summary>One block of the channel-lane forward: accumulators from the bias, the channel loop over the taps, the stores.</summary>
        private static void EmitChannelLanesForwardBlock(IndentedWriter w, LayerShape s, ChannelLanesForwardPlan p, PixelBlocks body)
        {
            int st = s.Stride, nv = p.Vectors;
            string Accumulator(int q, int v) => $"a_{q}_{v}";
            w.Line("// Accumulator a_q_v: output pixel (i, j0 + q), output channels k0+8v … k0+8v+7; starts at the bias.");
            foreach (int q in Range(body.Pixels))
            {
                w.Line($"Vector256<float> {string.Join(", ", Range(nv).Select(v => $"{Accumulator(q, v)} = Vector256.LoadUnsafe(ref bias, (nuint){(v == 0 ? "k0" : $"(k0 + {v * Blocking.Lanes})")})"))};");
            }

            string origin = st == 1 ? "j0" : $"{st} * j0";
            foreach (int r in Range(s.KernelHeight))
            {
                w.Line($"ref float row{r} = ref in{r} ? ref Unsafe.Add(ref source, (y{r} * {s.InWidth}) + ({origin})) : ref zeroRow;");
            }

            w.Line("ref float w = ref Unsafe.Add(ref weightsT, k0);");
            using (w.Open($"for (int c = 0; c < {s.InChannels}; c++)"))
            {
                w.Line($"Vector256<float> x, {string.Join(", ", Range(nv).Select(v => $"w_{v}"))};");
                foreach (int r in Range(s.KernelHeight))
                {
                    foreach (int t in Range(s.KernelWidth))
                    {
                        // A constant block skips taps outside the input; loads are relative to the block's origin st·j0.
                        int Offset(int q) => Planner.PixelColumnOffset(s, q, t);
                        int[] pixels = Range(body.Pixels).Where(q => Planner.ReadsInside(s, body, q, t)).ToArray();
                        if (pixels.Length == 0)
                        {
                            w.Line($"// Tap ({r},{t}): outside the input for every pixel of this block.");
                            continue;
                        }

                        int weight = s.WeightTapOffset(r, t) * s.OutChannels;
                        w.Line($"// Tap ({r},{t}){(pixels.Length < body.Pixels ? $": pixels {string.Join(", ", pixels)} (the others read outside the input)" : string.Empty)}.");
                        w.Line(string.Join(" ", Range(nv).Select(v => $"w_{v} = Vector256.LoadUnsafe(ref w, {weight + (v * Blocking.Lanes)});")));
                        foreach (int q in pixels)
                        {
                            string fmas = string.Join(" ", Range(nv).Select(v => $"{Accumulator(q, v)} = {Support}.MultiplyAdd(x, w_{v}, {Accumulator(q, v)});"));
                            w.Line($"x = Vector256.Create({(Offset(q) == 0 ? $"row{r}" : $"Unsafe.Add(ref row{r}, {Offset(q)})")}); {fmas}");
                        }
                    }
                }

                foreach (int r in Range(s.KernelHeight))
                {
                    w.Line($"row{r} = ref Unsafe.Add(ref row{r}, pitch{r});");
                }

                w.Line($"w = ref Unsafe.Add(ref w, {s.Taps * s.OutChannels});");
            }

            w.Line();
            w.Line($"ref float dst = ref Unsafe.Add(ref destinationT, (((i * {s.OutWidth}) + j0) * {s.OutChannels}) + k0);");
            foreach (int q in Range(body.Pixels))
            {
                w.Line(string.Join(" ", Range(nv).Select(v => $"{Accumulator(q, v)}.StoreUnsafe(ref dst, {(q * s.OutChannels) + (v * Blocking.Lanes)});")));
            }
        }

        /// <summary>Emits the stride-2 forward read straight from the input: see <see cref="StrideTwoForwardPlan"/>.</summary>
        private static void EmitStrideTwoForwardKernel(IndentedWriter w, LayerShape s, StrideTwoForwardPlan p, int zeroRowOrigin)
        {
            int kb = p.ChannelBlock;
            int plane = s.OutHeight * s.OutWidth, weightStride = s.InChannels * s.Taps;
            var moves = Range(s.KernelWidth).Select(ss => ColumnsMoved(TapColumnOffset(s, ss))).Where(m => m > 0).Distinct().OrderBy(m => m).ToList();
            w.Line("/// <summary>");
            w.Line("/// One sample's forward pass: output[k,i,j] = bias[k] + Σ_c Σ_taps w'[k,c,r,s] · xpad[c, 2i + r·dilation, 2j + s·dilation], read straight from the input.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {kb} output channel(s) × 1 row × 8 columns: {kb} Vector256 accumulators, {s.Taps} taps unrolled, a loop over the {s.InChannels} source channel(s);");
            w.Line($"/// {(s.OutChannels % kb == 0 ? "the channel blocks divide K" : "the last channel block overlaps the previous one (recomputing identical values)")}. A tap reads every other input column: its lanes hold");
            w.Line("/// output columns j0 + 0, 1, 4, 5 | 2, 3, 6, 7, so its vector is one in-lane shuffle of two loads from the input row, and results");
            w.Line("/// are put back in column order as they are stored. Kernel rows above or below the input read a row of zeros.");
            if (p.EdgeBlock)
            {
                w.Line("/// In columns 0 … 7, a tap that reaches left of the input takes the vector of a tap further right, moved by whole output");
                w.Line("/// columns, with the columns before the input zeroed.");
            }

            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open("private static void ForwardSample(ref float source, ref float weights, ref float bias, ref float destination)"))
            {
                foreach (int m in moves)
                {
                    // Lane l takes the lane holding output column order[l] − m; the first m columns become padding.
                    int[] lanes = StrideTwoColumnOrder.Select(column => column < m ? 0 : System.Array.IndexOf(StrideTwoColumnOrder, column - m)).ToArray();
                    w.Line($"// Moving vectors {m} output column(s) right in that lane order: lane l takes the lane of column order[l] − {m}; columns before {m} are padding.");
                    w.Line($"Vector256<int> moveBy{m} = Vector256.Create({string.Join(", ", lanes)});");
                    w.Line($"Vector256<float> keepFrom{m} = Vector256.Create({string.Join(", ", StrideTwoColumnOrder.Select(column => column < m ? "0" : "-1"))}).AsSingle();");
                }

                w.Line($"ref float zeroRow = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(s_zeroRow), {zeroRowOrigin});");
                using (w.Open($"for (int channelBlock = 0; channelBlock < {Ceiling(s.OutChannels, kb)}; channelBlock++)"))
                {
                    w.Line($"int k0 = {BlockStart("channelBlock", kb, s.OutChannels, clamp: true)};");
                    using (w.Open($"for (int i = 0; i < {s.OutHeight}; i++)"))
                    {
                        EmitSourceRows(w, s);
                        if (p.EdgeBlock)
                        {
                            w.Line("// Columns 0 … 7.");
                            using (w.OpenBare())
                            {
                                EmitStrideTwoBlock(w, s, kb, edge: true, plane, weightStride);
                            }
                        }

                        if (p.InteriorBlocks > 0)
                        {
                            int firstBlock = p.EdgeBlock ? 1 : 0, blocks = firstBlock + p.InteriorBlocks;
                            if (p.EdgeBlock)
                            {
                                w.Line();
                            }

                            w.Line($"// Columns {(p.EdgeBlock ? 8 : 0)} … {s.OutWidth - 1}{(s.OutWidth % Blocking.Lanes == 0 ? string.Empty : $", the last block ending at column {s.OutWidth - 1}")}.");
                            using (w.Open($"for (int columnBlock = {firstBlock}; columnBlock < {blocks}; columnBlock++)"))
                            {
                                w.Line($"int j0 = {BlockStart("columnBlock", Blocking.Lanes, s.OutWidth, clamp: true)};");
                                EmitStrideTwoBlock(w, s, kb, edge: false, plane, weightStride);
                            }
                        }
                    }
                }
            }

            w.Line();
        }

        /// <summary>
        /// How many output columns the first block of a stride-2 forward moves the vector of a tap at column offset
        /// <paramref name="offset"/> (from 2j) by: none for taps inside the input, else enough that offset + 2·moved is 0 or 1.
        /// </summary>
        private static int ColumnsMoved(int offset) => offset < 0 ? (1 - offset) / 2 : 0;

        /// <summary>The input column of kernel column <paramref name="ss"/> for output column j, less 2j: ss·dilation − padLeft.</summary>
        private static int TapColumnOffset(LayerShape s, int ss) => (ss * s.Dilation) - s.PadLeft;

        /// <summary>One column block of the stride-2 forward: accumulators, the channel loop over the taps, the stores.</summary>
        private static void EmitStrideTwoBlock(IndentedWriter w, LayerShape s, int kb, bool edge, int plane, int weightStride)
        {
            string RowStart(int r) => edge ? $"y{r} * {s.InWidth}" : $"(y{r} * {s.InWidth}) + (2 * j0)";
            w.Line("// Accumulator a_k: output channel k0+k, columns j0 + 0, 1, 4, 5 | 2, 3, 6, 7; starts at the bias.");
            foreach (int kk in Range(kb))
            {
                w.Line($"Vector256<float> a_{kk} = Vector256.Create(Unsafe.Add(ref bias, k0 + {kk}));");
            }

            foreach (int r in Range(s.KernelHeight))
            {
                w.Line($"ref float row{r} = ref in{r} ? ref Unsafe.Add(ref source, {RowStart(r)}) : ref zeroRow;");
            }

            w.Line($"ref float w = ref Unsafe.Add(ref weights, k0 * {weightStride});");
            // A kernel row's taps read few distinct column vectors (3×3: the even and the odd columns). Where they fit in the
            // registers beside the accumulators, the weight and a moved vector, they are computed once at the row's start:
            // left to the JIT's CSE, the two loads they share stay live between taps and, on AVX2's 16 registers, spill.
            int SourceOffset(int ss) => TapColumnOffset(s, ss) + (edge && TapColumnOffset(s, ss) < 0 ? 2 * ColumnsMoved(TapColumnOffset(s, ss)) : 0);
            int[] distinct = Range(s.KernelWidth).Select(SourceOffset).Distinct().ToArray();
            bool upfront = distinct.Length + kb + 2 <= Planner.VectorRegisters;
            using (w.Open($"for (int c = 0; c < {s.InChannels}; c++)"))
            {
                w.Line("Vector256<float> x, wk;");
                foreach (int r in Range(s.KernelHeight))
                {
                    int row = r;
                    string Source(int offset) => upfront ? ColumnsName(row, offset) : Columns($"row{row}", offset);
                    if (upfront)
                    {
                        w.Line($"// Kernel row {r}'s vectors: {string.Join("; ", distinct.Select(o => $"{ColumnsName(r, o)}, input columns {Plus("2j", null, o)}"))}.");
                        w.Line($"Vector256<float> {string.Join(", ", distinct.Select(o => $"{ColumnsName(r, o)} = {Columns($"row{r}", o)}"))};");
                    }

                    foreach (int ss in Range(s.KernelWidth))
                    {
                        int offset = TapColumnOffset(s, ss);
                        if (edge && offset < 0)
                        {
                            int m = ColumnsMoved(offset);
                            w.Line($"// Tap ({r},{ss}): input columns {Plus("2j", null, offset)}; in this block, those of {Plus("2j", null, offset + (2 * m))} moved {m} column(s) right.");
                            w.Line($"x = {Support}.ShiftColumns({Source(offset + (2 * m))}, moveBy{m}, keepFrom{m});");
                        }
                        else
                        {
                            w.Line($"// Tap ({r},{ss}): input columns {Plus("2j", null, offset)}.");
                            w.Line($"x = {Source(offset)};");
                        }

                        foreach (int kk in Range(kb))
                        {
                            w.Line($"wk = Vector256.Create(Unsafe.Add(ref w, {(kk * weightStride) + s.WeightTapOffset(r, ss)})); a_{kk} = {Support}.MultiplyAdd(x, wk, a_{kk});");
                        }
                    }
                }

                foreach (int r in Range(s.KernelHeight))
                {
                    w.Line($"row{r} = ref Unsafe.Add(ref row{r}, pitch{r});");
                }

                w.Line($"w = ref Unsafe.Add(ref w, {s.Taps});");
            }

            w.Line();
            w.Line($"ref float dst = ref Unsafe.Add(ref destination, (k0 * {plane}) + (i * {s.OutWidth}){(edge ? string.Empty : " + j0")});");
            foreach (int kk in Range(kb))
            {
                w.Line($"{Support}.RestoreColumnOrder(a_{kk}).StoreUnsafe(ref dst, {kk * plane});");
            }

            // Kernel row r's vector of the input columns 2j + offset, named by parity and by the even offset its loads start at:
            // "even0" (offset 0), "odd1" (offset 1, row 1), "odd0m2" (offset −1, loads from −2), "even2p2" (offset 2, row 2).
            static string ColumnsName(int r, int offset)
            {
                int from = Planner.EvenBelow(offset);
                return $"{((offset & 1) == 0 ? "even" : "odd")}{r}{(from == 0 ? string.Empty : from > 0 ? $"p{from}" : $"m{-from}")}";
            }

            // The vector of the input columns 2j + offset for the block's eight output columns: the even or odd elements of the
            // sixteen floats from the even offset at or below it.
            static string Columns(string row, int offset)
            {
                int from = Planner.EvenBelow(offset);
                string Load(int at) => at >= 0 ? $"Vector256.LoadUnsafe(ref {row}, {at})" : $"Vector256.LoadUnsafe(ref Unsafe.Subtract(ref {row}, {-at}))";
                return $"{Support}.{((offset & 1) == 0 ? "EvenColumns" : "OddColumns")}({Load(from)}, {Load(from + Blocking.Lanes)})";
            }
        }

        /// <summary><paramref name="value"/> plus a signed constant in code: "(value) + 3", "(value) - 3", or "value" for 0.</summary>
        private static string CodeSum(string value, int constant) =>
            constant == 0 ? value : constant > 0 ? $"({value}) + {constant}" : $"({value}) - {-constant}";

        /// <summary>The same in a comment, with an optional middle term: "2i + r − 1", "2j + 1", "2j".</summary>
        private static string Plus(string value, string? term, int constant) => (term is null ? value : $"{value} + {term}") + Signed(constant);

        /// <summary>Emits backward-weights: register accumulators per (output channel, tap), reduced over pixels, then added.</summary>
        private static void EmitWeightsKernel(IndentedWriter w, LayerPlan plan)
        {
            LayerShape s = plan.Shape;
            WeightsPlan p = plan.BackwardWeights;
            PackPlan input = plan.InputPack;
            int kb = p.ChannelBlock;
            w.Line("/// <summary>");
            w.Line("/// One sample's weight and bias gradients, added to <paramref name=\"weightGrad\"/> and <paramref name=\"biasGrad\"/>:");
            w.Line("/// weightGrad[k,c,r,s] += Σ_i Σ_j outputGrad[k,i,j] · xpad[c, i·stride + r·dilation, j·stride + s·dilation].");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {kb} output channel(s) × up to {p.MaxGroupSize} taps: one Vector256 accumulator per (channel, tap) sums over all output pixels,");
            w.Line("/// eight columns at a time (the gradient rows are zero-padded to whole vectors), and is reduced once at the end.");
            w.Line("/// Source channels in the outer loop: each input plane is read from L1 by every channel block in turn.");
            bool inPlace = InputInPlace(plan);
            if (!inPlace)
            {
                w.Line("/// Each is packed (zero-padded, split into column phases) just before, into the first channel of the working buffer, which stays in L1.");
            }

            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string inputParameters = inPlace ? "ref float input" : "ReadOnlySpan<float> source, float[] packed";
            using (w.Open($"private static void BackwardWeightsSample({inputParameters}, ref float outputGrad, ref float weightGrad, ref float biasGrad)"))
            {
                if (s.OutWidth % Blocking.Lanes != 0)
                {
                    w.Line($"// The first {s.OutWidth % Blocking.Lanes} lanes of a row's last vector are output columns; the rest are masked off.");
                    w.Line($"Vector256<float> tailMask = {Support}.LaneMask({s.OutWidth % Blocking.Lanes});");
                }

                using (w.Open($"for (int c = 0; c < {s.InChannels}; c++)"))
                {
                    if (!inPlace)
                    {
                        w.Line($"{Support}.PackPlanes(source.Slice(c * (InHeight * InWidth), InHeight * InWidth), packed, 1, InHeight, InWidth, PadTop, PadLeft, Stride, PackedInputChannelPitch, PackedInputPhasePitch, PackedInputRowPitch);");
                        w.Line("ref float input = ref MemoryMarshal.GetArrayDataReference(packed);");
                    }

                    using (w.Open($"for (int channelBlock = 0; channelBlock < {s.OutChannels / kb}; channelBlock++)"))
                    {
                        w.Line($"int k0 = channelBlock * {kb};");
                        w.Line($"ref float wg = ref Unsafe.Add(ref weightGrad, (k0 * {s.InChannels * s.Taps}) + (c * {s.Taps}));");
                        foreach (EquatableArray<TapPlan> group in p.TapGroups)
                        {
                            TapPlan first = group[0], last = group[group.Count - 1];
                            w.Line($"// Taps ({first.R},{first.S}) … ({last.R},{last.S}); accumulator g_k_t: output channel k0+k, tap t of this group.");
                            using (w.OpenBare())
                            {
                                for (int kk = 0; kk < kb; kk++)
                                {
                                    w.Line($"Vector256<float> {string.Join(", ", Range(group.Count).Select(t => $"g_{kk}_{t} = Vector256<float>.Zero"))};");
                                }

                                // The rows' references move on by a row each time rather than being recomputed: with rows of one
                                // to four vectors, the address arithmetic was a third of the loop's instructions.
                                w.Line($"ref float gradRow = ref Unsafe.Add(ref outputGrad, k0 * {p.OutputGradChannelPitch});");
                                w.Line(inPlace ? $"ref float inputRow = ref Unsafe.Add(ref input, c * {input.ChannelPitch});" : "ref float inputRow = ref input;");
                                using (w.Open($"for (int i = 0; i < {s.OutHeight}; i++, gradRow = ref Unsafe.Add(ref gradRow, {p.OutputGradRowPitch}), inputRow = ref Unsafe.Add(ref inputRow, {s.Stride * input.RowPitch}))"))
                                {
                                    // Short rows of small kernels are unrolled: the generator knows their width. In the last vector of a row
                                    // that is not a whole number of vectors, the input lanes past the output width are masked
                                    // to zero: the gradient there is zero, but 0 · ∞ would still make a NaN.
                                    int vectors = p.OutputGradRowPitch / Blocking.Lanes;
                                    bool tail = s.OutWidth % Blocking.Lanes != 0;
                                    var segments = new List<(string Column, string? Loop, bool Masked)>();
                                    if (Planner.UnrollsColumns(s))
                                    {
                                        segments.AddRange(Range(vectors).Select(v => ((v * Blocking.Lanes).ToString(System.Globalization.CultureInfo.InvariantCulture), (string?)null, tail && v == vectors - 1)));
                                    }
                                    else
                                    {
                                        int whole = tail ? vectors - 1 : vectors;
                                        segments.Add(("j", $"for (int j = 0; j < {whole * Blocking.Lanes}; j += 8)", false));
                                        if (tail)
                                        {
                                            segments.Add(((whole * Blocking.Lanes).ToString(System.Globalization.CultureInfo.InvariantCulture), null, true));
                                        }
                                    }

                                    foreach ((string column, string? loop, bool masked) in segments)
                                    {
                                        using (loop is null ? w.OpenBare() : w.Open(loop))
                                        {
                                            // The smaller side stays in registers: the gradient vectors of the channel block while the
                                            // taps' input vectors stream past, or the other way round when the group is the smaller.
                                            if (group.Count < kb)
                                            {
                                                w.Line($"Vector256<float> {string.Join(", ", Range(group.Count).Select(t => $"x_{t} = Vector256.LoadUnsafe(ref inputRow, (nuint)({column} + {group[t].SourceOffset})){(masked ? " & tailMask" : string.Empty)}"))};");
                                                w.Line("Vector256<float> d;");
                                                for (int kk = 0; kk < kb; kk++)
                                                {
                                                    w.Line($"d = Vector256.LoadUnsafe(ref gradRow, (nuint)({column} + {kk * p.OutputGradChannelPitch}));");
                                                    w.Line(string.Join(" ", Range(group.Count).Select(t => $"g_{kk}_{t} = {Support}.MultiplyAdd(d, x_{t}, g_{kk}_{t});")));
                                                }

                                                continue;
                                            }

                                            w.Line($"Vector256<float> {string.Join(", ", Range(kb).Select(kk => $"d_{kk} = Vector256.LoadUnsafe(ref gradRow, (nuint)({column} + {kk * p.OutputGradChannelPitch}))"))};");
                                            w.Line("Vector256<float> x;");
                                            for (int t = 0; t < group.Count; t++)
                                            {
                                                w.Line($"x = Vector256.LoadUnsafe(ref inputRow, (nuint)({column} + {group[t].SourceOffset})){(masked ? " & tailMask" : string.Empty)};");
                                                w.Line(string.Join(" ", Range(kb).Select(kk => $"g_{kk}_{t} = {Support}.MultiplyAdd(d_{kk}, x, g_{kk}_{t});")));
                                            }
                                        }
                                    }
                                }

                                EmitWeightSums(w, s, Range(kb).Select(kk => Range(group.Count)
                                    .Select(t => (Name: $"g_{kk}_{t}", Offset: (kk * s.InChannels * s.Taps) + group[t].WeightOffset)).ToList()).ToList());
                            }
                        }
                    }
                }

                w.Line();
                w.Line("// Bias gradient: the output gradient summed over each channel (the zero padding adds nothing).");
                using (w.Open($"for (int k = 0; k < {s.OutChannels}; k++)"))
                {
                    w.Line($"ref float gradChannel = ref Unsafe.Add(ref outputGrad, k * {p.OutputGradChannelPitch});");
                    w.Line("Vector256<float> sum = Vector256<float>.Zero;");
                    using (w.Open($"for (int v = 0; v < {p.OutputGradChannelPitch}; v += 8)"))
                    {
                        w.Line("sum += Vector256.LoadUnsafe(ref gradChannel, (nuint)v);");
                    }

                    w.Line("Unsafe.Add(ref biasGrad, k) += Vector256.Sum(sum);");
                }
            }

            w.Line();
        }

        /// <summary>
        /// Emits the reduction of a tap group's accumulators (one list per output channel, in weight order; offsets from
        /// <c>wg</c>) and their addition to the weight gradient. The sums are taken eight at a time by one transpose-and-add
        /// (four or fewer by the 128-bit one) either channel by channel, where sums that stay inside one (k, c) slice are
        /// added as one vector (lanes past the group's taps hold zeros and add nothing), or across channels, which takes
        /// fewer reductions but adds every sum on its own; whichever the instruction count below says is cheaper.
        /// </summary>
        private static void EmitWeightSums(IndentedWriter w, LayerShape s, List<List<(string Name, int Offset)>> channels)
        {
            List<List<(string Name, int Offset)>> byChannel = channels.SelectMany(Chunks).ToList();
            List<List<(string Name, int Offset)>> across = Chunks(channels.SelectMany(c => c).ToList()).ToList();
            List<List<(string Name, int Offset)>> chunks = across.Sum(Cost) < byChannel.Sum(Cost) ? across : byChannel;
            for (int n = 0; n < chunks.Count; n++)
            {
                List<(string Name, int Offset)> chunk = chunks[n];
                if (chunk.Count == 1)
                {
                    w.Line($"Unsafe.Add(ref wg, {chunk[0].Offset}) += Vector256.Sum({chunk[0].Name});");
                    continue;
                }

                string name = $"sums{n}";
                int width = Width(chunk);
                string arguments = string.Join(", ", chunk.Select(a => a.Name).Concat(Enumerable.Repeat("Vector256<float>.Zero", width - chunk.Count)));
                w.Line($"Vector{width * 32}<float> {name} = {Support}.HorizontalSums({arguments});");
                if (AddsAsVector(chunk))
                {
                    w.Line($"(Vector{width * 32}.LoadUnsafe(ref wg, {chunk[0].Offset}) + {name}).StoreUnsafe(ref wg, {chunk[0].Offset});");
                    continue;
                }

                for (int i = 0; i < chunk.Count; i++)
                {
                    w.Line($"Unsafe.Add(ref wg, {chunk[i].Offset}) += {name}.GetElement({i});");
                }
            }

            static IEnumerable<List<(string Name, int Offset)>> Chunks(List<(string Name, int Offset)> sums) =>
                Range((sums.Count + Blocking.Lanes - 1) / Blocking.Lanes).Select(i => sums.Skip(i * Blocking.Lanes).Take(Blocking.Lanes).ToList());

            static int Width(List<(string Name, int Offset)> chunk) => chunk.Count <= 4 ? 4 : Blocking.Lanes;

            // Consecutive weights whose vector does not leave their (k, c) slice.
            bool AddsAsVector(List<(string Name, int Offset)> chunk) =>
                chunk.Select((a, i) => a.Offset - i).Distinct().Count() == 1
                && chunk[0].Offset + Width(chunk) <= ((chunk[0].Offset / s.Taps) + 1) * s.Taps;

            // Instructions, counting a horizontal add as three (two shuffles and an add): 21 for eight sums, 11 for four,
            // 10 for a single Vector256.Sum; a vector read-add-write 3, a lone sum's 3 plus one shuffle to fetch lanes 1-3
            // and two for lanes 4-7.
            int Cost(List<(string Name, int Offset)> chunk) =>
                chunk.Count == 1 ? 10 + 3
                : (Width(chunk) == 4 ? 11 : 21) + (AddsAsVector(chunk) ? 3 : Range(chunk.Count).Sum(i => 3 + (i == 0 ? 0 : i < 4 ? 1 : 2)));
        }

        /// <summary>Emits backward-weights with output channels along the lanes: see <see cref="ChannelLanesWeightsPlan"/>.</summary>
        private static void EmitChannelLanesWeightsKernel(IndentedWriter w, LayerPlan plan, ChannelLanesWeightsPlan p)
        {
            LayerShape s = plan.Shape;
            PackPlan input = plan.InputPack;
            int kb = p.ChannelBlock, pixels = s.OutHeight * s.OutWidth;
            w.Line("/// <summary>");
            w.Line("/// One sample's weight and bias gradients, added to <paramref name=\"weightGradT\"/> ([c, r, s][k]) and <paramref name=\"biasGrad\"/>:");
            w.Line("/// weightGradT[c,r,s][k] += Σ_i Σ_j outputGradT[i,j][k] · xpad[c, i·stride + r·dilation, j·stride + s·dilation].");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {kb} output channels ({p.Vectors} vector(s)) × groups of up to {p.RowsPerGroup} (source channel, tap) rows: per output pixel, the");
            w.Line($"/// {p.Vectors} gradient vector(s) are loaded once and each row's input value is broadcast to them. Tiles of {p.TileRows} output row(s)");
            w.Line("/// keep the gradient they read in L1; the accumulators are loaded from and stored to weightGradT once per tile.");
            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open("private static void BackwardWeightsSample(ref float input, ref float outputGradT, ref float weightGradT, ref float biasGrad)"))
            {
                using (OpenLoop(w, "k0", s.OutChannels, kb))
                using (OpenLoop(w, "i0", s.OutHeight, p.TileRows))
                {
                    int periods = s.InChannels / p.ChannelPeriod;
                    if (periods > 0)
                    {
                        using (OpenLoop(w, "c0", periods * p.ChannelPeriod, p.ChannelPeriod))
                        {
                            EmitChannelLanesGroups(w, s, input, p, p.Groups);
                        }
                    }

                    if (!p.TailGroups.IsEmpty)
                    {
                        w.Line($"// The last {s.InChannels % p.ChannelPeriod} source channel(s), after the last whole repeat of the groups above.");
                        using (w.OpenBare())
                        {
                            w.Line($"const int c0 = {periods * p.ChannelPeriod};");
                            EmitChannelLanesGroups(w, s, input, p, p.TailGroups);
                        }
                    }
                }

                w.Line();
                w.Line($"// Bias gradient: the output gradient summed over the pixels, {Blocking.Lanes} channels at a time.");
                using (w.Open($"for (int k = 0; k < {s.OutChannels}; k += {Blocking.Lanes})"))
                {
                    w.Line("Vector256<float> sum = Vector256<float>.Zero;");
                    using (w.Open($"for (int p = 0; p < {pixels}; p++)"))
                    {
                        w.Line($"sum += Vector256.LoadUnsafe(ref outputGradT, (nuint)((p * {s.OutChannels}) + k));");
                    }

                    w.Line("(Vector256.LoadUnsafe(ref biasGrad, (nuint)k) + sum).StoreUnsafe(ref biasGrad, (nuint)k);");
                }
            }

            w.Line();
        }

        /// <summary>A loop of <paramref name="variable"/> over [0, <paramref name="end"/>) in steps of <paramref name="step"/>; a constant 0 when it would run once.</summary>
        private static IndentedWriter.Block OpenLoop(IndentedWriter w, string variable, int end, int step)
        {
            if (end > step)
            {
                return w.Open($"for (int {variable} = 0; {variable} < {end}; {variable} += {step})");
            }

            IndentedWriter.Block block = w.OpenBare();
            w.Line($"const int {variable} = 0;");
            return block;
        }

        /// <summary>The groups of source channels c0, c0 + 1, …: the caller has declared c0 (and k0, i0).</summary>
        private static void EmitChannelLanesGroups(IndentedWriter w, LayerShape s, PackPlan input, ChannelLanesWeightsPlan p, EquatableArray<EquatableArray<WeightsRow>> groups)
        {
            int nr = p.Vectors, k = s.OutChannels;
            w.Line($"ref float channels = ref Unsafe.Add(ref input, c0 * {input.ChannelPitch});");
            w.Line($"ref float sums = ref Unsafe.Add(ref weightGradT, (c0 * {s.Taps * k}) + k0);");
            foreach (EquatableArray<WeightsRow> group in groups)
            {
                // Where each row's sums lie in weightGradT, from `sums`: loaded before the pixels, stored after them.
                int[] rowOffsets = group.Select(row => ((row.Channel * s.Taps) + row.Tap.WeightOffset) * k).ToArray();
                WeightsRow first = group[0], last = group[group.Count - 1];
                w.Line($"// Rows (c0+{first.Channel}, {first.Tap.R}, {first.Tap.S}) … (c0+{last.Channel}, {last.Tap.R}, {last.Tap.S}); accumulator g_t_v: row t, output channels k0+8v … k0+8v+7.");
                using (w.OpenBare())
                {
                    for (int t = 0; t < group.Count; t++)
                    {
                        w.Line($"Vector256<float> {string.Join(", ", Range(nr).Select(v => $"g_{t}_{v} = Vector256.LoadUnsafe(ref sums, {rowOffsets[t] + (v * Blocking.Lanes)})"))};");
                    }

                    using (w.Open($"for (int i = i0; i < i0 + {p.TileRows}; i++)"))
                    {
                        w.Line("// Output pixel (i, j): its gradients d, its input value for each row at a fixed distance from pixel.");
                        w.Line($"ref float d = ref Unsafe.Add(ref outputGradT, (i * {s.OutWidth * k}) + k0);");
                        w.Line($"ref float pixel = ref Unsafe.Add(ref channels, i * {s.Stride * input.RowPitch});");
                        using (w.Open($"for (int j = 0; j < {s.OutWidth}; j++)"))
                        {
                            w.Line($"Vector256<float> {string.Join(", ", Range(nr).Select(v => v == 0 ? "d_0 = Vector256.LoadUnsafe(ref d)" : $"d_{v} = Vector256.LoadUnsafe(ref d, {v * Blocking.Lanes})"))};");
                            w.Line("Vector256<float> x;");
                            for (int t = 0; t < group.Count; t++)
                            {
                                int offset = (group[t].Channel * input.ChannelPitch) + group[t].Tap.SourceOffset;
                                w.Line(offset == 0 ? "x = Vector256.Create(pixel);" : $"x = Vector256.Create(Unsafe.Add(ref pixel, {offset}));");
                                w.Line(string.Join(" ", Range(nr).Select(v => $"g_{t}_{v} = {Support}.MultiplyAdd(d_{v}, x, g_{t}_{v});")));
                            }

                            w.Line($"d = ref Unsafe.Add(ref d, {k});");
                            w.Line("pixel = ref Unsafe.Add(ref pixel, 1);");
                        }
                    }

                    for (int t = 0; t < group.Count; t++)
                    {
                        w.Line(string.Join(" ", Range(nr).Select(v => $"g_{t}_{v}.StoreUnsafe(ref sums, {rowOffsets[t] + (v * Blocking.Lanes)});")));
                    }
                }
            }
        }

        /// <summary>Emits backward-data in the transposed form: see <see cref="TransposedDataPlan"/>.</summary>
        private static void EmitTransposedDataKernel(IndentedWriter w, LayerShape s, TransposedDataPlan p)
        {
            int cb = p.ChannelBlock, rb = p.RowBlock, kernelWidth = s.KernelWidth;
            int gradRowPitch = p.Vectors * Blocking.Lanes, gradChannelPitch = s.OutHeight * gradRowPitch;
            int plane = s.InHeight * s.InWidth;
            w.Line("/// <summary>");
            w.Line("/// One sample's input gradient, inputGrad[c,y,x] = Σ_k Σ_r Σ_s w'[k,c,r,s] · outputGrad[k, y + padTop − r·dilation, x + padLeft − s·dilation],");
            w.Line("/// computed column-tap by column-tap: a_c_ρ_s sums w'[k,c,r,s] · outputGrad[k, y0 + ρ + padTop − r·dilation, 8v … 8v+7] over k and r, and");
            w.Line($"/// belongs {(s.Dilation == 1 ? "s" : $"s·{s.Dilation}")} columns to the right; the shifted sums are added into a row buffer, then copied out.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {cb} input channel(s) × {rb} row(s) × {kernelWidth} column taps: {cb * rb * kernelWidth} Vector256 accumulators per gradient vector, a loop over");
            w.Line($"/// the {s.OutChannels} output channels. Only real gradient values are multiplied: kernel rows whose gradient row lies outside the");
            w.Line($"/// {s.OutHeight} rows are left out of each block at compile time, and each gradient row is read as {p.Vectors} vector(s), not as a padded input row.");
            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open("private static void BackwardDataSample(ref float outputGrad, ref float weights, ref float inputGrad)"))
            {
                w.Line($"// Row ρ of channel c of the block accumulates in rows[(c·{rb} + ρ)·{p.RowBufferPitch} …]: input-gradient columns x − {s.PadLeft} (x = 0 … {p.RowBufferPitch - 1}).");
                w.Line($"ref float rows = ref MemoryMarshal.GetReference(stackalloc float[{p.RowBufferLength}]);");
                w.Line($"Vector256<float> {string.Join(", ", Range(rb).Select(rr => $"g_{rr}"))}, wk, low, high{(kernelWidth > 1 ? ", t" : string.Empty)};");
                using (w.Open($"for (int channelBlock = 0; channelBlock < {Ceiling(s.InChannels, cb)}; channelBlock++)"))
                {
                    w.Line($"int c0 = {BlockStart("channelBlock", cb, s.InChannels, clamp: true)};");
                    foreach (RowSegment segment in p.Segments)
                    {
                        EmitTransposedSegment(w, s, p, segment, gradRowPitch, gradChannelPitch, plane);
                    }
                }
            }

            w.Line();
        }

        private static void EmitTransposedSegment(IndentedWriter w, LayerShape s, TransposedDataPlan p, RowSegment segment, int gradRowPitch, int gradChannelPitch, int plane)
        {
            int cb = p.ChannelBlock, rb = p.RowBlock, kernelWidth = s.KernelWidth;
            int lastRow = segment.FirstRow + (segment.Blocks * rb) - 1;
            string kernelRows = segment.Pairs.Count == 0
                ? "no gradient row reaches them"
                : string.Join(", ", segment.Pairs.GroupBy(pair => pair.Row).Select(row => $"row y0+{row.Key}: kernel rows {string.Join(" ", row.Select(pair => pair.KernelRow))}"));
            w.Line($"// Input-gradient rows {segment.FirstRow} … {lastRow}{(segment.Blocks > 1 ? $", {rb} at a time" : string.Empty)}; {kernelRows}.");
            using (segment.Blocks > 1
                ? w.Open($"for (int y0 = {segment.FirstRow}; y0 <= {lastRow - rb + 1}; y0 += {rb})")
                : w.OpenBare())
            {
                if (segment.Blocks == 1)
                {
                    w.Line($"const int y0 = {segment.FirstRow};");
                }

                if (p.Vectors > 1)
                {
                    foreach (int row in Range(cb * rb))
                    {
                        w.Line($"Vector256<float>.Zero.StoreUnsafe(ref rows, {row * p.RowBufferPitch});");
                    }
                }

                using (p.Vectors > 1 ? w.Open($"for (int v = 0; v < {p.Vectors}; v++)") : w.OpenBare())
                {
                    w.Line($"// Accumulator a_c_ρ_s: channel c0+c, row y0+ρ, tap column s; lanes are gradient columns {(p.Vectors > 1 ? "8v … 8v+7" : "0 … 7")}.");
                    foreach (int cc in Range(cb))
                    {
                        w.Line($"Vector256<float> {string.Join(", ", Range(rb).SelectMany(rr => Range(kernelWidth).Select(ss => $"{TransposedAcc(cc, rr, ss)} = Vector256<float>.Zero")))};");
                    }

                    if (segment.Pairs.Count > 0)
                    {
                        int gradBase = segment.GradientRowBase;
                        string column = p.Vectors > 1 ? " + (v * 8)" : string.Empty;
                        string gradRow = gradBase < 0 ? $"(y0 - {-gradBase})" : gradBase > 0 ? $"(y0 + {gradBase})" : "y0";
                        w.Line($"ref float g = ref Unsafe.Add(ref outputGrad, ({gradRow} * {gradRowPitch}){column});");
                        w.Line($"ref float w = ref Unsafe.Add(ref weights, c0 * {s.Taps});");
                        using (w.Open($"for (int k = 0; k < {s.OutChannels}; k++)"))
                        {
                            foreach (IGrouping<int, RowTap> kernelRow in segment.Pairs.GroupBy(pair => pair.KernelRow))
                            {
                                int r = kernelRow.Key;
                                w.Line($"// Kernel row {r}: {string.Join(", ", kernelRow.Select(pair => $"row y0+{pair.Row} from gradient row y0{Signed(pair.GradientRowOffset)}"))}.");
                                foreach (RowTap pair in kernelRow)
                                {
                                    w.Line($"g_{pair.Row} = Vector256.LoadUnsafe(ref g, {(pair.GradientRowOffset - gradBase) * gradRowPitch});");
                                }

                                foreach (int ss in Range(kernelWidth))
                                {
                                    foreach (int cc in Range(cb))
                                    {
                                        w.Line($"wk = Vector256.Create(Unsafe.Add(ref w, {(cc * s.Taps) + s.WeightTapOffset(r, ss)}));");
                                        w.Line(string.Join(" ", kernelRow.Select(pair => $"{TransposedAcc(cc, pair.Row, ss)} = {Support}.MultiplyAdd(g_{pair.Row}, wk, {TransposedAcc(cc, pair.Row, ss)});")));
                                    }
                                }
                            }

                            w.Line($"g = ref Unsafe.Add(ref g, {gradChannelPitch});");
                            w.Line($"w = ref Unsafe.Add(ref w, {s.InChannels * s.Taps});");
                        }
                    }

                    w.Line();
                    w.Line("// Tap column s belongs s·dilation columns to the right: rotate its lanes, the low ones go to this vector (low) and the");
                    w.Line("// ones that wrap around to the next (high).");
                    foreach (int cc in Range(cb))
                    {
                        foreach (int rr in Range(rb))
                        {
                            w.Line($"low = {TransposedAcc(cc, rr, 0)};");
                            w.Line("high = Vector256<float>.Zero;");
                            foreach (int ss in Range(kernelWidth).Skip(1))
                            {
                                int shift = ss * s.Dilation;
                                string rotation = string.Join(", ", Range(Blocking.Lanes).Select(lane => (lane + Blocking.Lanes - shift) % Blocking.Lanes));
                                string mask = string.Join(", ", Range(Blocking.Lanes).Select(lane => lane >= shift ? "-1" : "0"));
                                w.Line($"t = Vector256.Shuffle({TransposedAcc(cc, rr, ss)}, Vector256.Create({rotation}));");
                                w.Line($"low += t & Vector256.Create({mask}).AsSingle(); high += Vector256.AndNot(t, Vector256.Create({mask}).AsSingle());");
                            }

                            int offset = ((cc * rb) + rr) * p.RowBufferPitch;
                            if (p.Vectors > 1)
                            {
                                w.Line($"(Vector256.LoadUnsafe(ref rows, (nuint)({offset} + (v * 8))) + low).StoreUnsafe(ref rows, (nuint)({offset} + (v * 8)));");
                                w.Line($"high.StoreUnsafe(ref rows, (nuint)({offset + Blocking.Lanes} + (v * 8)));");
                            }
                            else
                            {
                                w.Line($"low.StoreUnsafe(ref rows, {offset});");
                                w.Line($"high.StoreUnsafe(ref rows, {offset + Blocking.Lanes});");
                            }
                        }
                    }
                }

                w.Line();
                w.Line($"// Copy columns {s.PadLeft} … {s.PadLeft + s.InWidth - 1} of each row buffer out to the input gradient.");
                foreach (int cc in Range(cb))
                {
                    foreach (int rr in Range(rb))
                    {
                        using (w.OpenBare())
                        {
                            EmitRowCopy(w, (((cc * rb) + rr) * p.RowBufferPitch) + s.PadLeft, $"((c0 + {cc}) * {plane}) + ((y0 + {rr}) * {s.InWidth})", s.InWidth);
                        }
                    }
                }
            }
        }

        /// <summary>Copies <paramref name="count"/> floats from the row buffer to the input gradient, in whole vectors where it can.</summary>
        private static void EmitRowCopy(IndentedWriter w, int sourceOffset, string destinationOffset, int count)
        {
            w.Line($"ref float dst = ref Unsafe.Add(ref inputGrad, {destinationOffset});");
            var pieces = new List<(string Type, int Width, int Offset)>();
            int width = count >= Blocking.Lanes ? Blocking.Lanes : count >= 4 ? 4 : 1;
            for (int x = 0; x + width <= count; x += width)
            {
                pieces.Add((width == 8 ? "Vector256" : width == 4 ? "Vector128" : string.Empty, width, x));
            }

            if (count % width != 0)
            {
                // The last piece overlaps the one before it: it copies the same values again rather than a scalar tail.
                pieces.Add((width == 8 ? "Vector256" : "Vector128", width, count - width));
            }

            if (pieces.Count > 8 && width == Blocking.Lanes)
            {
                using (w.Open($"for (int x = 0; x < {count - Blocking.Lanes}; x += 8)"))
                {
                    w.Line($"Vector256.LoadUnsafe(ref rows, (nuint)({sourceOffset} + x)).StoreUnsafe(ref dst, (nuint)x);");
                }

                w.Line($"Vector256.LoadUnsafe(ref rows, {sourceOffset + count - Blocking.Lanes}).StoreUnsafe(ref dst, {count - Blocking.Lanes});");
                return;
            }

            w.Line(string.Join(" ", pieces.Select(piece => piece.Width == 1
                ? $"Unsafe.Add(ref dst, {piece.Offset}) = Unsafe.Add(ref rows, {sourceOffset + piece.Offset});"
                : $"{piece.Type}.LoadUnsafe(ref rows, {sourceOffset + piece.Offset}).StoreUnsafe(ref dst, {piece.Offset});")));
        }

        private static string TransposedAcc(int cc, int rr, int ss) => $"a_{cc}_{rr}_{ss}";

        private static string Signed(int value) => value < 0 ? $" − {-value}" : value > 0 ? $" + {value}" : string.Empty;

        private static string BlockStart(string index, int block, int total, bool clamp) =>
            !clamp || total % block == 0 ? $"{index} * {block}" : $"Math.Min({index} * {block}, {total - block})";

        private static string Acc(int kk, int rr, int jj) => $"a_{kk}_{rr}_{jj}";

        /// <summary>Moves a reference by a signed number of floats without writing a negative literal.</summary>
        private static string Advance(string reference, int floats) => floats >= 0
            ? $"{reference} = ref Unsafe.Add(ref {reference}, {floats});"
            : $"{reference} = ref Unsafe.Subtract(ref {reference}, {-floats});";

        /// <summary>A signed distance in words, for comments: "18 floats back" rather than "-18".</summary>
        private static string Move(int floats) => floats >= 0 ? $"{floats} floats on" : $"{-floats} floats back";

        private static IEnumerable<int> Range(int count) => Enumerable.Range(0, count);

        private static int Ceiling(int value, int divisor) => (value + divisor - 1) / divisor;

        private static string Describe(ConvKind kind) => kind == ConvKind.Convolution ? "convolution" : "cross-correlation";

        private static void Private(IndentedWriter w, string name, int value) => w.Line($"private const int {name} = {value};");
    }
}
