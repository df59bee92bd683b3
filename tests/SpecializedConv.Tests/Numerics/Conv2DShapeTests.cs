using System;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// <see cref="Conv2DShape"/>'s validation and a few shapes worked by hand. The padding and output size of every
/// reference case are checked against PyTorch in <see cref="ReferenceConv2DTests"/>.
/// </summary>
public sealed class Conv2DShapeTests
{
    [Fact]
    public void LeNet_conv1_maps_28x28_to_six_24x24_planes()
    {
        var shape = new Conv2DShape(inChannels: 1, inHeight: 28, inWidth: 28, outChannels: 6, kernelHeight: 5, kernelWidth: 5);

        Assert.Equal((24, 24), (shape.OutHeight, shape.OutWidth));
        Assert.Equal((0, 0, 0, 0), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        Assert.Equal(28 * 28, shape.InputLength);
        Assert.Equal(6 * 24 * 24, shape.OutputLength);
        Assert.Equal(6 * 5 * 5, shape.WeightLength);
        Assert.Equal(6, shape.BiasLength);
        Assert.Equal(6L * 5 * 5 * 24 * 24, shape.MultiplyAdds);
    }

    [Fact]
    public void Same_with_an_even_kernel_puts_the_extra_zero_after_for_cross_correlation()
    {
        // E = 4: scipy's 'same' pads (E-1)/2 = 1 before and E/2 = 2 after.
        var shape = new Conv2DShape(1, 10, 9, 1, kernelHeight: 4, kernelWidth: 4, mode: ConvMode.Same);

        Assert.Equal((1, 2, 1, 2), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        Assert.Equal((10, 9), (shape.OutHeight, shape.OutWidth));
    }

    [Fact]
    public void Same_with_an_even_kernel_puts_the_extra_zero_before_for_convolution()
    {
        // Flipping the kernel mirrors the split: E/2 = 2 before, (E-1)/2 = 1 after.
        var shape = new Conv2DShape(1, 10, 9, 1, kernelHeight: 4, kernelWidth: 4, mode: ConvMode.Same, kind: ConvKind.Convolution);

        Assert.Equal((2, 1, 2, 1), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        Assert.Equal((10, 9), (shape.OutHeight, shape.OutWidth));
    }

    [Fact]
    public void Same_pads_by_the_dilated_extent()
    {
        // A 2-tap kernel with dilation 3 spans E = 4, so it splits like a 4-tap kernel.
        var shape = new Conv2DShape(1, 8, 8, 1, kernelHeight: 2, kernelWidth: 3, mode: ConvMode.Same, dilation: 3);

        Assert.Equal((1, 2), (shape.PadTop, shape.PadBottom));
        Assert.Equal((3, 3), (shape.PadLeft, shape.PadRight));
        Assert.Equal((8, 8), (shape.OutHeight, shape.OutWidth));
    }

    [Fact]
    public void Full_pads_by_the_extent_minus_one_on_every_side()
    {
        var shape = new Conv2DShape(1, 3, 3, 1, kernelHeight: 2, kernelWidth: 2, mode: ConvMode.Full);

        Assert.Equal((1, 1, 1, 1), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        Assert.Equal((4, 4), (shape.OutHeight, shape.OutWidth));
    }

    [Fact]
    public void Stride_keeps_every_stride_th_position_of_the_stride_one_output()
    {
        // Stride 1 gives 24 positions (0..23); stride 2 keeps 0, 2, ..., 22.
        var shape = new Conv2DShape(1, 28, 27, 1, kernelHeight: 5, kernelWidth: 5, stride: 2);

        Assert.Equal((12, 12), (shape.OutHeight, shape.OutWidth));
    }

    [Fact]
    public void Valid_padding_is_added_on_both_sides()
    {
        var shape = new Conv2DShape(1, 5, 5, 1, kernelHeight: 3, kernelWidth: 3, padding: 2);

        Assert.Equal((2, 2, 2, 2), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        Assert.Equal((7, 7), (shape.OutHeight, shape.OutWidth));
    }

    [Theory]
    [InlineData("inChannels")]
    [InlineData("inHeight")]
    [InlineData("inWidth")]
    [InlineData("outChannels")]
    [InlineData("kernelHeight")]
    [InlineData("kernelWidth")]
    [InlineData("stride")]
    [InlineData("dilation")]
    public void Constructor_rejects_a_size_below_one(string parameter)
    {
        int Size(string name, int valid) => name == parameter ? 0 : valid;

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(
            Size("inChannels", 2), Size("inHeight", 8), Size("inWidth", 8), Size("outChannels", 2), Size("kernelHeight", 3), Size("kernelWidth", 3),
            stride: Size("stride", 1), dilation: Size("dilation", 1)));

        Assert.Equal(parameter, exception.ParamName);
    }

    [Fact]
    public void Constructor_rejects_negative_padding()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DShape(1, 5, 5, 1, 3, 3, padding: -1));

        Assert.Equal("padding", exception.ParamName);
    }

    [Theory]
    [InlineData(ConvMode.Same)]
    [InlineData(ConvMode.Full)]
    public void Constructor_rejects_explicit_padding_outside_valid_mode(ConvMode mode)
    {
        var exception = Assert.Throws<ArgumentException>(() => new Conv2DShape(1, 5, 5, 1, 3, 3, mode, padding: 1));

        Assert.Equal("padding", exception.ParamName);
    }

    [Fact]
    public void Constructor_rejects_a_dilated_kernel_larger_than_the_padded_input()
    {
        // 3 taps with dilation 3 span 7 rows; the input has 6.
        var exception = Assert.Throws<ArgumentException>(() => new Conv2DShape(1, 6, 10, 1, 3, 3, dilation: 3));

        Assert.Equal("kernelHeight", exception.ParamName);
    }

    [Fact]
    public void Constructor_rejects_lengths_beyond_int_range()
    {
        var exception = Assert.Throws<ArgumentException>(() => new Conv2DShape(65536, 256, 256, 1, 1, 1));

        Assert.Equal("inChannels", exception.ParamName);
    }
}
