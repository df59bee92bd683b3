using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;

namespace SpecializedConv.Data;

/// <summary>
/// Reads files in the IDX format of MNIST and Fashion-MNIST, plain or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>
/// An IDX file is a 4-byte big-endian magic number, then one big-endian 32-bit size per dimension, then the data
/// in row-major order. The magic number's first two bytes are zero, its third is the element type
/// (<see cref="UnsignedByteTypeCode"/> here) and its fourth the number of dimensions: <see cref="ImagesMagicNumber"/>
/// for images (count, rows, columns), <see cref="LabelsMagicNumber"/> for labels (count).
/// </para>
/// <para>
/// Compression is recognised by the gzip signature <c>1F 8B</c> at the start of the file, not by its name. Only
/// unsigned-byte data is supported. Every problem with a file's contents (a magic number that is not the expected
/// one, another element type, a header or data shorter or longer than the dimensions say, a corrupt gzip stream)
/// is an <see cref="InvalidDataException"/> whose message names the file and the numbers found and expected.
/// </para>
/// </remarks>
public static class IdxReader
{
    /// <summary>The IDX element type code for unsigned bytes, the third byte of the magic number.</summary>
    public const int UnsignedByteTypeCode = 0x08;

    /// <summary>Magic number of an image file: unsigned bytes, 3 dimensions (count, rows, columns).</summary>
    public const int ImagesMagicNumber = (UnsignedByteTypeCode << 8) | ImagesRank;

    /// <summary>Magic number of a label file: unsigned bytes, 1 dimension (count).</summary>
    public const int LabelsMagicNumber = (UnsignedByteTypeCode << 8) | LabelsRank;

    private const int ImagesRank = 3;
    private const int LabelsRank = 1;
    private const int MagicNumberLength = 4;
    private const int DimensionLength = 4;

    // The data buffer grows by doubling from this size up to what the header announces, so a header whose sizes
    // are corrupt (a few gigabytes, say) costs memory only for the bytes the file actually holds.
    private const int InitialDataBufferLength = 1 << 20;

    /// <summary>Reads an image file (magic number <see cref="ImagesMagicNumber"/>).</summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <exception cref="InvalidDataException">The file is not a valid unsigned-byte IDX file of rank 3.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static IdxImages ReadImages(string path)
    {
        (int[] dimensions, byte[] data) = Read(path, ImagesRank, "images");
        return new IdxImages(dimensions[0], dimensions[1], dimensions[2], data);
    }

    /// <summary>Reads a label file (magic number <see cref="LabelsMagicNumber"/>): one byte per example.</summary>
    /// <param name="path">The file, plain or gzip-compressed.</param>
    /// <exception cref="InvalidDataException">The file is not a valid unsigned-byte IDX file of rank 1.</exception>
    /// <exception cref="IOException">The file cannot be read (for example <see cref="FileNotFoundException"/>).</exception>
    public static byte[] ReadLabels(string path)
    {
        (_, byte[] data) = Read(path, LabelsRank, "labels");
        return data;
    }

    /// <summary>Whether <paramref name="path"/> starts with the gzip signature <c>1F 8B</c>.</summary>
    public static bool IsGzipCompressed(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        using FileStream file = File.OpenRead(path);
        return StartsWithGzipSignature(file);
    }

    private static (int[] Dimensions, byte[] Data) Read(string path, int expectedRank, string contents)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using FileStream file = new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        bool compressed = StartsWithGzipSignature(file);
        file.Position = 0;
        using Stream stream = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
        var reader = new ContentReader(stream, path, compressed);

        int expectedMagic = (UnsignedByteTypeCode << 8) | expectedRank;
        string expected = $"0x{expectedMagic:X8} (unsigned-byte {contents} of rank {expectedRank})";

