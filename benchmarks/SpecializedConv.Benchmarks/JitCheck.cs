using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Reflection;
using System.Reflection.Emit;
using System.Text.RegularExpressions;
using System.Threading;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// <c>--jit-check</c>: prints the IL size of every method the generator emitted for the benchmark layers, and then
/// calls every pass of every layer (and of <see cref="RuntimeShapedConv"/>) so that a JIT log taken of this process
/// shows how each was compiled:
/// <c>DOTNET_JitStdOutFile=/tmp/jit.txt DOTNET_JitDisasmSummary=1 dotnet bin/Release/net10.0/SpecializedConv.Benchmarks.dll --jit-check</c>.
/// </summary>
/// <remarks>
/// The JIT compiles a method with MinOpts (no register allocation across the unrolled block, no CSE: several times
/// slower) when it exceeds any of its size limits: 60,000 bytes of IL, 20,000 IL instructions, 2,000 basic blocks,
/// 2,000 locals or 8,000 local references (<c>DEFAULT_MIN_OPTS_*</c> in the runtime's compiler.h). The table gives
/// the first two exactly and the locals declared in IL (the JIT adds temporaries to these); the JIT log is the
/// authority. Each pass is called 200 times with pauses, so that tiered methods reach Tier1 and the log shows their
/// final tier too.
/// </remarks>
public static class JitCheck
{
    private const int Calls = 200;

    private static readonly Dictionary<byte, OpCode> OneByteOpCodes = OpCodesWhere(size: 1);

    private static readonly Dictionary<byte, OpCode> TwoByteOpCodes = OpCodesWhere(size: 2);

    /// <summary>
    /// Larger kernels than the benchmarks', generated and compiled in memory (<see cref="GeneratorCost.CompileLayers"/>), to
    /// show how far the IL of a layer is from the JIT's limits: ResNet's 7×7 stem, AlexNet's 11×11 first layer, and a
    /// 5×5 layer with many channels.
    /// </summary>
    private static readonly (string Name, Conv2DShape Shape)[] LargerKernels =
    [
        ("7x7 s2 (ResNet stem)", new Conv2DShape(3, 224, 224, 64, 7, 7, stride: 2, padding: 3)),
        ("11x11 s4 (AlexNet conv1)", new Conv2DShape(3, 227, 227, 96, 11, 11, stride: 4)),
        ("5x5 p2, 32 to 64 channels", new Conv2DShape(32, 28, 28, 64, 5, 5, padding: 2)),
    ];

