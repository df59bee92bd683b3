using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Hardening;

/// <summary>
/// One run of every layer generator on some source text, made under a time limit, with what the hardening tests need
/// to judge it: the driver's result, the compilation with the generated files added, and which trees are whose.
/// </summary>
internal sealed class GeneratorRun
{
    /// <summary>
    /// The time one run (parse, generate, and later bind) may take. A layer takes well under a second; 20 s is the
    /// limit the issue sets, far above any honest run on a loaded two-core CI machine, so only a generator that walks
    /// something proportional to a huge attribute value (a stride, a dilation, a window) can exceed it.
    /// </summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(20);

    private GeneratorRun(string[] sources, GeneratorDriverRunResult result, Compilation output, TimeSpan elapsed)
    {
        Sources = sources;
        Result = result;
        Output = output;
        Elapsed = elapsed;
        SourcePaths = Enumerable.Range(0, sources.Length).Select(i => $"Source{i}.cs").ToImmutableHashSet(StringComparer.Ordinal);
        GeneratedPaths = result.GeneratedTrees.Select(tree => tree.FilePath).ToImmutableHashSet(StringComparer.Ordinal);
    }

    public string[] Sources { get; }

    public GeneratorDriverRunResult Result { get; }

    public Compilation Output { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>The paths <see cref="GeneratorHarness.CreateCompilation"/> gives the user's files.</summary>
    public ImmutableHashSet<string> SourcePaths { get; }

    public ImmutableHashSet<string> GeneratedPaths { get; }

    /// <summary>The generated files' names (the hint names), e.g. <c>Fuzz.Layer.Conv2D.g.cs</c>.</summary>
    public IEnumerable<string> GeneratedFileNames => GeneratedPaths.Select(path => path[(path.LastIndexOf('/') + 1)..]);

    /// <summary>The errors (and, with <paramref name="warnings"/>, warnings) of the compilation with the generated files in it.</summary>
    public Diagnostic[] CompilerDiagnostics(bool warnings = false) =>
        Output.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error || (warnings && d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed))
            .ToArray();

    /// <summary>
    /// Runs the generators on <paramref name="sources"/> on another thread, failing the test if that takes longer than
    /// <see cref="Limit"/>. (A runaway generator cannot be stopped from outside; the test fails and names the input.)
    /// </summary>
    public static GeneratorRun Start(params string[] sources)
    {
        using var cancellation = new CancellationTokenSource(Limit);
        Task<GeneratorRun> run = Task.Run(() =>
        {
            var clock = Stopwatch.StartNew();
            CSharpCompilation input = GeneratorHarness.CreateCompilation(sources);
            GeneratorDriver driver = GeneratorHarness.CreateDriver().RunGeneratorsAndUpdateCompilation(input, out Compilation output, out _, cancellation.Token);
            return new GeneratorRun(sources, driver.GetRunResult(), output, clock.Elapsed);
        });

        bool finished;
        try
        {
            finished = run.Wait(Limit + TimeSpan.FromSeconds(1));
        }
        catch (AggregateException error) when (error.InnerException is OperationCanceledException)
        {
            finished = false;
        }

        Assert.True(finished, $"The generators took more than {Limit.TotalSeconds:0} s on:{Environment.NewLine}{string.Join(Environment.NewLine, sources)}");
        return run.Result;
    }

    /// <summary>
    /// The promises that hold for every input whatsoever: no generator threw (no CS8785), every generator diagnostic is
    /// an SCONV error in one of the user's files, the generated code has no compile error nor warning of its own (a
    /// warning is an error under TreatWarningsAsErrors, in a file the user cannot edit), and its text holds no negative
    /// or out-of-range integer literal.
    /// </summary>
    public void AssertNeverACrash()
    {
        string input = Describe();
        foreach (GeneratorRunResult generator in Result.Results)
        {
            Assert.True(generator.Exception is null, $"{generator.Generator.GetGeneratorType().Name} threw {generator.Exception} on:{Environment.NewLine}{input}");
        }

        foreach (Diagnostic diagnostic in Result.Diagnostics)
        {
            Assert.True(diagnostic.Id is not ("CS8784" or "CS8785"), $"A generator failed ({diagnostic}) on:{Environment.NewLine}{input}");
            Assert.True(diagnostic.Id.StartsWith("SCONV", StringComparison.Ordinal), $"Unexpected generator diagnostic {diagnostic} on:{Environment.NewLine}{input}");
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            string path = diagnostic.Location.GetLineSpan().Path;
            Assert.True(SourcePaths.Contains(path), $"{diagnostic.Id} is located in '{path}', not in the user's code:{Environment.NewLine}{diagnostic}{Environment.NewLine}{input}");
        }

        Diagnostic[] inGenerated = CompilerDiagnostics(warnings: true)
            .Where(d => d.Location.SourceTree is { } tree && (GeneratedPaths.Contains(tree.FilePath) || Result.GeneratedTrees.Contains(tree)))
            .ToArray();
        Assert.True(
            inGenerated.Length == 0,
            $"The generated code does not compile cleanly:{Environment.NewLine}{GeneratorHarness.Describe(inGenerated)}{Environment.NewLine}" +
            $"{string.Join(Environment.NewLine, inGenerated.Take(3).Select(LineOf))}{Environment.NewLine}for:{Environment.NewLine}{input}");

        foreach (SyntaxTree tree in Result.GeneratedTrees)
        {
            GeneratedText.AssertSane(tree.GetText().ToString(), $"{tree.FilePath} generated from:{Environment.NewLine}{input}");
        }
    }

