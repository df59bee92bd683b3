using System;
using System.IO;
using SpecializedConv.Data;
using Xunit;

namespace SpecializedConv.Tests.Data;

/// <summary>
/// <see cref="Dataset.Load"/> on small image/label pairs written here: scaling and layout, the limit, and the
/// checks that need both files (one label per image, labels below the class count).
/// </summary>
public sealed class DatasetTests : IDisposable
{
    private const int Count = 6;
    private const int Height = 2;
    private const int Width = 3;

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Pixels_are_the_bytes_divided_by_255_in_NCHW_order()
    {
        byte[] pixels = IdxTestFiles.RandomBytes(Count * Height * Width, seed: 11);
        pixels[0] = 0;
        pixels[1] = 255;
        byte[] labels = IdxTestFiles.RandomBytes(Count, seed: 12, maxExclusive: 10);
        (string imagesPath, string labelsPath) = WritePair(pixels, labels);

        Dataset dataset = Dataset.Load(imagesPath, labelsPath);

        Assert.Equal((Count, Height, Width, Height * Width, 10), (dataset.Count, dataset.Height, dataset.Width, dataset.ImageLength, dataset.ClassCount));
        Assert.Equal(labels, dataset.Labels);
        Assert.Equal(Count * Dataset.Channels * Height * Width, dataset.Images.Length);
        for (int i = 0; i < pixels.Length; i++)
        {
            Assert.Equal(pixels[i] / 255f, dataset.Images[i]);
        }

        Assert.Equal(0f, dataset.Images[0]);
        Assert.Equal(1f, dataset.Images[1]);
        // Image 4, row 1, column 2 sits at 4·ImageLength + 1·Width + 2.
        Assert.Equal(pixels[(4 * Height * Width) + (1 * Width) + 2] / 255f, dataset.Image(4)[(1 * Width) + 2]);
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(4, 4)]
    [InlineData(Count, Count)]
    [InlineData(100, Count)]
    public void A_limit_keeps_the_first_examples(int limit, int expectedCount)
    {
        byte[] pixels = IdxTestFiles.RandomBytes(Count * Height * Width, seed: 13);
        byte[] labels = IdxTestFiles.RandomBytes(Count, seed: 14, maxExclusive: 10);
        (string imagesPath, string labelsPath) = WritePair(pixels, labels);

        Dataset full = Dataset.Load(imagesPath, labelsPath);
        Dataset limited = Dataset.Load(imagesPath, labelsPath, limit);

        Assert.Equal(expectedCount, limited.Count);
        Assert.Equal(full.Labels[..expectedCount], limited.Labels);
        Assert.Equal(full.Images[..(expectedCount * full.ImageLength)], limited.Images);
    }

    [Fact]
    public void A_negative_limit_is_an_argument_error()
    {
        (string imagesPath, string labelsPath) = WritePair(new byte[Count * Height * Width], new byte[Count]);

        Assert.Throws<ArgumentOutOfRangeException>(() => Dataset.Load(imagesPath, labelsPath, -1));
    }

    [Fact]
    public void Different_numbers_of_images_and_labels_name_both_files_and_both_counts()
    {
        (string imagesPath, string labelsPath) = WritePair(new byte[Count * Height * Width], new byte[Count - 1]);

        IdxTestFiles.AssertInvalid(
            () => Dataset.Load(imagesPath, labelsPath), imagesPath, labelsPath, $"{Count} images", $"{Count - 1} labels");
    }

    [Fact]
    public void A_label_outside_the_ten_classes_names_the_file_the_example_and_the_value()
    {
        byte[] labels = [0, 9, 3, 10, 1, 2];
        (string imagesPath, string labelsPath) = WritePair(new byte[Count * Height * Width], labels);

        IdxTestFiles.AssertInvalid(() => Dataset.Load(imagesPath, labelsPath), labelsPath, "label 10", "example 3", "0 to 9");
    }

    [Fact]
    public void The_constructor_rejects_images_and_labels_of_different_lengths()
    {
        Assert.Throws<ArgumentException>(() => new Dataset(new float[(Count * Height * Width) + 1], new byte[Count], Height, Width));
        Assert.Throws<ArgumentException>(() => new Dataset(new float[2 * Height * Width], [0, 10], Height, Width));
    }

    private (string ImagesPath, string LabelsPath) WritePair(byte[] pixels, byte[] labels)
    {
        string imagesPath = _folder.File("images-idx3-ubyte");
        string labelsPath = _folder.File("labels-idx1-ubyte.gz");
        File.WriteAllBytes(imagesPath, IdxTestFiles.Images(pixels.Length / (Height * Width), Height, Width, pixels));
        File.WriteAllBytes(labelsPath, IdxTestFiles.Gzip(IdxTestFiles.Labels(labels)));
        return (imagesPath, labelsPath);
    }
}
