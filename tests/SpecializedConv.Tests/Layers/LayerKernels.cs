using System;
using System.Reflection;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// A generated max-pooling layer's passes as delegates, called through <see cref="IMaxPool2DKernel"/>'s static abstract
/// members (as generic runtime code calls them), so tests exercise the interface too.
/// </summary>
public sealed class MaxPoolLayer
{
    public delegate void ForwardPass(ReadOnlySpan<float> input, Span<float> output, Span<int> argMax);

    public delegate void BackwardPass(ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argMax, Span<float> inputGrad);

    private MaxPoolLayer(Type kernelType, Pool2DShape shape, ForwardPass forward, BackwardPass backward) =>
        (KernelType, Shape, Forward, Backward) = (kernelType, shape, forward, backward);

    public Type KernelType { get; }

    public Pool2DShape Shape { get; }

    public ForwardPass Forward { get; }

    public BackwardPass Backward { get; }

    public static MaxPoolLayer For<TKernel>()
        where TKernel : IMaxPool2DKernel =>
        new(typeof(TKernel), TKernel.Shape, TKernel.Forward, TKernel.Backward);

    /// <summary>Wraps a type implementing <see cref="IMaxPool2DKernel"/> (for a static layer class, its nested <c>Kernel</c>).</summary>
    public static MaxPoolLayer For(Type layerType) => (MaxPoolLayer)KernelFactory.Invoke(typeof(MaxPoolLayer), typeof(IMaxPool2DKernel), layerType);
}

/// <summary>A generated average-pooling layer's passes, called through <see cref="IAvgPool2DKernel"/>.</summary>
public sealed class AvgPoolLayer
{
    public delegate void ForwardPass(ReadOnlySpan<float> input, Span<float> output);

    public delegate void BackwardPass(ReadOnlySpan<float> outputGrad, Span<float> inputGrad);

    private AvgPoolLayer(Type kernelType, Pool2DShape shape, ForwardPass forward, BackwardPass backward) =>
        (KernelType, Shape, Forward, Backward) = (kernelType, shape, forward, backward);

    public Type KernelType { get; }

    public Pool2DShape Shape { get; }

    public ForwardPass Forward { get; }

    public BackwardPass Backward { get; }

    public static AvgPoolLayer For<TKernel>()
        where TKernel : IAvgPool2DKernel =>
        new(typeof(TKernel), TKernel.Shape, TKernel.Forward, TKernel.Backward);

    /// <summary>Wraps a type implementing <see cref="IAvgPool2DKernel"/> (for a static layer class, its nested <c>Kernel</c>).</summary>
    public static AvgPoolLayer For(Type layerType) => (AvgPoolLayer)KernelFactory.Invoke(typeof(AvgPoolLayer), typeof(IAvgPool2DKernel), layerType);
}

/// <summary>A generated dense layer's passes, called through <see cref="IDenseKernel"/>.</summary>
public sealed class DenseLayer
{
    public delegate void ForwardPass(ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output);

    public delegate void BackwardDataPass(ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad);

    public delegate void BackwardWeightsPass(ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad);

    private DenseLayer(Type kernelType, DenseShape shape, ForwardPass forward, BackwardDataPass backwardData, BackwardWeightsPass backwardWeights) =>
        (KernelType, Shape, Forward, BackwardData, BackwardWeights) = (kernelType, shape, forward, backwardData, backwardWeights);

    public Type KernelType { get; }

    public DenseShape Shape { get; }

    public ForwardPass Forward { get; }

    public BackwardDataPass BackwardData { get; }

    public BackwardWeightsPass BackwardWeights { get; }

    public static DenseLayer For<TKernel>()
        where TKernel : IDenseKernel =>
        new(typeof(TKernel), TKernel.Shape, TKernel.Forward, TKernel.BackwardData, TKernel.BackwardWeights);

    /// <summary>Wraps a type implementing <see cref="IDenseKernel"/> (for a static layer class, its nested <c>Kernel</c>).</summary>
    public static DenseLayer For(Type layerType) => (DenseLayer)KernelFactory.Invoke(typeof(DenseLayer), typeof(IDenseKernel), layerType);
}

/// <summary>Calls a wrapper's generic <c>For&lt;TKernel&gt;()</c> for a type known only at run time (a layer compiled in memory).</summary>
internal static class KernelFactory
{
    public static object Invoke(Type wrapper, Type kernelInterface, Type layerType)
    {
        Type kernelType = kernelInterface.IsAssignableFrom(layerType)
            ? layerType
            : layerType.GetNestedType("Kernel") ?? throw new ArgumentException($"{layerType} does not implement {kernelInterface.Name}.", nameof(layerType));
        MethodInfo factory = wrapper.GetMethod("For", Type.EmptyTypes)!.MakeGenericMethod(kernelType);
        return factory.Invoke(null, null)!;
    }
}
