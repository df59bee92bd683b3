using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using SpecializedConv.Data;

namespace SpecializedConv.Networks;

/// <summary>
/// A chain of layers, each feeding the next, with all their parameters in one flat array. Built by
/// <see cref="NetworkBuilder"/>; trained by <see cref="Trainer"/>.
/// </summary>
/// <remarks>
/// <para>
/// Parameters are laid out layer after layer, each layer's weights followed by its biases (<see cref="ParameterOffset"/>),
/// so an optimizer updates the whole network in one pass and a trainer reduces gradients with one vector sum.
/// </para>
/// <para>
/// <see cref="Predict"/>, <see cref="Classify"/> and <see cref="Evaluate"/> may be called from any number of threads at
/// once: each thread runs in its own buffers (allocated on its first call), and the generated kernels keep their
/// scratch per thread. They must not overlap with training or with anything else that writes the parameters.
/// </para>
/// </remarks>
public sealed class SequentialNetwork : IDisposable
{
    /// <summary>Samples that inference pushes through the layers at a time: enough to amortise each call, few enough that
    /// the activations stay in the core's cache.</summary>
    public const int InferenceBlock = 32;

    private readonly float[] _parameters;
    private readonly int[] _offsets;
    private readonly ThreadLocal<Workspace> _inference;

    internal SequentialNetwork(Layer[] layers)
    {
        LayerArray = layers;
        Layers = Array.AsReadOnly(layers);
        _offsets = new int[layers.Length];
        long total = 0;
        for (int i = 0; i < layers.Length; i++)
        {
            _offsets[i] = (int)total;
            total += layers[i].ParameterLength;
            if (total > Array.MaxLength)
            {
                throw new InvalidOperationException($"The network has more than {Array.MaxLength} parameters.");
            }
        }

        _parameters = new float[total];
        _inference = new ThreadLocal<Workspace>(() => new Workspace(this, InferenceBlock, training: false));
    }

    /// <summary>The layers, first to last.</summary>
    public IReadOnlyList<Layer> Layers { get; }

    /// <summary>One input sample: the first layer's input.</summary>
    public TensorShape InputShape => LayerArray[0].InputShape;

    /// <summary>One output sample: the last layer's output (the logits, for a classifier).</summary>
    public TensorShape OutputShape => LayerArray[^1].OutputShape;

    /// <summary>Values in one input sample.</summary>
    public int InputLength => LayerArray[0].InputLength;

    /// <summary>Values in one output sample: the number of classes, for a classifier.</summary>
    public int OutputLength => LayerArray[^1].OutputLength;

    /// <summary>Trainable values in all layers.</summary>
    public int ParameterCount => _parameters.Length;

    /// <summary>Every parameter, layer after layer, each layer's weights then its biases. Writable.</summary>
    public Span<float> Parameters => _parameters;

    internal Layer[] LayerArray { get; }

    internal float[] ParameterArray => _parameters;

    /// <summary>Where layer <paramref name="layer"/>'s parameters start in <see cref="Parameters"/>.</summary>
    public int ParameterOffset(int layer) => _offsets[layer];

    /// <summary>Layer <paramref name="layer"/>'s weights, in the layout of its kernel (empty for a layer without).</summary>
    public Span<float> Weights(int layer) => _parameters.AsSpan(_offsets[layer], LayerArray[layer].WeightLength);

    /// <summary>Layer <paramref name="layer"/>'s biases (empty for a layer without).</summary>
    public Span<float> Biases(int layer) =>
        _parameters.AsSpan(_offsets[layer] + LayerArray[layer].WeightLength, LayerArray[layer].BiasLength);

    /// <summary>The parameters of layer <paramref name="layer"/>: its weights then its biases.</summary>
    internal ReadOnlySpan<float> LayerParameters(int layer) => _parameters.AsSpan(_offsets[layer], LayerArray[layer].ParameterLength);

    /// <summary>
    /// Draws every layer's weights with <paramref name="scheme"/> and sets every bias to 0, from one
    /// <see cref="Random"/> seeded with <paramref name="seed"/> and consumed layer after layer, so the same seed gives
    /// the same network.
    /// </summary>
    public void Initialize(WeightInitialization scheme, int seed)
    {
        var random = new Random(seed);
        for (int i = 0; i < LayerArray.Length; i++)
        {
            Layer layer = LayerArray[i];
            if (layer.WeightLength > 0)
            {
                (int fanIn, int fanOut) = layer.Fans;
                WeightInitializer.Fill(Weights(i), scheme, Math.Max(fanIn, 1), Math.Max(fanOut, 1), random);
            }

            Biases(i).Clear();
        }
    }

