using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// The machine's own yardstick: how fast one core issues 256-bit FMAs, measured rather than taken from a data sheet.
/// Each benchmark runs <see cref="Steps"/> steps of twelve FMAs on twelve independent accumulators (the most the
/// generated kernels keep), and BenchmarkDotNet divides by the FMA count, so Mean is nanoseconds per FMA instruction:
/// GFLOP/s = 16 / Mean (8 lanes × a multiply and an add).
/// </summary>
/// <remarks>
/// <see cref="RegistersOnly"/> is the ceiling: no loads at all. <see cref="WithKernelLoads"/> adds what a pixel-lane
/// backward-weights step loads for its twelve FMAs (three input vectors at column offsets 0, 1 and 2, four gradient
/// vectors), all from L1: the ceiling for kernels that load seven vectors per twelve FMAs. Without FMA hardware both
/// report the software fallback, which is not a peak of anything.
/// </remarks>
[MemoryDiagnoser]
public class FmaPeakBenchmark
{
    /// <summary>Steps per call: 200,000 steps of 12 FMAs, about 1 ms at 100 GFLOP/s.</summary>
    public const int Steps = 200_000;

    private const int FmasPerCall = Steps * 12;

    private readonly float[] data = new float[512];

    /// <summary>Fills the L1-resident buffer the loads read (values near 1, so the sums stay finite).</summary>
    [GlobalSetup]
    public void Setup()
    {
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = 1f + (i * 1e-6f);
        }
    }

    /// <summary>Twelve FMA chains, every operand in a register.</summary>
    [Benchmark(OperationsPerInvoke = FmasPerCall)]
    public float RegistersOnly() => RunRegistersOnly(Steps);

    /// <summary>Twelve FMA chains fed by seven loads a step, as in a 4-channel × 3-tap backward-weights group.</summary>
    [Benchmark(OperationsPerInvoke = FmasPerCall)]
    public float WithKernelLoads() => RunWithKernelLoads(Steps, data);

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float RunRegistersOnly(int steps)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        Vector256<float> x = Vector256.Create(0.999f), y = Vector256.Create(1e-3f), z = Vector256.Create(2e-3f);
        for (int i = 0; i < steps; i++)
        {
            a0 = MultiplyAdd(x, y, a0); a1 = MultiplyAdd(x, z, a1); a2 = MultiplyAdd(y, z, a2);
            a3 = MultiplyAdd(x, y, a3); a4 = MultiplyAdd(x, z, a4); a5 = MultiplyAdd(y, z, a5);
            a6 = MultiplyAdd(x, y, a6); a7 = MultiplyAdd(x, z, a7); a8 = MultiplyAdd(y, z, a8);
            a9 = MultiplyAdd(x, y, a9); a10 = MultiplyAdd(x, z, a10); a11 = MultiplyAdd(y, z, a11);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float RunWithKernelLoads(int steps, float[] data)
    {
        Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0, a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        ref float b = ref data[0];
        for (int i = 0; i < steps; i++)
        {
            // Three input vectors one column apart (two of them unaligned), then four gradient vectors, each used thrice.
            Vector256<float> x0 = Vector256.LoadUnsafe(ref b, 0), x1 = Vector256.LoadUnsafe(ref b, 1), x2 = Vector256.LoadUnsafe(ref b, 2);
            Vector256<float> d = Vector256.LoadUnsafe(ref b, 64);
            a0 = MultiplyAdd(d, x0, a0); a1 = MultiplyAdd(d, x1, a1); a2 = MultiplyAdd(d, x2, a2);
            d = Vector256.LoadUnsafe(ref b, 128);
            a3 = MultiplyAdd(d, x0, a3); a4 = MultiplyAdd(d, x1, a4); a5 = MultiplyAdd(d, x2, a5);
            d = Vector256.LoadUnsafe(ref b, 192);
            a6 = MultiplyAdd(d, x0, a6); a7 = MultiplyAdd(d, x1, a7); a8 = MultiplyAdd(d, x2, a8);
            d = Vector256.LoadUnsafe(ref b, 256);
            a9 = MultiplyAdd(d, x0, a9); a10 = MultiplyAdd(d, x1, a10); a11 = MultiplyAdd(d, x2, a11);
        }

        return (a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11).ToScalar();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> MultiplyAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : (a * b) + c;
}
