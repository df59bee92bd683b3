using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using DiffPlex;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Xunit.Sdk;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>
/// Snapshot assertions for generated source, keeping the file convention of Verify.SourceGenerators so that moving
/// to it later changes the calls, not the snapshot files.
/// </summary>
/// <remarks>
/// <para>
/// <c>Snapshot.Verify(generatedText, "Demo.LeNetConv1.Conv2D.g.cs")</c> called from the test
/// <c>Emits_lenet_conv1</c> in <c>tests/.../GeneratorSnapshotTests.cs</c> compares with
/// <c>tests/.../Snapshots/GeneratorSnapshotTests.Emits_lenet_conv1#Demo.LeNetConv1.Conv2D.g.verified.cs</c>.
/// The test class name is the caller's file name (one test class per file, named after it); use the overload that
/// takes it explicitly otherwise, or to give a theory's rows names of their own.
/// </para>
/// <para>
/// As in Verify.SourceGenerators the file name ends in the hint name without its <c>.cs</c>, then
/// <c>.verified.cs</c>; the file starts with a <c>//HintName: …</c> line and is UTF-8 with a byte order mark and
/// <c>\n</c> line endings. Line endings are normalised to <c>\n</c> on both sides before comparing; everything else,
/// a final newline included, must match exactly.
/// </para>
/// <para>
/// On a mismatch, or when there is no verified file yet, the output is written beside it as <c>.received.cs</c>
/// (git-ignored) and the test fails with a line diff. To accept: review the received file, then either rename it
/// over the verified one or run the tests with <c>SPECIALIZEDCONV_ACCEPT_SNAPSHOTS=1</c>, which writes every
/// mismatching snapshot as verified and passes. Accepting never happens when <c>CI</c> is <c>true</c>.
/// </para>
/// </remarks>
public static class Snapshot
{
    /// <summary>Set to <c>1</c> to accept new or changed snapshots instead of failing.</summary>
    public const string AcceptVariable = "SPECIALIZEDCONV_ACCEPT_SNAPSHOTS";

    /// <summary>Set to <c>true</c> (or <c>1</c>) by CI systems; it overrides <see cref="AcceptVariable"/>.</summary>
    public const string CiVariable = "CI";

    /// <summary>The folder, beside the test source file, that holds the snapshots.</summary>
    public const string DirectoryName = "Snapshots";

    // A generated layer is a few hundred lines; a diff longer than this is cut and points at the received file.
    private const int MaxDiffLines = 200;

    private const int ContextLines = 3;

    /// <summary>
    /// Compares <paramref name="content"/> with the snapshot of the calling test, named after the caller's file
    /// (as the test class) and member (as the test).
    /// </summary>
    /// <param name="content">The generated text.</param>
    /// <param name="hintName">The hint name the generator gave the file, e.g. <c>Demo.LeNetConv1.Conv2D.g.cs</c>.</param>
    /// <param name="sourceFile">Filled in by the compiler.</param>
    /// <param name="testName">Filled in by the compiler.</param>
    public static void Verify(
        string content, string hintName, [CallerFilePath] string sourceFile = "", [CallerMemberName] string testName = "") =>
        Verify(Path.GetFileNameWithoutExtension(sourceFile), testName, hintName, content, sourceFile);

    /// <summary>
    /// Compares <paramref name="content"/> with the snapshot
    /// <c>Snapshots/<paramref name="testClass"/>.<paramref name="testName"/>#<paramref name="hintName"/></c> beside
    /// <paramref name="sourceFile"/>: for a theory whose rows need snapshots of their own, or a test class not named
    /// after its file.
    /// </summary>
    /// <param name="testClass">The first part of the file name, normally the test class's name.</param>
    /// <param name="testName">The second part, normally the test method's name.</param>
    /// <param name="hintName">The hint name the generator gave the file.</param>
    /// <param name="content">The generated text.</param>
    /// <param name="sourceFile">The test's source file as the compiler saw it, from a <see cref="CallerFilePathAttribute"/> parameter.</param>
    public static void Verify(string testClass, string testName, string hintName, string content, string sourceFile)
    {
        string? sourceDirectory = Path.GetDirectoryName(sourceFile);
        if (string.IsNullOrEmpty(sourceDirectory) || !Directory.Exists(sourceDirectory))
        {
            throw new InvalidOperationException(
                $"Cannot place snapshots beside the test source '{sourceFile}': that directory does not exist on this " +
                "machine. Snapshot tests must run from the source tree they were built from, without a PathMap " +
                "(ContinuousIntegrationBuild / DeterministicSourcePaths rewrite caller file paths).");
        }

        SnapshotAcceptance acceptance = AcceptanceFrom(
            Environment.GetEnvironmentVariable(AcceptVariable), Environment.GetEnvironmentVariable(CiVariable));
        _ = Compare(Path.Combine(sourceDirectory, DirectoryName), testClass, testName, hintName, content, acceptance);
    }

