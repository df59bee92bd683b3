using System;

namespace SpecializedConv;

/// <summary>The shape shared by <see cref="MaxPool2DAttribute"/> and <see cref="AvgPool2DAttribute"/>.</summary>
public abstract class Pool2DAttributeBase : Attribute
{
    /// <summary>Declares a layer with a square <paramref name="size"/> × <paramref name="size"/> window.</summary>
    /// <param name="channels">Channels C (pooled independently).</param>
    /// <param name="inHeight">Input height H.</param>
    /// <param name="inWidth">Input width W.</param>
    /// <param name="size">Window height and width.</param>
    protected Pool2DAttributeBase(int channels, int inHeight, int inWidth, int size)
    {
        Channels = channels;
        InHeight = inHeight;
        InWidth = inWidth;
        Size = size;
    }

    /// <summary>Channels C.</summary>
    public int Channels { get; }

    /// <summary>Input height H.</summary>
    public int InHeight { get; }

    /// <summary>Input width W.</summary>
    public int InWidth { get; }

    /// <summary>Window height and width.</summary>
    public int Size { get; }

    /// <summary>Step between windows on both axes; 0 (the default) means <see cref="Size"/>, as PyTorch's <c>stride=None</c>.</summary>
    public int Stride { get; set; }

    /// <summary>
    /// Cells added on every side of the input (default 0), at most <see cref="Size"/> / 2: −∞ for max pooling (they never
    /// win), 0 for average pooling.
    /// </summary>
    public int Padding { get; set; }
}
