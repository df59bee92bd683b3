using System;
using BenchmarkDotNet.Running;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so filters and jobs come from the command line, e.g.
/// <c>dotnet run -c Release --project benchmarks/SpecializedConv.Benchmarks -- --filter '*S1*' --job short</c>,
/// or one of the console modes below instead of benchmarks. See benchmarks/README.md.
/// </summary>
public static class Program
{
    /// <summary>
    /// <c>--verify</c> checks the runtime-shaped kernel against the reference; <c>--generator-cost</c> times the generator
    /// in memory; <c>--jit-check</c> lists the generated methods' IL sizes and runs every pass (for a JIT log);
    /// <c>--tiering</c> times the generated kernels with and without AggressiveOptimization; <c>--interleaved</c> times the
    /// generated layers against oneDNN in this process, calls alternating (see benchmarks/interleaved.sh).
    /// Anything else runs the benchmarks the arguments select (an interactive menu when there are none).
    /// </summary>
    public static int Main(string[] args)
    {
        switch (args.Length > 0 ? args[0] : null)
        {
            case "--verify":
                return RuntimeShapedConvCheck.Run();
            case "--generator-cost":
                return GeneratorCost.Run(args.AsSpan(1));
            case "--jit-check":
                return JitCheck.Run();
            case "--tiering":
                return JitCheck.RunTiering();
            case "--interleaved":
                return Interleaved.Run(args.AsSpan(1));
            default:
                BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
                return 0;
        }
    }
}