    /// <summary>Prints the table, runs the passes, returns 0.</summary>
    public static int Run()
    {
        Console.WriteLine("| layer | method | IL bytes | IL instructions | IL locals | AggressiveOptimization |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | --- |");
        foreach (Type kernels in KernelClasses(typeof(S1Layer).Assembly))
        {
            PrintMethods(LayerName(kernels), kernels);
        }

        Assembly larger = GeneratorCost.CompileLayers(LargerKernels.Select(layer => layer.Shape).ToArray());
        Type[] largerLayers = Enumerable.Range(0, LargerKernels.Length).Select(i => larger.GetType($"GeneratorCostLayers.Layer{i}", throwOnError: true)!).ToArray();
        foreach (Type kernels in KernelClasses(larger))
        {
            int index = Array.FindIndex(largerLayers, layer => LayerName(kernels) == layer.Name);
            PrintMethods(index >= 0 ? $"{LargerKernels[index].Name}, in memory" : kernels.Name, kernels);
        }

        Console.WriteLine();
        Console.WriteLine($"Calling every pass {Calls} times (a JIT log of this process shows each method's tier)...");
        Exercise<S1Layer>(1, Calls);
        Exercise<S2Layer>(1, Calls);
        Exercise<S3Layer>(1, Calls);
        Exercise<S4Layer>(1, Calls);
        Exercise<S1Layer>(64, Calls);
        Exercise<S6Layer>(1, Calls);
        // The fastest call of each pass of the large layers, after warm-up, shows what a kernel compiled with MinOpts costs.
        Console.WriteLine();
        Console.WriteLine("Larger kernels, fastest call after warm-up, µs (GFLOP/s): generated / runtime-shaped");
        Console.WriteLine("| layer | forward | backward-data | backward-weights |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        MethodInfo measure = typeof(JitCheck).GetMethod(nameof(FastestBothAfterWarmUp), BindingFlags.Static | BindingFlags.NonPublic)!;
        for (int i = 0; i < largerLayers.Length; i++)
        {
            var fastest = (double[])measure.MakeGenericMethod(largerLayers[i]).Invoke(null, [1])!;
            double flops = 2.0 * LargerKernels[i].Shape.MultiplyAdds;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {LargerKernels[i].Name} | {Rate(fastest[0])} / {Rate(fastest[3])} | {Rate(fastest[1])} / {Rate(fastest[4])} | {Rate(fastest[2])} / {Rate(fastest[5])} |"));

            string Rate(double microseconds) => string.Create(CultureInfo.InvariantCulture, $"{microseconds:N0} ({flops / microseconds / 1e3:F1})");
        }

        Console.WriteLine("Done.");
        return 0;
    }

    /// <summary>
    /// <c>--tiering</c>: the benchmark layers generated and compiled twice in memory, as generated (kernels marked
    /// AggressiveOptimization: compiled once, fully optimised, without profile data) and with the attribute removed
    /// (kernels start at Tier0 and are recompiled at Tier1 with dynamic PGO once hot). Each pass of each is warmed up
    /// until tiering has settled and then timed; prints the fastest call of each in µs and the ratio.
    /// </summary>
    public static int RunTiering()
    {
        Conv2DShape[] layers = [S1Layer.Shape, S2Layer.Shape, S3Layer.Shape, S4Layer.Shape, S6Layer.Shape];
        (string Name, int Layer, int Batch)[] cases = [("S1", 0, 1), ("S2", 1, 1), ("S3", 2, 1), ("S4", 3, 1), ("S5", 0, 64), ("S6", 4, 1)];
        Assembly aggressive = GeneratorCost.CompileLayers(layers);
        Assembly tiered = GeneratorCost.CompileLayers(layers, withoutAggressiveOptimization: true);
        MethodInfo fastest = typeof(JitCheck).GetMethod(nameof(FastestAfterWarmUp), BindingFlags.Static | BindingFlags.NonPublic)!;

        Console.WriteLine("Fastest call after warm-up, µs: AggressiveOptimization (as generated) / tiered (attribute removed), and tiered ÷ AggressiveOptimization");
        Console.WriteLine("| shape | forward | backward-data | backward-weights |");
        Console.WriteLine("| --- | ---: | ---: | ---: |");
        foreach ((string name, int layer, int batch) in cases)
        {
            // Twice each, alternating, keeping the faster: the machine's load drifts, and this way neither variant is always first.
            MethodInfo aggressiveRun = fastest.MakeGenericMethod(aggressive.GetType($"GeneratorCostLayers.Layer{layer}", throwOnError: true)!);
            MethodInfo tieredRun = fastest.MakeGenericMethod(tiered.GetType($"GeneratorCostLayers.Layer{layer}", throwOnError: true)!);
            double[] a = (double[])aggressiveRun.Invoke(null, [batch])!, t = (double[])tieredRun.Invoke(null, [batch])!;
            double[] t2 = (double[])tieredRun.Invoke(null, [batch])!, a2 = (double[])aggressiveRun.Invoke(null, [batch])!;
            a = [.. a.Zip(a2, Math.Min)];
            t = [.. t.Zip(t2, Math.Min)];
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {name} | {a[0]:N2} / {t[0]:N2} ({t[0] / a[0]:F2}) | {a[1]:N2} / {t[1]:N2} ({t[1] / a[1]:F2}) | {a[2]:N2} / {t[2]:N2} ({t[2] / a[2]:F2}) |"));
        }

        return 0;
    }

    /// <summary>The fastest call of each pass of <typeparamref name="TKernel"/> (see <see cref="FastestOf"/>): forward, backward-data, backward-weights, in µs.</summary>
    private static double[] FastestAfterWarmUp<TKernel>(int batch)
        where TKernel : IConv2DKernel
    {
        var buffers = new ConvBuffers(new ConvWorkload(TKernel.Shape, batch));
        return FastestOf(
        [
            () => TKernel.Forward(buffers.Input, buffers.Weights, buffers.Bias, buffers.Output),
            () => TKernel.BackwardData(buffers.OutputGrad, buffers.Weights, buffers.InputGrad),
            () => TKernel.BackwardWeights(buffers.Input, buffers.OutputGrad, buffers.WeightGrad, buffers.BiasGrad),
        ]);
    }

    /// <summary>As <see cref="FastestAfterWarmUp{TKernel}(int)"/>, for the passes of the generated layer and then of <see cref="RuntimeShapedConv"/>.</summary>
    private static double[] FastestBothAfterWarmUp<TKernel>(int batch)
        where TKernel : IConv2DKernel
    {
        var buffers = new ConvBuffers(new ConvWorkload(TKernel.Shape, batch));
        var runtime = new RuntimeShapedConv(TKernel.Shape);
        return FastestOf(
        [
            () => TKernel.Forward(buffers.Input, buffers.Weights, buffers.Bias, buffers.Output),
            () => TKernel.BackwardData(buffers.OutputGrad, buffers.Weights, buffers.InputGrad),
            () => TKernel.BackwardWeights(buffers.Input, buffers.OutputGrad, buffers.WeightGrad, buffers.BiasGrad),
            () => runtime.Forward(buffers.Input, buffers.Weights, buffers.Bias, buffers.Output),
            () => runtime.BackwardData(buffers.OutputGrad, buffers.Weights, buffers.InputGrad),
            () => runtime.BackwardWeights(buffers.Input, buffers.OutputGrad, buffers.WeightGrad, buffers.BiasGrad),
        ]);
    }

    /// <summary>
    /// For each pass in turn: three rounds of 200 ms of calls and a 200 ms pause (time for the tiering thread: call
    /// counting, Tier1 recompilation, the switch), then the fastest mean over 30 runs of enough calls to last about a
    /// millisecond (at least one call). Returns µs per call.
    /// </summary>
    private static double[] FastestOf(Action[] passes)
    {
        var result = new double[passes.Length];
        for (int pass = 0; pass < passes.Length; pass++)
        {
            Action run = passes[pass];
            for (int round = 0; round < 3; round++)
            {
                long start = Stopwatch.GetTimestamp();
                while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 200)
                {
                    run();
                }

                Thread.Sleep(200);
            }

            long once = Stopwatch.GetTimestamp();
            run();
            int calls = Math.Max(1, (int)(1000 / Math.Max(Stopwatch.GetElapsedTime(once).TotalMicroseconds, 1)));
            result[pass] = double.PositiveInfinity;
            for (int sample = 0; sample < 30; sample++)
            {
                long start = Stopwatch.GetTimestamp();
                for (int call = 0; call < calls; call++)
                {
                    run();
                }

                result[pass] = Math.Min(result[pass], Stopwatch.GetElapsedTime(start).TotalMicroseconds / calls);
            }
        }

        return result;
    }

