using System;
using SpecializedConv.Data;
using SpecializedConv.Networks;
using SpecializedConv.Tests.Layers;
using SpecializedConv.Tests.Numerics;

namespace SpecializedConv.Tests.Network;

/// <summary>The networks and data the network tests share.</summary>
internal static class TestNetworks
{
    private static readonly Lazy<(Dataset Train, Dataset Test)> Subset = new(() =>
    {
        string folder = FashionMnist.DefaultSubsetFolder
            ?? throw new InvalidOperationException("The repository's data/fashion-mnist-subset was not found above the test binaries.");
        (Dataset train, Dataset test, _) = FashionMnist.Load(folder);
        return (train, test);
    });

    /// <summary>The shipped Fashion-MNIST subset (6,000 training and 1,000 test images), loaded once.</summary>
    public static (Dataset Train, Dataset Test) FashionSubset => Subset.Value;

    /// <summary>LeNet-5 (ReLU, max pooling) from the layers the other test folders declare.</summary>
    public static SequentialNetwork LeNet() => new NetworkBuilder()
        .Conv2D<LeNetConv1>("conv1").ReLU().MaxPool2D<LeNetPool1>("pool1")
        .Conv2D<LeNetConv2>("conv2").ReLU().MaxPool2D<LeNetPool2>("pool2")
        .Dense<LeNetFull1>("fc1").ReLU()
        .Dense<LeNetFull2>("fc2").ReLU()
        .Dense<LeNetFull3>("fc3")
        .Build();

    /// <summary>Differentiable everywhere: conv, tanh, average pooling, dense, sigmoid, dense. 1×8×8 → 4.</summary>
    public static SequentialNetwork Smooth() => new NetworkBuilder()
        .Conv2D<SmoothConv>("conv").Tanh().AvgPool2D<SmoothPool>("pool")
        .Dense<SmoothHidden>("hidden").Sigmoid()
        .Dense<SmoothOutput>("output")
        .Build();

    /// <summary>Piecewise linear: conv, ReLU, max pooling, dense. 1×8×8 → 4.</summary>
    public static SequentialNetwork Kinked() => new NetworkBuilder()
        .Conv2D<KinkedConv>("conv").ReLU().MaxPool2D<KinkedPool>("pool")
        .Dense<KinkedOutput>("output")
        .Build();

    /// <summary>A small Fashion-MNIST classifier, about 40 times cheaper than LeNet-5: 1×28×28 → 10.</summary>
    public static SequentialNetwork Tiny() => new NetworkBuilder()
        .AvgPool2D<TinyDownsample>("downsample")
        .Conv2D<TinyConv>("conv").ReLU().MaxPool2D<TinyPool>("pool")
        .Dense<TinyOutput>("output")
        .Build();

    /// <summary><paramref name="count"/> images of <paramref name="length"/> values uniform in [0, 1), as pixels are.</summary>
    public static float[] RandomImages(Random random, int count, int length)
    {
        var images = new float[count * length];
        for (int i = 0; i < images.Length; i++)
        {
            images[i] = random.NextSingle();
        }

        return images;
    }

    /// <summary><paramref name="count"/> labels uniform over <paramref name="classes"/> classes.</summary>
    public static byte[] RandomLabels(Random random, int count, int classes)
    {
        var labels = new byte[count];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = (byte)random.Next(classes);
        }

        return labels;
    }

    /// <summary>The first <paramref name="count"/> examples of <paramref name="data"/>.</summary>
    public static Dataset Take(Dataset data, int count) => new(
        data.Images.AsSpan(0, count * data.ImageLength).ToArray(), data.Labels.AsSpan(0, count).ToArray(), data.Height, data.Width);
}
