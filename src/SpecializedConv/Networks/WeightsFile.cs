using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;

namespace SpecializedConv.Networks;

/// <summary>
/// The binary format of <see cref="SequentialNetwork.Save(string)"/>: a header listing every layer's kind and shapes,
/// the parameters, and a checksum. All numbers little-endian.
/// </summary>
/// <remarks>
/// <code>
/// offset  bytes  field
///      0      8  signature "SCNVNET\n"
///      8      4  format version (uint32), currently 1
///     12      8  length of the whole file in bytes, checksum included (int64)
///     20      4  layer count L (int32)
///     24         L layer records:
///                  name and kind, each an int32 byte count then UTF-8 bytes
///                  input shape and output shape, each int32 rank, channels, height, width
///                  weight count and bias count (int32)
///                then each layer's weights and then its biases, float32, layer after layer
///   end−4     4  CRC-32 (zlib's) of every byte before it (uint32)
/// </code>
/// Loading checks, in order: the signature, the version (a newer one is refused, since its layout may differ), the
/// length (a shorter file is truncated), the checksum (any flipped byte), and finally that every layer's kind, shapes
/// and parameter counts equal the network's. Layer names are stored for people reading the file; they are not compared.
/// </remarks>
internal static class WeightsFile
{
    /// <summary>The version this library writes and the newest it reads.</summary>
    public const uint CurrentVersion = 1;

    private const int LayerCountOffset = 20;
    private const int PreambleLength = 24;
    private const int ChecksumLength = 4;

    private static ReadOnlySpan<byte> Signature => "SCNVNET\n"u8;

    public static void Save(SequentialNetwork network, string path)
    {
        byte[] contents = Serialize(network);
        WriteAtomically(path, stream => stream.Write(contents));
    }

    /// <summary>
    /// Writes a temporary file beside <paramref name="path"/>, flushes it to disk, and renames it over
    /// <paramref name="path"/> (an atomic replace on the same file system). If <paramref name="write"/> fails, the
    /// temporary file is deleted and <paramref name="path"/> is untouched.
    /// </summary>
    internal static void WriteAtomically(string path, Action<FileStream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string target = System.IO.Path.GetFullPath(path);
        string folder = System.IO.Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(folder);
        string temporary = System.IO.Path.Combine(
            folder, $".{System.IO.Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    public static void Load(SequentialNetwork network, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] contents = File.ReadAllBytes(path);
        float[] parameters = Deserialize(network, contents, path);
        parameters.CopyTo(network.Parameters);
    }

    internal static byte[] Serialize(SequentialNetwork network)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Signature);
            writer.Write(CurrentVersion);
            writer.Write(0L); // the length, filled in below
            writer.Write(network.Layers.Count);
            foreach (Layer layer in network.Layers)
            {
                WriteString(writer, layer.Name);
                WriteString(writer, layer.Kind);
                WriteShape(writer, layer.InputShape);
                WriteShape(writer, layer.OutputShape);
                writer.Write(layer.WeightLength);
                writer.Write(layer.BiasLength);
            }

