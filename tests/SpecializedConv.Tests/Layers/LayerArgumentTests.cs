using System;
using SpecializedConv.Tests.Infrastructure;
using Xunit;

namespace SpecializedConv.Tests.Layers;

/// <summary>
/// Generated pooling and dense layers reject spans of the wrong length (and arg-max indices outside a sample) with an
/// <see cref="ArgumentException"/> naming the parameter and the expected and actual lengths, before writing anything;
/// the shape records validate as PyTorch does.
/// </summary>
public sealed class LayerArgumentTests
{
    [Fact]
    public void Max_pool_rejects_wrong_lengths_naming_the_parameter_before_anything_is_written()
    {
        float[] input = new float[2 * LeNetPool2.InputLength];
        float[] output = NumericAssert.Poisoned(2 * LeNetPool2.OutputLength);
        int[] argMax = PoolReferenceTests.PoisonedIndices(2 * LeNetPool2.OutputLength);

        AssertRejected("input", () => LeNetPool2.Forward(new float[LeNetPool2.InputLength + 1], output, argMax));
        AssertRejected("input", () => LeNetPool2.Forward(Array.Empty<float>(), output, argMax));
        AssertRejected("output", () => LeNetPool2.Forward(input, output.AsSpan(1), argMax));
        AssertRejected("argMax", () => LeNetPool2.Forward(input, output, argMax.AsSpan(0, LeNetPool2.OutputLength)));
        Assert.True(NumericAssert.IsStillPoisoned(output), "a rejected Forward wrote to its output");
        Assert.All(argMax, index => Assert.Equal(-1, index));

        float[] inputGrad = NumericAssert.Poisoned(LeNetPool2.InputLength);
        int[] indices = new int[LeNetPool2.OutputLength];
        AssertRejected("outputGrad", () => LeNetPool2.Backward(new float[7], indices, inputGrad));
        AssertRejected("argMax", () => LeNetPool2.Backward(new float[LeNetPool2.OutputLength], new int[3], inputGrad));
        AssertRejected("inputGrad", () => LeNetPool2.Backward(new float[2 * LeNetPool2.OutputLength], new int[2 * LeNetPool2.OutputLength], inputGrad));
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "a rejected Backward wrote to inputGrad");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(LeNetPool2.InputLength)]
    [InlineData(int.MaxValue)]
    public void Max_pool_backward_rejects_an_arg_max_outside_the_sample_before_anything_is_written(int badIndex)
    {
        int[] argMax = new int[LeNetPool2.OutputLength];
        argMax[17] = badIndex;
        float[] inputGrad = NumericAssert.Poisoned(LeNetPool2.InputLength);

        var error = Assert.Throws<ArgumentException>(() => LeNetPool2.Backward(new float[LeNetPool2.OutputLength], argMax, inputGrad));

        Assert.Equal("argMax", error.ParamName);
        Assert.Contains("element 17", error.Message);
        Assert.Contains(badIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message);
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "a rejected Backward wrote to inputGrad");
    }

    [Fact]
    public void Avg_pool_rejects_wrong_lengths_naming_the_parameter_before_anything_is_written()
    {
        float[] output = NumericAssert.Poisoned(LeNetAvgPool1.OutputLength);
        AssertRejected("input", () => LeNetAvgPool1.Forward(new float[LeNetAvgPool1.InputLength - 1], output));
        AssertRejected("output", () => LeNetAvgPool1.Forward(new float[2 * LeNetAvgPool1.InputLength], output));
        Assert.True(NumericAssert.IsStillPoisoned(output), "a rejected Forward wrote to its output");

        float[] inputGrad = NumericAssert.Poisoned(LeNetAvgPool1.InputLength);
        AssertRejected("outputGrad", () => LeNetAvgPool1.Backward(new float[LeNetAvgPool1.OutputLength + 3], inputGrad));
        AssertRejected("inputGrad", () => LeNetAvgPool1.Backward(new float[LeNetAvgPool1.OutputLength], inputGrad.AsSpan(1)));
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "a rejected Backward wrote to inputGrad");
    }

    [Fact]
    public void Dense_rejects_wrong_lengths_naming_the_parameter_before_anything_is_written()
    {
        float[] input = new float[3 * LeNetFull1.Inputs];
        float[] weights = new float[LeNetFull1.WeightLength];
        float[] bias = new float[LeNetFull1.BiasLength];
        float[] output = NumericAssert.Poisoned(3 * LeNetFull1.Outputs);

        AssertRejected("input", () => LeNetFull1.Forward(new float[LeNetFull1.Inputs + 8], weights, bias, output));
        AssertRejected("weights", () => LeNetFull1.Forward(input, new float[LeNetFull1.WeightLength - 1], bias, output));
        AssertRejected("bias", () => LeNetFull1.Forward(input, weights, new float[84], output));
        AssertRejected("output", () => LeNetFull1.Forward(input, weights, bias, output.AsSpan(LeNetFull1.Outputs)));
        Assert.True(NumericAssert.IsStillPoisoned(output), "a rejected Forward wrote to its output");

        float[] inputGrad = NumericAssert.Poisoned(LeNetFull1.Inputs);
        AssertRejected("outputGrad", () => LeNetFull1.BackwardData(new float[LeNetFull1.Outputs - 1], weights, inputGrad));
        AssertRejected("weights", () => LeNetFull1.BackwardData(new float[LeNetFull1.Outputs], bias, inputGrad));
        AssertRejected("inputGrad", () => LeNetFull1.BackwardData(new float[2 * LeNetFull1.Outputs], weights, inputGrad));
        Assert.True(NumericAssert.IsStillPoisoned(inputGrad), "a rejected BackwardData wrote to inputGrad");

        float[] weightGrad = NumericAssert.Poisoned(LeNetFull1.WeightLength), biasGrad = NumericAssert.Poisoned(LeNetFull1.BiasLength);
        AssertRejected("outputGrad", () => LeNetFull1.BackwardWeights(input, new float[LeNetFull1.Outputs], weightGrad, biasGrad));
        AssertRejected("weightGrad", () => LeNetFull1.BackwardWeights(input, new float[3 * LeNetFull1.Outputs], weightGrad.AsSpan(1), biasGrad));
        AssertRejected("biasGrad", () => LeNetFull1.BackwardWeights(input, new float[3 * LeNetFull1.Outputs], weightGrad, new float[1]));
        Assert.True(NumericAssert.IsStillPoisoned(weightGrad), "a rejected BackwardWeights wrote to weightGrad");
        Assert.True(NumericAssert.IsStillPoisoned(biasGrad), "a rejected BackwardWeights wrote to biasGrad");
    }

    [Fact]
    public void Messages_name_the_expected_and_actual_length()
    {
        var dense = Assert.Throws<ArgumentException>(() =>
            LeNetFull3.Forward(new float[LeNetFull3.Inputs], new float[839], new float[10], new float[10]));
        Assert.Equal("weights", dense.ParamName);
        Assert.Contains("840", dense.Message);
        Assert.Contains("839", dense.Message);

        var pool = Assert.Throws<ArgumentException>(() =>
            LeNetPool1.Forward(new float[LeNetPool1.InputLength], new float[LeNetPool1.OutputLength], new int[863]));
        Assert.Equal("argMax", pool.ParamName);
        Assert.Contains("864", pool.Message);
        Assert.Contains("863", pool.Message);
    }

    [Fact]
    public void Pool2DShape_validates_as_pytorch_does()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(0, 8, 8, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 8, 8, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 8, 8, 2, stride: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 8, 8, 3, padding: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Pool2DShape(1, 8, 8, 3, padding: -1));
        Assert.Throws<ArgumentException>(() => new Pool2DShape(1, 3, 8, 5, padding: 0));
        Assert.Throws<ArgumentException>(() => new Pool2DShape(100_000, 100_000, 1_000, 1));

        var shape = new Pool2DShape(3, 7, 9, 3, stride: 0, padding: 1);
        Assert.Equal((3, 3, 3, 9), (shape.Stride, shape.OutHeight, shape.OutWidth, shape.WindowArea));
        Assert.Equal((3 * 7 * 9, 3 * 3 * 3), (shape.InputLength, shape.OutputLength));
    }

    [Fact]
    public void DenseShape_validates_its_sizes_and_weight_length()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseShape(0, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DenseShape(3, -1));
        Assert.Throws<ArgumentException>(() => new DenseShape(100_000, 100_000));

        var shape = new DenseShape(256, 120);
        Assert.Equal((256, 120, 30720, 120, 30720L), (shape.InputLength, shape.OutputLength, shape.WeightLength, shape.BiasLength, shape.MultiplyAdds));
    }

    [Fact]
    public void Concurrent_max_pool_calls_give_the_same_bits_as_one_thread()
    {
        // Each thread has its own −∞-margined scratch buffer; a shared one would mix samples.
        var random = new Random(5);
        float[] input = NumericAssert.RandomArray(random, OverlapK3S2Pool.InputLength);
        float[] expected = new float[OverlapK3S2Pool.OutputLength];
        int[] expectedArgMax = new int[OverlapK3S2Pool.OutputLength];
        OverlapK3S2Pool.Forward(input, expected, expectedArgMax);

        System.Threading.Tasks.Parallel.For(0, 64, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            float[] output = new float[OverlapK3S2Pool.OutputLength];
            int[] argMax = new int[OverlapK3S2Pool.OutputLength];
            for (int call = 0; call < 20; call++)
            {
                OverlapK3S2Pool.Forward(input, output, argMax);
                Assert.Equal(expected, output);
                Assert.Equal(expectedArgMax, argMax);
            }
        });
    }

    private static void AssertRejected(string parameter, Action call)
    {
        var error = Assert.Throws<ArgumentException>(call);
        Assert.Equal(parameter, error.ParamName);
    }
}