    /// <summary>
    /// Runs the network on n ≥ 1 samples: <paramref name="input"/> holds n·<see cref="InputLength"/> values,
    /// <paramref name="output"/> receives n·<see cref="OutputLength"/> (overwritten). Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void Predict(ReadOnlySpan<float> input, Span<float> output)
    {
        int count = KernelSupport.BatchCount(input.Length, InputLength, nameof(input));
        KernelSupport.CheckBatch(output.Length, OutputLength, count, nameof(output), nameof(input));
        Workspace workspace = _inference.Value!;
        for (int start = 0; start < count; start += InferenceBlock)
        {
            int block = Math.Min(InferenceBlock, count - start);
            Forward(workspace, input.Slice(start * InputLength, block * InputLength), block)
                .CopyTo(output.Slice(start * OutputLength, block * OutputLength));
        }
    }

    /// <summary>
    /// Runs the network on n ≥ 1 samples and writes each one's class, the index of its largest output (the first,
    /// on a tie), to <paramref name="classes"/> (n values). Thread-safe.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not match.</exception>
    public void Classify(ReadOnlySpan<float> input, Span<int> classes)
    {
        int count = KernelSupport.BatchCount(input.Length, InputLength, nameof(input));
        KernelSupport.CheckLength(classes.Length, count, nameof(classes));
        Workspace workspace = _inference.Value!;
        for (int start = 0; start < count; start += InferenceBlock)
        {
            int block = Math.Min(InferenceBlock, count - start);
            ReadOnlySpan<float> outputs = Forward(workspace, input.Slice(start * InputLength, block * InputLength), block);
            for (int n = 0; n < block; n++)
            {
                classes[start + n] = ArgMax(outputs.Slice(n * OutputLength, OutputLength));
            }
        }
    }

    /// <summary>
    /// Classifies every image of <paramref name="data"/> and measures the loss, the accuracy and the confusion
    /// matrix, on <paramref name="threads"/> threads. The result does not depend on the number of threads: the data is
    /// cut into fixed chunks whose sums are added in order.
    /// </summary>
    /// <param name="data">Images of <see cref="InputLength"/> values, labels below <see cref="OutputLength"/>.</param>
    /// <param name="loss">The loss to report; softmax cross-entropy when null.</param>
    /// <param name="threads">Threads to use; 0 for one per processor.</param>
    /// <exception cref="ArgumentException">The images do not fit the network, or a label is out of range.</exception>
    public EvaluationResult Evaluate(Dataset data, Loss? loss = null, int threads = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        CheckDataset(data, nameof(data));
        loss ??= new SoftmaxCrossEntropyLoss();
        const int ChunkSize = 256;
        int classes = OutputLength;
        int chunks = (data.Count + ChunkSize - 1) / ChunkSize;
        var lossSums = new double[chunks];
        var confusion = new int[chunks][];
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads == 0 ? Environment.ProcessorCount : threads };
        long started = Stopwatch.GetTimestamp();
        Parallel.For(0, chunks, options, chunk =>
        {
            int first = chunk * ChunkSize, count = Math.Min(ChunkSize, data.Count - first);
            Workspace workspace = _inference.Value!;
            int[] counts = confusion[chunk] = new int[classes * classes];
            double sum = 0;
            for (int start = first; start < first + count; start += InferenceBlock)
            {
                int block = Math.Min(InferenceBlock, first + count - start);
                ReadOnlySpan<float> outputs = Forward(workspace, data.Images.AsSpan(start * InputLength, block * InputLength), block);
                ReadOnlySpan<byte> labels = data.Labels.AsSpan(start, block);
                sum += loss.Compute(outputs, labels, [], 1);
                for (int n = 0; n < block; n++)
                {
                    counts[(labels[n] * classes) + ArgMax(outputs.Slice(n * classes, classes))]++;
                }
            }

            lossSums[chunk] = sum;
        });
        TimeSpan elapsed = Stopwatch.GetElapsedTime(started);

        double total = 0;
        var matrix = new ConfusionMatrix(classes);
        for (int chunk = 0; chunk < chunks; chunk++)
        {
            total += lossSums[chunk];
            matrix.Add(confusion[chunk]);
        }

