using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace LeNet;

/// <summary>
/// Draws the learning curve as a self-contained SVG: the loss per epoch on the left, the accuracy on the right, each
/// for the training set (as measured during the epoch) and the test set (after it).
/// </summary>
internal static class LearningCurve
{
    private const int Width = 960;
    private const int Height = 420;
    private const int PanelWidth = 400;
    private const int PanelHeight = 290;
    private const int PanelTop = 70;
    private const int LeftPanelX = 70;
    private const int RightPanelX = 540;
    private const string TrainColour = "#1f77b4";
    private const string TestColour = "#ff7f0e";

    public static string Render(IReadOnlyList<EpochRecord> history, string title)
    {
        var svg = new StringBuilder();
        svg.AppendLine(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">"));
        svg.AppendLine(Invariant($"  <rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>"));
        svg.AppendLine(Invariant($"  <text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">{WebUtility.HtmlEncode(title)}</text>"));
        Legend(svg, (Width / 2) - 200, 50);

        IEnumerable<double> losses = history.SelectMany(record => new[] { record.TrainLoss, record.TestLoss });
        Panel(svg, LeftPanelX, "loss (softmax cross-entropy)", history, 0, losses.DefaultIfEmpty(1).Max(),
            record => record.TrainLoss, record => record.TestLoss, value => value.ToString("0.##", CultureInfo.InvariantCulture));

        IEnumerable<double> accuracies = history.SelectMany(record => new[] { record.TrainAccuracy, record.TestAccuracy });
        double lowest = accuracies.DefaultIfEmpty(0).Min();
        Panel(svg, RightPanelX, "accuracy", history, Math.Floor(lowest * 20) / 20, 1,
            record => record.TrainAccuracy, record => record.TestAccuracy, value => value.ToString("0.#%", CultureInfo.InvariantCulture));

        svg.AppendLine("</svg>");
        return svg.ToString();
    }

    private static void Panel(
        StringBuilder svg, int left, string label, IReadOnlyList<EpochRecord> history, double low, double high,
        Func<EpochRecord, double> train, Func<EpochRecord, double> test, Func<double, string> format)
    {
        int epochs = Math.Max(history.Count, 1);
        (double tickLow, double tickHigh, double step) = NiceAxis(low, high);
        double X(double epoch) => left + (epochs == 1 ? PanelWidth / 2.0 : (epoch - 1) / (epochs - 1) * PanelWidth);
        double Y(double value) => PanelTop + PanelHeight - ((value - tickLow) / (tickHigh - tickLow) * PanelHeight);

        svg.AppendLine(Invariant($"  <g><!-- {label} -->"));
        svg.AppendLine(Invariant($"    <text x=\"{left + PanelWidth / 2}\" y=\"{PanelTop - 8}\" text-anchor=\"middle\" font-weight=\"bold\">{label}</text>"));
        for (double tick = tickLow; tick <= tickHigh + (step / 2); tick += step)
        {
            double y = Y(tick);
            svg.AppendLine(Invariant($"    <line x1=\"{left}\" y1=\"{y:F1}\" x2=\"{left + PanelWidth}\" y2=\"{y:F1}\" stroke=\"#e5e5e5\"/>"));
            svg.AppendLine(Invariant($"    <text x=\"{left - 6}\" y=\"{y + 4:F1}\" text-anchor=\"end\">{format(tick)}</text>"));
        }

        int every = Math.Max(1, (int)Math.Ceiling(epochs / 10.0));
        for (int epoch = 1; epoch <= epochs; epoch += every)
        {
            double x = X(epoch);
            svg.AppendLine(Invariant($"    <line x1=\"{x:F1}\" y1=\"{PanelTop + PanelHeight}\" x2=\"{x:F1}\" y2=\"{PanelTop + PanelHeight + 5}\" stroke=\"#333\"/>"));
            svg.AppendLine(Invariant($"    <text x=\"{x:F1}\" y=\"{PanelTop + PanelHeight + 18}\" text-anchor=\"middle\">{epoch}</text>"));
        }

        svg.AppendLine(Invariant($"    <rect x=\"{left}\" y=\"{PanelTop}\" width=\"{PanelWidth}\" height=\"{PanelHeight}\" fill=\"none\" stroke=\"#333\"/>"));
        svg.AppendLine(Invariant($"    <text x=\"{left + PanelWidth / 2}\" y=\"{PanelTop + PanelHeight + 36}\" text-anchor=\"middle\">epoch</text>"));
        Series(svg, history, train, X, Y, TrainColour, dashed: false);
        Series(svg, history, test, X, Y, TestColour, dashed: true);
        svg.AppendLine("  </g>");
    }

    private static void Series(
        StringBuilder svg, IReadOnlyList<EpochRecord> history, Func<EpochRecord, double> value, Func<double, double> x, Func<double, double> y,
        string colour, bool dashed)
    {
        if (history.Count == 0)
        {
            return;
        }

        string points = string.Join(" ", history.Select(record => Invariant($"{x(record.Epoch):F1},{y(value(record)):F1}")));
        svg.AppendLine(Invariant($"    <polyline points=\"{points}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"2\"{(dashed ? " stroke-dasharray=\"6 4\"" : "")}/>"));
        foreach (EpochRecord record in history)
        {
            svg.AppendLine(Invariant($"    <circle cx=\"{x(record.Epoch):F1}\" cy=\"{y(value(record)):F1}\" r=\"3\" fill=\"{colour}\"><title>epoch {record.Epoch}: {value(record):G5}</title></circle>"));
        }
    }

    private static void Legend(StringBuilder svg, int x, int y)
    {
        svg.AppendLine(Invariant($"  <line x1=\"{x}\" y1=\"{y - 4}\" x2=\"{x + 30}\" y2=\"{y - 4}\" stroke=\"{TrainColour}\" stroke-width=\"2\"/>"));
        svg.AppendLine(Invariant($"  <text x=\"{x + 36}\" y=\"{y}\">training (during the epoch)</text>"));
        svg.AppendLine(Invariant($"  <line x1=\"{x + 230}\" y1=\"{y - 4}\" x2=\"{x + 260}\" y2=\"{y - 4}\" stroke=\"{TestColour}\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>"));
        svg.AppendLine(Invariant($"  <text x=\"{x + 266}\" y=\"{y}\">test (after the epoch)</text>"));
    }

    /// <summary>An axis from <paramref name="low"/> to <paramref name="high"/> widened to ticks of 1, 2 or 5 × 10ⁿ, about five of them.</summary>
    private static (double Low, double High, double Step) NiceAxis(double low, double high)
    {
        if (!(high > low))
        {
            high = low + 1;
        }

        double rough = (high - low) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double step = new[] { 1.0, 2.0, 5.0, 10.0 }.Select(factor => factor * magnitude).First(candidate => candidate >= rough);
        return (Math.Floor(low / step) * step, Math.Ceiling(high / step) * step, step);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