    /// <summary>The generated convolution kernels (file-local classes in SpecializedConv.Generated) of an assembly.</summary>
    private static IEnumerable<Type> KernelClasses(Assembly assembly) =>
        assembly.GetTypes()
            .Where(type => type.Namespace == "SpecializedConv.Generated" && type.Name.EndsWith("__Conv2DKernels", StringComparison.Ordinal))
            .OrderBy(type => type.Name, StringComparer.Ordinal);

    private static void PrintMethods(string layer, Type kernels)
    {
        foreach (MethodInfo method in kernels.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly).OrderBy(method => method.MetadataToken))
        {
            MethodBody? body = method.GetMethodBody();
            if (body is null)
            {
                continue;
            }

            byte[] il = body.GetILAsByteArray() ?? [];
            bool aggressive = method.MethodImplementationFlags.HasFlag(MethodImplAttributes.AggressiveOptimization);
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"| {layer} | {method.Name} | {il.Length:N0} | {CountInstructions(il):N0} | {body.LocalVariables.Count:N0} | {(aggressive ? "yes" : "no")} |"));
        }
    }

    /// <summary>
    /// Calls the three passes of the generated layer and of <see cref="RuntimeShapedConv"/> <paramref name="calls"/>
    /// times each, pausing now and then so that the tiering thread can recompile the hot methods.
    /// </summary>
    private static void Exercise<TKernel>(int batch, int calls)
        where TKernel : IConv2DKernel
    {
        var buffers = new ConvBuffers(new ConvWorkload(TKernel.Shape, batch));
        var runtime = new RuntimeShapedConv(TKernel.Shape);
        for (int call = 0; call < calls; call++)
        {
            TKernel.Forward(buffers.Input, buffers.Weights, buffers.Bias, buffers.Output);
            TKernel.BackwardData(buffers.OutputGrad, buffers.Weights, buffers.InputGrad);
            TKernel.BackwardWeights(buffers.Input, buffers.OutputGrad, buffers.WeightGrad, buffers.BiasGrad);
            runtime.Forward(buffers.Input, buffers.Weights, buffers.Bias, buffers.Output);
            runtime.BackwardData(buffers.OutputGrad, buffers.Weights, buffers.InputGrad);
            runtime.BackwardWeights(buffers.Input, buffers.OutputGrad, buffers.WeightGrad, buffers.BiasGrad);

            // Tier-up happens on a background thread after a call count and a delay (100 ms by default).
            if (call % 50 == 49)
            {
                Thread.Sleep(250);
            }
        }
    }

    /// <summary>
    /// The layer a file-local kernels class belongs to, read from its mangled name, which embeds the generated file's
    /// name: <c>&lt;SpecializedConv_Benchmarks_S1Layer_Conv2D_g&gt;F…__Conv2DKernels</c> gives <c>S1Layer</c>.
    /// </summary>
    private static string LayerName(Type kernels)
    {
        Match file = Regex.Match(kernels.Name, "^<(?:SpecializedConv_Benchmarks_|GeneratorCostLayers_)?(.+?)_Conv2D_g>");
        return file.Success ? file.Groups[1].Value : kernels.Name;
    }

    /// <summary>Counts IL instructions by walking the opcodes and skipping their operands.</summary>
    private static int CountInstructions(byte[] il)
    {
        int count = 0;
        for (int position = 0; position < il.Length; count++)
        {
            OpCode opCode;
            if (il[position] == 0xFE)
            {
                opCode = TwoByteOpCodes[il[position + 1]];
                position += 2;
            }
            else
            {
                opCode = OneByteOpCodes[il[position]];
                position += 1;
            }

            position += opCode.OperandType switch
            {
                OperandType.InlineNone => 0,
                OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
                OperandType.InlineVar => 2,
                OperandType.InlineI8 or OperandType.InlineR => 8,
                OperandType.InlineSwitch => 4 + (4 * BitConverter.ToInt32(il, position)),
                _ => 4,
            };
        }

        return count;
    }

    private static Dictionary<byte, OpCode> OpCodesWhere(int size) =>
        typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(field => (OpCode)field.GetValue(null)!)
            .Where(opCode => opCode.Size == size)
            .ToDictionary(opCode => (byte)(opCode.Value & 0xFF));
}