        return new EvaluationResult(data.Count, total / data.Count, matrix, elapsed);
    }

    /// <summary>
    /// Writes every layer's shape and parameters to <paramref name="path"/> (see <see cref="WeightsFile"/> for the
    /// format). The file is written beside the target under a temporary name, flushed to disk and then renamed over
    /// it, so a save that is interrupted leaves any previous file whole.
    /// </summary>
    public void Save(string path) => WeightsFile.Save(this, path);

    /// <summary>
    /// Reads parameters saved by <see cref="Save(string)"/> into this network. Nothing is changed unless the whole
    /// file is valid and its layers match this network's.
    /// </summary>
    /// <exception cref="WeightsFileException">
    /// The file is not a weights file, is of a newer format version, is truncated, fails its checksum, or describes
    /// other layers; <see cref="WeightsFileException.Error"/> says which.
    /// </exception>
    public void Load(string path) => WeightsFile.Load(this, path);

    /// <summary>A table of the layers: name, kind, input and output shapes, parameters.</summary>
    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"#",-3} {"layer",-12} {"kind",-10} {"input",-10} {"output",-10} {"parameters",12}");
        for (int i = 0; i < LayerArray.Length; i++)
        {
            Layer layer = LayerArray[i];
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{i,-3} {layer.Name,-12} {layer.Kind,-10} {layer.InputShape,-10} {layer.OutputShape,-10} {layer.ParameterLength,12:N0}");
        }

        text.Append(CultureInfo.InvariantCulture, $"{"",-3} {"total",-12} {"",-10} {"",-10} {"",-10} {ParameterCount,12:N0}");
        return text.ToString();
    }

    /// <summary>Frees the per-thread inference buffers.</summary>
    public void Dispose() => _inference.Dispose();

    /// <summary>The index of the largest value, the first on a tie; NaN never wins.</summary>
    internal static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++)
        {
            if (values[k] > values[best])
            {
                best = k;
            }
        }

        return best;
    }

    /// <summary>Runs every layer on <paramref name="count"/> samples; returns the last layer's output in the workspace.</summary>
    internal ReadOnlySpan<float> Forward(Workspace workspace, ReadOnlySpan<float> input, int count)
    {
        ReadOnlySpan<float> current = input;
        for (int i = 0; i < LayerArray.Length; i++)
        {
            Layer layer = LayerArray[i];
            Span<float> output = workspace.Outputs[i].AsSpan(0, count * layer.OutputLength);
            layer.Forward(LayerParameters(i), current, output, workspace.Scratch[i]);
            current = output;
        }

        return current;
    }

    /// <summary>
    /// Back-propagates the gradient that <see cref="Workspace.GradientA"/> holds for the last layer's output, after
    /// <see cref="Forward"/> ran on the same workspace and input, writing dLoss/dParameters to
    /// <see cref="Workspace.ParameterGradient"/>.
    /// </summary>
    internal void Backward(Workspace workspace, ReadOnlySpan<float> input, int count)
    {
        ArraySegment<float> outputGradient = workspace.GradientA, inputGradient = workspace.GradientB;
        for (int i = LayerArray.Length - 1; i >= 0; i--)
        {
            Layer layer = LayerArray[i];
            ReadOnlySpan<float> layerInput = i == 0 ? input : workspace.Outputs[i - 1].AsSpan(0, count * layer.InputLength);

            // The first layer's input gradient would be the gradient with respect to the images: nobody needs it.
            Span<float> layerInputGradient = i == 0 ? [] : inputGradient.AsSpan(0, count * layer.InputLength);
            layer.Backward(
                LayerParameters(i),
                layerInput,
                workspace.Outputs[i].AsSpan(0, count * layer.OutputLength),
                outputGradient.AsSpan(0, count * layer.OutputLength),
                layerInputGradient,
                workspace.ParameterGradient.AsSpan(_offsets[i], layer.ParameterLength),
                workspace.Scratch[i]);
            (outputGradient, inputGradient) = (inputGradient, outputGradient);
        }
    }

    internal void CheckDataset(Dataset data, string paramName)
    {
        if (data.ImageLength != InputLength)
        {
            throw new ArgumentException(
                $"The images are {Dataset.Channels}×{data.Height}×{data.Width} = {data.ImageLength} values, but the network's first layer " +
                $"{LayerArray[0].Describe()} takes {InputLength}.", paramName);
        }

        if (data.ClassCount > OutputLength)
        {
            throw new ArgumentException(
                $"The data has {data.ClassCount} classes, but the network's last layer {LayerArray[^1].Describe()} has {OutputLength} outputs.",
                paramName);
        }
    }
}
