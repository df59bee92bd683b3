using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;
using SpecializedConv.Data;
using Xunit;

namespace SpecializedConv.Tests.Data;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("specializedconv-data-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Writes IDX files, valid or deliberately broken, for the reader's tests.</summary>
internal static class IdxTestFiles
{
    /// <summary>The bytes of an IDX file: the magic number, each dimension, then the data, all as given.</summary>
    public static byte[] Build(uint magic, int[] dimensions, ReadOnlySpan<byte> data)
    {
        var content = new byte[4 + (4 * dimensions.Length) + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(content, magic);
        for (int axis = 0; axis < dimensions.Length; axis++)
        {
            BinaryPrimitives.WriteInt32BigEndian(content.AsSpan(4 + (4 * axis)), dimensions[axis]);
        }

        data.CopyTo(content.AsSpan(4 + (4 * dimensions.Length)));
        return content;
    }

    public static byte[] Images(int count, int height, int width, ReadOnlySpan<byte> pixels) =>
        Build((uint)IdxReader.ImagesMagicNumber, [count, height, width], pixels);

    public static byte[] Labels(ReadOnlySpan<byte> labels) =>
        Build((uint)IdxReader.LabelsMagicNumber, [labels.Length], labels);

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static byte[] Gunzip(byte[] compressed)
    {
        using var input = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    public static byte[] RandomBytes(int length, int seed, int maxExclusive = 256)
    {
        var random = new Random(seed);
        var bytes = new byte[length];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(maxExclusive);
        }

        return bytes;
    }

    /// <summary>
    /// Asserts that <paramref name="read"/> throws <see cref="InvalidDataException"/> and that its message names
    /// <paramref name="path"/> and contains each of <paramref name="fragments"/> (the numbers found and expected).
    /// </summary>
    public static InvalidDataException AssertInvalid(Action read, string path, params string[] fragments)
    {
        InvalidDataException exception = Assert.Throws<InvalidDataException>(read);
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        foreach (string fragment in fragments)
        {
            Assert.Contains(fragment, exception.Message, StringComparison.Ordinal);
        }

        return exception;
    }
}
