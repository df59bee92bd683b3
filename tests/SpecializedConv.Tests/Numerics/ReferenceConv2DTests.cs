using System;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Numerics;

/// <summary>
/// The scalar reference kernels against PyTorch's float64 results, and their argument checks. Everything else
/// (generated layers, gradient checks) is compared with these, so they are held to the reference vectors first.
/// </summary>
public sealed class ReferenceConv2DTests
{
    // Per-sample results of a batched call are computed by exactly the same code and order as a single-sample call,
    // so they must be bit-identical.
    private const double Identical = 0;

    // A batched weight gradient rounds the double sum over samples once; summing single-sample float results rounds
    // each sample's gradient (2^-24 ≈ 6e-8 relative) and the float sum again. For three samples that is a few 1e-7 of
    // the largest magnitude; 1e-5 leaves room for cancellation between samples and is far below any indexing error.
    private const double SummedOverSamples = 1e-5;

    private static readonly Conv2DShape SmallShape = new(
        inChannels: 2, inHeight: 7, inWidth: 6, outChannels: 3, kernelHeight: 3, kernelWidth: 2,
        mode: ConvMode.Same, kind: ConvKind.Convolution, stride: 2, dilation: 2);

    public static TheoryData<string> Names => ReferenceCases.Names;

    [Fact]
    public void Reference_file_holds_all_87_cases()
    {
        Assert.Equal(87, ReferenceCases.All.Count);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Shape_derives_the_padding_and_output_size_pytorch_used(string name)
    {
        ReferenceCase referenceCase = ReferenceCases.ByName(name);
        Conv2DShape shape = referenceCase.Shape;

        Assert.Equal(
            (referenceCase.PadTop, referenceCase.PadBottom, referenceCase.PadLeft, referenceCase.PadRight, referenceCase.OutHeight, referenceCase.OutWidth),
            (shape.PadTop, shape.PadBottom, shape.PadLeft, shape.PadRight, shape.OutHeight, shape.OutWidth));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_pytorch_for_every_reference_case(string name)
    {
        ReferenceCase referenceCase = ReferenceCases.ByName(name);
        float[] output = NumericAssert.Poisoned(referenceCase.Output.Length);

        ReferenceConv2D.Forward(referenceCase.Shape, referenceCase.Input, referenceCase.Weights, referenceCase.Bias, output);

        NumericAssert.AssertClose(referenceCase.Output, output, NumericAssert.ReferenceTolerance, $"{name} output");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardData_matches_pytorch_for_every_reference_case(string name)
    {
        ReferenceCase referenceCase = ReferenceCases.ByName(name);
        float[] inputGrad = NumericAssert.Poisoned(referenceCase.InputGrad.Length);

        ReferenceConv2D.BackwardData(referenceCase.Shape, referenceCase.OutputGrad, referenceCase.Weights, inputGrad);

        NumericAssert.AssertClose(referenceCase.InputGrad, inputGrad, NumericAssert.ReferenceTolerance, $"{name} inputGrad");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void BackwardWeights_matches_pytorch_for_every_reference_case(string name)
    {
        ReferenceCase referenceCase = ReferenceCases.ByName(name);
        float[] weightGrad = NumericAssert.Poisoned(referenceCase.WeightGrad.Length);
        float[] biasGrad = NumericAssert.Poisoned(referenceCase.BiasGrad.Length);

        ReferenceConv2D.BackwardWeights(referenceCase.Shape, referenceCase.Input, referenceCase.OutputGrad, weightGrad, biasGrad);

        NumericAssert.AssertClose(referenceCase.WeightGrad, weightGrad, NumericAssert.ReferenceTolerance, $"{name} weightGrad");
        NumericAssert.AssertClose(referenceCase.BiasGrad, biasGrad, NumericAssert.ReferenceTolerance, $"{name} biasGrad");
    }

    [Fact]
    public void Forward_of_a_batch_equals_forward_of_each_sample()
    {
        const int Samples = 3;
        Conv2DShape shape = SmallShape;
        var random = new Random(1001);
        float[] input = NumericAssert.RandomArray(random, Samples * shape.InputLength);
        float[] weights = NumericAssert.RandomArray(random, shape.WeightLength);
        float[] bias = NumericAssert.RandomArray(random, shape.BiasLength);
        float[] batched = NumericAssert.Poisoned(Samples * shape.OutputLength);

        ReferenceConv2D.Forward(shape, input, weights, bias, batched);

        for (int n = 0; n < Samples; n++)
        {
            float[] single = NumericAssert.Poisoned(shape.OutputLength);
            ReferenceConv2D.Forward(shape, input.AsSpan(n * shape.InputLength, shape.InputLength), weights, bias, single);
            NumericAssert.AssertClose(single, batched.AsSpan(n * shape.OutputLength, shape.OutputLength), Identical, $"output of sample {n}");
        }
    }

    [Fact]
    public void BackwardData_of_a_batch_equals_backward_data_of_each_sample()
    {
        const int Samples = 3;
        Conv2DShape shape = SmallShape;
        var random = new Random(1002);
        float[] outputGrad = NumericAssert.RandomArray(random, Samples * shape.OutputLength);
        float[] weights = NumericAssert.RandomArray(random, shape.WeightLength);
        float[] batched = NumericAssert.Poisoned(Samples * shape.InputLength);

        ReferenceConv2D.BackwardData(shape, outputGrad, weights, batched);

        for (int n = 0; n < Samples; n++)
        {
            float[] single = NumericAssert.Poisoned(shape.InputLength);
            ReferenceConv2D.BackwardData(shape, outputGrad.AsSpan(n * shape.OutputLength, shape.OutputLength), weights, single);
            NumericAssert.AssertClose(single, batched.AsSpan(n * shape.InputLength, shape.InputLength), Identical, $"inputGrad of sample {n}");
        }
    }

    [Fact]
    public void BackwardWeights_of_a_batch_equals_the_sum_over_samples()
    {
        const int Samples = 3;
        Conv2DShape shape = SmallShape;
        var random = new Random(1003);
        float[] input = NumericAssert.RandomArray(random, Samples * shape.InputLength);
        float[] outputGrad = NumericAssert.RandomArray(random, Samples * shape.OutputLength);
        float[] weightGrad = NumericAssert.Poisoned(shape.WeightLength);
        float[] biasGrad = NumericAssert.Poisoned(shape.BiasLength);

        ReferenceConv2D.BackwardWeights(shape, input, outputGrad, weightGrad, biasGrad);

        var weightGradSum = new float[shape.WeightLength];
        var biasGradSum = new float[shape.BiasLength];
        for (int n = 0; n < Samples; n++)
        {
            float[] sampleWeightGrad = NumericAssert.Poisoned(shape.WeightLength);
            float[] sampleBiasGrad = NumericAssert.Poisoned(shape.BiasLength);
            ReferenceConv2D.BackwardWeights(
                shape,
                input.AsSpan(n * shape.InputLength, shape.InputLength),
                outputGrad.AsSpan(n * shape.OutputLength, shape.OutputLength),
                sampleWeightGrad,
                sampleBiasGrad);
            Accumulate(weightGradSum, sampleWeightGrad);
            Accumulate(biasGradSum, sampleBiasGrad);
        }

        NumericAssert.AssertClose(weightGradSum, weightGrad, SummedOverSamples, "weightGrad");
        NumericAssert.AssertClose(biasGradSum, biasGrad, SummedOverSamples, "biasGrad");
    }

    [Fact]
    public void Forward_rejects_weights_of_the_wrong_length_before_writing()
    {
        Conv2DShape shape = SmallShape;
        float[] output = NumericAssert.Poisoned(shape.OutputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.Forward(
            shape, new float[shape.InputLength], new float[shape.WeightLength - 1], new float[shape.BiasLength], output));

        Assert.Equal("weights", exception.ParamName);
        Assert.Contains($"{shape.WeightLength}", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"{shape.WeightLength - 1}", exception.Message, StringComparison.Ordinal);
        Assert.True(NumericAssert.IsStillPoisoned(output), "output was written before the arguments were validated");
    }

    [Fact]
    public void Forward_rejects_bias_of_the_wrong_length_before_writing()
    {
        Conv2DShape shape = SmallShape;
        float[] output = NumericAssert.Poisoned(shape.OutputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.Forward(
            shape, new float[shape.InputLength], new float[shape.WeightLength], new float[shape.BiasLength + 1], output));

        Assert.Equal("bias", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(output), "output was written before the arguments were validated");
    }

    [Fact]
    public void Forward_rejects_input_that_is_not_a_whole_number_of_samples()
    {
        Conv2DShape shape = SmallShape;
        float[] output = NumericAssert.Poisoned(2 * shape.OutputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.Forward(
            shape, new float[(2 * shape.InputLength) - 1], new float[shape.WeightLength], new float[shape.BiasLength], output));

        Assert.Equal("input", exception.ParamName);
        Assert.Contains($"{(2 * shape.InputLength) - 1}", exception.Message, StringComparison.Ordinal);
        Assert.True(NumericAssert.IsStillPoisoned(output), "output was written before the arguments were validated");
    }

    [Fact]
    public void Forward_rejects_empty_input()
    {
        Conv2DShape shape = SmallShape;
        float[] output = NumericAssert.Poisoned(shape.OutputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.Forward(
            shape, ReadOnlySpan<float>.Empty, new float[shape.WeightLength], new float[shape.BiasLength], output));

        Assert.Equal("input", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(output), "output was written before the arguments were validated");
    }

    [Fact]
    public void Forward_rejects_output_with_a_different_sample_count_than_input()
    {
        Conv2DShape shape = SmallShape;
        float[] output = NumericAssert.Poisoned(shape.OutputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.Forward(
            shape, new float[2 * shape.InputLength], new float[shape.WeightLength], new float[shape.BiasLength], output));

        Assert.Equal("output", exception.ParamName);
        Assert.Contains($"{2 * shape.OutputLength}", exception.Message, StringComparison.Ordinal);
        Assert.True(NumericAssert.IsStillPoisoned(output), "output was written before the arguments were validated");
    }

    [Fact]
    public void Forward_rejects_a_null_shape()
    {
        var exception = Assert.Throws<ArgumentNullException>(() => ReferenceConv2D.Forward(
            null!, new float[1], new float[1], new float[1], new float[1]));

        Assert.Equal("shape", exception.ParamName);
    }

    [Fact]
    public void BackwardData_takes_the_sample_count_from_outputGrad()
    {
        Conv2DShape shape = SmallShape;
        float[] inputGrad = NumericAssert.Poisoned(2 * shape.InputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.BackwardData(
            shape, new float[(2 * shape.OutputLength) + 1], new float[shape.WeightLength], inputGrad));

        Assert.Equal("outputGrad", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "inputGrad was written before the arguments were validated");
    }

    [Fact]
    public void BackwardData_rejects_inputGrad_with_a_different_sample_count_than_outputGrad()
    {
        Conv2DShape shape = SmallShape;
        float[] inputGrad = NumericAssert.Poisoned(3 * shape.InputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.BackwardData(
            shape, new float[2 * shape.OutputLength], new float[shape.WeightLength], inputGrad));

        Assert.Equal("inputGrad", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "inputGrad was written before the arguments were validated");
    }

    [Fact]
    public void BackwardData_rejects_weights_of_the_wrong_length_before_writing()
    {
        Conv2DShape shape = SmallShape;
        float[] inputGrad = NumericAssert.Poisoned(shape.InputLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.BackwardData(
            shape, new float[shape.OutputLength], new float[shape.WeightLength + 1], inputGrad));

        Assert.Equal("weights", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "inputGrad was written before the arguments were validated");
    }

    [Fact]
    public void BackwardWeights_rejects_outputGrad_with_a_different_sample_count_than_input()
    {
        Conv2DShape shape = SmallShape;
        float[] weightGrad = NumericAssert.Poisoned(shape.WeightLength);
        float[] biasGrad = NumericAssert.Poisoned(shape.BiasLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.BackwardWeights(
            shape, new float[2 * shape.InputLength], new float[shape.OutputLength], weightGrad, biasGrad));

        Assert.Equal("outputGrad", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(weightGrad), "weightGrad was written before the arguments were validated");
        Assert.True(NumericAssert.IsStillPoisoned(biasGrad), "biasGrad was written before the arguments were validated");
    }

    [Fact]
    public void BackwardWeights_rejects_a_wrong_biasGrad_before_writing_weightGrad()
    {
        Conv2DShape shape = SmallShape;
        float[] weightGrad = NumericAssert.Poisoned(shape.WeightLength);
        float[] biasGrad = NumericAssert.Poisoned(shape.BiasLength - 1);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.BackwardWeights(
            shape, new float[shape.InputLength], new float[shape.OutputLength], weightGrad, biasGrad));

        Assert.Equal("biasGrad", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(weightGrad), "weightGrad was written before the arguments were validated");
        Assert.True(NumericAssert.IsStillPoisoned(biasGrad), "biasGrad was written before the arguments were validated");
    }

    [Fact]
    public void BackwardWeights_rejects_a_wrong_weightGrad_before_writing_biasGrad()
    {
        Conv2DShape shape = SmallShape;
        float[] weightGrad = NumericAssert.Poisoned(shape.WeightLength * 2);
        float[] biasGrad = NumericAssert.Poisoned(shape.BiasLength);

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.BackwardWeights(
            shape, new float[shape.InputLength], new float[shape.OutputLength], weightGrad, biasGrad));

        Assert.Equal("weightGrad", exception.ParamName);
        Assert.True(NumericAssert.IsStillPoisoned(weightGrad), "weightGrad was written before the arguments were validated");
        Assert.True(NumericAssert.IsStillPoisoned(biasGrad), "biasGrad was written before the arguments were validated");
    }

    [Fact]
    public void Validation_messages_are_the_ones_generated_layers_use()
    {
        Conv2DShape shape = SmallShape;
        string expected = Assert.Throws<ArgumentException>(
            () => KernelSupport.CheckLength(shape.WeightLength - 1, shape.WeightLength, "weights")).Message;

        var exception = Assert.Throws<ArgumentException>(() => ReferenceConv2D.Forward(
            shape, new float[shape.InputLength], new float[shape.WeightLength - 1], new float[shape.BiasLength], new float[shape.OutputLength]));

        Assert.Equal(expected, exception.Message);
    }

    private static void Accumulate(float[] sum, float[] addend)
    {
        for (int i = 0; i < sum.Length; i++)
        {
            sum[i] += addend[i];
        }
    }
}
