using System;

namespace SpecializedConv.Networks;

/// <summary>
/// The buffers one thread (inference) or one batch shard (training) runs a network in: every layer's output, the
/// layers' scratch, and for training the gathered input batch, two alternating activation-gradient buffers and a
/// parameter-gradient buffer. Allocated once at the largest batch it will see, so a step allocates nothing.
/// </summary>
internal sealed class Workspace
{
    public Workspace(SequentialNetwork network, int capacity, bool training)
    {
        Capacity = capacity;
        Layer[] layers = network.LayerArray;
        Outputs = new float[layers.Length][];
        Scratch = new object?[layers.Length];
        int largestGradient = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            Outputs[i] = new float[checked(capacity * layers[i].OutputLength)];
            Scratch[i] = layers[i].CreateScratch(capacity);

            // Gradients flow into every layer's output; the network's own input needs none.
            largestGradient = Math.Max(largestGradient, layers[i].OutputLength);
        }

        if (training)
        {
            Input = new float[checked(capacity * network.InputLength)];
            Labels = new byte[capacity];
            GradientA = new float[checked(capacity * largestGradient)];
            GradientB = new float[GradientA.Length];
            ParameterGradient = new float[network.ParameterCount];
        }
        else
        {
            Input = [];
            Labels = [];
            GradientA = GradientB = ParameterGradient = [];
        }
    }

    /// <summary>Samples the buffers hold at most.</summary>
    public int Capacity { get; }

    /// <summary>The gathered input samples (training only).</summary>
    public float[] Input { get; }

    /// <summary>Their labels (training only).</summary>
    public byte[] Labels { get; }

    /// <summary>Each layer's output, Capacity × OutputLength.</summary>
    public float[][] Outputs { get; }

    /// <summary>Each layer's <see cref="Layer.CreateScratch"/>.</summary>
    public object?[] Scratch { get; }

    /// <summary>Gradient buffers that layers read from and write to in turn (training only).</summary>
    public float[] GradientA { get; }

    /// <inheritdoc cref="GradientA"/>
    public float[] GradientB { get; }

    /// <summary>dLoss/dParameters of this shard, laid out as the network's parameters (training only).</summary>
    public float[] ParameterGradient { get; }

    /// <summary>Samples in the current shard.</summary>
    public int Count { get; set; }

    /// <summary>Sum of the current shard's per-sample losses.</summary>
    public double LossSum { get; set; }

    /// <summary>Samples of the current shard whose largest output is at their label.</summary>
    public int Correct { get; set; }
}
