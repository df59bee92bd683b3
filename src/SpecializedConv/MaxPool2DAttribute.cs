using System;

namespace SpecializedConv;

/// <summary>
/// Declares a 2-D max-pooling layer of a fixed shape on a <c>partial</c> class. At compile time the SpecializedConv
/// generator adds to the class the layer's constants (<c>Channels</c> … <c>OutputLength</c>) and its
/// <c>Forward</c> (which records where each maximum came from) and <c>Backward</c> passes.
/// </summary>
/// <remarks>
/// As PyTorch's <c>nn.MaxPool2d(size, stride, padding)</c> with <c>ceil_mode=False</c>: padded cells count as −∞,
/// so they never win, and ties go to the first maximum in row-major window order.
/// </remarks>
/// <example>
/// <code>
/// [MaxPool2D(6, 24, 24, 2)]          // LeNet-5: 6×24×24 → 6×12×12
/// public partial class LeNetPool1;
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class MaxPool2DAttribute : Attribute
{
    /// <summary>Declares a layer with a square <paramref name="size"/> × <paramref name="size"/> window.</summary>
    /// <param name="channels">Channels C (pooled independently).</param>
    /// <param name="inHeight">Input height H.</param>
    /// <param name="inWidth">Input width W.</param>
    /// <param name="size">Window height and width.</param>
    public MaxPool2DAttribute(int channels, int inHeight, int inWidth, int size)
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

    /// <summary>Cells of −∞ added on every side of the input (default 0), at most <see cref="Size"/> / 2.</summary>
    public int Padding { get; set; }
}
