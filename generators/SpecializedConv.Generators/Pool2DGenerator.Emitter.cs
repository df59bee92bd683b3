using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Pool2DGenerator
{
    /// <summary>Writes one pooling layer's C# from its plan. Only formatting happens here: every decision is in the plan.</summary>
    internal static class Emitter
    {
        private const string Runtime = "global::SpecializedConv";

        // The kernels' namespace, SpecializedConv.Generated, sits inside SpecializedConv: these need no qualification there.
        private const string Support = "KernelSupport";
        private const string PoolSupport = "PoolSupport";

        public static string HintName(Pool2DPlan plan) => $"{plan.Type.FullName}.{plan.Shape.AttributeName}.g.cs";

        public static string Emit(Pool2DPlan plan)
        {
            var w = new IndentedWriter();
            List<IndentedWriter.Block> scopes = LayerTypes.OpenFile(w, plan.Type, plan.Shape.AttributeName);
            EmitPublicSurface(w, plan);
            LayerTypes.Close(scopes);
            using (LayerTypes.OpenImplementationNamespace(w))
            {
                EmitImplementation(w, plan);
            }

            return w.ToString();
        }

        private static bool IsMax(Pool2DPlan plan) => plan.Shape.Kind == PoolKind.Max;

        private static string Interface(Pool2DPlan plan) => $"{Runtime}.{(IsMax(plan) ? "IMaxPool2DKernel" : "IAvgPool2DKernel")}";

        /// <summary>The file-local class holding the kernels: one per generated file.</summary>
        private static string KernelsClass(Pool2DPlan plan) => $"{plan.Shape.AttributeName}Kernels";

        private static string Implementation(Pool2DPlan plan) => $"global::SpecializedConv.Generated.{KernelsClass(plan)}";

        private static string ForwardParameters(Pool2DPlan plan) => IsMax(plan)
            ? $"{LayerTypes.Span("ReadOnlySpan")} input, {LayerTypes.Span("Span")} output, {LayerTypes.Span("Span", "int")} argMax"
            : $"{LayerTypes.Span("ReadOnlySpan")} input, {LayerTypes.Span("Span")} output";

        private static string ForwardArguments(Pool2DPlan plan) => IsMax(plan) ? "input, output, argMax" : "input, output";

        private static string BackwardParameters(Pool2DPlan plan) => IsMax(plan)
            ? $"{LayerTypes.Span("ReadOnlySpan")} outputGrad, {LayerTypes.Span("ReadOnlySpan", "int")} argMax, {LayerTypes.Span("Span")} inputGrad"
            : $"{LayerTypes.Span("ReadOnlySpan")} outputGrad, {LayerTypes.Span("Span")} inputGrad";

        private static string BackwardArguments(Pool2DPlan plan) => IsMax(plan) ? "outputGrad, argMax, inputGrad" : "outputGrad, inputGrad";

        private static void EmitPublicSurface(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            w.Line("/// <summary>");
            w.Line($"/// Generated 2-D {(IsMax(plan) ? "max" : "average")}-pooling layer: input {s.Channels}×{s.InHeight}×{s.InWidth} → output {s.Channels}×{s.OutHeight}×{s.OutWidth},");
            w.Line($"/// window {s.Size}×{s.Size}, stride {s.Stride}, padding {s.Padding}.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            if (IsMax(plan))
            {
                w.Line($"/// Layout NCHW. <c>output[n,c,i,j] = max over r, s &lt; {s.Size} of xpad[n, c, i·{s.Stride} + r, j·{s.Stride} + s]</c>, and <c>argMax[n,c,i,j]</c>");
                w.Line("/// is the maximum's index within the sample's input, <c>c·H·W + y·W + x</c>. xpad is the input with the padding above as −∞, so a");
                w.Line("/// padded cell never wins. Ties go to the first maximum in row-major window order, and a NaN wins, as in PyTorch's <c>MaxPool2d</c>");
                w.Line("/// (whose own indices omit the channel term c·H·W).");
            }
            else
            {
                w.Line($"/// Layout NCHW. <c>output[n,c,i,j] = (Σ over r, s &lt; {s.Size} of xpad[n, c, i·{s.Stride} + r, j·{s.Stride} + s]) / {s.WindowArea}</c>, where xpad is the");
                w.Line($"/// input with the padding above as zeros: the divisor is always Size² = {s.WindowArea}, padded cells included, as PyTorch's <c>AvgPool2d</c>");
                w.Line("/// with its default <c>count_include_pad=True</c>.");
            }

            w.Line("/// </remarks>");
            using (w.Open(LayerTypes.Declaration(plan.Type, Interface(plan))))
            {
                LayerTypes.Constant(w, "Channels C, pooled independently.", "Channels", s.Channels, plan.Type);
                LayerTypes.Constant(w, "Input height H.", "InHeight", s.InHeight, plan.Type);
                LayerTypes.Constant(w, "Input width W.", "InWidth", s.InWidth, plan.Type);
                LayerTypes.Constant(w, $"Output height Ho = (H + 2·{s.Padding} − {s.Size}) / {s.Stride} + 1, rounded down.", "OutHeight", s.OutHeight, plan.Type);
                LayerTypes.Constant(w, $"Output width Wo = (W + 2·{s.Padding} − {s.Size}) / {s.Stride} + 1, rounded down.", "OutWidth", s.OutWidth, plan.Type);
                LayerTypes.Constant(w, "Window height and width.", "Size", s.Size, plan.Type);
                LayerTypes.Constant(w, "Step between windows on both axes.", "Stride", s.Stride, plan.Type);
                LayerTypes.Constant(w, $"Cells of {(IsMax(plan) ? "−∞" : "zero")} added on every side of the input.", "Padding", s.Padding, plan.Type);
                LayerTypes.Constant(w, "Elements of one input sample, C·H·W.", "InputLength", s.InputLength, plan.Type);
                LayerTypes.Constant(w, "Elements of one output sample, C·Ho·Wo.", "OutputLength", s.OutputLength, plan.Type);
                if (!IsMax(plan))
                {
                    LayerTypes.Constant(w, "Cells of one window, Size², padding included: the divisor of every average.", "WindowArea", s.WindowArea, plan.Type);
                }

                w.Line();
                w.Line("/// <summary>The layer's shape as a runtime value (for the reference kernels and generic code).</summary>");
                w.Line($"public static {LayerTypes.New(plan.Type, "Shape")}{Runtime}.Pool2DShape Shape => {Implementation(plan)}.Shape;");
                w.Line();
                EmitInterfaceMembers(w, plan);
                EmitForwardDocs(w, plan);
                w.Line($"public static {LayerTypes.New(plan.Type, "Forward")}void Forward({ForwardParameters(plan)}) =>");
                w.Line($"    {Implementation(plan)}.Forward({ForwardArguments(plan)});");
                w.Line();
                EmitBackwardDocs(w, plan);
                w.Line($"public static {LayerTypes.New(plan.Type, "Backward")}void Backward({BackwardParameters(plan)}) =>");
                w.Line($"    {Implementation(plan)}.Backward({BackwardArguments(plan)});");
            }
        }

        private static void EmitInterfaceMembers(IndentedWriter w, Pool2DPlan plan)
        {
            LayerTypeInfo type = plan.Type;
            string[] lengths = { "InputLength", "OutputLength" };
            if (!type.IsStatic)
            {
                foreach (string length in lengths)
                {
                    w.Line($"static int {Interface(plan)}.{length} => {length};");
                }

                w.Line();
                return;
            }

            string name = LayerTypes.Identifier(type.Name);
            w.Line("/// <summary>");
            w.Line($"/// This layer's operations as <see cref=\"{Interface(plan)}\"/>, for generic code:");
            w.Line("/// a static class cannot implement an interface, so this nested type does.");
            w.Line("/// </summary>");
            using (w.Open($"public sealed class Kernel : {Interface(plan)}"))
            {
                w.Line("private Kernel()");
                w.Line("{");
                w.Line("}");
                w.Line();
                w.Line($"/// <inheritdoc cref=\"{name}.Shape\"/>");
                w.Line($"public static {Runtime}.Pool2DShape Shape => {name}.Shape;");
                foreach (string length in lengths)
                {
                    w.Line($"/// <inheritdoc cref=\"{name}.{length}\"/>");
                    w.Line($"public static int {length} => {name}.{length};");
                }

                w.Line($"/// <inheritdoc cref=\"{name}.Forward\"/>");
                w.Line($"public static void Forward({ForwardParameters(plan)}) => {name}.Forward({ForwardArguments(plan)});");
                w.Line($"/// <inheritdoc cref=\"{name}.Backward\"/>");
                w.Line($"public static void Backward({BackwardParameters(plan)}) => {name}.Backward({BackwardArguments(plan)});");
            }

            w.Line();
        }

        private static void EmitForwardDocs(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            bool max = IsMax(plan);
            w.Line("/// <summary>");
            w.Line($"/// Forward pass over n ≥ 1 samples: <paramref name=\"input\"/> holds n·{s.InputLength} floats (n×{s.Channels}×{s.InHeight}×{s.InWidth}),");
            w.Line($"/// <paramref name=\"output\"/>{(max ? " and <paramref name=\"argMax\"/>" : string.Empty)} n·{s.OutputLength} (n×{s.Channels}×{s.OutHeight}×{s.OutWidth}), overwritten.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"input\">Input samples, NCHW.</param>");
            w.Line($"/// <param name=\"output\">Receives each window's {(max ? "maximum" : "average")}, NCHW.</param>");
            if (max)
            {
                w.Line("/// <param name=\"argMax\">Receives each maximum's index within its sample's input, c·H·W + y·W + x: what <see cref=\"Backward\"/> routes by.</param>");
            }

            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing has been written.</exception>");
        }

        private static void EmitBackwardDocs(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            bool max = IsMax(plan);
            w.Line("/// <summary>");
            if (max)
            {
                w.Line("/// Gradient with respect to the input over n ≥ 1 samples: each output gradient is added at its arg-max, in output order (as PyTorch");
                w.Line($"/// adds them){(s.Stride < s.Size ? ", so cells that win several overlapping windows receive the sum" : string.Empty)}; every other input cell gets zero.");
            }
            else
            {
                w.Line($"/// Gradient with respect to the input over n ≥ 1 samples: each output gradient divided by {s.WindowArea} is added to every input cell");
                w.Line($"/// of its window (padded cells take their share away){(s.Stride < s.Size ? ", cells under overlapping windows receiving the sum" : string.Empty)}.");
            }

            w.Line($"/// <paramref name=\"outputGrad\"/> holds n·{s.OutputLength} floats, <paramref name=\"inputGrad\"/> n·{s.InputLength} and is overwritten.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"outputGrad\">dLoss/dOutput, NCHW.</param>");
            if (max)
            {
                w.Line("/// <param name=\"argMax\">The arg-max indices <see cref=\"Forward\"/> recorded, each within one input sample.</param>");
            }

            w.Line("/// <param name=\"inputGrad\">Receives dLoss/dInput, NCHW.</param>");
            w.Line($"/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length{(max ? ", or an arg-max index lies outside a sample" : string.Empty)}; nothing has been written.</exception>");
        }

        private static void EmitImplementation(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            bool max = IsMax(plan);
            w.Line("/// <summary>");
            w.Line(plan.TiledForward
                ? $"/// The kernels behind <see cref=\"{LayerTypes.Cref(plan.Type)}\"/>: argument checks, the vectorised forward pass over the input in place, and"
                : $"/// The kernels behind <see cref=\"{LayerTypes.Cref(plan.Type)}\"/>: argument checks, packing into a padded working buffer, the");
            w.Line(plan.TiledForward
                ? "/// the backward pass over the 2×2 tiles. File-local: only the layer's public methods call it."
                : $"/// vectorised forward pass and {(plan.TiledBackward ? "the backward pass over the 2×2 tiles" : "the scalar backward scatter")}. File-local: only the layer's public methods call it.");
            w.Line("/// </summary>");
            using (w.Open($"file static class {KernelsClass(plan)}"))
            {
                w.Line("// The layer's shape (the same values as its public constants).");
                Private(w, "Channels", s.Channels);
                Private(w, "InHeight", s.InHeight);
                Private(w, "InWidth", s.InWidth);
                Private(w, "OutHeight", s.OutHeight);
                Private(w, "OutWidth", s.OutWidth);
                Private(w, "Size", s.Size);
                Private(w, "Stride", s.Stride);
                Private(w, "Padding", s.Padding);
                Private(w, "InputLength", s.InputLength);
                Private(w, "OutputLength", s.OutputLength);
                if (!max)
                {
                    Private(w, "WindowArea", s.WindowArea);
                }

                w.Line();
                w.Line("public static readonly Pool2DShape Shape = new(Channels, InHeight, InWidth, Size, Stride, Padding);");
                w.Line();
                if (!plan.TiledForward)
                {
                    PackPlan pack = plan.InputPack;
                    if (pack.Phases == s.Stride)
                    {
                        w.Line($"// Geometry of the working buffer (see KernelSupport.PackPlanes): the input with {(max ? "−∞" : "zero")} margins for the padding, split into");
                        w.Line("// column phases (x mod stride) so that 8 adjacent outputs read 8 adjacent floats; rows wide enough that no load leaves them.");
                    }
                    else
                    {
                        w.Line($"// Geometry of the working buffer (see KernelSupport.PackPlanes): the input with {(max ? "−∞" : "zero")} margins for the padding, in one");
                        w.Line("// column phase, since a row has one output (no window is a stride away from another); rows wide enough that no load leaves them.");
                    }

                    Private(w, "PackedInputPhases", pack.Phases);
                    Private(w, "PackedInputRowPitch", pack.RowPitch);
                    Private(w, "PackedInputPhasePitch", pack.PhasePitch);
                    Private(w, "PackedInputChannelPitch", pack.ChannelPitch);
                    Private(w, "PackedInputLength", pack.Length);
                    w.Line();
                    w.Line($"// Per-thread working buffer, allocated once {(max ? "filled with −∞" : "zeroed")}: the forward pass writes only its fixed interior, so the margins keep that value.");
                    w.Line("[ThreadStatic] private static float[]? t_packedInput;");
                    w.Line();
                }

                EmitForward(w, plan);
                EmitBackward(w, plan);
                if (plan.TiledForward)
                {
                    EmitTiledForwardSample(w, plan);
                }
                else
                {
                    EmitForwardSample(w, plan);
                }
            }
        }

        private static void EmitForward(IndentedWriter w, Pool2DPlan plan)
        {
            bool max = IsMax(plan);
            using (w.Open($"public static void Forward(ReadOnlySpan<float> input, Span<float> output{(max ? ", Span<int> argMax" : string.Empty)})"))
            {
                w.Line($"int batch = {Support}.BatchCount(input.Length, InputLength, nameof(input));");
                w.Line($"{Support}.CheckBatch(output.Length, OutputLength, batch, nameof(output), nameof(input));");
                if (max)
                {
                    w.Line($"{Support}.CheckBatch(argMax.Length, OutputLength, batch, nameof(argMax), nameof(input));");
                }

                using (w.Open($"if (!{Support}.VectorPathSupported)"))
                {
                    w.Line("// No hardware Vector256 (ARM64, older x86, or disabled): the scalar reference kernel, chosen once by the JIT.");
                    w.Line($"ReferencePool2D.{(max ? "MaxPoolForward(Shape, input, output, argMax)" : "AvgPoolForward(Shape, input, output)")};");
                    w.Line("return;");
                }

                w.Line();
                if (plan.TiledForward)
                {
                    w.Line("// The 2×2 windows tile the input: the kernel reads it in place.");
                    using (w.Open("for (int n = 0; n < batch; n++)"))
                    {
                        w.Line("ForwardSample(ref MemoryMarshal.GetReference(input.Slice(n * InputLength, InputLength)), ref MemoryMarshal.GetReference(output.Slice(n * OutputLength, OutputLength)), ref MemoryMarshal.GetReference(argMax.Slice(n * OutputLength, OutputLength)));");
                    }
                }
                else
                {
                    EmitPackedForwardCalls(w, max);
                }
            }

            w.Line();
        }

        /// <summary>Packs each sample into the working buffer and runs the packed kernel over it.</summary>
        private static void EmitPackedForwardCalls(IndentedWriter w, bool max)
        {
            w.Line(max
                ? $"float[] packed = {PoolSupport}.Scratch(ref t_packedInput, PackedInputLength, float.NegativeInfinity);"
                : $"float[] packed = {Support}.Scratch(ref t_packedInput, PackedInputLength);");
            using (w.Open("for (int n = 0; n < batch; n++)"))
            {
                w.Line($"{Support}.PackPlanes(input.Slice(n * InputLength, InputLength), packed, Channels, InHeight, InWidth, Padding, Padding, PackedInputPhases, PackedInputChannelPitch, PackedInputPhasePitch, PackedInputRowPitch);");
                w.Line(max
                    ? "ForwardSample(ref MemoryMarshal.GetArrayDataReference(packed), ref MemoryMarshal.GetReference(output.Slice(n * OutputLength, OutputLength)), ref MemoryMarshal.GetReference(argMax.Slice(n * OutputLength, OutputLength)));"
                    : "ForwardSample(ref MemoryMarshal.GetArrayDataReference(packed), ref MemoryMarshal.GetReference(output.Slice(n * OutputLength, OutputLength)));");
            }
        }

        private static void EmitBackward(IndentedWriter w, Pool2DPlan plan)
        {
            bool max = IsMax(plan);
            using (w.Open($"public static void Backward(ReadOnlySpan<float> outputGrad, {(max ? "ReadOnlySpan<int> argMax, " : string.Empty)}Span<float> inputGrad)"))
            {
                w.Line($"int batch = {Support}.BatchCount(outputGrad.Length, OutputLength, nameof(outputGrad));");
                if (max)
                {
                    w.Line($"{Support}.CheckBatch(argMax.Length, OutputLength, batch, nameof(argMax), nameof(outputGrad));");
                }

                w.Line($"{Support}.CheckBatch(inputGrad.Length, InputLength, batch, nameof(inputGrad), nameof(outputGrad));");
                if (max)
                {
                    w.Line($"{PoolSupport}.CheckArgMax(argMax, InputLength, nameof(argMax));");
                }

                w.Line();
                if (plan.TiledBackward)
                {
                    w.Line("// The 2×2 windows tile the input: each input cell is written once, with its window's gradient if it holds the");
                    w.Line("// window's arg-max and zero otherwise. Without AVX2, or for an arg-max outside its own window (not one Forward");
                    w.Line("// recorded), the sample is cleared and each output gradient added at its arg-max instead.");
                }
                else
                {
                    w.Line("// A scatter, one add per output: scalar on every CPU (Vector256 has no scatter), so there is no fallback to choose.");
                    w.Line("inputGrad.Clear();");
                }

                using (w.Open("for (int n = 0; n < batch; n++)"))
                {
                    w.Line("ReadOnlySpan<float> dy = outputGrad.Slice(n * OutputLength, OutputLength);");
                    if (!max)
                    {
                        EmitAverageScatter(w, plan);
                    }
                    else
                    {
                        w.Line("ReadOnlySpan<int> indices = argMax.Slice(n * OutputLength, OutputLength);");
                        w.Line("Span<float> dx = inputGrad.Slice(n * InputLength, InputLength);");
                        if (!plan.TiledBackward)
                        {
                            EmitMaxScatter(w);
                        }
                        else
                        {
                            using (w.Open($"if (!{PoolSupport}.RouteTiledMaxGradient(dy, indices, dx, Channels, InHeight, InWidth))"))
                            {
                                w.Line("dx.Clear();");
                                EmitMaxScatter(w);
                            }
                        }
                    }
                }
            }

            w.Line();
        }

        /// <summary>Max backward for one sample: each output gradient added at its arg-max, in output order.</summary>
        private static void EmitMaxScatter(IndentedWriter w)
        {
            using (w.Open("for (int o = 0; o < OutputLength; o++)"))
            {
                w.Line("dx[indices[o]] += dy[o];");
            }
        }

        /// <summary>Average backward: one share per output, added over its window clipped to the input (no clipping without padding).</summary>
        private static void EmitAverageScatter(IndentedWriter w, Pool2DPlan plan)
        {
            bool padded = plan.Shape.Padding > 0;
            w.Line("Span<float> dx = inputGrad.Slice(n * InputLength, InputLength);");
            using (w.Open("for (int c = 0; c < Channels; c++)"))
            {
                using (w.Open("for (int i = 0; i < OutHeight; i++)"))
                {
                    if (padded)
                    {
                        w.Line("// The window's rows inside the input: padded rows take their share of the gradient away with them.");
                        w.Line("int top = (i * Stride) - Padding;");
                        w.Line("int firstRow = Math.Max(top, 0), endRow = Math.Min(top + Size, InHeight);");
                    }
                    else
                    {
                        w.Line("int firstRow = i * Stride, endRow = firstRow + Size;");
                    }

                    using (w.Open("for (int j = 0; j < OutWidth; j++)"))
                    {
                        if (padded)
                        {
                            w.Line("int left = (j * Stride) - Padding;");
                            w.Line("int firstColumn = Math.Max(left, 0), endColumn = Math.Min(left + Size, InWidth);");
                        }
                        else
                        {
                            w.Line("int firstColumn = j * Stride, endColumn = firstColumn + Size;");
                        }

                        w.Line("float share = dy[(((c * OutHeight) + i) * OutWidth) + j] / WindowArea;");
                        using (w.Open("for (int y = firstRow; y < endRow; y++)"))
                        {
                            w.Line("Span<float> row = dx.Slice(((c * InHeight) + y) * InWidth, InWidth);");
                            using (w.Open("for (int x = firstColumn; x < endColumn; x++)"))
                            {
                                w.Line("row[x] += share;");
                            }
                        }
                    }
                }
            }
        }

        /// <summary>
        /// Emits the forward pass of 2×2 windows that tile the input (see <see cref="Pool2DPlan.TiledForward"/>): per block,
        /// two input rows' sixteen floats each split into even and odd columns, the four taps compared in window order.
        /// </summary>
        private static void EmitTiledForwardSample(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            int lanes = Blocking.Lanes;
            bool rowPairs = s.OutWidth < lanes;
            w.Line("/// <summary>");
            w.Line("/// One sample's maxima and arg-maxima, read from <paramref name=\"input\"/> in place.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line("/// The 2×2 windows tile the input. Window row r covers input rows 2r and 2r + 1 (counting across channels); a block");
            w.Line("/// splits sixteen floats of each into even (window column 0) and odd (window column 1) cells, tap (0,0) starts the");
            w.Line("/// maximum and taps (0,1), (1,0), (1,1) move it only for a larger value or a NaN, so the first maximum wins ties.");
            w.Line(rowPairs
                ? $"/// A row has {s.OutWidth} outputs: each block covers two window rows, whose outputs are adjacent."
                : s.OutWidth % lanes != 0
                    ? $"/// Blocks of 8 outputs; the last block of a row overlaps the previous one ({s.OutWidth} is not a multiple of 8), recomputing identical values."
                    : $"/// Blocks of 8 outputs, {s.OutWidth / lanes} per row.");
            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open("private static void ForwardSample(ref float input, ref float output, ref int argMax)"))
            {
                // The second eight floats of a block: the next eight columns, or the same columns two input rows down.
                string second = rowPairs ? "2 * InWidth" : "8";
                w.Line(rowPairs
                    ? "// Lane l's window starts 2·l columns after lane 0's in the block's first window row, and 2·(l − 4) columns into the second."
                    : "// Lane l's window starts 2·l columns after lane 0's.");
                w.Line(rowPairs
                    ? "Vector256<int> laneCells = Vector256.Create(0, 2, 4, 6, (2 * InWidth) + 0, (2 * InWidth) + 2, (2 * InWidth) + 4, (2 * InWidth) + 6);"
                    : "Vector256<int> laneCells = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);");
                using (w.Open($"for (int windowRow = 0; windowRow < Channels * OutHeight; windowRow{(rowPairs ? " += 2" : "++")})"))
                {
                    w.Line("int rowCell = windowRow * 2 * InWidth;");
                    w.Line("ref float top = ref Unsafe.Add(ref input, rowCell);");
                    // Blocks of one vector: the packed path's wider blocks (plan.ColumnBlocks) do not apply here.
                    using (rowPairs ? w.OpenBare() : w.Open($"for (int columnBlock = 0; columnBlock < {(s.OutWidth + lanes - 1) / lanes}; columnBlock++)"))
                    {
                        if (!rowPairs)
                        {
                            w.Line($"int j0 = {(s.OutWidth % lanes != 0 ? "Math.Min(columnBlock * 8, OutWidth - 8)" : "columnBlock * 8")};");
                        }

                        // Offsets from the block's top-left input cell: its top row's two halves, then its bottom row's.
                        string[] halves = rowPairs
                            ? ["0", "2 * InWidth", "InWidth", "3 * InWidth"]
                            : ["2 * j0", "(2 * j0) + 8", "(2 * j0) + InWidth", "(2 * j0) + InWidth + 8"];
                        w.Line($"{Support}.SplitEvenOdd(Vector256.LoadUnsafe(ref top, {Index(halves[0])}), Vector256.LoadUnsafe(ref top, {Index(halves[1])}), out Vector256<float> x00, out Vector256<float> x01);");
                        w.Line($"{Support}.SplitEvenOdd(Vector256.LoadUnsafe(ref top, {Index(halves[2])}), Vector256.LoadUnsafe(ref top, {Index(halves[3])}), out Vector256<float> x10, out Vector256<float> x11);");
                        w.Line($"Vector256<int> cell = Vector256.Create(rowCell{(rowPairs ? string.Empty : " + (2 * j0)")}) + laneCells;");
                        w.Line("Vector256<float> best = x00, wins;");
                        w.Line("Vector256<int> arg = cell;");
                        foreach ((string x, string offset) in new[] { ("x01", "1"), ("x10", "InWidth"), ("x11", "InWidth + 1") })
                        {
                            w.Line($"wins = Vector256.GreaterThan({x}, best) | Vector256.IsNaN({x});");
                            w.Line($"best = Vector256.ConditionalSelect(wins, {x}, best);");
                            w.Line($"arg = Vector256.ConditionalSelect(wins.AsInt32(), cell + Vector256.Create({offset}), arg);");
                        }

                        string outputIndex = Index(rowPairs ? "windowRow * OutWidth" : "(windowRow * OutWidth) + j0");
                        w.Line($"best.StoreUnsafe(ref output, {outputIndex});");
                        w.Line($"arg.StoreUnsafe(ref argMax, {outputIndex});");
                    }
                }
            }

            w.Line();
        }

        /// <summary>An element offset as <c>LoadUnsafe</c> and <c>StoreUnsafe</c> take it.</summary>
        private static string Index(string offset) => offset == "0" ? "0" : $"(nuint)({offset})";

        /// <summary>Emits the vectorised forward pass over one packed sample: see <see cref="Pool2DPlan"/>.</summary>
        private static void EmitForwardSample(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            bool max = IsMax(plan);
            int jb = plan.VectorBlock;
            bool padded = s.Padding > 0;
            w.Line("/// <summary>");
            w.Line(max
                ? "/// One sample's maxima and arg-maxima, from the packed input (−∞ in the padding) to <paramref name=\"output\"/> and <paramref name=\"argMax\"/>."
                : "/// One sample's averages, from the packed input (zeros in the padding) to <paramref name=\"output\"/>.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            string taps = plan.UnrolledTaps ? $"the {s.WindowArea} window taps unrolled" : $"a loop over the {s.WindowArea} window taps";
            string perTap = max ? "one load, a compare and two selects" : "one load and one add";
            w.Line($"/// Per channel and output row, blocks of {plan.BlockColumns} output columns ({jb} Vector256 {(jb == 1 ? "chain" : "independent chains")}), {taps}: {perTap} per tap and vector.");
            w.Line(plan.PartialStore
                ? $"/// The row has only {s.OutWidth} outputs: all 8 lanes are computed from the wide packed rows, the first {s.OutWidth} stored."
                : plan.ClampLastBlock
                    ? $"/// The last block of a row overlaps the previous one ({s.OutWidth} is not a multiple of {plan.BlockColumns}), recomputing identical values."
                    : $"/// The {plan.ColumnBlocks} block(s) tile the row's {s.OutWidth} outputs exactly.");
            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open($"private static void ForwardSample(ref float source, ref float output{(max ? ", ref int argMax" : string.Empty)})"))
            {
                if (max)
                {
                    int step = plan.InputPack.Phases;
                    w.Line(step == s.Stride
                        ? $"// Lane l of a vector is output column j0 + l, whose window starts {s.Stride}·l columns after lane 0's."
                        : "// Lane 0 is the row's one output; the other lanes, computed but not stored, stand for windows one column apart.");
                    w.Line($"Vector256<int> laneColumns = Vector256.Create({string.Join(", ", Enumerable.Range(0, Blocking.Lanes).Select(l => l * step))});");
                }
                else
                {
                    w.Line("Vector256<float> divisor = Vector256.Create((float)WindowArea);");
                }

                using (w.Open("for (int c = 0; c < Channels; c++)"))
                {
                    using (w.Open("for (int i = 0; i < OutHeight; i++)"))
                    {
                        if (max)
                        {
                            if (padded)
                            {
                                w.Line("int top = (i * Stride) - Padding;");
                                w.Line("// Indices of window (i, 0)'s top-left cell (possibly in the padding) and of its first row inside the input.");
                                w.Line("int windowCell = (((c * InHeight) + top) * InWidth) - Padding;");
                                w.Line("int firstRowCell = ((c * InHeight) + Math.Max(top, 0)) * InWidth;");
                            }
                            else
                            {
                                w.Line("// Index of window (i, 0)'s top-left cell.");
                                w.Line("int windowCell = ((c * InHeight) + (i * Stride)) * InWidth;");
                            }
                        }

                        w.Line("ref float sourceRow = ref Unsafe.Add(ref source, (c * PackedInputChannelPitch) + (i * Stride * PackedInputRowPitch));");
                        w.Line("ref float outputRow = ref Unsafe.Add(ref output, ((c * OutHeight) + i) * OutWidth);");
                        if (max)
                        {
                            w.Line("ref int argMaxRow = ref Unsafe.Add(ref argMax, ((c * OutHeight) + i) * OutWidth);");
                        }

                        using (w.Open($"for (int columnBlock = 0; columnBlock < {plan.ColumnBlocks}; columnBlock++)"))
                        {
                            string j0 = plan.PartialStore ? "0" : plan.ClampLastBlock ? $"Math.Min(columnBlock * {plan.BlockColumns}, OutWidth - {plan.BlockColumns})" : $"columnBlock * {plan.BlockColumns}";
                            w.Line($"int j0 = {j0};");
                            w.Line("ref float block = ref Unsafe.Add(ref sourceRow, j0);");
                            EmitBlockBody(w, plan);
                        }
                    }
                }
            }

            w.Line();
        }

        private static void EmitBlockBody(IndentedWriter w, Pool2DPlan plan)
        {
            Pool2DLayerShape s = plan.Shape;
            bool max = IsMax(plan);
            int jb = plan.VectorBlock;
            bool padded = s.Padding > 0;
            string FirstLoad(int v) => $"Vector256.LoadUnsafe(ref block, {plan.Taps[0].SourceOffset + (v * Blocking.Lanes)})";
            if (max)
            {
                w.Line(plan.FirstTapStarts
                    ? "// Vector v covers output columns j0+8v … j0+8v+7. Tap (0,0), each window's first cell, starts best_v and arg_v;"
                    : "// Vector v covers output columns j0+8v … j0+8v+7. best_v starts at −∞ and arg_v at the window's first cell inside the input,");
                w.Line(plan.FirstTapStarts
                    ? "// later taps move them only for a larger value (or a NaN), so the first maximum wins ties, as in PyTorch."
                    : "// so that only a larger value (or a NaN) moves it: the first maximum wins ties, and an all −∞ window reports that cell, as in PyTorch.");
                for (int v = 0; v < jb; v++)
                {
                    string offset = v == 0 ? "j0 * Stride" : $"(j0 * Stride) + {v * Blocking.Lanes * s.Stride}";
                    w.Line($"Vector256<int> columns_{v} = Vector256.Create({offset}) + laneColumns;");
                    w.Line($"Vector256<int> cell_{v} = Vector256.Create(windowCell) + columns_{v};");
                    w.Line($"Vector256<float> best_{v} = {(plan.FirstTapStarts ? FirstLoad(v) : "Vector256.Create(float.NegativeInfinity)")};");
                    w.Line(padded
                        ? $"Vector256<int> arg_{v} = Vector256.Create(firstRowCell) + Vector256.Max(columns_{v} - Vector256.Create(Padding), Vector256<int>.Zero);"
                        : $"Vector256<int> arg_{v} = cell_{v};");
                }

                if (plan.Taps.Count != 1)
                {
                    w.Line("Vector256<float> x, wins;");
                }
            }
            else
            {
                w.Line(plan.FirstTapStarts
                    ? "// Vector v covers output columns j0+8v … j0+8v+7 and sums their windows, padding zeros included; tap (0,0) starts each sum."
                    : "// Vector v covers output columns j0+8v … j0+8v+7 and sums their windows, padding zeros included.");
                w.Line($"Vector256<float> {string.Join(", ", Enumerable.Range(0, jb).Select(v => $"sum_{v} = {(plan.FirstTapStarts ? FirstLoad(v) : "Vector256<float>.Zero")}"))};");
            }

            if (plan.UnrolledTaps)
            {
                int previousRow = -1;
                foreach (PoolTapPlan tap in plan.FirstTapStarts ? plan.Taps.Skip(1) : plan.Taps)
                {
                    if (tap.R != previousRow)
                    {
                        w.Line($"// Window row {tap.R}: taps ({tap.R},{tap.S}) … ({tap.R},{s.Size - 1}).");
                        previousRow = tap.R;
                    }

                    EmitTap(w, plan, tap);
                }
            }
            else
            {
                w.Line("// The window, in row-major order (too large to unroll).");
                using (w.Open("for (int r = 0; r < Size; r++)"))
                {
                    using (w.Open("for (int s = 0; s < Size; s++)"))
                    {
                        w.Line(plan.InputPack.Phases == 1
                            ? "int tap = (r * PackedInputRowPitch) + s;"
                            : "int tap = ((s % PackedInputPhases) * PackedInputPhasePitch) + (r * PackedInputRowPitch) + (s / PackedInputPhases);");
                        if (max)
                        {
                            w.Line("int tapCell = (r * InWidth) + s;");
                        }

                        EmitTap(w, plan, null);
                    }
                }
            }

            for (int v = 0; v < jb; v++)
            {
                string at = v == 0 ? "j0" : $"j0 + {v * Blocking.Lanes}";
                string nuintAt = v == 0 ? "(nuint)j0" : $"(nuint)({at})";
                string result = max ? $"best_{v}" : $"(sum_{v} / divisor)";
                if (plan.PartialStore)
                {
                    w.Line($"{Support}.StorePartial({(max ? result : $"sum_{v} / divisor")}, ref Unsafe.Add(ref outputRow, {at}), OutWidth);");
                    if (max)
                    {
                        w.Line($"{PoolSupport}.StorePartial(arg_{v}, ref Unsafe.Add(ref argMaxRow, {at}), OutWidth);");
                    }
                }
                else
                {
                    w.Line($"{result}.StoreUnsafe(ref outputRow, {nuintAt});");
                    if (max)
                    {
                        w.Line($"arg_{v}.StoreUnsafe(ref argMaxRow, {nuintAt});");
                    }
                }
            }
        }

        /// <summary>
        /// One window tap for every vector of the block: constant offsets when the window is unrolled, the loop's
        /// <c>tap</c> and <c>tapCell</c> when <paramref name="tap"/> is null.
        /// </summary>
        private static void EmitTap(IndentedWriter w, Pool2DPlan plan, PoolTapPlan? tap)
        {
            string cellOffset = tap is null ? "tapCell" : tap.CellOffset.ToString(CultureInfo.InvariantCulture);
            for (int v = 0; v < plan.VectorBlock; v++)
            {
                int vectorOffset = v * Blocking.Lanes;
                string offset = tap is not null
                    ? (tap.SourceOffset + vectorOffset).ToString(CultureInfo.InvariantCulture)
                    : v == 0 ? "(nuint)tap" : $"(nuint)(tap + {vectorOffset})";
                if (IsMax(plan))
                {
                    w.Line($"x = Vector256.LoadUnsafe(ref block, {offset});");
                    w.Line($"wins = Vector256.GreaterThan(x, best_{v}) | Vector256.IsNaN(x);");
                    w.Line($"best_{v} = Vector256.ConditionalSelect(wins, x, best_{v});");
                    w.Line($"arg_{v} = Vector256.ConditionalSelect(wins.AsInt32(), cell_{v} + Vector256.Create({cellOffset}), arg_{v});");
                }
                else
                {
                    w.Line($"sum_{v} += Vector256.LoadUnsafe(ref block, {offset});");
                }
            }
        }

        private static void Private(IndentedWriter w, string name, int value) => w.Line($"private const int {name} = {value};");
    }
}
