using System;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Tracing;
using System.Linq;
using System.Reflection;
using System.Threading;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Hardening;

/// <summary>Runs alone: the JIT events it listens to are process-wide.</summary>
[CollectionDefinition(nameof(JitEventsCollection), DisableParallelization = true)]
public sealed class JitEventsCollection;

/// <summary>
/// Every FMA of a generated kernel is a call to <see cref="KernelSupport.MultiplyAdd"/>, which only costs nothing when the
/// JIT inlines it. Past its inlining budget it stops doing so and the kernel, still compiled FullOpts, runs 5-10× slower
/// (the planner's caps on FMA statements a method come from three such cases). A call that was not inlined needs the
/// method compiled on its own, so this test runs every pass of layers at and near those caps while listening to the
/// runtime's JIT events: the kernels' own compilations must be seen, and no compilation of MultiplyAdd, nor of the column
/// helpers that kernels reading in place call for every tap. (A method is
/// compiled once a process: had a kernel of an earlier test failed to inline it, this test would not see it again. Raising
/// either cap, MaxInlinedMultiplyAdds to 1000 or MaxTailedMultiplyAdds to 2000, fails it.)
/// </summary>
[Collection(nameof(JitEventsCollection))]
public sealed class KernelInliningTests
{
    private static readonly (string Name, Conv2DShape Shape)[] Shapes =
    {
        ("S2: LeNet conv2, forward with a row tail (600 FMA statements)", new(6, 12, 12, 16, 5, 5)),
        ("S1: LeNet conv1, pixel-lane backward-weights (3 x 4 over three vectors)", new(1, 28, 28, 6, 5, 5)),
        ("S4: stride 2, interleaving backward-data", new(16, 32, 32, 32, 3, 3, padding: 1, stride: 2)),
        ("7x7 stride 2 stem: 49 taps, no row tail", new(3, 64, 64, 64, 7, 7, stride: 2, padding: 3)),
        ("11x11 stride 4: kernel rows in a loop, two channel-lane vectors", new(3, 67, 67, 32, 11, 11, stride: 4)),
        ("5x5 pad 2, 32 to 64 channels", new(32, 16, 16, 64, 5, 5, padding: 2)),
        ("5x5 pad 2, 28x28, 32 to 64 channels: channel lanes, whose period and tail would unroll 500 FMAs", new(32, 28, 28, 64, 5, 5, padding: 2)),
        ("5x5 stride 2 pad 1: forward read in place, two loop nests at the cap (600)", new(8, 32, 32, 24, 5, 5, stride: 2, padding: 1)),
        ("5x5 pad 2, 16 columns: stride-1 forward read in place, two edge blocks at the cap (600), a row tail of its own", new(8, 16, 16, 8, 5, 5, padding: 2)),
        ("5x5 stride 2, K = 16: channel-lane forward, one loop body of 25 taps (500 FMAs and loads)", new(4, 27, 27, 16, 5, 5, stride: 2)),
        ("3x3 stride 2, K = 24, 30 columns: channel-lane forward, three bodies of four pixels (513 FMAs and loads)", new(3, 20, 59, 24, 3, 3, stride: 2, padding: 1)),
    };

    [Fact]
    public void Generated_kernels_inline_every_multiply_add()
    {
        if (!KernelSupport.VectorPathSupported)
        {
            // The generated kernels do not run without hardware Vector256: the layers call the reference kernels.
            return;
        }

        Assert.False(
            typeof(KernelSupport).Assembly.GetCustomAttribute<DebuggableAttribute>()?.IsJITOptimizerDisabled ?? false,
            "SpecializedConv is built without optimisation (Debug), where the JIT inlines nothing: run the tests with -c Release.");

        var layers = GeneratorHarness.CompileNamedLayers(Shapes);
        using var listener = new JitListener();
        foreach ((string name, _) in Shapes)
        {
            GeneratedLayer layer = layers[name].Layer;
            Conv2DShape s = layer.Shape;
            float[] input = new float[s.InputLength], weights = new float[s.WeightLength], bias = new float[s.OutChannels];
            float[] output = new float[s.OutputLength], inputGrad = new float[s.InputLength], weightGrad = new float[s.WeightLength];
            layer.Forward(input, weights, bias, output);
            layer.BackwardData(output, weights, inputGrad);
            layer.BackwardWeights(input, output, weightGrad, bias);
        }

        // Runtime events reach a listener on its own thread, a little later: wait until every layer's kernels have been seen.
        int expected = Shapes.Length * 3;
        var clock = Stopwatch.StartNew();
        while (listener.Kernels.Count < expected && clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            Thread.Sleep(50);
        }

        Assert.True(
            listener.Kernels.Count >= expected,
            $"Saw {listener.Kernels.Count} kernel compilations, expected at least {expected}: {string.Join(", ", listener.Kernels)}.");
        Assert.True(listener.Uninlined.IsEmpty, $"KernelSupport helpers were compiled on their own ({string.Join(", ", listener.Uninlined)}): some kernel calls them instead of inlining them.");
    }

    /// <summary>Collects the runtime's method-load events for generated kernels and for the helpers they must inline.</summary>
    private sealed class JitListener : EventListener
    {
        private const EventKeywords JitKeyword = (EventKeywords)0x10;

        public ConcurrentBag<string> Kernels { get; } = new();

        /// <summary>MultiplyAdd and the helpers that in-place kernels call for every tap (stride-2 columns, edge moves).</summary>
        private static readonly string[] InnerLoopHelpers =
        {
            nameof(KernelSupport.MultiplyAdd), nameof(KernelSupport.EvenColumns), nameof(KernelSupport.OddColumns), nameof(KernelSupport.ShiftColumns),
        };

        public ConcurrentBag<string> Uninlined { get; } = new();

        protected override void OnEventSourceCreated(EventSource eventSource)
        {
            if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(eventSource, EventLevel.Verbose, JitKeyword);
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs eventData)
        {
            if (eventData.EventName?.StartsWith("MethodLoadVerbose", StringComparison.Ordinal) != true || eventData.PayloadNames is null)
            {
                return;
            }

            string type = Payload(eventData, "MethodNamespace"), method = Payload(eventData, "MethodName");
            if (type.EndsWith("Conv2DKernels", StringComparison.Ordinal) && (method.EndsWith("Sample", StringComparison.Ordinal) || method.StartsWith("BackwardDataPhase", StringComparison.Ordinal)))
            {
                Kernels.Add(method);
            }
            else if (type == typeof(KernelSupport).FullName && InnerLoopHelpers.Contains(method))
            {
                Uninlined.Add(method);
            }
        }

        private static string Payload(EventWrittenEventArgs eventData, string name)
        {
            int index = eventData.PayloadNames!.IndexOf(name);
            return index >= 0 ? eventData.Payload?[index]?.ToString() ?? string.Empty : string.Empty;
        }
    }
}
