using System;

namespace SpecializedConv;

/// <summary>
/// Scalar, shape-at-runtime implementations of a 2-D convolution layer's forward pass and both backward passes.
/// They are written to be obviously correct rather than fast: they are the oracle the tests compare generated
/// layers with, and the path generated layers fall back to when <see cref="KernelSupport.VectorPathSupported"/>
/// is false.
/// </summary>
/// <remarks>
/// <para>
/// Layouts are row-major: input and input gradient N×C×H×W, weights and weight gradient K×C×R×S, bias and bias
/// gradient K, output and output gradient N×K×Ho×Wo, where N ≥ 1 is the number of samples the spans hold.
/// The padding (top, bottom, left, right) and the output size Ho×Wo are those of the <see cref="Conv2DShape"/>, derived
/// by <see cref="ConvAxis"/>; nothing here re-derives them.
/// </para>
/// <para>
/// The kernel as applied is <c>w'[k,c,r,s] = w[k,c,r,s]</c> for <see cref="ConvKind.CrossCorrelation"/> and
/// <c>w'[k,c,r,s] = w[k,c,R−1−r,S−1−s]</c> (flipped in both spatial axes) for <see cref="ConvKind.Convolution"/>.
/// <c>xpad</c> is the input surrounded by the zero padding, so <c>xpad[n,c,Y,X] = x[n,c,Y−padTop,X−padLeft]</c>
/// inside the input and 0 outside.
/// </para>
/// <para>
/// Every sum is accumulated in <see cref="double"/> and rounded to <see cref="float"/> once, when stored.
/// Every argument is validated before anything is written, with the same checks and messages as generated layers
/// (<see cref="KernelSupport"/>). Output spans are overwritten, never accumulated into, and must not overlap the
/// input spans.
/// </para>
/// </remarks>
public static class ReferenceConv2D
{
    /// <summary>
    /// Forward pass: <c>out[n,k,i,j] = bias[k] + Σ_{c,r,s} w'[k,c,r,s] · xpad[n,c, i·stride + r·dilation, j·stride + s·dilation]</c>.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="input">N×C×H×W; its length decides N.</param>
    /// <param name="weights">K×C×R×S.</param>
    /// <param name="bias">K.</param>
    /// <param name="output">N×K×Ho×Wo, overwritten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the input's sample count.</exception>
    public static void Forward(Conv2DShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> weights, ReadOnlySpan<float> bias, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckLength(weights.Length, shape.WeightLength, nameof(weights));
        KernelSupport.CheckLength(bias.Length, shape.BiasLength, nameof(bias));
        KernelSupport.CheckBatch(output.Length, shape.OutputLength, batch, nameof(output), nameof(input));

        var geometry = new Geometry(shape);
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> x = input.Slice(n * shape.InputLength, shape.InputLength);
            Span<float> y = output.Slice(n * shape.OutputLength, shape.OutputLength);
            for (int k = 0; k < geometry.OutChannels; k++)
            {
                for (int i = 0; i < geometry.OutHeight; i++)
                {
                    for (int j = 0; j < geometry.OutWidth; j++)
                    {
                        double sum = bias[k];
                        for (int c = 0; c < geometry.InChannels; c++)
                        {
                            for (int r = 0; r < geometry.KernelHeight; r++)
                            {
                                if (!geometry.TryInputRow(i, r, out int row))
                                {
                                    continue;
                                }

                                for (int s = 0; s < geometry.KernelWidth; s++)
                                {
                                    if (!geometry.TryInputColumn(j, s, out int column))
                                    {
                                        continue;
                                    }

                                    sum += (double)weights[geometry.AppliedWeightIndex(k, c, r, s)] * x[geometry.InputIndex(c, row, column)];
                                }
                            }
                        }

                        y[geometry.OutputIndex(k, i, j)] = (float)sum;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Gradient with respect to the input:
    /// <c>inputGrad[n,c,y,x] = Σ w'[k,c,r,s] · outputGrad[n,k,i,j]</c> over every k, r, s, i, j with
    /// <c>y + padTop = i·stride + r·dilation</c> and <c>x + padLeft = j·stride + s·dilation</c>
    /// (the transpose of <see cref="Forward"/> without its bias).
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="outputGrad">N×K×Ho×Wo, dLoss/dOutput; its length decides N.</param>
    /// <param name="weights">K×C×R×S.</param>
    /// <param name="inputGrad">N×C×H×W, overwritten with dLoss/dInput.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the output gradient's sample count.</exception>
    public static void BackwardData(Conv2DShape shape, ReadOnlySpan<float> outputGrad, ReadOnlySpan<float> weights, Span<float> inputGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(outputGrad.Length, shape.OutputLength, nameof(outputGrad));
        KernelSupport.CheckLength(weights.Length, shape.WeightLength, nameof(weights));
        KernelSupport.CheckBatch(inputGrad.Length, shape.InputLength, batch, nameof(inputGrad), nameof(outputGrad));

        var geometry = new Geometry(shape);
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dy = outputGrad.Slice(n * shape.OutputLength, shape.OutputLength);
            Span<float> dx = inputGrad.Slice(n * shape.InputLength, shape.InputLength);
            for (int c = 0; c < geometry.InChannels; c++)
            {
                for (int row = 0; row < geometry.InHeight; row++)
                {
                    for (int column = 0; column < geometry.InWidth; column++)
                    {
                        // Gather form: each input element visits the taps that read it, so it is written exactly once.
                        double sum = 0;
                        for (int r = 0; r < geometry.KernelHeight; r++)
                        {
                            if (!geometry.TryOutputRow(row, r, out int i))
                            {
                                continue;
                            }

                            for (int s = 0; s < geometry.KernelWidth; s++)
                            {
                                if (!geometry.TryOutputColumn(column, s, out int j))
                                {
                                    continue;
                                }

                                for (int k = 0; k < geometry.OutChannels; k++)
                                {
                                    sum += (double)weights[geometry.AppliedWeightIndex(k, c, r, s)] * dy[geometry.OutputIndex(k, i, j)];
                                }
                            }
                        }

                        dx[geometry.InputIndex(c, row, column)] = (float)sum;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Gradients with respect to the weights and the bias, summed over the N samples:
    /// <c>weightGrad'[k,c,r,s] = Σ_{n,i,j} outputGrad[n,k,i,j] · xpad[n,c, i·stride + r·dilation, j·stride + s·dilation]</c>
    /// for the kernel as applied (so for <see cref="ConvKind.Convolution"/>
    /// <c>weightGrad[k,c,r,s] = weightGrad'[k,c,R−1−r,S−1−s]</c>), and <c>biasGrad[k] = Σ_{n,i,j} outputGrad[n,k,i,j]</c>.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="input">N×C×H×W, the forward pass's input; its length decides N.</param>
    /// <param name="outputGrad">N×K×Ho×Wo, dLoss/dOutput.</param>
    /// <param name="weightGrad">K×C×R×S, overwritten with dLoss/dWeights.</param>
    /// <param name="biasGrad">K, overwritten with dLoss/dBias.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the input's sample count.</exception>
    public static void BackwardWeights(Conv2DShape shape, ReadOnlySpan<float> input, ReadOnlySpan<float> outputGrad, Span<float> weightGrad, Span<float> biasGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckBatch(outputGrad.Length, shape.OutputLength, batch, nameof(outputGrad), nameof(input));
        KernelSupport.CheckLength(weightGrad.Length, shape.WeightLength, nameof(weightGrad));
        KernelSupport.CheckLength(biasGrad.Length, shape.BiasLength, nameof(biasGrad));

        var geometry = new Geometry(shape);
        for (int k = 0; k < geometry.OutChannels; k++)
        {
            for (int c = 0; c < geometry.InChannels; c++)
            {
                for (int r = 0; r < geometry.KernelHeight; r++)
                {
                    for (int s = 0; s < geometry.KernelWidth; s++)
                    {
                        double sum = 0;
                        for (int n = 0; n < batch; n++)
                        {
                            ReadOnlySpan<float> x = input.Slice(n * shape.InputLength, shape.InputLength);
                            ReadOnlySpan<float> dy = outputGrad.Slice(n * shape.OutputLength, shape.OutputLength);
                            for (int i = 0; i < geometry.OutHeight; i++)
                            {
                                if (!geometry.TryInputRow(i, r, out int row))
                                {
                                    continue;
                                }

                                for (int j = 0; j < geometry.OutWidth; j++)
                                {
                                    if (!geometry.TryInputColumn(j, s, out int column))
                                    {
                                        continue;
                                    }

                                    sum += (double)dy[geometry.OutputIndex(k, i, j)] * x[geometry.InputIndex(c, row, column)];
                                }
                            }
                        }

                        weightGrad[geometry.AppliedWeightIndex(k, c, r, s)] = (float)sum;
                    }
                }
            }
        }

        for (int k = 0; k < geometry.OutChannels; k++)
        {
            double sum = 0;
            for (int n = 0; n < batch; n++)
            {
                ReadOnlySpan<float> dy = outputGrad.Slice((n * shape.OutputLength) + (k * geometry.OutHeight * geometry.OutWidth), geometry.OutHeight * geometry.OutWidth);
                foreach (float value in dy)
                {
                    sum += value;
                }
            }

            biasGrad[k] = (float)sum;
        }
    }

    /// <summary>
    /// The index arithmetic of one shape, in one place: which input element a tap reads, which output a tap feeds,
    /// and where the applied (possibly flipped) kernel's taps live in the weights.
    /// </summary>
    private readonly struct Geometry
    {
        public Geometry(Conv2DShape shape)
        {
            InChannels = shape.InChannels;
            InHeight = shape.InHeight;
            InWidth = shape.InWidth;
            OutChannels = shape.OutChannels;
            KernelHeight = shape.KernelHeight;
            KernelWidth = shape.KernelWidth;
            OutHeight = shape.OutHeight;
            OutWidth = shape.OutWidth;
            Stride = shape.Stride;
            Dilation = shape.Dilation;
            PadTop = shape.PadTop;
            PadLeft = shape.PadLeft;
            Flipped = shape.Kind == ConvKind.Convolution;
        }

        public int InChannels { get; }

        public int InHeight { get; }

        public int InWidth { get; }

        public int OutChannels { get; }

        public int KernelHeight { get; }

        public int KernelWidth { get; }

        public int OutHeight { get; }

        public int OutWidth { get; }

        public int Stride { get; }

        public int Dilation { get; }

        public int PadTop { get; }

        public int PadLeft { get; }

        public bool Flipped { get; }

        /// <summary>The input row output row <paramref name="i"/> reads at tap row <paramref name="r"/>, unless it lies in the padding.</summary>
        public bool TryInputRow(int i, int r, out int row) => TryInput((i * Stride) + (r * Dilation) - PadTop, InHeight, out row);

        /// <summary>The input column output column <paramref name="j"/> reads at tap column <paramref name="s"/>, unless it lies in the padding.</summary>
        public bool TryInputColumn(int j, int s, out int column) => TryInput((j * Stride) + (s * Dilation) - PadLeft, InWidth, out column);

        /// <summary>The output row i with <c>row + padTop = i·stride + r·dilation</c>, if there is one.</summary>
        public bool TryOutputRow(int row, int r, out int i) => TryOutput(row + PadTop - (r * Dilation), OutHeight, out i);

        /// <summary>The output column j with <c>column + padLeft = j·stride + s·dilation</c>, if there is one.</summary>
        public bool TryOutputColumn(int column, int s, out int j) => TryOutput(column + PadLeft - (s * Dilation), OutWidth, out j);

        /// <summary>Index in the weights of the applied kernel's tap w'[k,c,r,s].</summary>
        public int AppliedWeightIndex(int k, int c, int r, int s)
        {
            int kernelRow = Flipped ? KernelHeight - 1 - r : r;
            int kernelColumn = Flipped ? KernelWidth - 1 - s : s;
            return (((((k * InChannels) + c) * KernelHeight) + kernelRow) * KernelWidth) + kernelColumn;
        }

        public int InputIndex(int c, int row, int column) => (((c * InHeight) + row) * InWidth) + column;

        public int OutputIndex(int k, int i, int j) => (((k * OutHeight) + i) * OutWidth) + j;

        private static bool TryInput(int position, int inputSize, out int inputPosition)
        {
            inputPosition = position;
            return position >= 0 && position < inputSize;
        }

        private bool TryOutput(int paddedPosition, int outputSize, out int position)
        {
            position = paddedPosition / Stride;
            return paddedPosition >= 0 && paddedPosition % Stride == 0 && position < outputSize;
        }
    }
}