    /// <summary>The SCONV ids reported, sorted.</summary>
    public string[] SconvIds => Result.Diagnostics.Select(d => d.Id).Where(id => id.StartsWith("SCONV", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The user's source text a generator diagnostic points at (its location is rebuilt from a path and spans).</summary>
    public string SourceTextAt(Diagnostic diagnostic)
    {
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        SyntaxTree tree = Output.SyntaxTrees.Single(t => t.FilePath == span.Path);
        return tree.GetText().ToString(diagnostic.Location.SourceSpan);
    }

    public string Describe() => string.Join(Environment.NewLine + "----" + Environment.NewLine, Sources);

    private static string LineOf(Diagnostic diagnostic)
    {
        SyntaxTree tree = diagnostic.Location.SourceTree!;
        int line = diagnostic.Location.GetLineSpan().StartLinePosition.Line;
        return $"  line {line + 1}: {tree.GetText().Lines[line].ToString().Trim()}";
    }
}

/// <summary>Checks on generated source text that need no compiler.</summary>
internal static partial class GeneratedText
{
    /// <summary>
    /// No integer literal in code (comments and doc comments excluded) is negated or beyond <see cref="int.MaxValue"/>:
    /// every size, pitch and offset the generator writes is a count or a position, so a minus sign or an 11-digit
    /// number means an int overflowed on the way. Every <c>const int</c> is non-negative. The one legitimate negative
    /// literal, a lane mask of 0 and −1 (all bits set) such as <c>Vector256.Create(0, 0, −1, −1, …)</c>, is allowed.
    /// </summary>
    public static void AssertSane(string text, string what)
    {
        string[] lines = text.Split('\n');
        for (int number = 0; number < lines.Length; number++)
        {
            string code = LaneMask().Replace(StripComment(lines[number]), "mask");
            Assert.False(HasNegatedLiteral(code), $"Negative constant at line {number + 1} of {what}:{Environment.NewLine}{lines[number].Trim()}");
            foreach (Match literal in IntegerLiteral().Matches(code))
            {
                bool fits = long.TryParse(literal.Value, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value <= int.MaxValue;
                Assert.True(fits, $"Out-of-range constant {literal.Value} at line {number + 1} of {what}:{Environment.NewLine}{lines[number].Trim()}");
            }
        }
    }

    /// <summary>The <c>public const int Name = value;</c> members of a generated layer, by name.</summary>
    public static IReadOnlyDictionary<string, long> PublicConstants(string text) =>
        PublicConstant().Matches(text).ToDictionary(m => m.Groups[1].Value, m => long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture), StringComparer.Ordinal);

    private static string StripComment(string line)
    {
        bool inString = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"' && (i == 0 || line[i - 1] != '\\'))
            {
                inString = !inString;
            }
            else if (!inString && line[i] == '/' && i + 1 < line.Length && line[i + 1] == '/')
            {
                return line[..i];
            }
        }

        return line;
    }

    /// <summary>A unary minus (one that follows no operand) in front of a number.</summary>
    private static bool HasNegatedLiteral(string code)
    {
        for (int i = code.IndexOf('-'); i >= 0; i = code.IndexOf('-', i + 1))
        {
            int before = i - 1, after = i + 1;
            while (before >= 0 && code[before] == ' ')
            {
                before--;
            }

            while (after < code.Length && code[after] == ' ')
            {
                after++;
            }

            bool unary = before < 0 || !(char.IsLetterOrDigit(code[before]) || code[before] is '_' or ')' or ']');
            if (unary && after < code.Length && char.IsAsciiDigit(code[after]))
            {
                return true;
            }
        }

        return false;
    }

    [GeneratedRegex(@"Vector256\.Create\(\s*(?:-1|0)(?:\s*,\s*(?:-1|0))*\s*\)")]
    private static partial Regex LaneMask();

    // Decimal integer tokens: not part of an identifier, a member access or a real literal.
    [GeneratedRegex(@"(?<![\w.])\d+(?![\w.])")]
    private static partial Regex IntegerLiteral();

    [GeneratedRegex(@"public const int (\w+) = (-?\d+);")]
    private static partial Regex PublicConstant();
}

/// <summary>Small helpers for writing attribute text.</summary>
internal static class AttributeText
{
    /// <summary>An int as C# source: <c>int.MinValue</c> cannot be written as a negated literal without a cast.</summary>
    public static string Int(int value) => value switch
    {
        int.MinValue => "int.MinValue",
        int.MaxValue => "int.MaxValue",
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    public static string Join(IEnumerable<string> parts) => new StringBuilder().AppendJoin(", ", parts).ToString();
}
