using System.Linq;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// Every dense case of layers.json (PyTorch's F.linear and autograd, in float64) through the layer declared for it in
/// this project, and through the scalar reference kernels. Tolerance <see cref="LayerTolerance.Reference"/>.
/// </summary>
public sealed class DenseReferenceTests
{
    public static TheoryData<string> Names => LayerReferenceCases.DenseNames;

    [Fact]
    public void Every_reference_case_has_a_declared_layer_of_its_shape()
    {
        Assert.Equal(LayerReferenceCases.Dense.Select(c => c.Name).Order(), DeclaredLayerCatalog.Dense.Keys.Order());
        foreach (DenseCase c in LayerReferenceCases.Dense)
        {
            Assert.Equal(c.Shape, DeclaredLayerCatalog.Dense[c.Name]().Shape);
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Generated_forward_matches_pytorch(string name)
    {
        DenseCase c = LayerReferenceCases.DenseCase(name);
        float[] output = NumericAssert.Poisoned(c.Output.Length);

        DeclaredLayerCatalog.Dense[name]().Forward(c.Input, c.Weights, c.Bias, output);

        NumericAssert.AssertClose(c.Output, output, LayerTolerance.Reference, $"{name} output");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Generated_backward_data_matches_pytorch(string name)
    {
        DenseCase c = LayerReferenceCases.DenseCase(name);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);

        DeclaredLayerCatalog.Dense[name]().BackwardData(c.OutputGrad, c.Weights, inputGrad);

        NumericAssert.AssertClose(c.InputGrad, inputGrad, LayerTolerance.Reference, $"{name} inputGrad");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Generated_backward_weights_matches_pytorch_summed_over_the_batch(string name)
    {
        DenseCase c = LayerReferenceCases.DenseCase(name);
        float[] weightGrad = NumericAssert.Poisoned(c.WeightGrad.Length);
        float[] biasGrad = NumericAssert.Poisoned(c.BiasGrad.Length);

        DeclaredLayerCatalog.Dense[name]().BackwardWeights(c.Input, c.OutputGrad, weightGrad, biasGrad);

        NumericAssert.AssertClose(c.WeightGrad, weightGrad, LayerTolerance.Reference, $"{name} weightGrad");
        NumericAssert.AssertClose(c.BiasGrad, biasGrad, LayerTolerance.Reference, $"{name} biasGrad");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Reference_kernels_match_pytorch(string name)
    {
        DenseCase c = LayerReferenceCases.DenseCase(name);
        float[] output = NumericAssert.Poisoned(c.Output.Length);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);
        float[] weightGrad = NumericAssert.Poisoned(c.WeightGrad.Length);
        float[] biasGrad = NumericAssert.Poisoned(c.BiasGrad.Length);

        ReferenceDense.Forward(c.Shape, c.Input, c.Weights, c.Bias, output);
        ReferenceDense.BackwardData(c.Shape, c.OutputGrad, c.Weights, inputGrad);
        ReferenceDense.BackwardWeights(c.Shape, c.Input, c.OutputGrad, weightGrad, biasGrad);

        NumericAssert.AssertClose(c.Output, output, LayerTolerance.Reference, $"{name} output");
        NumericAssert.AssertClose(c.InputGrad, inputGrad, LayerTolerance.Reference, $"{name} inputGrad");
        NumericAssert.AssertClose(c.WeightGrad, weightGrad, LayerTolerance.Reference, $"{name} weightGrad");
        NumericAssert.AssertClose(c.BiasGrad, biasGrad, LayerTolerance.Reference, $"{name} biasGrad");
    }

    [Fact]
    public void Generated_lenet_dense_layers_have_the_published_sizes()
    {
        Assert.Equal((256, 120, 256, 120, 30720, 120), (LeNetFull1.Inputs, LeNetFull1.Outputs, LeNetFull1.InputLength, LeNetFull1.OutputLength, LeNetFull1.WeightLength, LeNetFull1.BiasLength));
        Assert.Equal((120, 84, 10080), (LeNetFull2.Inputs, LeNetFull2.Outputs, LeNetFull2.WeightLength));
        Assert.Equal((84, 10, 840), (LeNetFull3.Inputs, LeNetFull3.Outputs, LeNetFull3.WeightLength));
    }
}
