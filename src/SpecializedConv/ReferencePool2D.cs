using System;

namespace SpecializedConv;

/// <summary>
/// Scalar, shape-at-runtime implementations of 2-D max and average pooling, forward and backward. They are written
/// to be obviously correct rather than fast: they are the oracle the tests compare generated layers with, and the path
/// generated layers fall back to when <see cref="KernelSupport.VectorPathSupported"/> is false.
/// </summary>
/// <remarks>
/// <para>
/// Layouts are row-major: input and input gradient N×C×H×W, output and output gradient (and arg-max) N×C×Ho×Wo,
/// where N ≥ 1 is the number of samples the spans hold. Output (i, j) of channel c pools the window of rows
/// <c>i·stride − padding …</c> and columns <c>j·stride − padding …</c>, <c>size</c> of each; stride, padding and
/// Ho×Wo are those of the <see cref="Pool2DShape"/>, derived by <see cref="PoolAxis"/>.
/// </para>
/// <para>
/// The semantics are PyTorch's (<c>max_pool2d</c>, <c>avg_pool2d</c> with <c>ceil_mode=False</c> and
/// <c>count_include_pad=True</c>): padded cells are −∞ for max pooling (never the maximum) and 0 for average pooling
/// (counted in the Size² divisor). Arguments are validated before anything is written, with the same checks and
/// messages as generated layers. Output spans are overwritten and must not overlap the input spans.
/// </para>
/// </remarks>
public static class ReferencePool2D
{
    /// <summary>
    /// Max pooling: <c>output[n,c,i,j]</c> is the largest input of the window and <c>argMax[n,c,i,j]</c> its index within
    /// the sample, <c>c·H·W + y·W + x</c>. Ties go to the first maximum in row-major window order; a NaN in the window
    /// wins (the last NaN, if several), as in PyTorch.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="input">N×C×H×W; its length decides N.</param>
    /// <param name="output">N×C×Ho×Wo, overwritten.</param>
    /// <param name="argMax">N×C×Ho×Wo, overwritten with indices within each sample's input.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the input's sample count.</exception>
    public static void MaxPoolForward(Pool2DShape shape, ReadOnlySpan<float> input, Span<float> output, Span<int> argMax)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckBatch(output.Length, shape.OutputLength, batch, nameof(output), nameof(input));
        KernelSupport.CheckBatch(argMax.Length, shape.OutputLength, batch, nameof(argMax), nameof(input));

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> x = input.Slice(n * shape.InputLength, shape.InputLength);
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int i = 0; i < shape.OutHeight; i++)
                {
                    for (int j = 0; j < shape.OutWidth; j++)
                    {
                        Window window = Window.Of(shape, i, j);

                        // Starting from −∞ at the window's first real cell makes padding irrelevant: −∞ never beats −∞.
                        float best = float.NegativeInfinity;
                        int bestIndex = Index(shape, c, window.Top, window.Left);
                        for (int y = window.Top; y < window.Bottom; y++)
                        {
                            for (int column = window.Left; column < window.Right; column++)
                            {
                                int index = Index(shape, c, y, column);
                                float value = x[index];
                                if (value > best || float.IsNaN(value))
                                {
                                    best = value;
                                    bestIndex = index;
                                }
                            }
                        }

                        int o = (n * shape.OutputLength) + Index(c, i, j, shape.OutHeight, shape.OutWidth);
                        output[o] = best;
                        argMax[o] = bestIndex;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Max-pooling gradient: <c>inputGrad[n, argMax[n,o]] += outputGrad[n,o]</c> for every output o, in output order
    /// (PyTorch's order, so overlapping windows sum the same way), after zeroing <paramref name="inputGrad"/>.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="outputGrad">N×C×Ho×Wo, dLoss/dOutput; its length decides N.</param>
    /// <param name="argMax">N×C×Ho×Wo, from <see cref="MaxPoolForward"/>: indices within one input sample.</param>
    /// <param name="inputGrad">N×C×H×W, overwritten with dLoss/dInput.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match, or an arg-max index lies outside a sample.</exception>
    public static void MaxPoolBackward(Pool2DShape shape, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argMax, Span<float> inputGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(outputGrad.Length, shape.OutputLength, nameof(outputGrad));
        KernelSupport.CheckBatch(argMax.Length, shape.OutputLength, batch, nameof(argMax), nameof(outputGrad));
        KernelSupport.CheckBatch(inputGrad.Length, shape.InputLength, batch, nameof(inputGrad), nameof(outputGrad));
        PoolSupport.CheckArgMax(argMax, shape.InputLength, nameof(argMax));

        inputGrad.Clear();
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dy = outputGrad.Slice(n * shape.OutputLength, shape.OutputLength);
            ReadOnlySpan<int> indices = argMax.Slice(n * shape.OutputLength, shape.OutputLength);
            Span<float> dx = inputGrad.Slice(n * shape.InputLength, shape.InputLength);
            for (int o = 0; o < dy.Length; o++)
            {
                dx[indices[o]] += dy[o];
            }
        }
    }

    /// <summary>
    /// Average pooling: <c>output[n,c,i,j] = (Σ of the window's input cells) / Size²</c>; padded cells add 0 but count
    /// in the divisor (PyTorch's <c>count_include_pad=True</c>). Sums are accumulated in <see cref="double"/>.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="input">N×C×H×W; its length decides N.</param>
    /// <param name="output">N×C×Ho×Wo, overwritten.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the input's sample count.</exception>
    public static void AvgPoolForward(Pool2DShape shape, ReadOnlySpan<float> input, Span<float> output)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(input.Length, shape.InputLength, nameof(input));
        KernelSupport.CheckBatch(output.Length, shape.OutputLength, batch, nameof(output), nameof(input));

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> x = input.Slice(n * shape.InputLength, shape.InputLength);
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int i = 0; i < shape.OutHeight; i++)
                {
                    for (int j = 0; j < shape.OutWidth; j++)
                    {
                        Window window = Window.Of(shape, i, j);
                        double sum = 0;
                        for (int y = window.Top; y < window.Bottom; y++)
                        {
                            for (int column = window.Left; column < window.Right; column++)
                            {
                                sum += x[Index(shape, c, y, column)];
                            }
                        }

                        output[(n * shape.OutputLength) + Index(c, i, j, shape.OutHeight, shape.OutWidth)] = (float)(sum / shape.WindowArea);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Average-pooling gradient: <c>inputGrad[n,c,y,x] = Σ outputGrad[n,c,i,j] / Size²</c> over every window (i, j)
    /// that covers (y, x); gathered per input cell in <see cref="double"/>, so every element is written once.
    /// </summary>
    /// <param name="shape">The layer's shape.</param>
    /// <param name="outputGrad">N×C×Ho×Wo, dLoss/dOutput; its length decides N.</param>
    /// <param name="inputGrad">N×C×H×W, overwritten with dLoss/dInput.</param>
    /// <exception cref="ArgumentNullException"><paramref name="shape"/> is null.</exception>
    /// <exception cref="ArgumentException">A span's length does not match the shape and the output gradient's sample count.</exception>
    public static void AvgPoolBackward(Pool2DShape shape, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int batch = KernelSupport.BatchCount(outputGrad.Length, shape.OutputLength, nameof(outputGrad));
        KernelSupport.CheckBatch(inputGrad.Length, shape.InputLength, batch, nameof(inputGrad), nameof(outputGrad));

        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> dy = outputGrad.Slice(n * shape.OutputLength, shape.OutputLength);
            Span<float> dx = inputGrad.Slice(n * shape.InputLength, shape.InputLength);
            for (int c = 0; c < shape.Channels; c++)
            {
                for (int y = 0; y < shape.InHeight; y++)
                {
                    (int firstRow, int lastRow) = Covering(y, shape.Size, shape.Stride, shape.Padding, shape.OutHeight);
                    for (int column = 0; column < shape.InWidth; column++)
                    {
                        (int firstColumn, int lastColumn) = Covering(column, shape.Size, shape.Stride, shape.Padding, shape.OutWidth);
                        double sum = 0;
                        for (int i = firstRow; i <= lastRow; i++)
                        {
                            for (int j = firstColumn; j <= lastColumn; j++)
                            {
                                sum += dy[Index(c, i, j, shape.OutHeight, shape.OutWidth)];
                            }
                        }

                        dx[Index(shape, c, y, column)] = (float)(sum / shape.WindowArea);
                    }
                }
            }
        }
    }

    private static int Index(Pool2DShape shape, int c, int y, int x) => Index(c, y, x, shape.InHeight, shape.InWidth);

    private static int Index(int c, int y, int x, int height, int width) => (((c * height) + y) * width) + x;

    /// <summary>The windows i with <c>i·stride − padding ≤ position ≤ i·stride − padding + size − 1</c>, clipped to the output.</summary>
    private static (int First, int Last) Covering(int position, int size, int stride, int padding, int outputs)
    {
        int padded = position + padding;
        int first = padded - size + 1 <= 0 ? 0 : ((padded - size + 1 + stride - 1) / stride);
        int last = Math.Min(padded / stride, outputs - 1);
        return (first, last);
    }

    /// <summary>The input cells of window (i, j) that lie inside the input: rows Top…Bottom−1, columns Left…Right−1.</summary>
    private readonly record struct Window(int Top, int Bottom, int Left, int Right)
    {
        public static Window Of(Pool2DShape shape, int i, int j)
        {
            int top = (i * shape.Stride) - shape.Padding, left = (j * shape.Stride) - shape.Padding;
            return new Window(
                Math.Max(top, 0),
                Math.Min(top + shape.Size, shape.InHeight),
                Math.Max(left, 0),
                Math.Min(left + shape.Size, shape.InWidth));
        }
    }
}
