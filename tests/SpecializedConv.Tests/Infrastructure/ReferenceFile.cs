using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Serialization;
using Xunit;

namespace SpecializedConv.Tests.Infrastructure;

/// <summary>One worked case of a reference file: its name, and the length each of its arrays must have.</summary>
public interface IReferenceCase
{
    /// <summary>Unique within its file, used as the theory argument.</summary>
    string Name { get; }

    /// <summary>Each array field with its length in the file and the length the case's shape and batch give it.</summary>
    IEnumerable<(string Field, int Length, int Expected)> ArrayLengths();
}

/// <summary>The top level of a reference file: the format tag and every case, whatever its kind.</summary>
public interface IReferenceFile
{
    /// <summary>The format tag the file says it has, e.g. <c>conv2d-reference/1</c>.</summary>
    string Format { get; }

    /// <summary>Every case of the file, of every kind.</summary>
    IEnumerable<IReferenceCase> AllCases();
}

/// <summary>
/// Reads the reference files in <c>Reference/</c> (copied next to the test assembly) and checks that they are well formed
/// before any test trusts them: the expected format, no unknown field, enums by name, case names unique, and every
/// array as long as its case's shape says.
/// </summary>
public static class ReferenceFile
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        Converters = { new JsonStringEnumConverter(allowIntegerValues: false) },
    };

    /// <summary>Path of <c>Reference/<paramref name="fileName"/></c> next to the test assembly.</summary>
    public static string PathOf(string fileName) => Path.Combine(AppContext.BaseDirectory, "Reference", fileName);

    /// <summary>Reads <paramref name="path"/> as a <typeparamref name="TFile"/> of format <paramref name="format"/>, checked.</summary>
    /// <exception cref="InvalidDataException">The file is empty, of another format, or a case is malformed.</exception>
    public static TFile Read<TFile>(string path, string format)
        where TFile : IReferenceFile
    {
        TFile file = JsonSerializer.Deserialize<TFile>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path} is empty.");
        if (file.Format != format)
        {
            throw new InvalidDataException($"{path} has format '{file.Format}', expected '{format}'.");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (IReferenceCase referenceCase in file.AllCases())
        {
            if (!names.Add(referenceCase.Name))
            {
                throw new InvalidDataException($"{path} has two cases named '{referenceCase.Name}'.");
            }

            foreach ((string field, int length, int expected) in referenceCase.ArrayLengths())
            {
                if (length != expected)
                {
                    throw new InvalidDataException($"{path}, case '{referenceCase.Name}': {field} has {length} elements, expected {expected}.");
                }
            }
        }

        return file;
    }

    /// <summary>The cases' names, for <c>[MemberData]</c>.</summary>
    public static TheoryData<string> Names(IEnumerable<IReferenceCase> cases)
    {
        var names = new TheoryData<string>();
        foreach (IReferenceCase referenceCase in cases)
        {
            names.Add(referenceCase.Name);
        }

        return names;
    }

    /// <summary>The case of <paramref name="cases"/> called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such case.</exception>
    public static TCase ByName<TCase>(IEnumerable<TCase> cases, string name, string path)
        where TCase : IReferenceCase =>
        cases.FirstOrDefault(referenceCase => referenceCase.Name == name)
        ?? throw new KeyNotFoundException($"No reference case named '{name}' in {path}.");
}
