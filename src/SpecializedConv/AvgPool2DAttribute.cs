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
public sealed class AvgPool2DAttribute : Pool2DAttributeBase
{
    /// <inheritdoc cref="Pool2DAttributeBase(int, int, int, int)"/>
    public AvgPool2DAttribute(int channels, int inHeight, int inWidth, int size)
        : base(channels, inHeight, inWidth, size)
    {
    }
}
