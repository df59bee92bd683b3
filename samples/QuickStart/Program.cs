using System;
using SpecializedConv;

// A LeNet-5 first layer: 1×28×28 → 6×24×24 with 5×5 kernels, generated at compile time.
var random = new Random(42);
float[] input = RandomArray(LeNetConv1.InputLength);
float[] weights = RandomArray(LeNetConv1.WeightLength);
float[] bias = RandomArray(LeNetConv1.BiasLength);
float[] output = new float[LeNetConv1.OutputLength];

LeNetConv1.Forward(input, weights, bias, output);

// The same layer through the scalar reference kernel, with runtime shapes, as a cross-check.
float[] expected = new float[LeNetConv1.OutputLength];
ReferenceConv2D.Forward(LeNetConv1.Shape, input, weights, bias, expected);
float worst = 0;
for (int i = 0; i < output.Length; i++)
{
    worst = MathF.Max(worst, MathF.Abs(output[i] - expected[i]));
}

Console.WriteLine($"{LeNetConv1.Shape}");
Console.WriteLine($"output[0..4] = {string.Join(", ", output[..4])}");
Console.WriteLine($"largest difference from the reference kernel: {worst:E2}");

// Both backward passes, for a loss whose gradient with respect to the output is all ones.
float[] outputGrad = new float[LeNetConv1.OutputLength];
Array.Fill(outputGrad, 1f);
float[] inputGrad = new float[LeNetConv1.InputLength];
float[] weightGrad = new float[LeNetConv1.WeightLength];
float[] biasGrad = new float[LeNetConv1.BiasLength];
LeNetConv1.BackwardData(outputGrad, weights, inputGrad);
LeNetConv1.BackwardWeights(input, outputGrad, weightGrad, biasGrad);
Console.WriteLine($"biasGrad = {string.Join(", ", biasGrad)} (each is Ho·Wo = {LeNetConv1.OutHeight * LeNetConv1.OutWidth})");

float[] RandomArray(int length)
{
    float[] values = new float[length];
    for (int i = 0; i < length; i++)
    {
        values[i] = (float)((random.NextDouble() * 2) - 1);
    }

    return values;
}

/// <summary>LeNet-5's first convolution: 1×28×28 input, six 5×5 filters, valid mode.</summary>
[Conv2D(1, 28, 28, 6, 5, 5, Mode = ConvMode.Valid, Stride = 1)]
public partial class LeNetConv1;
