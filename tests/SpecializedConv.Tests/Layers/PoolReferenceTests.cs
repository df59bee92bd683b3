using System;
using System.Linq;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// Every pooling case of layers.json (PyTorch's max_pool2d / avg_pool2d and autograd, in float64) through the layer
/// declared for it in this project, and through the scalar reference kernels that the layers fall back to.
/// </summary>
/// <remarks>
/// Tolerance <see cref="LayerTolerance.Reference"/> (1e-5 of the array's largest magnitude). Max pooling copies inputs,
/// so its outputs and arg-maxima must match exactly; only the backward pass's sums over overlapping windows (a few
/// float32 additions against float64 ones) and average pooling's window sums (at most 144 float32 additions and one
/// division) round at all, by a few units of 2^-24 ≈ 6e-8 of the magnitudes summed.
/// </remarks>
public sealed class PoolReferenceTests
{
    public static TheoryData<string> MaxPoolNames => LayerReferenceCases.MaxPoolNames;

    public static TheoryData<string> AvgPoolNames => LayerReferenceCases.AvgPoolNames;

    [Fact]
    public void Every_reference_case_has_a_declared_layer_of_its_shape()
    {
        Assert.Equal(LayerReferenceCases.MaxPool.Select(c => c.Name).Order(), DeclaredLayerCatalog.MaxPool.Keys.Order());
        Assert.Equal(LayerReferenceCases.AvgPool.Select(c => c.Name).Order(), DeclaredLayerCatalog.AvgPool.Keys.Order());
        foreach (PoolCase c in LayerReferenceCases.MaxPool)
        {
            Assert.Equal(c.Shape, DeclaredLayerCatalog.MaxPool[c.Name]().Shape);
        }

        foreach (PoolCase c in LayerReferenceCases.AvgPool)
        {
            Assert.Equal(c.Shape, DeclaredLayerCatalog.AvgPool[c.Name]().Shape);
        }
    }

    [Fact]
    public void Output_sizes_from_PoolAxis_equal_pytorchs()
    {
        foreach (PoolCase c in LayerReferenceCases.MaxPool.Concat(LayerReferenceCases.AvgPool))
        {
            Assert.Equal((c.Name, c.OutHeight, c.OutWidth), (c.Name, c.Shape.OutHeight, c.Shape.OutWidth));
        }
    }

    [Fact]
    public void Max_pool_cases_hold_ties_overlaps_and_padding()
    {
        Assert.Contains(LayerReferenceCases.MaxPool, c => c.Stride < c.Size);
        Assert.Contains(LayerReferenceCases.MaxPool, c => c.Padding > 0 && c.Input.All(x => x < 0));
        Assert.Contains(LayerReferenceCases.MaxPool, c => c.Size * c.Size > 64);
        Assert.Contains(LayerReferenceCases.MaxPool, c => c.Input.Distinct().Count() < c.Input.Length / 2);
    }

    [Theory]
    [MemberData(nameof(MaxPoolNames))]
    public void Generated_max_pool_matches_pytorch_including_arg_max_and_ties(string name)
    {
        PoolCase c = LayerReferenceCases.MaxPoolCase(name);
        MaxPoolLayer layer = DeclaredLayerCatalog.MaxPool[name]();
        float[] output = NumericAssert.Poisoned(c.Output.Length);
        int[] argMax = PoisonedIndices(c.Output.Length);

        layer.Forward(c.Input, output, argMax);

        Assert.Equal(c.Output, output);
        Assert.Equal(c.ArgMax, argMax);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);
        layer.Backward(c.OutputGrad, c.ArgMax, inputGrad);
        NumericAssert.AssertClose(c.InputGrad, inputGrad, LayerTolerance.Reference, $"{name} inputGrad");
    }

    [Theory]
    [MemberData(nameof(MaxPoolNames))]
    public void Reference_max_pool_matches_pytorch_including_arg_max_and_ties(string name)
    {
        PoolCase c = LayerReferenceCases.MaxPoolCase(name);
        float[] output = NumericAssert.Poisoned(c.Output.Length);
        int[] argMax = PoisonedIndices(c.Output.Length);

        ReferencePool2D.MaxPoolForward(c.Shape, c.Input, output, argMax);

        Assert.Equal(c.Output, output);
        Assert.Equal(c.ArgMax, argMax);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);
        ReferencePool2D.MaxPoolBackward(c.Shape, c.OutputGrad, c.ArgMax, inputGrad);
        NumericAssert.AssertClose(c.InputGrad, inputGrad, LayerTolerance.Reference, $"{name} inputGrad");
    }

    [Theory]
    [MemberData(nameof(AvgPoolNames))]
    public void Generated_avg_pool_matches_pytorch_with_padding_counted(string name)
    {
        PoolCase c = LayerReferenceCases.AvgPoolCase(name);
        AvgPoolLayer layer = DeclaredLayerCatalog.AvgPool[name]();
        float[] output = NumericAssert.Poisoned(c.Output.Length);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);

        layer.Forward(c.Input, output);
        layer.Backward(c.OutputGrad, inputGrad);

        NumericAssert.AssertClose(c.Output, output, LayerTolerance.Reference, $"{name} output");
        NumericAssert.AssertClose(c.InputGrad, inputGrad, LayerTolerance.Reference, $"{name} inputGrad");
    }

    [Theory]
    [MemberData(nameof(AvgPoolNames))]
    public void Reference_avg_pool_matches_pytorch_with_padding_counted(string name)
    {
        PoolCase c = LayerReferenceCases.AvgPoolCase(name);
        float[] output = NumericAssert.Poisoned(c.Output.Length);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);

        ReferencePool2D.AvgPoolForward(c.Shape, c.Input, output);
        ReferencePool2D.AvgPoolBackward(c.Shape, c.OutputGrad, inputGrad);

        NumericAssert.AssertClose(c.Output, output, LayerTolerance.Reference, $"{name} output");
        NumericAssert.AssertClose(c.InputGrad, inputGrad, LayerTolerance.Reference, $"{name} inputGrad");
    }

    [Fact]
    public void Generated_lenet_pools_have_the_published_sizes()
    {
        Assert.Equal((6, 24, 24, 12, 12, 2, 2, 0), (LeNetPool1.Channels, LeNetPool1.InHeight, LeNetPool1.InWidth, LeNetPool1.OutHeight, LeNetPool1.OutWidth, LeNetPool1.Size, LeNetPool1.Stride, LeNetPool1.Padding));
        Assert.Equal((3456, 864), (LeNetPool1.InputLength, LeNetPool1.OutputLength));
        Assert.Equal((16, 4, 4, 256), (LeNetPool2.Channels, LeNetPool2.OutHeight, LeNetPool2.OutWidth, LeNetPool2.OutputLength));
        Assert.Equal((14, 14, 4), (LeNetAvgPool1.OutHeight, LeNetAvgPool1.OutWidth, LeNetAvgPool1.WindowArea));
        Assert.Equal((5, 5, 2), (PaddedK3S2P1Pool.OutHeight, PaddedK3S2P1Pool.OutWidth, PaddedK3S2P1Pool.Stride));
    }

    internal static int[] PoisonedIndices(int length)
    {
        int[] indices = new int[length];
        indices.AsSpan().Fill(-1);
        return indices;
    }
}
