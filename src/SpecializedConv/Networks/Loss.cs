using System;

namespace SpecializedConv.Networks;

/// <summary>
/// A classification loss on the network's last output: <see cref="SoftmaxCrossEntropyLoss"/> or
/// <see cref="MeanSquaredErrorLoss"/>. Called once per batch (or batch shard) with all its samples.
/// </summary>
public abstract class Loss
{
    /// <summary>Shown in summaries.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Computes the loss of n samples and, optionally, its gradient.
    /// </summary>
    /// <param name="outputs">The network's outputs, n × classes (classes = outputs.Length / labels.Length).</param>
    /// <param name="labels">The n true classes, each below the number of classes.</param>
    /// <param name="outputGradient">
    /// Receives <c>gradientScale · dLoss_n/dOutput</c> for each sample (n × classes, overwritten), or empty to skip
    /// the gradient. A trainer passes 1 / batch size, so that the gradients of a batch's shards add up to the
    /// gradient of the batch's mean loss.
    /// </param>
    /// <param name="gradientScale">Factor applied to every gradient element.</param>
    /// <returns>The sum over the samples of each sample's loss, in double precision.</returns>
    /// <exception cref="ArgumentException">The lengths do not fit together, or a label is out of range.</exception>
    public abstract double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<byte> labels, Span<float> outputGradient, float gradientScale);

    /// <summary>Checks the spans and returns the number of classes.</summary>
    protected static int CheckArguments(ReadOnlySpan<float> outputs, ReadOnlySpan<byte> labels, Span<float> outputGradient)
    {
        if (labels.IsEmpty || outputs.Length % labels.Length != 0 || outputs.Length == 0)
        {
            throw new ArgumentException(
                $"Expected a positive multiple of the {labels.Length} label(s) in outputs, but it has {outputs.Length} values.", nameof(outputs));
        }

        if (!outputGradient.IsEmpty && outputGradient.Length != outputs.Length)
        {
            throw new ArgumentException(
                $"Expected the gradient to be empty or as long as outputs ({outputs.Length}), but it has {outputGradient.Length}.", nameof(outputGradient));
        }

        int classes = outputs.Length / labels.Length;
        for (int n = 0; n < labels.Length; n++)
        {
            if (labels[n] >= classes)
            {
                throw new ArgumentException(
                    $"Label {n} is {labels[n]}, but the network has {classes} outputs (classes 0 to {classes - 1}).", nameof(labels));
            }
        }

        return classes;
    }
}

/// <summary>
/// Softmax followed by cross-entropy, on logits: per sample <c>L = log Σ_k e^{z_k} − z_label</c> and
/// <c>dL/dz_k = softmax(z)_k − [k = label]</c>. PyTorch's <c>nn.CrossEntropyLoss</c> (which averages the per-sample
/// losses over the batch, as a trainer does with the gradient scale).
/// </summary>
/// <remarks>
/// Computed stably in double precision: the largest logit m is subtracted before exponentiating, so
/// <c>L = m + log Σ_k e^{z_k − m} − z_label</c>. A NaN or infinite logit makes the loss NaN, which a trainer
/// reports as a non-finite loss.
/// </remarks>
public sealed class SoftmaxCrossEntropyLoss : Loss
{
    /// <inheritdoc/>
    public override string Name => "softmax cross-entropy";

    /// <inheritdoc/>
    public override double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<byte> labels, Span<float> outputGradient, float gradientScale)
    {
        int classes = CheckArguments(outputs, labels, outputGradient);
        double total = 0;
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> z = outputs.Slice(n * classes, classes);

            // "not ≤" so that a NaN logit becomes the maximum and poisons the loss.
            double max = z[0];
            for (int k = 1; k < classes; k++)
            {
                if (!(z[k] <= max))
                {
                    max = z[k];
                }
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(z[k] - max);
            }

            total += max + Math.Log(sum) - z[labels[n]];
            if (!outputGradient.IsEmpty)
            {
                Span<float> gradient = outputGradient.Slice(n * classes, classes);
                for (int k = 0; k < classes; k++)
                {
                    double probability = Math.Exp(z[k] - max) / sum;
                    gradient[k] = (float)((probability - (k == labels[n] ? 1 : 0)) * gradientScale);
                }
            }
        }

        return total;
    }

    /// <summary>Writes <c>softmax(logits)</c> of each sample (rows of <paramref name="classes"/>) into <paramref name="probabilities"/>.</summary>
    public static void Softmax(ReadOnlySpan<float> logits, Span<float> probabilities, int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        if (logits.Length % classes != 0 || probabilities.Length != logits.Length)
        {
            throw new ArgumentException($"Expected rows of {classes} values and two spans of the same length.", nameof(probabilities));
        }

        for (int row = 0; row < logits.Length; row += classes)
        {
            ReadOnlySpan<float> z = logits.Slice(row, classes);
            double max = z[0];
            for (int k = 1; k < classes; k++)
            {
                if (!(z[k] <= max))
                {
                    max = z[k];
                }
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(z[k] - max);
            }

            for (int k = 0; k < classes; k++)
            {
                probabilities[row + k] = (float)(Math.Exp(z[k] - max) / sum);
            }
        }
    }
}

/// <summary>
/// Mean squared error against the one-hot encoding t of the label: per sample <c>L = (1/K) Σ_k (y_k − t_k)²</c> and
/// <c>dL/dy_k = 2 (y_k − t_k) / K</c>, with K the number of classes. Averaged over the batch by the trainer, this is
/// PyTorch's <c>nn.MSELoss()</c> on one-hot targets.
/// </summary>
public sealed class MeanSquaredErrorLoss : Loss
{
    /// <inheritdoc/>
    public override string Name => "mean squared error";

    /// <inheritdoc/>
    public override double Compute(ReadOnlySpan<float> outputs, ReadOnlySpan<byte> labels, Span<float> outputGradient, float gradientScale)
    {
        int classes = CheckArguments(outputs, labels, outputGradient);
        double total = 0;
        double gradientFactor = 2.0 / classes * gradientScale;
        for (int n = 0; n < labels.Length; n++)
        {
            ReadOnlySpan<float> y = outputs.Slice(n * classes, classes);
            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                double difference = (double)y[k] - (k == labels[n] ? 1 : 0);
                sum += difference * difference;
                if (!outputGradient.IsEmpty)
                {
                    outputGradient[(n * classes) + k] = (float)(difference * gradientFactor);
                }
            }

            total += sum / classes;
        }

        return total;
    }
}
