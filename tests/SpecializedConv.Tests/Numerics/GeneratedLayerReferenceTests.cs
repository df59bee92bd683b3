using System;
using System.Collections.Generic;
using System.Linq;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// Every reference case of conv2d.json (PyTorch autograd in float64, cross-checked with scipy) run through a layer
/// the generator has never seen before: one class per case is declared, generated, compiled and loaded in memory.
/// Tolerance 1e-4 of the array's largest magnitude: the reference README measures float32 within about 1e-5.
/// </summary>
public sealed class GeneratedLayerReferenceTests
{
    private static readonly Lazy<IReadOnlyDictionary<string, GeneratedLayer>> Layers = new(() =>
    {
        IReadOnlyList<ReferenceCase> cases = ReferenceCases.All;
        IReadOnlyList<GeneratedLayer> layers = GeneratorHarness.CompileLayers(cases.Select(c => c.Shape).ToArray());
        return cases.Select((c, i) => (c.Name, Layer: layers[i])).ToDictionary(p => p.Name, p => p.Layer);
    });

    public static TheoryData<string> Names => ReferenceCases.Names;

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_pytorch_for_every_reference_case(string name)
    {
        ReferenceCase c = ReferenceCases.ByName(name);
        float[] output = NumericAssert.Poisoned(c.Output.Length);

        Layers.Value[name].Forward(c.Input, c.Weights, c.Bias, output);

        NumericAssert.AssertClose(c.Output, output, NumericAssert.ReferenceTolerance, $"{name} output");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardData_matches_pytorch_for_every_reference_case(string name)
    {
        ReferenceCase c = ReferenceCases.ByName(name);
        float[] inputGrad = NumericAssert.Poisoned(c.InputGrad.Length);

        Layers.Value[name].BackwardData(c.OutputGrad, c.Weights, inputGrad);

        NumericAssert.AssertClose(c.InputGrad, inputGrad, NumericAssert.ReferenceTolerance, $"{name} inputGrad");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardWeights_matches_pytorch_for_every_reference_case(string name)
    {
        ReferenceCase c = ReferenceCases.ByName(name);
        float[] weightGrad = NumericAssert.Poisoned(c.WeightGrad.Length);
        float[] biasGrad = NumericAssert.Poisoned(c.BiasGrad.Length);

        Layers.Value[name].BackwardWeights(c.Input, c.OutputGrad, weightGrad, biasGrad);

        NumericAssert.AssertClose(c.WeightGrad, weightGrad, NumericAssert.ReferenceTolerance, $"{name} weightGrad");
        NumericAssert.AssertClose(c.BiasGrad, biasGrad, NumericAssert.ReferenceTolerance, $"{name} biasGrad");
    }

    [Fact]
    public void Generated_constants_equal_the_reference_shapes()
    {
        foreach (ReferenceCase c in ReferenceCases.All)
        {
            Conv2DShape shape = Layers.Value[c.Name].Shape;
            Assert.Equal((c.OutHeight, c.OutWidth), (shape.OutHeight, shape.OutWidth));
            Assert.Equal((c.PadTop, c.PadBottom, c.PadLeft, c.PadRight), (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight));
        }
    }
}
