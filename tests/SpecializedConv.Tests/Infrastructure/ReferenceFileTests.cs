using System;
using System.Collections.Generic;
using System.IO;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>
/// The reference-file reader itself, on small files in a temporary directory: a malformed reference file must stop the
/// tests that would trust it, naming the file, the case and the field.
/// </summary>
public sealed class ReferenceFileTests : IDisposable
{
    private const string Format = "sample-reference/1";

    private readonly string path = Path.Combine(Path.GetTempPath(), "reference-file-tests-" + Guid.NewGuid().ToString("N") + ".json");

    public void Dispose() => File.Delete(path);

    [Fact]
    public void A_well_formed_file_reads_with_every_case()
    {
        File.WriteAllText(path, """{ "format": "sample-reference/1", "cases": [ { "name": "a", "count": 2, "values": [1, 2] }, { "name": "b", "count": 0, "values": [] } ] }""");

        SampleFile file = ReferenceFile.Read<SampleFile>(path, Format);

        Assert.Equal(new[] { "a", "b" }, Array.ConvertAll(file.Cases, c => c.Name));
        Assert.Equal("b", ReferenceFile.ByName(file.Cases, "b", path).Name);
        Assert.Throws<KeyNotFoundException>(() => ReferenceFile.ByName(file.Cases, "c", path));
    }

    [Theory]
    [InlineData("""{ "format": "sample-reference/2", "cases": [] }""", "has format 'sample-reference/2', expected 'sample-reference/1'")]
    [InlineData("""{ "format": "sample-reference/1", "cases": [ { "name": "a", "count": 3, "values": [1, 2] } ] }""", "case 'a': Values has 2 elements, expected 3")]
    [InlineData("""{ "format": "sample-reference/1", "cases": [ { "name": "a", "count": 0, "values": [] }, { "name": "a", "count": 0, "values": [] } ] }""", "has two cases named 'a'")]
    public void A_malformed_file_is_refused_naming_what_is_wrong(string json, string problem)
    {
        File.WriteAllText(path, json);

        InvalidDataException exception = Assert.Throws<InvalidDataException>(() => ReferenceFile.Read<SampleFile>(path, Format));

        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.Contains(problem, exception.Message, StringComparison.Ordinal);
    }

    private sealed record SampleCase(string Name, int Count, float[] Values) : IReferenceCase
    {
        public IEnumerable<(string Field, int Length, int Expected)> ArrayLengths()
        {
            yield return (nameof(Values), Values.Length, Count);
        }
    }

    private sealed record SampleFile(string Format, SampleCase[] Cases) : IReferenceFile
    {
        public IEnumerable<IReferenceCase> AllCases() => Cases;
    }
}
