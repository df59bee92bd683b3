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
public sealed class MaxPool2DAttribute : Pool2DAttributeBase
{
    /// <inheritdoc cref="Pool2DAttributeBase(int, int, int, int)"/>
    public MaxPool2DAttribute(int channels, int inHeight, int inWidth, int size)
        : base(channels, inHeight, inWidth, size)
    {
    }
}
