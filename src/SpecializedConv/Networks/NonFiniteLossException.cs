using System;

namespace SpecializedConv.Networks;

/// <summary>
/// Thrown by a <see cref="Trainer"/> when a batch's loss is NaN or infinite, before that batch changes any parameter.
/// Says where: the epoch, the batch, and the first layer whose output was not finite.
/// </summary>
public sealed class NonFiniteLossException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteLossException(string message, int epoch, int batch, int? layerIndex, string? layerName)
        : base(message)
    {
        Epoch = epoch;
        Batch = batch;
        LayerIndex = layerIndex;
        LayerName = layerName;
    }

    /// <summary>The epoch, from 1.</summary>
    public int Epoch { get; }

    /// <summary>The batch within the epoch, from 1.</summary>
    public int Batch { get; }

    /// <summary>
    /// The first layer (in network order) whose output held a NaN or infinity; −1 when the input batch already did;
    /// null when every output was finite and only the loss overflowed.
    /// </summary>
    public int? LayerIndex { get; }

    /// <summary>That layer's name; null when <see cref="LayerIndex"/> is not a layer.</summary>
    public string? LayerName { get; }
}
