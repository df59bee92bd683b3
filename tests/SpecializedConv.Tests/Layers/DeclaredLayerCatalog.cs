using System;
using System.Collections.Generic;

namespace SpecializedConv.Tests.Layers;

/// <summary>The layers declared in this project (DeclaredLayers.cs), by the layers.json case they mirror.</summary>
public static class DeclaredLayerCatalog
{
    public static readonly IReadOnlyDictionary<string, Func<MaxPoolLayer>> MaxPool = new Dictionary<string, Func<MaxPoolLayer>>
    {
        ["lenet-pool1"] = MaxPoolLayer.For<LeNetPool1>,
        ["lenet-pool2"] = MaxPoolLayer.For<LeNetPool2>,
        ["overlap-k3-s2"] = MaxPoolLayer.For<OverlapK3S2Pool>,
        ["overlap-k2-s1"] = MaxPoolLayer.For<OverlapK2S1Pool>,
        ["padded-k3-s2-p1-negative"] = MaxPoolLayer.For<PaddedK3S2P1Pool.Kernel>,
        ["padded-k4-s3-p2"] = MaxPoolLayer.For<Nested.PaddedK4S3P2Pool>,
        ["wide-rows-k2"] = MaxPoolLayer.For<WideRowsPool>,
        ["global-k12"] = MaxPoolLayer.For<GlobalMaxPool>,
        ["single-cell"] = MaxPoolLayer.For<SingleCellPool>,
    };

    public static readonly IReadOnlyDictionary<string, Func<AvgPoolLayer>> AvgPool = new Dictionary<string, Func<AvgPoolLayer>>
    {
        ["lenet-avg1"] = AvgPoolLayer.For<LeNetAvgPool1>,
        ["avg-k3-s2-p1"] = AvgPoolLayer.For<AvgK3S2P1Pool>,
        ["avg-k3-s1"] = AvgPoolLayer.For<AvgK3S1Pool>,
        ["avg-k2-s3-gaps"] = AvgPoolLayer.For<AvgK2S3Pool.Kernel>,
        ["avg-global-k9"] = AvgPoolLayer.For<GlobalAvgPool>,
    };

    public static readonly IReadOnlyDictionary<string, Func<DenseLayer>> Dense = new Dictionary<string, Func<DenseLayer>>
    {
        ["lenet-fc1"] = DenseLayer.For<LeNetFull1>,
        ["lenet-fc2"] = DenseLayer.For<LeNetFull2>,
        ["lenet-fc3"] = DenseLayer.For<LeNetFull3>,
        ["narrow-5x3"] = DenseLayer.For<Narrow5x3Dense>,
        ["tail-13x7"] = DenseLayer.For<Tail13x7Dense.Kernel>,
        ["single-output-8x1"] = DenseLayer.For<SingleOutput8x1Dense>,
        ["odd-100x33"] = DenseLayer.For<Odd100x33Dense>,
    };
}
