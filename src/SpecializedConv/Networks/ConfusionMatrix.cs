using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SpecializedConv.Networks;

/// <summary>
/// Counts of (true class, predicted class) pairs: row = the label, column = the network's answer, so the diagonal
/// holds the correct answers.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    /// <summary>An empty matrix for <paramref name="classes"/> classes.</summary>
    public ConfusionMatrix(int classes)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classes);
        Classes = classes;
        _counts = new int[classes * classes];
    }

    /// <summary>Number of classes: rows and columns.</summary>
    public int Classes { get; }

    /// <summary>How many samples of class <paramref name="actual"/> were predicted as <paramref name="predicted"/>.</summary>
    public int this[int actual, int predicted] => _counts[(actual * Classes) + predicted];

    /// <summary>All samples counted.</summary>
    public int Total => _counts.Sum();

    /// <summary>Samples on the diagonal.</summary>
    public int Correct
    {
        get
        {
            int correct = 0;
            for (int k = 0; k < Classes; k++)
            {
                correct += this[k, k];
            }

            return correct;
        }
    }

    /// <summary>Correct / Total (0 when empty).</summary>
    public double Accuracy => Total == 0 ? 0 : (double)Correct / Total;

    /// <summary>Of the samples of class <paramref name="actual"/>, the fraction predicted right (0 when there are none).</summary>
    public double Recall(int actual)
    {
        int row = 0;
        for (int k = 0; k < Classes; k++)
        {
            row += this[actual, k];
        }

        return row == 0 ? 0 : (double)this[actual, actual] / row;
    }

    /// <summary>Records one sample.</summary>
    public void Add(int actual, int predicted)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)actual, (uint)Classes, nameof(actual));
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)predicted, (uint)Classes, nameof(predicted));
        _counts[(actual * Classes) + predicted]++;
    }

    /// <summary>Adds row-major counts (Classes × Classes).</summary>
    internal void Add(ReadOnlySpan<int> counts)
    {
        for (int i = 0; i < _counts.Length; i++)
        {
            _counts[i] += counts[i];
        }
    }

    /// <summary>The matrix as text, one row per true class, with the class names (or numbers) and each row's recall.</summary>
    public string ToString(IReadOnlyList<string>? classNames)
    {
        string Name(int k) => classNames is not null && k < classNames.Count ? classNames[k] : k.ToString(CultureInfo.InvariantCulture);
        int nameWidth = Enumerable.Range(0, Classes).Max(k => Name(k).Length);
        int cellWidth = Math.Max(5, _counts.Max().ToString(CultureInfo.InvariantCulture).Length + 1);
        var text = new StringBuilder();
        text.Append(' ', nameWidth).Append(" │");
        for (int k = 0; k < Classes; k++)
        {
            text.Append(k.ToString(CultureInfo.InvariantCulture).PadLeft(cellWidth));
        }

        text.AppendLine("  recall");
        for (int actual = 0; actual < Classes; actual++)
        {
            text.Append(Name(actual).PadRight(nameWidth)).Append(" │");
            for (int predicted = 0; predicted < Classes; predicted++)
            {
                text.Append(this[actual, predicted].ToString(CultureInfo.InvariantCulture).PadLeft(cellWidth));
            }

            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"  {Recall(actual),6:P1}"));
        }

        return text.ToString().TrimEnd();
    }

    /// <inheritdoc/>
    public override string ToString() => ToString(null);
}

/// <summary>What <see cref="SequentialNetwork.Evaluate"/> measured.</summary>
/// <param name="Count">Samples evaluated.</param>
/// <param name="Loss">Mean loss per sample.</param>
/// <param name="Confusion">Counts of (true, predicted) classes.</param>
/// <param name="Elapsed">Wall-clock time of the evaluation.</param>
public sealed record EvaluationResult(int Count, double Loss, ConfusionMatrix Confusion, TimeSpan Elapsed)
{
    /// <summary>Fraction of samples classified right.</summary>
    public double Accuracy => Confusion.Accuracy;

    /// <summary>Samples per second of wall-clock time.</summary>
    public double ImagesPerSecond => Count / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
