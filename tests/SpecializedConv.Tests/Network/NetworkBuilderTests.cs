using System;
using SpecializedConv.Networks;
using SpecializedConv.Tests.Layers;
using SpecializedConv.Tests.Numerics;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Building a network: shapes checked layer to layer, names, the parameter layout and the summary.</summary>
public sealed class NetworkBuilderTests
{
    [Fact]
    public void LeNet_builds_with_its_shapes_and_44_426_parameters()
    {
        using SequentialNetwork network = TestNetworks.LeNet();
        Assert.Equal(11, network.Layers.Count);
        Assert.Equal("1×28×28", network.InputShape.ToString());
        Assert.Equal("10", network.OutputShape.ToString());

        // 6·25 + 6, 16·150 + 16, 256·120 + 120, 120·84 + 84, 84·10 + 10.
        Assert.Equal(156 + 2416 + 30840 + 10164 + 850, network.ParameterCount);
        Assert.Equal(156 + 2416, network.ParameterOffset(6));
        Assert.Equal(30720, network.Weights(6).Length);
        Assert.Equal(120, network.Biases(6).Length);
        Assert.Equal(["ReLU1", "ReLU2", "ReLU3", "ReLU4"], [network.Layers[1].Name, network.Layers[4].Name, network.Layers[7].Name, network.Layers[9].Name]);
        Assert.Contains("44,426", network.Summary(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_layer_whose_output_does_not_fit_the_next_input_names_both_layers_and_shapes()
    {
        // LeNet with the second pooling layer left out: conv2's ReLU gives 16×8×8 = 1,024 values, fc1 takes 256.
        var builder = new NetworkBuilder()
            .Conv2D<LeNetConv1>("conv1").ReLU().MaxPool2D<LeNetPool1>("pool1")
            .Conv2D<LeNetConv2>("conv2").ReLU()
            .Dense<LeNetFull1>("fc1");

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("'ReLU2' (ReLU 16×8×8 → 16×8×8)", error.Message, StringComparison.Ordinal);
        Assert.Contains("16×8×8 = 1024 values", error.Message, StringComparison.Ordinal);
        Assert.Contains("'fc1' (Dense 256 → 120)", error.Message, StringComparison.Ordinal);
        Assert.Contains("takes 256 values", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_names_an_activation_first_and_an_empty_network_are_refused()
    {
        Assert.Throws<InvalidOperationException>(new NetworkBuilder().Dense<LeNetFull3>("x").Dense<Narrow5x3Dense>("x").Build);
        Assert.Throws<InvalidOperationException>(() => new NetworkBuilder().ReLU());
        Assert.Throws<InvalidOperationException>(new NetworkBuilder().Build);

        // Given its shape explicitly, an activation may come first.
        using SequentialNetwork network = new NetworkBuilder().Add(new ActivationLayer<Tanh>(TensorShape.Vector(84))).Dense<LeNetFull3>().Build();
        Assert.Equal("LeNetFull3", network.Layers[1].Name);
    }

    [Fact]
    public void Predict_checks_the_lengths_of_its_spans()
    {
        using SequentialNetwork network = TestNetworks.Kinked();
        Assert.Throws<ArgumentException>(() => network.Predict(new float[63], new float[4]));
        Assert.Throws<ArgumentException>(() => network.Predict(new float[128], new float[4]));
    }
}
