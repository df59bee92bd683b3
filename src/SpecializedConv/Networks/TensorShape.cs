using System;
using System.Globalization;

namespace SpecializedConv.Networks;

/// <summary>
/// The shape of one sample as it flows between layers: C×H×W for the feature maps of convolution and pooling
/// layers, or a flat vector of <see cref="Length"/> values for dense layers. The batch dimension is not part of it.
/// </summary>
/// <remarks>
/// Layers are joined by length: a 16×4×4 feature map feeds a dense layer of 256 inputs as it is laid out in memory
/// (NCHW, row-major), which is PyTorch's <c>flatten</c>. The shape is still kept so that error messages and the
/// weights file can say what each layer takes and gives.
/// </remarks>
public readonly record struct TensorShape
{
    private TensorShape(int rank, int channels, int height, int width)
    {
        Rank = rank;
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>1 for a vector, 3 for C×H×W.</summary>
    public int Rank { get; }

    /// <summary>Channels C (1 for a vector).</summary>
    public int Channels { get; }

    /// <summary>Height H (1 for a vector).</summary>
    public int Height { get; }

    /// <summary>Width W, or the vector's length.</summary>
    public int Width { get; }

    /// <summary>Values in one sample, C·H·W.</summary>
    public int Length => Channels * Height * Width;

    /// <summary>A C×H×W feature map.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    /// <exception cref="ArgumentException">The length overflows.</exception>
    public static TensorShape Image(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if ((long)channels * height * width > int.MaxValue)
        {
            throw new ArgumentException($"A {channels}×{height}×{width} shape exceeds int.MaxValue values.", nameof(channels));
        }

        return new TensorShape(3, channels, height, width);
    }

    /// <summary>A flat vector of <paramref name="length"/> values.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is not positive.</exception>
    public static TensorShape Vector(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        return new TensorShape(1, 1, 1, length);
    }

    /// <summary>"6×24×24" or "120".</summary>
    public override string ToString() => Rank == 1
        ? Width.ToString(CultureInfo.InvariantCulture)
        : string.Create(CultureInfo.InvariantCulture, $"{Channels}×{Height}×{Width}");
}
