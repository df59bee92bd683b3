using System;
using SpecializedConv.Tests.Infrastructure;

namespace SpecializedConv.Tests.Hardening;

/// <summary>
/// The three passes of a layer with its shape, whether a generated layer (through <see cref="IConv2DKernel"/>, as generic
/// code calls it) or <see cref="ReferenceConv2D"/> bound to a shape, so that one test body checks both.
/// </summary>
public sealed class LayerPasses
{
    private LayerPasses(string name, Conv2DShape shape, GeneratedLayer.ForwardPass forward, GeneratedLayer.BackwardDataPass backwardData, GeneratedLayer.BackwardWeightsPass backwardWeights)
    {
        Name = name;
        Shape = shape;
        Forward = forward;
        BackwardData = backwardData;
        BackwardWeights = backwardWeights;
    }

    public string Name { get; }

    public Conv2DShape Shape { get; }

    public GeneratedLayer.ForwardPass Forward { get; }

    public GeneratedLayer.BackwardDataPass BackwardData { get; }

    public GeneratedLayer.BackwardWeightsPass BackwardWeights { get; }

    public static LayerPasses Generated<TKernel>()
        where TKernel : IConv2DKernel
    {
        GeneratedLayer layer = GeneratedLayer.For<TKernel>();
        Type type = typeof(TKernel);
        return new LayerPasses(type.DeclaringType is { } outer ? $"{outer.Name}.{type.Name}" : type.Name, layer.Shape, layer.Forward, layer.BackwardData, layer.BackwardWeights);
    }

    public static LayerPasses Reference(Conv2DShape shape) =>
        new(
            $"ReferenceConv2D({shape})",
            shape,
            (input, weights, bias, output) => ReferenceConv2D.Forward(shape, input, weights, bias, output),
            (outputGrad, weights, inputGrad) => ReferenceConv2D.BackwardData(shape, outputGrad, weights, inputGrad),
            (input, outputGrad, weightGrad, biasGrad) => ReferenceConv2D.BackwardWeights(shape, input, outputGrad, weightGrad, biasGrad));

    public override string ToString() => Name;
}
