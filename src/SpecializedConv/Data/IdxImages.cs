using System;

namespace SpecializedConv.Data;

/// <summary>
/// The contents of an IDX image file: <see cref="Count"/> greyscale images of <see cref="Height"/> ×
/// <see cref="Width"/> unsigned-byte pixels, stored row-major one image after another, as in the file.
/// </summary>
public sealed class IdxImages
{
    /// <summary>Wraps <paramref name="pixels"/> (not copied) as <paramref name="count"/> images.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="pixels"/> is not count × height × width long.</exception>
    public IdxImages(int count, int height, int width, byte[] pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentNullException.ThrowIfNull(pixels);
        long expectedLength = (long)count * height * width;
        if (pixels.LongLength != expectedLength)
        {
            throw new ArgumentException(
                $"{count} images of {height}×{width} need {expectedLength} pixels, got {pixels.LongLength}.", nameof(pixels));
        }

        Count = count;
        Height = height;
        Width = width;
        Pixels = pixels;
    }

    /// <summary>Number of images: the file's first dimension.</summary>
    public int Count { get; }

    /// <summary>Rows per image: the file's second dimension.</summary>
    public int Height { get; }

    /// <summary>Columns per image: the file's third dimension.</summary>
    public int Width { get; }

    /// <summary>Pixels per image, <see cref="Height"/> × <see cref="Width"/>.</summary>
    public int ImageLength => Height * Width;

    /// <summary>
    /// All pixels, 0 (background) to 255, image <c>n</c>'s pixel at row <c>y</c>, column <c>x</c> at
    /// <c>(n · Height + y) · Width + x</c>.
    /// </summary>
    public byte[] Pixels { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row-major.</summary>
    public ReadOnlySpan<byte> Image(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Pixels.AsSpan(index * ImageLength, ImageLength);
    }
}