    /// <summary>Decides from the two environment variables' values whether snapshots may be accepted.</summary>
    internal static SnapshotAcceptance AcceptanceFrom(string? acceptValue, string? ciValue)
    {
        if (acceptValue?.Trim() != "1")
        {
            return SnapshotAcceptance.Off;
        }

        string ci = ciValue?.Trim() ?? string.Empty;
        bool onCi = ci == "1" || string.Equals(ci, "true", StringComparison.OrdinalIgnoreCase);
        return onCi ? SnapshotAcceptance.BlockedOnCi : SnapshotAcceptance.Accept;
    }

    /// <summary>The snapshot file name without <c>.verified.cs</c> / <c>.received.cs</c>, as Verify.SourceGenerators names it.</summary>
    internal static string FileStem(string testClass, string testName, string hintName)
    {
        CheckNamePart(testClass, nameof(testClass));
        CheckNamePart(testName, nameof(testName));
        CheckNamePart(hintName, nameof(hintName));

        // Roslyn appends ".cs" to hint names that lack it, and Verify drops that extension before adding its own.
        string hintStem = hintName.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? hintName[..^3] : hintName;
        return $"{testClass}.{testName}#{hintStem}";
    }

    /// <summary>
    /// The core of <see cref="Verify(string, string, string, string, string)"/> with the directory and the
    /// acceptance decision explicit: compares, writes or removes the received file, accepts when allowed, and
    /// throws <see cref="SnapshotMismatchException"/> on a mismatch that was not accepted.
    /// </summary>
    internal static SnapshotOutcome Compare(
        string directory, string testClass, string testName, string hintName, string content, SnapshotAcceptance acceptance)
    {
        string stem = FileStem(testClass, testName, hintName);
        string verifiedPath = Path.Combine(directory, stem + ".verified.cs");
        string receivedPath = Path.Combine(directory, stem + ".received.cs");

        string fullHintName = hintName.EndsWith(".cs", StringComparison.OrdinalIgnoreCase) ? hintName : hintName + ".cs";
        string received = NormalizeLineEndings($"//HintName: {fullHintName}\n{content}");

        // File.ReadAllText drops a byte order mark; the comparison tolerates a checkout that turned \n into \r\n.
        string? verified = File.Exists(verifiedPath) ? NormalizeLineEndings(File.ReadAllText(verifiedPath)) : null;

        if (verified == received)
        {
            File.Delete(receivedPath);
            return SnapshotOutcome.Matched;
        }

        if (acceptance == SnapshotAcceptance.Accept)
        {
            Write(verifiedPath, received);
            File.Delete(receivedPath);
            return SnapshotOutcome.Accepted;
        }

        Write(receivedPath, received);
        throw new SnapshotMismatchException(FailureMessage(verifiedPath, receivedPath, verified, received, acceptance));
    }

