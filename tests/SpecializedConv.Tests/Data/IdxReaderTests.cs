using System;
using System.IO;
using SpecializedConv.Data;
using Xunit;

namespace SpecializedConv.Tests.Data;

/// <summary>
/// The IDX reader on small files written here: what it reads back, that compression is recognised by content and
/// not by name, and that every kind of broken file is an <see cref="InvalidDataException"/> naming the file and
/// the numbers found and expected.
/// </summary>
public sealed class IdxReaderTests : IDisposable
{
    // Height ≠ width so that a swapped pair of dimensions shows.
    private const int Count = 5;
    private const int Height = 3;
    private const int Width = 4;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Images_and_labels_read_back_exactly_as_written_plain_or_gzipped(bool gzipped)
    {
        byte[] pixels = IdxTestFiles.RandomBytes(Count * Height * Width, seed: 1);
        byte[] labels = IdxTestFiles.RandomBytes(Count, seed: 2, maxExclusive: 10);
        string imagesPath = Write("images", IdxTestFiles.Images(Count, Height, Width, pixels), gzipped);
        string labelsPath = Write("labels", IdxTestFiles.Labels(labels), gzipped);

        IdxImages images = IdxReader.ReadImages(imagesPath);

        Assert.Equal(gzipped, IdxReader.IsGzipCompressed(imagesPath));
        Assert.Equal((Count, Height, Width), (images.Count, images.Height, images.Width));
        Assert.Equal(Height * Width, images.ImageLength);
        Assert.Equal(pixels, images.Pixels);
        Assert.Equal(pixels.AsSpan(2 * Height * Width, Height * Width), images.Image(2));
        Assert.Equal(labels, IdxReader.ReadLabels(labelsPath));
    }

    [Fact]
    public void Gzip_is_recognised_by_its_signature_not_by_the_file_name()
    {
        byte[] pixels = IdxTestFiles.RandomBytes(Count * Height * Width, seed: 3);
        byte[] content = IdxTestFiles.Images(Count, Height, Width, pixels);
        string plainNamedGz = _folder.File("plain.gz");
        string gzippedNamedPlain = _folder.File("gzipped-idx3-ubyte");
        File.WriteAllBytes(plainNamedGz, content);
        File.WriteAllBytes(gzippedNamedPlain, IdxTestFiles.Gzip(content));

        Assert.Equal(pixels, IdxReader.ReadImages(plainNamedGz).Pixels);
        Assert.Equal(pixels, IdxReader.ReadImages(gzippedNamedPlain).Pixels);
    }

    [Fact]
    public void Empty_files_of_zero_images_read_as_zero_images()
    {
        string path = Write("empty", IdxTestFiles.Images(0, 28, 28, []), gzipped: false);

        IdxImages images = IdxReader.ReadImages(path);

        Assert.Equal((0, 28, 28), (images.Count, images.Height, images.Width));
        Assert.Empty(images.Pixels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_wrong_magic_number_says_what_was_found_and_what_was_expected(bool gzipped)
    {
        string path = Write("not-idx", IdxTestFiles.Build(0x12345678, [Count, Height, Width], new byte[Count * Height * Width]), gzipped);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path, "0x12345678", "0x00000803");
    }

    [Fact]
    public void A_label_file_read_as_images_is_a_wrong_magic_number_naming_both_ranks()
    {
        string path = Write("labels", IdxTestFiles.Labels([1, 2, 3]), gzipped: false);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path, "0x00000801", "rank 1", "0x00000803", "rank 3");
        Assert.Equal(new byte[] { 1, 2, 3 }, IdxReader.ReadLabels(path));
    }