            foreach (float value in network.Parameters)
            {
                writer.Write(value);
            }
        }

        byte[] contents = new byte[buffer.Length + ChecksumLength];
        buffer.GetBuffer().AsSpan(0, (int)buffer.Length).CopyTo(contents);
        BinaryPrimitives.WriteInt64LittleEndian(contents.AsSpan(12), contents.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(contents.AsSpan(contents.Length - ChecksumLength), Crc32.Compute(contents.AsSpan(0, contents.Length - ChecksumLength)));
        return contents;
    }

    /// <summary>Checks <paramref name="contents"/> against <paramref name="network"/> and returns the parameters it holds.</summary>
    internal static float[] Deserialize(SequentialNetwork network, byte[] contents, string path)
    {
        WeightsFileException Fail(WeightsFileError error, string message) => new(error, path, message);

        ReadOnlySpan<byte> bytes = contents;
        if (!bytes.StartsWith(Signature))
        {
            throw bytes.Length < Signature.Length && Signature.StartsWith(bytes)
                ? Fail(WeightsFileError.Truncated, $"the file is only {bytes.Length} bytes long, shorter than the header.")
                : Fail(WeightsFileError.NotAWeightsFile, "it does not start with the signature \"SCNVNET\", so it is not a SpecializedConv weights file.");
        }

        if (bytes.Length < PreambleLength + ChecksumLength)
        {
            throw Fail(WeightsFileError.Truncated, $"the file is only {bytes.Length} bytes long, shorter than the header.");
        }

        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version > CurrentVersion)
        {
            throw Fail(WeightsFileError.NewerVersion,
                $"it is format version {version}, newer than version {CurrentVersion}, the newest this library reads. Load it with a newer SpecializedConv.");
        }

        if (version == 0)
        {
            throw Fail(WeightsFileError.Corrupt, "its format version is 0, which no SpecializedConv writes: the header is damaged.");
        }

        long statedLength = BinaryPrimitives.ReadInt64LittleEndian(bytes[12..]);
        if (bytes.Length < statedLength)
        {
            throw Fail(WeightsFileError.Truncated,
                $"its header says it is {statedLength:N0} bytes long, but it has only {bytes.Length:N0}: the file is truncated (an interrupted save or copy).");
        }

        if (bytes.Length > statedLength || statedLength < PreambleLength + ChecksumLength)
        {
            throw Fail(WeightsFileError.Corrupt,
                $"its header says it is {statedLength:N0} bytes long, but it has {bytes.Length:N0}: the header is damaged or data was appended.");
        }

        uint stored = BinaryPrimitives.ReadUInt32LittleEndian(bytes[^ChecksumLength..]);
        uint computed = Crc32.Compute(bytes[..^ChecksumLength]);
        if (stored != computed)
        {
            throw Fail(WeightsFileError.Corrupt,
                $"its checksum is 0x{stored:X8} but its contents give 0x{computed:X8}: the file is damaged.");
        }

        List<LayerRecord> records;
        float[] parameters;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(contents, LayerCountOffset, contents.Length - ChecksumLength - LayerCountOffset), Encoding.UTF8);
            int layerCount = reader.ReadInt32();
            if (layerCount < 0 || layerCount > contents.Length)
            {
                throw new InvalidDataException($"a layer count of {layerCount}");
            }

            records = new List<LayerRecord>(layerCount);
            long parameterCount = 0;
            for (int i = 0; i < layerCount; i++)
            {
                var record = new LayerRecord(ReadString(reader), ReadString(reader), ReadShape(reader), ReadShape(reader), reader.ReadInt32(), reader.ReadInt32());
                if (record.WeightLength < 0 || record.BiasLength < 0)
                {
                    throw new InvalidDataException($"layer {i} with {record.WeightLength} weights and {record.BiasLength} biases");
                }

                records.Add(record);
                parameterCount += (long)record.WeightLength + record.BiasLength;
            }

            long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
            if (remaining != parameterCount * sizeof(float))
            {
                throw new InvalidDataException($"{remaining} bytes of parameters where the layers call for {parameterCount * sizeof(float)}");
            }

            CheckLayers(network, records, path);
            parameters = new float[parameterCount];
            for (int i = 0; i < parameters.Length; i++)
            {
                parameters[i] = reader.ReadSingle();
            }
        }
        catch (Exception exception) when (exception is EndOfStreamException or InvalidDataException)
        {
            throw Fail(WeightsFileError.Corrupt, $"its checksum matches but its header does not make sense ({exception.Message}).");
        }

        return parameters;
    }

    private static void CheckLayers(SequentialNetwork network, List<LayerRecord> records, string path)
    {
        IReadOnlyList<Layer> layers = network.Layers;
        if (records.Count != layers.Count)
        {
            throw new WeightsFileException(WeightsFileError.LayerMismatch, path,
                $"the file holds {records.Count} layers ({string.Join(", ", records.Select(record => record.Describe()))}), but the network has " +
                $"{layers.Count} ({string.Join(", ", layers.Select(layer => layer.Describe()))}).");
        }

        for (int i = 0; i < layers.Count; i++)
        {
            Layer layer = layers[i];
            LayerRecord record = records[i];
            if (record.Kind != layer.Kind || record.InputShape != layer.InputShape || record.OutputShape != layer.OutputShape ||
                record.WeightLength != layer.WeightLength || record.BiasLength != layer.BiasLength)
            {
                throw new WeightsFileException(WeightsFileError.LayerMismatch, path, string.Create(CultureInfo.InvariantCulture,
                    $"layer {i} in the file is {record.Describe()} with {record.WeightLength} weights and {record.BiasLength} biases, but the " +
                    $"network's layer {i} is {layer.Describe()} with {layer.WeightLength} weights and {layer.BiasLength} biases."));
            }
        }
    }

    private static void WriteString(BinaryWriter writer, string value)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(value);
        writer.Write(bytes.Length);
        writer.Write(bytes);
    }

    private static string ReadString(BinaryReader reader)
    {
        int length = reader.ReadInt32();
        if (length < 0 || length > reader.BaseStream.Length - reader.BaseStream.Position)
        {
            throw new InvalidDataException($"a string of {length} bytes");
        }

        return Encoding.UTF8.GetString(reader.ReadBytes(length));
    }

    private static void WriteShape(BinaryWriter writer, TensorShape shape)
    {
        writer.Write(shape.Rank);
        writer.Write(shape.Channels);
        writer.Write(shape.Height);
        writer.Write(shape.Width);
    }

    private static TensorShape ReadShape(BinaryReader reader)
    {
        int rank = reader.ReadInt32(), channels = reader.ReadInt32(), height = reader.ReadInt32(), width = reader.ReadInt32();
        try
        {
            return rank switch
            {
                1 when channels == 1 && height == 1 => TensorShape.Vector(width),
                3 => TensorShape.Image(channels, height, width),
                _ => throw new InvalidDataException($"a shape of rank {rank}"),
            };
        }
        catch (ArgumentException exception)
        {
            throw new InvalidDataException($"a shape {channels}×{height}×{width}", exception);
        }
    }

    private sealed record LayerRecord(string Name, string Kind, TensorShape InputShape, TensorShape OutputShape, int WeightLength, int BiasLength)
    {
        public string Describe() => $"'{Name}' ({Kind} {InputShape} → {OutputShape})";
    }
}
