using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Runtime.InteropServices;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// <c>--interleaved [S1,…] [rounds]</c>: each pass of a generated layer against oneDNN's fastest variant of the same
/// (shape, pass), both in this process, called in turn one call at a time, every call timed on its own. On a host whose
/// speed comes and goes in phases of seconds, a BenchmarkDotNet run of two minutes and a oneDNN run of fifteen seconds
/// can land in different phases; calls that alternate see the same ones. oneDNN comes from the library build of
/// <c>benchmarks/onednn/conv_bench.cpp</c> (which picks the fastest of its four variants the way the standalone program
/// does), named by <c>CONV_BENCH_LIBRARY</c>; <c>benchmarks/interleaved.sh</c> builds it and sets the environment
/// (one OpenMP thread, the ISA cap).
/// </summary>
/// <remarks>
/// A round times every call of a batch of pairs (about 20 ms of calls a side) and keeps each side's median call; the
/// report gives the median and the minimum over the rounds of those medians, and the median over the rounds of the
/// per-round ratio. Both orders are run (generated first, then oneDNN first), half the rounds each.
/// </remarks>
internal static class Interleaved
{
    private const string LibraryName = "convbench";

    private static readonly string[] PassNames = { "forward", "backward-data", "backward-weights" };

    private static readonly string[] ShapeIds = { "S1", "S2", "S3", "S4", "S5", "S6" };

    public static int Run(ReadOnlySpan<string> args)
    {
        string library = Environment.GetEnvironmentVariable("CONV_BENCH_LIBRARY") ?? string.Empty;
        if (library.Length == 0 || !System.IO.File.Exists(library))
        {
            Console.Error.WriteLine("error: CONV_BENCH_LIBRARY must name the library build of benchmarks/onednn/conv_bench.cpp (see benchmarks/interleaved.sh)");
            return 2;
        }

        NativeLibrary.SetDllImportResolver(typeof(Interleaved).Assembly, (name, _, _) => name == LibraryName ? NativeLibrary.Load(library) : IntPtr.Zero);
        string[] shapes = (args.Length > 0 ? args[0] : string.Join(',', ShapeIds)).Split(',', StringSplitOptions.RemoveEmptyEntries);
        int rounds = 20;
        if ((args.Length > 1 && !int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out rounds)) || rounds < 2 || shapes.Any(s => !ShapeIds.Contains(s)))
        {
            Console.Error.WriteLine("error: usage --interleaved [S1,…,S6] [rounds ≥ 2]");
            return 2;
        }