    [Fact]
    public void An_image_file_read_as_labels_is_a_wrong_magic_number()
    {
        string path = Write("images", IdxTestFiles.Images(1, 1, 1, [7]), gzipped: false);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadLabels(path), path, "0x00000803", "0x00000801");
    }

    [Theory]
    [InlineData(0x0D, "32-bit floats")]
    [InlineData(0x09, "signed bytes")]
    [InlineData(0x0C, "32-bit integers")]
    [InlineData(0x42, "unknown type")]
    public void Element_types_other_than_unsigned_bytes_are_rejected_by_name_and_type_code(int typeCode, string typeName)
    {
        uint magic = (uint)((typeCode << 8) | 3);
        string path = Write("typed", IdxTestFiles.Build(magic, [1, 2, 2], new byte[16]), gzipped: false);

        IdxTestFiles.AssertInvalid(
            () => IdxReader.ReadImages(path), path, typeName, $"type code 0x{typeCode:X2}", $"0x{magic:X8}", "0x08", "0x00000803");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_file_shorter_than_the_magic_number_is_a_truncated_header(bool gzipped)
    {
        string path = Write("two-bytes", [0x00, 0x00], gzipped);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path, "truncated", "4 bytes", "found 2");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_header_cut_inside_the_dimensions_is_truncated_with_the_byte_counts(bool gzipped)
    {
        // Magic number and one and a half of the three dimension sizes: 10 of the 16 header bytes.
        byte[] content = IdxTestFiles.Images(Count, Height, Width, [])[..10];
        string path = Write("short-header", content, gzipped);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path, "truncated", "16 bytes", "found 10");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Data_shorter_than_the_dimensions_say_is_truncated_with_the_byte_counts(bool gzipped)
    {
        byte[] pixels = IdxTestFiles.RandomBytes(7, seed: 4);
        string path = Write("short-data", IdxTestFiles.Images(Count, Height, Width, pixels), gzipped);

        IdxTestFiles.AssertInvalid(
            () => IdxReader.ReadImages(path), path, "truncated", $"{Count}×{Height}×{Width}", $"{Count * Height * Width} data bytes", "found 7");
    }

    [Fact]
    public void Labels_shorter_than_their_count_are_truncated_with_the_byte_counts()
    {
        byte[] content = IdxTestFiles.Build((uint)IdxReader.LabelsMagicNumber, [6000], [1, 2, 3]);
        string path = Write("short-labels", content, gzipped: false);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadLabels(path), path, "truncated", "6000 data bytes", "found 3");
    }

    [Fact]
    public void Data_longer_than_the_dimensions_say_is_rejected_with_the_byte_counts()
    {
        byte[] pixels = IdxTestFiles.RandomBytes((Count * Height * Width) + 3, seed: 5);
        string path = Write("long-data", IdxTestFiles.Images(Count, Height, Width, pixels), gzipped: true);

        IdxTestFiles.AssertInvalid(
            () => IdxReader.ReadImages(path), path, "longer", $"{Count * Height * Width} data bytes", $"found {(Count * Height * Width) + 3}");
    }

    [Fact]
    public void Sizes_too_large_for_an_array_are_rejected_without_allocating_them()
    {
        string path = Write("huge", IdxTestFiles.Build((uint)IdxReader.ImagesMagicNumber, [100_000, 1000, 1000], [0, 0, 0]), gzipped: false);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path, "100000×1000×1000");
    }

    [Fact]
    public void A_corrupt_gzip_stream_is_invalid_data_naming_the_file()
    {
        byte[] compressed = IdxTestFiles.Gzip(IdxTestFiles.Images(Count, Height, Width, IdxTestFiles.RandomBytes(Count * Height * Width, seed: 6)));
        // Keep the 10-byte gzip header, replace the deflate data with bytes that are not a valid block.
        compressed.AsSpan(10).Fill(0xFF);
        string path = _folder.File("corrupt.gz");
        File.WriteAllBytes(path, compressed);

        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path);
    }

    [Fact]
    public void A_gzip_stream_cut_short_is_invalid_data_naming_the_file()
    {
        byte[] compressed = IdxTestFiles.Gzip(IdxTestFiles.Images(Count, Height, Width, IdxTestFiles.RandomBytes(Count * Height * Width, seed: 7)));
        string path = _folder.File("cut.gz");
        File.WriteAllBytes(path, compressed[..(compressed.Length / 2)]);

        // The decompressor reports no error of its own for a stream cut short: the IDX length checks catch it.
        IdxTestFiles.AssertInvalid(() => IdxReader.ReadImages(path), path, "truncated", "after decompression");
    }

    [Fact]
    public void A_missing_file_is_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => IdxReader.ReadImages(_folder.File("absent-idx3-ubyte")));
    }

    private string Write(string name, byte[] content, bool gzipped)
    {
        string path = _folder.File(gzipped ? name + "-gzipped" : name);
        File.WriteAllBytes(path, gzipped ? IdxTestFiles.Gzip(content) : content);
        return path;
    }
}
