using System;

namespace SpecializedConv;

/// <summary>
/// Declares a 2-D average-pooling layer of a fixed shape on a <c>partial</c> class. At compile time the SpecializedConv
/// generator adds to the class the layer's constants (<c>Channels</c> … <c>OutputLength</c>) and its
/// <c>Forward</c> and <c>Backward</c> passes.
/// </summary>
/// <remarks>
/// As PyTorch's <c>nn.AvgPool2d(size, stride, padding)</c> with its defaults <c>ceil_mode=False</c> and
/// <c>count_include_pad=True</c>: padded cells count as 0 and every window is divided by Size², padding included.
/// </remarks>
/// <example>
/// <code>
/// [AvgPool2D(6, 28, 28, 2)]          // LeNet-5 as published (average pooling): 6×28×28 → 6×14×14
/// public partial class LeNetSubsampling1;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class AvgPool2DAttribute : Attribute
{
    /// <summary>Declares a layer with a square <paramref name="size"/> × <paramref name="size"/> window.</summary>
    /// <param name="channels">Channels C (pooled independently).</param>
    /// <param name="inHeight">Input height H.</param>
    /// <param name="inWidth">Input width W.</param>
    /// <param name="size">Window height and width.</param>
    public AvgPool2DAttribute(int channels, int inHeight, int inWidth, int size)
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

    /// <summary>Cells of 0 added on every side of the input (default 0), at most <see cref="Size"/> / 2.</summary>
    public int Padding { get; set; }
}
