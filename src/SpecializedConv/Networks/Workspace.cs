using System;

namespace SpecializedConv.Networks;

/// <summary>
/// The buffers one thread (inference) or one batch shard (training) runs a network in: every layer's output, the
/// layers' scratch, and for training the gathered input batch, two alternating activation-gradient buffers and a
/// parameter-gradient buffer. Allocated once at the largest batch it will see, so a step allocates nothing, and
/// 64-byte aligned (<see cref="AlignedBuffer"/>), as the generated kernels read and write them fastest.
/// </summary>
internal sealed class Workspace
{
    public Workspace(SequentialNetwork network, int capacity, bool training)
    {
        Capacity = capacity;
        Layer[] layers = network.LayerArray;
        Outputs = new ArraySegment<float>[layers.Length];
        Scratch = new object?[layers.Length];
        int largestGradient = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            Outputs[i] = AlignedBuffer.Allocate(checked(capacity * layers[i].OutputLength));
            Scratch[i] = layers[i].CreateScratch(capacity);

            // Gradients flow into every layer's output; the network's own input needs none.
            largestGradient = Math.Max(largestGradient, layers[i].OutputLength);
        }

        if (training)
        {
            Input = AlignedBuffer.Allocate(checked(capacity * network.InputLength));
            Labels = new byte[capacity];
            GradientA = AlignedBuffer.Allocate(checked(capacity * largestGradient));
            GradientB = AlignedBuffer.Allocate(GradientA.Count);
            ParameterGradient = AlignedBuffer.Allocate(network.ParameterCount);
        }
        else
        {
            Input = ArraySegment<float>.Empty;
            Labels = [];
            GradientA = GradientB = ParameterGradient = ArraySegment<float>.Empty;
        }
    }

    /// <summary>Samples the buffers hold at most.</summary>
    public int Capacity { get; }

    /// <summary>The gathered input samples (training only).</summary>
    public ArraySegment<float> Input { get; }

    /// <summary>Their labels (training only).</summary>
    public byte[] Labels { get; }

    /// <summary>Each layer's output, Capacity × OutputLength.</summary>
    public ArraySegment<float>[] Outputs { get; }

    /// <summary>Each layer's <see cref="Layer.CreateScratch"/>.</summary>
    public object?[] Scratch { get; }

    /// <summary>Gradient buffers that layers read from and write to in turn (training only).</summary>
    public ArraySegment<float> GradientA { get; }

    /// <inheritdoc cref="GradientA"/>
    public ArraySegment<float> GradientB { get; }

    /// <summary>dLoss/dParameters of this shard, laid out as the network's parameters (training only).</summary>
    public ArraySegment<float> ParameterGradient { get; }

    /// <summary>Samples in the current shard.</summary>
    public int Count { get; set; }

    /// <summary>Sum of the current shard's per-sample losses.</summary>
    public double LossSum { get; set; }

    /// <summary>Samples of the current shard whose largest output is at their label.</summary>
    public int Correct { get; set; }
}
