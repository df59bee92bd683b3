using System;
using System.IO;

namespace SpecializedConv.Data;

/// <summary>
/// Labelled single-channel images ready for a network: pixels as floats in [0, 1] in NCHW order
/// (<see cref="Count"/> × 1 × <see cref="Height"/> × <see cref="Width"/>), one class label per image.
/// </summary>
public sealed class Dataset
{
    /// <summary>Classes of MNIST and Fashion-MNIST, and the default of <see cref="ClassCount"/>.</summary>
    public const int DefaultClassCount = 10;

    /// <summary>Channels per image: the loaders read greyscale images.</summary>
    public const int Channels = 1;

    /// <summary>Wraps <paramref name="images"/> and <paramref name="labels"/> (not copied).</summary>
    /// <param name="images">Count × 1 × height × width values, image after image, each row-major.</param>
    /// <param name="labels">One label per image, each below <paramref name="classCount"/>.</param>
    /// <param name="height">Rows per image.</param>
    /// <param name="width">Columns per image.</param>
    /// <param name="classCount">Number of classes; labels are 0 to classCount − 1.</param>
    /// <exception cref="ArgumentException">The lengths disagree or a label is out of range.</exception>
    public Dataset(float[] images, byte[] labels, int height, int width, int classCount = DefaultClassCount)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(classCount, byte.MaxValue + 1);
        if (images.LongLength != (long)labels.Length * Channels * height * width)
        {
            throw new ArgumentException(
                $"{labels.Length} labels call for {labels.Length}×{Channels}×{height}×{width} image values, got {images.LongLength}.",
                nameof(images));
        }

        int outOfRange = FindLabelOutOfRange(labels, classCount);
        if (outOfRange >= 0)
        {
            throw new ArgumentException(
                $"Label {outOfRange} is {labels[outOfRange]}, outside the {classCount} classes 0 to {classCount - 1}.",
                nameof(labels));
        }

        Images = images;
        Labels = labels;
        Height = height;
        Width = width;
        ClassCount = classCount;
    }

    /// <summary>
    /// All images, NCHW: value <c>(n, 0, y, x)</c> at <c>n · ImageLength + y · Width + x</c>. Loaded pixels are
    /// the file's bytes divided by 255, so 0 is background and 1 full intensity.
    /// </summary>
    public float[] Images { get; }

    /// <summary>The class of each image, 0 to <see cref="ClassCount"/> − 1.</summary>
    public byte[] Labels { get; }

    /// <summary>Number of images (and labels): N.</summary>
    public int Count => Labels.Length;

    /// <summary>Rows per image: H.</summary>
    public int Height { get; }

    /// <summary>Columns per image: W.</summary>
    public int Width { get; }

    /// <summary>Values per image, C × H × W: the stride between consecutive images in <see cref="Images"/>.</summary>
    public int ImageLength => Channels * Height * Width;

    /// <summary>Number of classes; every label is below it.</summary>
    public int ClassCount { get; }

    /// <summary>The C × H × W values of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Images.AsSpan(index * ImageLength, ImageLength);
    }

    /// <summary>
    /// Loads an IDX image file and its IDX label file (each plain or gzip-compressed, see <see cref="IdxReader"/>),
    /// scaling pixels to <c>byte / 255</c>.
    /// </summary>
    /// <param name="imagesPath">The image file (magic number <see cref="IdxReader.ImagesMagicNumber"/>).</param>
    /// <param name="labelsPath">The label file (magic number <see cref="IdxReader.LabelsMagicNumber"/>).</param>
    /// <param name="limit">Keep only the first <paramref name="limit"/> examples (all of them when there are
    /// fewer); null keeps every example.</param>
    /// <exception cref="InvalidDataException">
    /// Either file is invalid (see <see cref="IdxReader"/>), the two hold different numbers of examples, or a label
    /// is not below <see cref="DefaultClassCount"/>; the message names the file or files.
    /// </exception>
    public static Dataset Load(string imagesPath, string labelsPath, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(imagesPath);
        ArgumentException.ThrowIfNullOrEmpty(labelsPath);
        if (limit is int requested)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(requested, nameof(limit));
        }

        IdxImages images = IdxReader.ReadImages(imagesPath);
        byte[] labels = IdxReader.ReadLabels(labelsPath);
        if (images.Count != labels.Length)
        {
            throw new InvalidDataException(
                $"IDX image file '{imagesPath}' holds {images.Count} images but IDX label file '{labelsPath}' holds " +
                $"{labels.Length} labels; they must hold one label per image.");
        }

        if (images.Height == 0 || images.Width == 0)
        {
            throw new InvalidDataException(
                $"IDX image file '{imagesPath}' holds images of {images.Height}×{images.Width} pixels; both sizes must be positive.");
        }

        int count = Math.Min(images.Count, limit ?? images.Count);
        int outOfRange = FindLabelOutOfRange(labels.AsSpan(0, count), DefaultClassCount);
        if (outOfRange >= 0)
        {
            throw new InvalidDataException(
                $"IDX label file '{labelsPath}' gives label {labels[outOfRange]} to example {outOfRange}; labels must be " +
                $"0 to {DefaultClassCount - 1}.");
        }

        float[] pixels = new float[(long)count * images.ImageLength];
        ReadOnlySpan<byte> source = images.Pixels.AsSpan(0, pixels.Length);
        for (int i = 0; i < pixels.Length; i++)
        {
            // A division rather than a multiplication by 1/255 so that every value is the correctly rounded quotient.
            pixels[i] = source[i] / 255f;
        }

        return new Dataset(pixels, labels.AsSpan(0, count).ToArray(), images.Height, images.Width);
    }

    private static int FindLabelOutOfRange(ReadOnlySpan<byte> labels, int classCount) =>
        classCount > byte.MaxValue ? -1 : labels.IndexOfAnyInRange((byte)classCount, byte.MaxValue);
}
