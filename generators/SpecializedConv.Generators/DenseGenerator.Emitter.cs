using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class DenseGenerator
{
    /// <summary>Writes one dense layer's C# from its plan. Only formatting happens here: every decision is in the plan.</summary>
    internal static class Emitter
    {
        private const string Runtime = "global::SpecializedConv";

        // The kernels' namespace, SpecializedConv.Generated, sits inside SpecializedConv: this needs no qualification there.
        private const string Support = "KernelSupport";
        private const string Interface = Runtime + ".IDenseKernel";
        private const string Implementation = "global::SpecializedConv.Generated.DenseKernels";
        private const int Lanes = Blocking.Lanes;

        public static string HintName(LayerTypeInfo type) => type.FullName + ".Dense.g.cs";

        public static string Emit(DensePlan plan)
        {
            var w = new IndentedWriter();
            List<IndentedWriter.Block> scopes = LayerTypes.OpenFile(w, plan.Type, "Dense");
            EmitPublicSurface(w, plan);
            LayerTypes.Close(scopes);
            using (LayerTypes.OpenImplementationNamespace(w))
            {
                EmitImplementation(w, plan);
            }

            return w.ToString();
        }

        private static readonly Pass ForwardPass = new(
            "Forward",
            new("input", "InputLength", Batched: true),
            new("weights", "WeightLength"),
            new("bias", "BiasLength"),
            new("output", "OutputLength", Batched: true, Writable: true));

        private static readonly Pass BackwardDataPass = new(
            "BackwardData",
            new("outputGrad", "OutputLength", Batched: true),
            new("weights", "WeightLength"),
            new("inputGrad", "InputLength", Batched: true, Writable: true));

        private static readonly Pass BackwardWeightsPass = new(
            "BackwardWeights",
            new("input", "InputLength", Batched: true),
            new("outputGrad", "OutputLength", Batched: true),
            new("weightGrad", "WeightLength", Writable: true),
            new("biasGrad", "BiasLength", Writable: true));

        private static readonly string ForwardParameters = ForwardPass.ParameterList(qualified: true);

        private static readonly string BackwardDataParameters = BackwardDataPass.ParameterList(qualified: true);

        private static readonly string BackwardWeightsParameters = BackwardWeightsPass.ParameterList(qualified: true);

        private static void EmitPublicSurface(IndentedWriter w, DensePlan plan)
        {
            DenseLayerShape s = plan.Shape;
            w.Line("/// <summary>");
            w.Line($"/// Generated fully connected layer: {s.Inputs} inputs → {s.Outputs} outputs, <c>output[n,o] = bias[o] + Σ_i weights[o,i] · input[n,i]</c>.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Weights are laid out [outputs, inputs] ({s.Outputs}×{s.Inputs}), as PyTorch's <c>nn.Linear</c> stores them; inputs and outputs are");
            w.Line(plan.Vectorized
                ? "/// row-major n×Inputs and n×Outputs. Every pass is Vector256 along the inputs with FMA, register-blocked over outputs and samples."
                : $"/// row-major n×Inputs and n×Outputs. With only {s.Inputs} input(s) a Vector256 would be mostly empty: every pass is the scalar reference kernel.");
            w.Line("/// </remarks>");
            using (w.Open(LayerTypes.Declaration(plan.Type, Interface)))
            {
                LayerTypes.Constant(w, "Inputs per sample.", "Inputs", s.Inputs, plan.Type);
                LayerTypes.Constant(w, "Outputs per sample.", "Outputs", s.Outputs, plan.Type);
                LayerTypes.Constant(w, "Elements of one input sample (the inputs).", "InputLength", s.Inputs, plan.Type);
                LayerTypes.Constant(w, "Elements of one output sample (the outputs).", "OutputLength", s.Outputs, plan.Type);
                LayerTypes.Constant(w, "Elements of the weights, Outputs·Inputs.", "WeightLength", s.WeightLength, plan.Type);
                LayerTypes.Constant(w, "Elements of the bias, Outputs.", "BiasLength", s.Outputs, plan.Type);
                w.Line();
                w.Line("/// <summary>The layer's shape as a runtime value (for the reference kernels and generic code).</summary>");
                w.Line($"public static {LayerTypes.New(plan.Type, "Shape")}{Runtime}.DenseShape Shape => {Implementation}.Shape;");
                w.Line();
                EmitInterfaceMembers(w, plan.Type);
                EmitForwardDocs(w, s);
                w.Line($"public static {LayerTypes.New(plan.Type, "Forward")}void Forward({ForwardParameters}) =>");
                w.Line($"    {Implementation}.Forward({ForwardPass.Arguments});");
                w.Line();
                EmitBackwardDataDocs(w, s);
                w.Line($"public static {LayerTypes.New(plan.Type, "BackwardData")}void BackwardData({BackwardDataParameters}) =>");
                w.Line($"    {Implementation}.BackwardData({BackwardDataPass.Arguments});");
                w.Line();
                EmitBackwardWeightsDocs(w, s);
                w.Line($"public static {LayerTypes.New(plan.Type, "BackwardWeights")}void BackwardWeights({BackwardWeightsParameters}) =>");
                w.Line($"    {Implementation}.BackwardWeights({BackwardWeightsPass.Arguments});");
            }
        }

        private static void EmitInterfaceMembers(IndentedWriter w, LayerTypeInfo type)
        {
            string[] lengths = { "InputLength", "OutputLength", "WeightLength", "BiasLength" };
            if (!type.IsStatic)
            {
                foreach (string length in lengths)
                {
                    w.Line($"static int {Interface}.{length} => {length};");
                }

                w.Line();
                return;
            }

            string name = LayerTypes.Identifier(type.Name);
            w.Line("/// <summary>");
            w.Line($"/// This layer's operations as <see cref=\"{Interface}\"/>, for generic code:");
            w.Line("/// a static class cannot implement an interface, so this nested type does.");
            w.Line("/// </summary>");
            using (w.Open($"public sealed class Kernel : {Interface}"))
            {
                w.Line("private Kernel()");
                w.Line("{");
                w.Line("}");
                w.Line();
                w.Line($"/// <inheritdoc cref=\"{name}.Shape\"/>");
                w.Line($"public static {Runtime}.DenseShape Shape => {name}.Shape;");
                foreach (string length in lengths)
                {
                    w.Line($"/// <inheritdoc cref=\"{name}.{length}\"/>");
                    w.Line($"public static int {length} => {name}.{length};");
                }

                w.Line($"/// <inheritdoc cref=\"{name}.Forward\"/>");
                w.Line($"public static void Forward({ForwardParameters}) => {name}.Forward({ForwardPass.Arguments});");
                w.Line($"/// <inheritdoc cref=\"{name}.BackwardData\"/>");
                w.Line($"public static void BackwardData({BackwardDataParameters}) => {name}.BackwardData({BackwardDataPass.Arguments});");
                w.Line($"/// <inheritdoc cref=\"{name}.BackwardWeights\"/>");
                w.Line($"public static void BackwardWeights({BackwardWeightsParameters}) => {name}.BackwardWeights({BackwardWeightsPass.Arguments});");
            }

            w.Line();
        }

        private static void EmitImplementation(IndentedWriter w, DensePlan plan)
        {
            DenseLayerShape s = plan.Shape;
            w.Line("/// <summary>");
            w.Line($"/// The kernels behind <see cref=\"{LayerTypes.Cref(plan.Type)}\"/>: argument checks and the register-blocked Vector256 passes.");
            w.Line("/// File-local: only the layer's public methods call it.");
            w.Line("/// </summary>");
            using (w.Open("file static class DenseKernels"))
            {
                w.Line("// The layer's shape (the same values as its public constants).");
                Private(w, "Inputs", s.Inputs);
                Private(w, "Outputs", s.Outputs);
                Private(w, "InputLength", s.Inputs);
                Private(w, "OutputLength", s.Outputs);
                Private(w, "WeightLength", s.WeightLength);
                Private(w, "BiasLength", s.Outputs);
                w.Line();
                w.Line("public static readonly DenseShape Shape = new(Inputs, Outputs);");
                w.Line();
                EmitForward(w, plan);
                EmitBackwardData(w, plan);
                EmitBackwardWeights(w, plan);
                if (plan.Vectorized)
                {
                    EmitForwardKernel(w, plan, plan.Forward);
                    if (plan.ForwardRemainder is not null)
                    {
                        EmitForwardKernel(w, plan, plan.ForwardRemainder);
                    }

                    EmitDataKernel(w, plan, plan.Data);
                    if (plan.DataRemainder is not null)
                    {
                        EmitDataKernel(w, plan, plan.DataRemainder);
                    }

                    EmitWeightsKernel(w, plan);
                }
            }
        }

        private static void Private(IndentedWriter w, string name, int value) => w.Line($"private const int {name} = {value};");

        private static void EmitForwardDocs(IndentedWriter w, DenseLayerShape s)
        {
            w.Line("/// <summary>");
            w.Line($"/// Forward pass over n ≥ 1 samples: <paramref name=\"input\"/> holds n·{s.Inputs} floats, <paramref name=\"output\"/> n·{s.Outputs} and is overwritten.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"input\">Input samples, n×Inputs.</param>");
            w.Line($"/// <param name=\"weights\">{s.WeightLength} weights, [outputs, inputs] ({s.Outputs}×{s.Inputs}).</param>");
            w.Line($"/// <param name=\"bias\">{s.Outputs} biases, one per output.</param>");
            w.Line("/// <param name=\"output\">Receives the outputs, n×Outputs.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing has been written.</exception>");
        }

        private static void EmitForward(IndentedWriter w, DensePlan plan) =>
            EmitBlockedPass(w, plan, ForwardPass, plan.Forward.SampleBlock, plan.Forward.MethodName, plan.ForwardRemainder?.MethodName);

        private static void EmitBackwardDataDocs(IndentedWriter w, DenseLayerShape s)
        {
            w.Line("/// <summary>");
            w.Line("/// Gradient with respect to the input over n ≥ 1 samples, <c>inputGrad[n,i] = Σ_o weights[o,i] · outputGrad[n,o]</c> (Wᵀ times the output gradient).");
            w.Line($"/// <paramref name=\"outputGrad\"/> holds n·{s.Outputs} floats, <paramref name=\"inputGrad\"/> n·{s.Inputs} and is overwritten.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"outputGrad\">dLoss/dOutput, n×Outputs.</param>");
            w.Line($"/// <param name=\"weights\">{s.WeightLength} weights, [outputs, inputs].</param>");
            w.Line("/// <param name=\"inputGrad\">Receives dLoss/dInput, n×Inputs.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing has been written.</exception>");
        }

        private static void EmitBackwardData(IndentedWriter w, DensePlan plan) =>
            EmitBlockedPass(w, plan, BackwardDataPass, plan.Data.SampleBlock, plan.Data.MethodName, plan.DataRemainder?.MethodName);

        /// <summary>
        /// Forward and backward-data: the checks and the fallback, then every whole block of <paramref name="sampleBlock"/>
        /// samples through one call of <paramref name="method"/>, and the samples left over through one call of
        /// <paramref name="remainder"/>.
        /// </summary>
        private static void EmitBlockedPass(IndentedWriter w, DensePlan plan, Pass pass, int sampleBlock, string method, string? remainder)
        {
            using (w.Open($"public static void {pass.Name}({pass.ParameterList(qualified: false)})"))
            {
                if (EmitChecksAndFallback(w, plan, pass))
                {
                    string Arguments(string? firstSample, string count) => string.Join(", ", pass.Parameters
                        .Select(p => p.Batched && firstSample is not null
                            ? $"ref MemoryMarshal.GetReference({p.Name}.Slice({firstSample} * {p.Length}))"
                            : $"ref MemoryMarshal.GetReference({p.Name})")
                        .Append(count));

                    // Each kernel walks blocks of weights in its outer loop and the samples in its inner one, so a block of
                    // weights is read from memory once per call and from L1 for every other sample.
                    if (remainder is null)
                    {
                        w.Line($"{method}({Arguments(null, "batch")});");
                    }
                    else
                    {
                        w.Line($"// {sampleBlock} samples at a time share every weight load; the last batch mod {sampleBlock} go one at a time.");
                        w.Line($"int blocks = batch / {sampleBlock};");
                        w.Line($"{method}({Arguments(null, "blocks")});");
                        using (w.Open($"if (batch % {sampleBlock} != 0)"))
                        {
                            w.Line($"{remainder}({Arguments($"blocks * {sampleBlock}", $"batch % {sampleBlock}")});");
                        }
                    }
                }
            }

            w.Line();
        }

        private static void EmitBackwardWeightsDocs(IndentedWriter w, DenseLayerShape s)
        {
            w.Line("/// <summary>");
            w.Line("/// Gradients with respect to weights and bias, summed over n ≥ 1 samples: <c>weightGrad[o,i] = Σ_n outputGrad[n,o] · input[n,i]</c>");
            w.Line("/// and <c>biasGrad[o] = Σ_n outputGrad[n,o]</c>. Both are overwritten.");
            w.Line("/// </summary>");
            w.Line($"/// <param name=\"input\">The forward pass's input, n·{s.Inputs} floats.</param>");
            w.Line($"/// <param name=\"outputGrad\">dLoss/dOutput, n·{s.Outputs} floats.</param>");
            w.Line($"/// <param name=\"weightGrad\">Receives dLoss/dWeights, {s.WeightLength} floats ([outputs, inputs]).</param>");
            w.Line($"/// <param name=\"biasGrad\">Receives dLoss/dBias, {s.Outputs} floats.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length; nothing has been written.</exception>");
        }

        private static void EmitBackwardWeights(IndentedWriter w, DensePlan plan)
        {
            using (w.Open($"public static void BackwardWeights({BackwardWeightsPass.ParameterList(qualified: false)})"))
            {
                if (EmitChecksAndFallback(w, plan, BackwardWeightsPass))
                {
                    w.Line("BackwardWeightsAllSamples(ref MemoryMarshal.GetReference(input), ref MemoryMarshal.GetReference(outputGrad), ref MemoryMarshal.GetReference(weightGrad), batch);");
                    w.Line();
                    w.Line("// Bias gradient: the output gradient summed over the samples (Outputs·n adds, not worth a kernel).");
                    using (w.Open("for (int o = 0; o < Outputs; o++)"))
                    {
                        w.Line("float sum = 0;");
                        using (w.Open("for (int n = 0; n < batch; n++)"))
                        {
                            w.Line("sum += outputGrad[(n * Outputs) + o];");
                        }

                        w.Line();
                        w.Line("biasGrad[o] = sum;");
                    }
                }
            }

            w.Line();
        }

        /// <summary>
        /// Writes a pass's argument checks, every span in parameter order (the first gives the batch count), then the fallback
        /// to the reference kernel. Returns false when the layer has no vector path at all (fewer than 8 inputs), in which
        /// case the reference call is unconditional and nothing else is written.
        /// </summary>
        private static bool EmitChecksAndFallback(IndentedWriter w, DensePlan plan, Pass pass)
        {
            SpanParameter first = pass.Parameters[0];
            w.Line($"int batch = {Support}.BatchCount({first.Name}.Length, {first.Length}, nameof({first.Name}));");
            foreach (SpanParameter p in pass.Parameters.Skip(1))
            {
                w.Line(p.Batched
                    ? $"{Support}.CheckBatch({p.Name}.Length, {p.Length}, batch, nameof({p.Name}), nameof({first.Name}));"
                    : $"{Support}.CheckLength({p.Name}.Length, {p.Length}, nameof({p.Name}));");
            }

            string call = $"{pass.Name}(Shape, {pass.Arguments})";

            if (!plan.Vectorized)
            {
                w.Line($"// Fewer than {Lanes} inputs: a Vector256 would be mostly empty, so every CPU takes the scalar reference kernel.");
                w.Line($"ReferenceDense.{call};");
                return false;
            }

            using (w.Open($"if (!{Support}.VectorPathSupported)"))
            {
                w.Line("// No hardware Vector256 (ARM64, older x86, or disabled): the scalar reference kernel, chosen once by the JIT.");
                w.Line($"ReferenceDense.{call};");
                w.Line("return;");
            }

            w.Line();
            return true;
        }

        /// <summary>Emits a forward kernel: see <see cref="DenseForwardKernel"/>.</summary>
        private static void EmitForwardKernel(IndentedWriter w, DensePlan plan, DenseForwardKernel k)
        {
            DenseLayerShape s = plan.Shape;
            int nb = k.SampleBlock, ob = k.OutputBlock;
            int blocks = Ceiling(s.Outputs, ob);
            int mainInputs = s.Inputs - plan.TailLanes;
            w.Line("/// <summary>");
            w.Line($"/// The outputs of <paramref name=\"{(nb == 1 ? "samples" : "sampleBlocks")}\"/>{(nb == 1 ? string.Empty : $" blocks of {nb}")} samples: <c>output[m,o] = bias[o] + Σ_i weights[o,i] · input[m,i]</c>.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {nb} sample(s) × {ob} output(s): {k.Accumulators} Vector256 accumulators, each holding 8 partial sums of one dot product, over the");
            w.Line($"/// {Ceiling(s.Inputs, Lanes)} input vectors; each input vector is loaded once per block and each weight vector once per {nb} sample(s).");
            w.Line($"/// Output blocks in the outer loop and samples in the inner one: a block's {ob} weight row(s) stay in L1 for every sample.");
            if (plan.TailLanes > 0)
            {
                w.Line($"/// {s.Inputs} is not a multiple of 8: the last vector re-reads inputs {s.Inputs - Lanes} … {mainInputs - 1} and masks them to zero.");
            }

            if (s.Outputs % ob != 0)
            {
                w.Line($"/// {s.Outputs} is not a multiple of {ob}: the last block overlaps the previous one, recomputing identical values.");
            }

            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string count = nb == 1 ? "samples" : "sampleBlocks";
            using (w.Open($"private static void {k.MethodName}(ref float input, ref float weights, ref float bias, ref float output, int {count})"))
            {
                if (plan.TailLanes > 0)
                {
                    w.Line($"// Lanes 0 … {Lanes - plan.TailLanes - 1} of the last vector were summed by the main loop.");
                    w.Line($"Vector256<float> tailMask = Vector256.Create({string.Join(", ", Enumerable.Range(0, Lanes).Select(l => l < Lanes - plan.TailLanes ? "0" : "-1"))}).AsSingle();");
                }

                using (w.Open($"for (int outputBlock = 0; outputBlock < {blocks}; outputBlock++)"))
                {
                    w.Line($"int o0 = {BlockStart("outputBlock", ob, s.Outputs)};");
                    w.Line("ref float w = ref Unsafe.Add(ref weights, o0 * Inputs);");
                    w.Line("ref float x = ref input, y = ref output;");
                    using (w.Open($"for (int block = 0; block < {count}; block++, x = ref Unsafe.Add(ref x, {Count(nb, "Inputs")}), y = ref Unsafe.Add(ref y, {Count(nb, "Outputs")}))"))
                    {
                        w.Line("// Accumulator a_m_o: sample m, output o0+o.");
                        for (int m = 0; m < nb; m++)
                        {
                            w.Line($"Vector256<float> {string.Join(", ", Range(ob).Select(o => $"a_{m}_{o} = Vector256<float>.Zero"))};");
                        }

                        // The input and weight references move on by a vector each step, so that every load is a constant
                        // offset from one of them (index arithmetic took as many instructions as the FMAs).
                        w.Line("ref float xi = ref x, wi = ref w;");
                        using (w.Open($"for (int i = 0; i < {mainInputs}; i += 8, xi = ref Unsafe.Add(ref xi, 8), wi = ref Unsafe.Add(ref wi, 8))"))
                        {
                            EmitForwardStep(w, nb, ob, "xi", "wi", 0, mask: false);
                        }

                        if (plan.TailLanes > 0)
                        {
                            w.Line($"// Inputs {s.Inputs - Lanes} … {s.Inputs - 1}, the lanes already summed masked off.");
                            using (w.OpenBare())
                            {
                                EmitForwardStep(w, nb, ob, "x", "w", s.Inputs - Lanes, mask: true);
                            }
                        }

                        w.Line();
                        for (int m = 0; m < nb; m++)
                        {
                            for (int o = 0; o < ob; o++)
                            {
                                string output = o == 0 ? "o0" : $"o0 + {o}";
                                w.Line($"Unsafe.Add(ref y, {Offset(m, "Outputs", output)}) = Unsafe.Add(ref bias, {output}) + Vector256.Sum(a_{m}_{o});");
                            }
                        }
                    }
                }
            }

            w.Line();
        }

        /// <summary>
        /// One input vector of a forward block, at <paramref name="start"/> from <paramref name="inputs"/> and
        /// <paramref name="weights"/>: the nb input vectors first (they are reused by every output), then per output its
        /// weight vector and nb FMAs.
        /// </summary>
        private static void EmitForwardStep(IndentedWriter w, int nb, int ob, string inputs, string weights, int start, bool mask)
        {
            static string At(int start, int row) => (start, row) switch
            {
                (_, 0) => $"{start}",
                (0, 1) => "Inputs",
                (0, _) => $"{row} * Inputs",
                (_, 1) => $"{start} + Inputs",
                _ => $"{start} + ({row} * Inputs)",
            };

            w.Line($"Vector256<float> {string.Join(", ", Range(nb).Select(m => $"x_{m} = {(mask ? "tailMask & " : string.Empty)}Vector256.LoadUnsafe(ref {inputs}, {At(start, m)})"))};");
            w.Line("Vector256<float> wo;");
            for (int o = 0; o < ob; o++)
            {
                w.Line($"wo = Vector256.LoadUnsafe(ref {weights}, {At(start, o)});");
                w.Line(string.Join(" ", Range(nb).Select(m => $"a_{m}_{o} = {Support}.MultiplyAdd(x_{m}, wo, a_{m}_{o});")));
            }
        }

        /// <summary>Emits a backward-data kernel: see <see cref="DenseDataKernel"/>.</summary>
        private static void EmitDataKernel(IndentedWriter w, DensePlan plan, DenseDataKernel k)
        {
            DenseLayerShape s = plan.Shape;
            int nb = k.SampleBlock, jb = k.VectorBlock;
            int blocks = Ceiling(s.Inputs, k.BlockInputs);
            w.Line("/// <summary>");
            w.Line($"/// The input gradients of <paramref name=\"{(nb == 1 ? "samples" : "sampleBlocks")}\"/>{(nb == 1 ? string.Empty : $" blocks of {nb}")} samples: <c>inputGrad[m,i] = Σ_o weights[o,i] · outputGrad[m,o]</c>.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {nb} sample(s) × {k.BlockInputs} inputs: {k.Accumulators} Vector256 accumulators walk the {s.Outputs} weight rows, adding the broadcast");
            w.Line($"/// output gradient times {jb} weight vector(s) per row, and are stored once. Input blocks in the outer loop and samples in");
            w.Line($"/// the inner one: a block's {k.BlockInputs}-column strip of the weights stays in L1 for every sample.");
            if (s.Inputs % k.BlockInputs != 0)
            {
                w.Line($"/// {s.Inputs} is not a multiple of {k.BlockInputs}: the last block overlaps the previous one, recomputing identical values.");
            }

            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            string count = nb == 1 ? "samples" : "sampleBlocks";
            using (w.Open($"private static void {k.MethodName}(ref float outputGrad, ref float weights, ref float inputGrad, int {count})"))
            {
                using (w.Open($"for (int inputBlock = 0; inputBlock < {blocks}; inputBlock++)"))
                {
                    w.Line($"int i0 = {BlockStart("inputBlock", k.BlockInputs, s.Inputs)};");
                    w.Line("ref float dy = ref outputGrad, dx = ref inputGrad;");
                    using (w.Open($"for (int block = 0; block < {count}; block++, dy = ref Unsafe.Add(ref dy, {Count(nb, "Outputs")}), dx = ref Unsafe.Add(ref dx, {Count(nb, "Inputs")}))"))
                    {
                        w.Line("ref float w = ref Unsafe.Add(ref weights, i0);");
                        w.Line("// Accumulator a_m_v: sample m, inputs i0+8v … i0+8v+7.");
                        for (int m = 0; m < nb; m++)
                        {
                            w.Line($"Vector256<float> {string.Join(", ", Range(jb).Select(v => $"a_{m}_{v} = Vector256<float>.Zero"))};");
                        }

                        using (w.Open("for (int o = 0; o < Outputs; o++)"))
                        {
                            w.Line($"Vector256<float> {string.Join(", ", Range(jb).Select(v => $"w_{v} = Vector256.LoadUnsafe(ref w{(v == 0 ? string.Empty : $", {v * Lanes}")})"))};");
                            w.Line("Vector256<float> g;");
                            for (int m = 0; m < nb; m++)
                            {
                                w.Line($"g = Vector256.Create(Unsafe.Add(ref dy, {Offset(m, "Outputs", "o")}));");
                                w.Line(string.Join(" ", Range(jb).Select(v => $"a_{m}_{v} = {Support}.MultiplyAdd(w_{v}, g, a_{m}_{v});")));
                            }

                            w.Line("w = ref Unsafe.Add(ref w, Inputs);");
                        }

                        w.Line();
                        for (int m = 0; m < nb; m++)
                        {
                            for (int v = 0; v < jb; v++)
                            {
                                string offset = Offset(m, "Inputs", v == 0 ? "i0" : $"i0 + {v * Lanes}");
                                w.Line($"a_{m}_{v}.StoreUnsafe(ref dx, {(offset == "i0" ? "(nuint)i0" : $"(nuint)({offset})")});");
                            }
                        }
                    }
                }
            }

            w.Line();
        }

        /// <summary>Emits backward-weights: see <see cref="DenseWeightsKernel"/>.</summary>
        private static void EmitWeightsKernel(IndentedWriter w, DensePlan plan)
        {
            DenseLayerShape s = plan.Shape;
            DenseWeightsKernel k = plan.Weights;
            int ob = k.OutputBlock, jb = k.VectorBlock;
            w.Line("/// <summary>");
            w.Line("/// The weight gradient summed over <paramref name=\"batch\"/> samples: <c>weightGrad[o,i] = Σ_n outputGrad[n,o] · input[n,i]</c>, overwritten.");
            w.Line("/// </summary>");
            w.Line("/// <remarks>");
            w.Line($"/// Blocks of {ob} weight row(s) × {k.BlockInputs} inputs: {k.Accumulators} Vector256 accumulators walk the samples, adding each sample's broadcast");
            w.Line($"/// output gradient times its {jb} input vector(s), and are stored once.");
            if (s.Outputs % ob != 0 || s.Inputs % k.BlockInputs != 0)
            {
                w.Line("/// Edge blocks overlap the previous ones, recomputing identical values.");
            }

            w.Line("/// </remarks>");
            w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (w.Open("private static void BackwardWeightsAllSamples(ref float input, ref float outputGrad, ref float weightGrad, int batch)"))
            {
                using (w.Open($"for (int outputBlock = 0; outputBlock < {Ceiling(s.Outputs, ob)}; outputBlock++)"))
                {
                    w.Line($"int o0 = {BlockStart("outputBlock", ob, s.Outputs)};");
                    using (w.Open($"for (int inputBlock = 0; inputBlock < {Ceiling(s.Inputs, k.BlockInputs)}; inputBlock++)"))
                    {
                        w.Line($"int i0 = {BlockStart("inputBlock", k.BlockInputs, s.Inputs)};");
                        w.Line("// Accumulator a_o_v: weight row o0+o, inputs i0+8v … i0+8v+7.");
                        for (int o = 0; o < ob; o++)
                        {
                            w.Line($"Vector256<float> {string.Join(", ", Range(jb).Select(v => $"a_{o}_{v} = Vector256<float>.Zero"))};");
                        }

                        w.Line("ref float x = ref Unsafe.Add(ref input, i0);");
                        w.Line("ref float g = ref Unsafe.Add(ref outputGrad, o0);");
                        using (w.Open("for (int n = 0; n < batch; n++)"))
                        {
                            w.Line($"Vector256<float> {string.Join(", ", Range(jb).Select(v => $"x_{v} = Vector256.LoadUnsafe(ref x{(v == 0 ? string.Empty : $", {v * Lanes}")})"))};");
                            w.Line("Vector256<float> gn;");
                            for (int o = 0; o < ob; o++)
                            {
                                w.Line($"gn = Vector256.Create(Unsafe.Add(ref g, {o}));");
                                w.Line(string.Join(" ", Range(jb).Select(v => $"a_{o}_{v} = {Support}.MultiplyAdd(x_{v}, gn, a_{o}_{v});")));
                            }

                            w.Line("x = ref Unsafe.Add(ref x, Inputs);");
                            w.Line("g = ref Unsafe.Add(ref g, Outputs);");
                        }

                        w.Line();
                        w.Line("ref float dw = ref Unsafe.Add(ref weightGrad, (o0 * Inputs) + i0);");
                        for (int o = 0; o < ob; o++)
                        {
                            for (int v = 0; v < jb; v++)
                            {
                                string offset = (o, v) switch
                                {
                                    (0, 0) => "0",
                                    (0, _) => $"{v * Lanes}",
                                    (1, 0) => "Inputs",
                                    (1, _) => $"Inputs + {v * Lanes}",
                                    (_, 0) => $"{o} * Inputs",
                                    _ => $"({o} * Inputs) + {v * Lanes}",
                                };
                                w.Line($"a_{o}_{v}.StoreUnsafe(ref dw, {offset});");
                            }
                        }
                    }
                }
            }

            w.Line();
        }

        /// <summary><c>m·stride + index</c>, written without the zero and unit factors.</summary>
        private static string Count(int samples, string length) => samples == 1 ? length : $"{samples} * {length}";

        private static string Offset(int m, string stride, string index) => m switch
        {
            0 => index,
            1 => $"{stride} + {index}",
            _ => $"({m} * {stride}) + {index}",
        };

        private static string BlockStart(string index, int block, int total) =>
            total % block == 0 ? (block == 1 ? index : $"{index} * {block}") : $"Math.Min({index} * {block}, {total - block})";

        private static IEnumerable<int> Range(int count) => Enumerable.Range(0, count);

        private static int Ceiling(int value, int divisor) => (value + divisor - 1) / divisor;

        /// <summary>
        /// A span parameter of a pass: a <paramref name="Batched"/> one holds n samples of <paramref name="Length"/> floats, any
        /// other exactly <paramref name="Length"/>.
        /// </summary>
        private sealed record SpanParameter(string Name, string Length, bool Batched = false, bool Writable = false)
        {
            /// <summary><c>Span&lt;float&gt;</c> or <c>ReadOnlySpan&lt;float&gt;</c>, <c>global::</c>-qualified when <paramref name="qualified"/>.</summary>
            public string Type(bool qualified)
            {
                string kind = Writable ? "Span" : "ReadOnlySpan";
                return qualified ? LayerTypes.Span(kind) : $"{kind}<float>";
            }
        }

        /// <summary>A pass's name and its span parameters, in order; the first is batched and gives the batch count.</summary>
        private sealed record Pass(string Name, params SpanParameter[] Parameters)
        {
            public string Arguments => string.Join(", ", Parameters.Select(p => p.Name));

            /// <summary>The parameter list, with the span types <c>global::</c>-qualified for the public surface.</summary>
            public string ParameterList(bool qualified) => string.Join(", ", Parameters.Select(p => $"{p.Type(qualified)} {p.Name}"));
        }
    }
}