        Console.WriteLine($"Generated layer against oneDNN, calls alternating one by one, {rounds} rounds (half in each order); " +
            $"the generated layer's buffers start {ConvBuffers.OffsetBytes} bytes past a 64-byte boundary ({ConvBuffers.OffsetVariable}), oneDNN's on one; " +
            $"the JIT {(System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "uses AVX-512's 32 vector registers" : "has AVX2's 16 vector registers")}.");
        Console.WriteLine();
        Console.WriteLine("| id | pass | generated µs, median (min) | oneDNN µs, median (min) | generated ÷ oneDNN, medians (minima) | per-round ratio, median | oneDNN variant |");
        Console.WriteLine("| --- | --- | ---: | ---: | ---: | ---: | --- |");
        foreach (string shape in shapes)
        {
            Action[] ours = Passes(shape);
            int index = int.Parse(shape.AsSpan(1), CultureInfo.InvariantCulture) - 1;
            for (int pass = 0; pass < 3; pass++)
            {
                IntPtr handle = NativeMethods.conv_bench_create(index, pass);
                if (handle == IntPtr.Zero)
                {
                    Console.Error.WriteLine($"error: oneDNN has no checked variant of {shape} {PassNames[pass]}");
                    return 1;
                }

                try
                {
                    string variant = Marshal.PtrToStringUTF8(NativeMethods.conv_bench_describe(handle)) ?? string.Empty;
                    Action theirs = () => NativeMethods.conv_bench_execute(handle);
                    (Summary generated, Summary onednn, double ratio) = Compare(ours[pass], theirs, rounds);
                    Console.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"| {shape} | {PassNames[pass]} | {generated} | {onednn} | {generated.Median / onednn.Median:F2} ({generated.Minimum / onednn.Minimum:F2}) | {ratio:F2} | {variant} |"));
                }
                finally
                {
                    NativeMethods.conv_bench_destroy(handle);
                }
            }
        }

        return 0;
    }

    /// <summary>The generated layer's three passes on the buffers of shape <paramref name="shape"/> (one of <see cref="ShapeIds"/>).</summary>
    private static Action[] Passes(string shape) => shape switch
    {
        "S1" => Passes<S1Layer>(1),
        "S2" => Passes<S2Layer>(1),
        "S3" => Passes<S3Layer>(1),
        "S4" => Passes<S4Layer>(1),
        "S5" => Passes<S1Layer>(64),
        "S6" => Passes<S6Layer>(1),
        _ => throw new ArgumentOutOfRangeException(nameof(shape), shape, "not one of S1 … S6"),
    };

    private static Action[] Passes<T>(int batch)
        where T : IConv2DKernel
    {
        var b = new ConvBuffers(new ConvWorkload(T.Shape, batch));
        return new Action[]
        {
            () => T.Forward(b.Input, b.Weights, b.Bias, b.Output),
            () => T.BackwardData(b.OutputGrad, b.Weights, b.InputGrad),
            () => T.BackwardWeights(b.Input, b.OutputGrad, b.WeightGrad, b.BiasGrad),
        };
    }

    /// <summary>Median and minimum over the rounds of one side's median call, in µs.</summary>
    private readonly record struct Summary(double Median, double Minimum)
    {
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Format(Median)} ({Format(Minimum)})");

        private static string Format(double us) => us >= 100 ? us.ToString("N0", CultureInfo.InvariantCulture) : us.ToString(us >= 10 ? "F1" : "F2", CultureInfo.InvariantCulture);
    }

    private static (Summary Generated, Summary OneDnn, double Ratio) Compare(Action generated, Action onednn, int rounds)
    {
        // Warm-up: tiered compilation of the callers and helpers settles after its 100 ms delay; then about 20 ms of pairs a round.
        var clock = Stopwatch.StartNew();
        while (clock.ElapsedMilliseconds < 1500)
        {
            generated();
            onednn();
        }

        long start = Stopwatch.GetTimestamp();
        int pairs = 0;
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < 40)
        {
            generated();
            onednn();
            pairs++;
        }

        var ours = new List<double>();
        var theirs = new List<double>();
        var ratios = new List<double>();
        double[] a = new double[pairs], b = new double[pairs];
        for (int round = 0; round < rounds; round++)
        {
            bool generatedFirst = round % 2 == 0;
            for (int i = 0; i < pairs; i++)
            {
                (double first, double second) = TimePair(generatedFirst ? generated : onednn, generatedFirst ? onednn : generated);
                (a[i], b[i]) = generatedFirst ? (first, second) : (second, first);
            }

            double x = Median(a), y = Median(b);
            ours.Add(x);
            theirs.Add(y);
            ratios.Add(x / y);
        }

        return (new Summary(Median(ours.ToArray()), ours.Min()), new Summary(Median(theirs.ToArray()), theirs.Min()), Median(ratios.ToArray()));
    }

    private static (double First, double Second) TimePair(Action first, Action second)
    {
        long t0 = Stopwatch.GetTimestamp();
        first();
        long t1 = Stopwatch.GetTimestamp();
        second();
        long t2 = Stopwatch.GetTimestamp();
        return (Micros(t1 - t0), Micros(t2 - t1));
    }

    private static double Micros(long ticks) => ticks * 1e6 / Stopwatch.Frequency;

    private static double Median(double[] values)
    {
        double[] sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[(n / 2) - 1] + sorted[n / 2]);
    }

    private static class NativeMethods
    {
        [DllImport(LibraryName)]
        public static extern IntPtr conv_bench_create(int shapeIndex, int pass);

        [DllImport(LibraryName)]
        public static extern void conv_bench_execute(IntPtr handle);

        [DllImport(LibraryName)]
        public static extern IntPtr conv_bench_describe(IntPtr handle);

        [DllImport(LibraryName)]
        public static extern void conv_bench_destroy(IntPtr handle);
    }
}
