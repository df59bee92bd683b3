using BenchmarkDotNet.Running;

namespace SpecializedConv.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's switcher, so filters and jobs come from the command line, e.g.
/// <c>dotnet run -c Release --project benchmarks/SpecializedConv.Benchmarks -- --filter '*S1*' --job short</c>.
/// See benchmarks/README.md.
/// </summary>
public static class Program
{
    /// <summary>Runs the benchmarks the arguments select (an interactive menu when there are none).</summary>
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