    private static void CheckNamePart(string value, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value) || value.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 ||
            value.Contains('/') || value.Contains('\\'))
        {
            throw new ArgumentException($"'{value}' cannot be part of a snapshot file name.", paramName);
        }
    }

    private static string NormalizeLineEndings(string text) => text.Replace("\r\n", "\n").Replace('\r', '\n');

    private static void Write(string path, string text)
    {
        _ = Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Verify's default encoding: UTF-8 with a byte order mark.
        File.WriteAllText(path, text, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
    }

    private static string FailureMessage(
        string verifiedPath, string receivedPath, string? verified, string received, SnapshotAcceptance acceptance)
    {
        var message = new StringBuilder();
        if (verified is null)
        {
            _ = message.Append("No verified snapshot yet: ").Append(verifiedPath).Append('\n');
        }
        else
        {
            _ = message.Append("The output differs from the verified snapshot ").Append(verifiedPath).Append('\n');
        }

        _ = message.Append("Received: ").Append(receivedPath).Append("\n\n");
        _ = message.Append(UnifiedDiff(verified ?? string.Empty, received)).Append('\n');
        _ = message.Append("To accept: review the received file, then rename it over the verified one, or run the tests again with ")
            .Append(AcceptVariable).Append("=1 (never honoured when ").Append(CiVariable).Append("=true).");
        if (acceptance == SnapshotAcceptance.BlockedOnCi)
        {
            _ = message.Append("\n").Append(AcceptVariable).Append(" is set, but ").Append(CiVariable)
                .Append(" is true: snapshots are not accepted on CI.");
        }

        return message.ToString();
    }

    /// <summary>A unified-style diff of two texts with <see cref="ContextLines"/> lines of context, cut after <see cref="MaxDiffLines"/> lines.</summary>
    internal static string UnifiedDiff(string verified, string received)
    {
        // The differ would show a final newline as an extra empty line; take it off and report it apart, as git does.
        bool verifiedEndsWithNewline = verified.EndsWith('\n');
        bool receivedEndsWithNewline = received.EndsWith('\n');
        DiffPaneModel model = new InlineDiffBuilder(new Differ()).BuildDiffModel(
            verifiedEndsWithNewline ? verified[..^1] : verified,
            receivedEndsWithNewline ? received[..^1] : received,
            ignoreWhitespace: false);

        // Number every line in the old (verified) and new (received) text so hunks can carry positions.
        var lines = new List<(char Marker, string Text, int OldLine, int NewLine)>();
        int oldLine = 0, newLine = 0;
        foreach (DiffPiece piece in model.Lines)
        {
            switch (piece.Type)
            {
                case ChangeType.Deleted:
                    lines.Add(('-', piece.Text, ++oldLine, newLine));
                    break;
                case ChangeType.Inserted:
                    lines.Add(('+', piece.Text, oldLine, ++newLine));
                    break;
                case ChangeType.Imaginary:
                    break;
                default:
                    lines.Add((' ', piece.Text, ++oldLine, ++newLine));
                    break;
            }
        }

        var diff = new StringBuilder("--- verified\n+++ received\n");
        int written = 0, index = 0;
        while (index < lines.Count)
        {
            if (lines[index].Marker == ' ')
            {
                index++;
                continue;
            }

            // A hunk runs from this change to the last change followed by more than 2·context unchanged lines.
            int start = Math.Max(0, index - ContextLines);
            int end = index;
            for (int i = index; i < lines.Count && i <= end + (2 * ContextLines); i++)
            {
                if (lines[i].Marker != ' ')
                {
                    end = i;
                }
            }

            end = Math.Min(lines.Count - 1, end + ContextLines);
            int oldCount = 0, newCount = 0;
            for (int i = start; i <= end; i++)
            {
                oldCount += lines[i].Marker != '+' ? 1 : 0;
                newCount += lines[i].Marker != '-' ? 1 : 0;
            }

            // As in diff -u, an empty side's start is the line before the hunk.
            int oldStart = oldCount == 0 ? lines[start].OldLine : lines[start].OldLine + (lines[start].Marker == '+' ? 1 : 0);
            int newStart = newCount == 0 ? lines[start].NewLine : lines[start].NewLine + (lines[start].Marker == '-' ? 1 : 0);
            _ = diff.Append($"@@ -{oldStart},{oldCount} +{newStart},{newCount} @@\n");
            for (int i = start; i <= end; i++)
            {
                if (written == MaxDiffLines)
                {
                    return diff.Append($"… diff cut after {MaxDiffLines} lines; see the received file for the rest.\n").ToString();
                }

                _ = diff.Append(lines[i].Marker).Append(lines[i].Text).Append('\n');
                written++;
            }

            index = end + 1;
        }

        if (verifiedEndsWithNewline != receivedEndsWithNewline && verified.Length > 0 && received.Length > 0)
        {
            _ = diff.Append(verifiedEndsWithNewline
                ? "(the verified file ends with a final newline; the received one does not)\n"
                : "(the received file ends with a final newline; the verified one does not)\n");
        }

        return diff.ToString();
    }
}

/// <summary>Whether a mismatching snapshot may be written as the new verified file.</summary>
internal enum SnapshotAcceptance
{
    /// <summary>Fail on a mismatch (the default).</summary>
    Off,

    /// <summary>Overwrite the verified file and pass.</summary>
    Accept,

    /// <summary>Accepting was requested but CI is set: fail as usual and say why.</summary>
    BlockedOnCi,
}

/// <summary>What a successful comparison did.</summary>
internal enum SnapshotOutcome
{
    /// <summary>The verified file matched.</summary>
    Matched,

    /// <summary>The verified file was missing or different and was overwritten.</summary>
    Accepted,
}

/// <summary>A snapshot did not match its verified file; the message holds the diff and how to accept.</summary>
public sealed class SnapshotMismatchException : XunitException
{
    /// <summary>Creates the exception with the full failure message.</summary>
    public SnapshotMismatchException(string message)
        : base(message)
    {
    }
}
