using System;

namespace SpecializedConv;

/// <summary>
/// Scalar, shape-at-runtime implementations of a fully connected layer's forward pass and both backward passes:
/// the oracle the tests compare generated layers with, and the path generated layers fall back to when
/// <see cref="KernelSupport.VectorPathSupported"/> is false.
/// </summary>
/// <remarks>
/// Layouts are row-major: input and input gradient N×Inputs, weights and weight gradient Outputs×Inputs (PyTorch's
/// <c>nn.Linear</c>), bias and bias gradient Outputs, output and output gradient N×Outputs, where N ≥ 1 is the number of
/// samples the spans hold. Every sum is accumulated in <see cref="double"/> and rounded to <see cref="float"/> once.
/// Arguments are validated before anything is written, with the same checks and messages as generated layers. Output
/// spans are overwritten and must not overlap the input spans.
/// </remarks>
public static class ReferenceDense
{
    /// <summary>Forward pass: <c>output[n,o] = bias[o] + Σ_i weights[o,i] · input[n,i]</c>.</summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="input">N×Inputs; its length decides N.</param>
    /// <param name="weights">Outputs×Inputs.</param>
    /// <param name="bias">Outputs.</param>
    /// <param name="output">N×Outputs, overwritten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the input's sample count.</exception>
    public static void Forward(DenseShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckLength(weights.Length, shape.WeightLength, nameof(weights));
        KernelSupport.CheckLength(bias.Length, shape.BiasLength, nameof(bias));
        KernelSupport.CheckBatch(output.Length, shape.OutputLength, batch, nameof(output), nameof(input));

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> x = input.Slice(n * shape.Inputs, shape.Inputs);
            for (int o = 0; o < shape.Outputs; o++)
            {
                ReadOnlySpan<float> row = weights.Slice(o * shape.Inputs, shape.Inputs);
                double sum = bias[o];
                for (int i = 0; i < shape.Inputs; i++)
                {
                    sum += (double)row[i] * x[i];
                }

                output[(n * shape.Outputs) + o] = (float)sum;
            }
        }
    }

    /// <summary>Gradient with respect to the input: <c>inputGrad[n,i] = Σ_o weights[o,i] · outputGrad[n,o]</c>.</summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="outputGrad">N×Outputs, dLoss/dOutput; its length decides N.</param>
    /// <param name="weights">Outputs×Inputs.</param>
    /// <param name="inputGrad">N×Inputs, overwritten with dLoss/dInput.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the output gradient's sample count.</exception>
    public static void BackwardData(DenseShape shape, ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(outputGrad.Length, shape.OutputLength, nameof(outputGrad));
        KernelSupport.CheckLength(weights.Length, shape.WeightLength, nameof(weights));
        KernelSupport.CheckBatch(inputGrad.Length, shape.InputLength, batch, nameof(inputGrad), nameof(outputGrad));

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dy = outputGrad.Slice(n * shape.Outputs, shape.Outputs);
            for (int i = 0; i < shape.Inputs; i++)
            {
                double sum = 0;
                for (int o = 0; o < shape.Outputs; o++)
                {
                    sum += (double)weights[(o * shape.Inputs) + i] * dy[o];
                }

                inputGrad[(n * shape.Inputs) + i] = (float)sum;
            }
        }
    }

    /// <summary>
    /// Gradients with respect to the weights and the bias, summed over the N samples:
    /// <c>weightGrad[o,i] = Σ_n outputGrad[n,o] · input[n,i]</c> and <c>biasGrad[o] = Σ_n outputGrad[n,o]</c>.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="input">N×Inputs, the forward pass's input; its length decides N.</param>
    /// <param name="outputGrad">N×Outputs, dLoss/dOutput.</param>
    /// <param name="weightGrad">Outputs×Inputs, overwritten with dLoss/dWeights.</param>
    /// <param name="biasGrad">Outputs, overwritten with dLoss/dBias.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the input's sample count.</exception>
    public static void BackwardWeights(DenseShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckBatch(outputGrad.Length, shape.OutputLength, batch, nameof(outputGrad), nameof(input));
        KernelSupport.CheckLength(weightGrad.Length, shape.WeightLength, nameof(weightGrad));
        KernelSupport.CheckLength(biasGrad.Length, shape.BiasLength, nameof(biasGrad));

        for (int o = 0; o < shape.Outputs; o++)
        {
            double biasSum = 0;
            for (int n = 0; n < batch; n++)
            {
                biasSum += outputGrad[(n * shape.Outputs) + o];
            }

            biasGrad[o] = (float)biasSum;
            for (int i = 0; i < shape.Inputs; i++)
            {
                double sum = 0;
                for (int n = 0; n < batch; n++)
                {
                    sum += (double)outputGrad[(n * shape.Outputs) + o] * input[(n * shape.Inputs) + i];
                }

                weightGrad[(o * shape.Inputs) + i] = (float)sum;
            }
        }
    }
}
