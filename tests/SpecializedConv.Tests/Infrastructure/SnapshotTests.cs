using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>
/// The snapshot helper itself, run in a temporary directory so that no test here touches the repository's snapshots
/// or depends on the accept / CI environment variables of the machine running it.
/// </summary>
public sealed class SnapshotTests : IDisposable
{
    private const string TestClass = "GeneratorTests";
    private const string TestName = "Emits_lenet_conv1";
    private const string HintName = "Demo.LeNetConv1.Conv2D.g.cs";

    private static readonly string Generated = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i};")) + "\n";

    private readonly string directory = Path.Combine(Path.GetTempPath(), "snapshot-tests-" + Guid.NewGuid().ToString("N"));

    private string VerifiedPath => Path.Combine(directory, $"{TestClass}.{TestName}#Demo.LeNetConv1.Conv2D.g.verified.cs");

    private string ReceivedPath => Path.Combine(directory, $"{TestClass}.{TestName}#Demo.LeNetConv1.Conv2D.g.received.cs");

    public SnapshotTests() => Directory.CreateDirectory(directory);

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public void File_names_follow_the_Verify_SourceGenerators_convention()
    {
        Assert.Equal("GeneratorTests.Emits_lenet_conv1#Demo.LeNetConv1.Conv2D.g", Snapshot.FileStem(TestClass, TestName, HintName));

        // Roslyn would have added ".cs" to a bare hint name, and Verify drops it again: the stem is the same.
        Assert.Equal("GeneratorTests.Emits#helper", Snapshot.FileStem(TestClass, "Emits", "helper"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b.cs")]
    [InlineData("a\\b.cs")]
    public void Names_that_cannot_be_file_names_are_rejected(string hintName)
    {
        _ = Assert.Throws<ArgumentException>(() => Snapshot.FileStem(TestClass, TestName, hintName));
    }

    [Fact]
    public void Matching_output_passes_and_deletes_a_stale_received_file()
    {
        WriteVerified("//HintName: " + HintName + "\n" + Generated);
        File.WriteAllText(ReceivedPath, "stale");

        SnapshotOutcome outcome = Compare(Generated, SnapshotAcceptance.Off);

        Assert.Equal(SnapshotOutcome.Matched, outcome);
        Assert.False(File.Exists(ReceivedPath));
    }

    [Fact]
    public void Line_endings_do_not_matter_on_either_side()
    {
        WriteVerified(("//HintName: " + HintName + "\n" + Generated).Replace("\n", "\r\n"));

        Assert.Equal(SnapshotOutcome.Matched, Compare(Generated, SnapshotAcceptance.Off));
        Assert.Equal(SnapshotOutcome.Matched, Compare(Generated.Replace("\n", "\r\n"), SnapshotAcceptance.Off));
    }

    [Fact]
    public void A_mismatch_fails_with_a_diff_and_writes_the_received_file()
    {
        WriteVerified("//HintName: " + HintName + "\n" + Generated);
        string changed = Generated.Replace("line 10;", "line ten;");

        SnapshotMismatchException failure = Assert.Throws<SnapshotMismatchException>(() => Compare(changed, SnapshotAcceptance.Off));

        // Line 10 of the output is line 11 of the file, after the //HintName line; three lines of context each side.
        Assert.Contains("@@ -8,7 +8,7 @@\n line 7;\n line 8;\n line 9;\n-line 10;\n+line ten;\n line 11;\n", failure.Message);
        Assert.DoesNotContain("line 3;", failure.Message);
        Assert.Contains(Snapshot.AcceptVariable + "=1", failure.Message);
        Assert.Contains(ReceivedPath, failure.Message);
        Assert.Equal("//HintName: " + HintName + "\n" + changed, File.ReadAllText(ReceivedPath));
        Assert.Equal("//HintName: " + HintName + "\n" + Generated, File.ReadAllText(VerifiedPath));
    }

    [Fact]
    public void A_missing_verified_file_fails_and_writes_the_received_file()
    {
        SnapshotMismatchException failure = Assert.Throws<SnapshotMismatchException>(() => Compare(Generated, SnapshotAcceptance.Off));

        Assert.Contains("No verified snapshot yet", failure.Message);
        Assert.Contains("+line 1;\n", failure.Message);
        Assert.True(File.Exists(ReceivedPath));
        Assert.False(File.Exists(VerifiedPath));
    }

    [Fact]
    public void A_difference_in_the_final_newline_alone_fails_and_says_so()
    {
        WriteVerified("//HintName: " + HintName + "\n" + Generated);

        SnapshotMismatchException failure = Assert.Throws<SnapshotMismatchException>(
            () => Compare(Generated.TrimEnd('\n'), SnapshotAcceptance.Off));

        Assert.Contains("final newline", failure.Message);
    }

    [Fact]
    public void Accepting_writes_the_verified_file_with_a_byte_order_mark_and_deletes_the_received_one()
    {
        WriteVerified("//HintName: " + HintName + "\nold\n");
        File.WriteAllText(ReceivedPath, "stale");

        SnapshotOutcome outcome = Compare(Generated.Replace("\n", "\r\n"), SnapshotAcceptance.Accept);

        Assert.Equal(SnapshotOutcome.Accepted, outcome);
        Assert.False(File.Exists(ReceivedPath));
        byte[] bytes = File.ReadAllBytes(VerifiedPath);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
        Assert.Equal("//HintName: " + HintName + "\n" + Generated, Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
        Assert.Equal(SnapshotOutcome.Matched, Compare(Generated, SnapshotAcceptance.Off));
    }

    [Fact]
    public void Accepting_creates_the_snapshot_directory_for_a_first_snapshot()
    {
        string nested = Path.Combine(directory, Snapshot.DirectoryName);

        SnapshotOutcome outcome = Snapshot.Compare(nested, TestClass, TestName, HintName, Generated, SnapshotAcceptance.Accept);

        Assert.Equal(SnapshotOutcome.Accepted, outcome);
        Assert.True(File.Exists(Path.Combine(nested, Path.GetFileName(VerifiedPath))));
    }

    [Theory]
    [InlineData(null, null, nameof(SnapshotAcceptance.Off))]
    [InlineData("0", null, nameof(SnapshotAcceptance.Off))]
    [InlineData("", "true", nameof(SnapshotAcceptance.Off))]
    [InlineData("1", null, nameof(SnapshotAcceptance.Accept))]
    [InlineData("1", "", nameof(SnapshotAcceptance.Accept))]
    [InlineData("1", "false", nameof(SnapshotAcceptance.Accept))]
    [InlineData("1", "true", nameof(SnapshotAcceptance.BlockedOnCi))]
    [InlineData("1", "True", nameof(SnapshotAcceptance.BlockedOnCi))]
    [InlineData("1", "1", nameof(SnapshotAcceptance.BlockedOnCi))]
    public void Accepting_needs_the_variable_set_to_1_and_CI_not_true(string? accept, string? ci, string expected)
    {
        Assert.Equal(expected, Snapshot.AcceptanceFrom(accept, ci).ToString());
    }

    [Fact]
    public void CI_true_blocks_accepting_and_fails_as_usual()
    {
        WriteVerified("//HintName: " + HintName + "\nold\n");

        SnapshotMismatchException failure = Assert.Throws<SnapshotMismatchException>(
            () => Compare(Generated, Snapshot.AcceptanceFrom("1", "true")));

        Assert.Contains("not accepted on CI", failure.Message);
        Assert.Equal("//HintName: " + HintName + "\nold\n", File.ReadAllText(VerifiedPath));
        Assert.True(File.Exists(ReceivedPath));
    }

    [Fact]
    public void The_short_overload_names_the_snapshot_after_the_source_file_and_member()
    {
        string snapshots = Path.Combine(directory, Snapshot.DirectoryName);
        Directory.CreateDirectory(snapshots);
        File.WriteAllText(
            Path.Combine(snapshots, "FakeTests.Some_test#Demo.LeNetConv1.Conv2D.g.verified.cs"), "//HintName: " + HintName + "\n" + Generated);

        // Passes whatever the accept variables are, because the snapshot matches.
        Snapshot.Verify(Generated, HintName, sourceFile: Path.Combine(directory, "FakeTests.cs"), testName: "Some_test");
    }

    [Fact]
    public void A_source_path_that_does_not_exist_here_is_reported()
    {
        InvalidOperationException failure = Assert.Throws<InvalidOperationException>(
            () => Snapshot.Verify(Generated, HintName, sourceFile: "/_/tests/Missing/FakeTests.cs", testName: "Some_test"));

        Assert.Contains("PathMap", failure.Message);
    }

    [Fact]
    public void A_long_diff_is_cut_and_points_at_the_received_file()
    {
        string verified = string.Join('\n', Enumerable.Range(0, 500).Select(i => $"a{i}"));
        string received = string.Join('\n', Enumerable.Range(0, 500).Select(i => $"b{i}"));

        string diff = Snapshot.UnifiedDiff(verified, received);

        Assert.Contains("diff cut after", diff);
        Assert.True(diff.Split('\n').Length < 220, "the diff should stop near the limit");
    }

    private SnapshotOutcome Compare(string content, SnapshotAcceptance acceptance) =>
        Snapshot.Compare(directory, TestClass, TestName, HintName, content, acceptance);

    private void WriteVerified(string text) => File.WriteAllText(VerifiedPath, text);
}