        Span<byte> header = stackalloc byte[MagicNumberLength + (byte.MaxValue * DimensionLength)];
        int found = reader.Fill(header[..MagicNumberLength]);
        if (found < MagicNumberLength)
        {
            throw Invalid(path, $"is truncated: its header needs {MagicNumberLength} bytes for the magic number, {Found(found, compressed)}.");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        int typeCode = (int)((magic >> 8) & 0xFF);
        int rank = (int)(magic & 0xFF);
        if ((magic >> 16) != 0)
        {
            throw Invalid(path, $"is not an IDX file: its magic number is 0x{magic:X8}, expected {expected}.");
        }

        if (typeCode != UnsignedByteTypeCode)
        {
            throw Invalid(
                path,
                $"holds {DescribeType(typeCode)} (type code 0x{typeCode:X2}, magic number 0x{magic:X8}); only unsigned " +
                $"bytes (type code 0x{UnsignedByteTypeCode:X2}) are supported, expected magic number {expected}.");
        }

        if (rank != expectedRank)
        {
            throw Invalid(
                path,
                $"has magic number 0x{magic:X8} (unsigned bytes of rank {rank}), expected {expected}.");
        }

        int headerLength = MagicNumberLength + (rank * DimensionLength);
        found = MagicNumberLength + reader.Fill(header[MagicNumberLength..headerLength]);
        if (found < headerLength)
        {
            throw Invalid(
                path,
                $"is truncated: its header needs {headerLength} bytes (magic number and {rank} dimension sizes), {Found(found, compressed)}.");
        }

        var dimensions = new int[rank];
        long dataLength = 1;
        for (int axis = 0; axis < rank; axis++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(header[(MagicNumberLength + (axis * DimensionLength))..]);
            if (size > Array.MaxLength)
            {
                throw Invalid(path, $"has dimension {axis} of size {size}, more than an array can hold ({Array.MaxLength}).");
            }

            dimensions[axis] = (int)size;
            dataLength = Math.Min(dataLength * size, (long)Array.MaxLength + 1);
        }

        string shape = string.Join("×", dimensions.Select(size => size.ToString(CultureInfo.InvariantCulture)));
        if (dataLength > Array.MaxLength)
        {
            throw Invalid(path, $"has dimensions {shape}, more elements than an array can hold ({Array.MaxLength}).");
        }

        byte[] data = reader.ReadData((int)dataLength, out int dataFound);
        if (dataFound < dataLength)
        {
            throw Invalid(
                path,
                $"is truncated: its dimensions {shape} call for {dataLength} data bytes after the {headerLength}-byte " +
                $"header, {Found(dataFound, compressed)}.");
        }

        long extra = reader.CountRemaining();
        if (extra > 0)
        {
            throw Invalid(
                path,
                $"is longer than its dimensions say: {shape} call for {dataLength} data bytes after the {headerLength}-byte " +
                $"header, {Found(dataLength + extra, compressed)}.");
        }

        return (dimensions, data);
    }

    private static bool StartsWithGzipSignature(Stream file)
    {
        Span<byte> signature = stackalloc byte[2];
        return file.ReadAtLeast(signature, signature.Length, throwOnEndOfStream: false) == signature.Length
            && signature[0] == 0x1F && signature[1] == 0x8B;
    }

    private static string DescribeType(int typeCode) => typeCode switch
    {
        0x09 => "signed bytes",
        0x0B => "16-bit integers",
        0x0C => "32-bit integers",
        0x0D => "32-bit floats",
        0x0E => "64-bit floats",
        _ => "elements of an unknown type",
    };

    // A gzip stream cut short decompresses to a short IDX file without an error of its own, so the byte counts of a
    // compressed file are of its decompressed contents, and the message says so.
    private static string Found(long count, bool compressed) =>
        compressed ? $"found {count} after decompression" : $"found {count}";

    private static InvalidDataException Invalid(string path, string problem) =>
        new($"IDX file '{path}' {problem}");

    /// <summary>
    /// Reads the (possibly decompressing) stream, turning the decompressor's own <see cref="InvalidDataException"/>,
    /// which does not say which file, into one that does.
    /// </summary>
    private readonly struct ContentReader(Stream stream, string path, bool compressed)
    {
        public int Fill(Span<byte> buffer)
        {
            try
            {
                return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException exception) when (compressed)
            {
                throw CorruptGzip(exception);
            }
        }

        public byte[] ReadData(int length, out int found)
        {
            var data = new byte[Math.Min(length, InitialDataBufferLength)];
            found = 0;
            while (found < length)
            {
                if (found == data.Length)
                {
                    Array.Resize(ref data, (int)Math.Min(length, 2L * data.Length));
                }

                int read = Fill(data.AsSpan(found));
                found += read;
                if (found < data.Length)
                {
                    break; // Fill reads until the span is full or the stream ends.
                }
            }

            return data;
        }

        public long CountRemaining()
        {
            Span<byte> scratch = stackalloc byte[4096];
            long count = 0;
            int read;
            while ((read = Fill(scratch)) > 0)
            {
                count += read;
            }

            return count;
        }

        private InvalidDataException CorruptGzip(InvalidDataException inner) =>
            new($"IDX file '{path}' starts with the gzip signature 1F 8B but its compressed data is corrupt: {inner.Message}", inner);
    }
}
