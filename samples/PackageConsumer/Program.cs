using System;
using SpecializedConv;

// A layer declared in a project that only has `dotnet add package SpecializedConv`: the generator came with the
// package and wrote Forward, BackwardData, BackwardWeights and the shape constants into this partial class.
var random = new Random(7);
float[] input = RandomArray(EdgeFilters.InputLength);
float[] weights = RandomArray(EdgeFilters.WeightLength);
float[] bias = RandomArray(EdgeFilters.BiasLength);
float[] output = new float[EdgeFilters.OutputLength];
EdgeFilters.Forward(input, weights, bias, output);

// The package's scalar reference kernel, with the shape as a runtime value, as a cross-check.
float[] expected = new float[EdgeFilters.OutputLength];
ReferenceConv2D.Forward(EdgeFilters.Shape, input, weights, bias, expected);
float worst = 0;
for (int i = 0; i < output.Length; i++)
{
    worst = MathF.Max(worst, MathF.Abs(output[i] - expected[i]));
}

Console.WriteLine(EdgeFilters.Shape);
Console.WriteLine($"output[0..4] = {string.Join(", ", output[..4])}");
Console.WriteLine($"largest difference from the reference kernel: {worst:E2}");

float[] RandomArray(int length)
{
    float[] values = new float[length];
    for (int i = 0; i < length; i++)
    {
        values[i] = (random.NextSingle() * 2) - 1;
    }

    return values;
}

/// <summary>Four 3×3 filters over a 3-channel 32×32 image, zero-padded to keep the size.</summary>
[Conv2D(3, 32, 32, 4, 3, Mode = ConvMode.Same)]
public partial class EdgeFilters;
