using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using SpecializedConv.Data;
using SpecializedConv.Networks;
using Spectre.Console;

namespace LeNet;

/// <summary>One training run: load, build, train and evaluate epoch by epoch, then report and save.</summary>
internal static class TrainingRun
{
    /// <summary>Passes over the test set for the final inference-throughput measurement (the median is reported).</summary>
    private const int InferenceRepetitions = 5;

    public static int Execute(TrainingSettings settings)
    {
        CultureInfo.CurrentCulture = Display.Culture;
        (Dataset train, Dataset test, string source) = FashionMnist.Load(settings.DataFolder, settings.TrainLimit, settings.TestLimit);
        (double mean, double deviation) = (0, 1);
        if (settings.Normalize)
        {
            (mean, deviation) = Standardize(train, test);
        }

        using SequentialNetwork network = LeNet5.Build();
        network.Initialize(settings.Initialization == "xavier" ? WeightInitialization.Xavier : WeightInitialization.He, settings.Seed);
        Optimizer optimizer = settings.Optimizer == "sgd"
            ? new Sgd(settings.LearningRate, settings.Momentum, weightDecay: settings.WeightDecay)
            : new Adam(settings.LearningRate, weightDecay: settings.WeightDecay);
        var options = new TrainingOptions
        {
            BatchSize = settings.BatchSize,
            Threads = settings.Threads,
            Shards = Math.Min(settings.Shards, settings.BatchSize),
            Seed = settings.Seed,
        };
        using var trainer = new Trainer(network, new SoftmaxCrossEntropyLoss(), optimizer, options);

        // Described before training: the schedule changes the optimizer's learning rate as it goes.
        string optimizerDescription = optimizer.ToString();

        AnsiConsole.MarkupLine($"[bold]LeNet-5 on Fashion-MNIST[/] with SpecializedConv's generated layers");
        AnsiConsole.MarkupLine($"data      [grey]{Markup.Escape(source)}[/]: {train.Count:N0} training and {test.Count:N0} test images");
        AnsiConsole.MarkupLine($"recipe    {settings.Recipe}: {Markup.Escape(optimizerDescription)}, {settings.Schedule} schedule, batch {settings.BatchSize}, " +
                               $"{settings.Initialization} initialisation{(settings.Flip ? ", random flips" : "")}, seed {settings.Seed}");
        AnsiConsole.MarkupLine(settings.Normalize
            ? $"inputs    standardised: (pixel − {mean:F4}) / {deviation:F4}, the training set's mean and deviation"
            : "inputs    pixels in [[0, 1]]");
        AnsiConsole.MarkupLine($"threads   {trainer.Threads} ({options.Shards} shards per batch), {Environment.ProcessorCount} processors");
        AnsiConsole.WriteLine();
        AnsiConsole.WriteLine(network.Summary());
        AnsiConsole.WriteLine();

        var history = new List<EpochRecord>();
        int batchesPerEpoch = (train.Count + settings.BatchSize - 1) / settings.BatchSize;
        long totalSteps = (long)batchesPerEpoch * settings.Epochs;
        long step = 0;
        var trainingTime = TimeSpan.Zero;
        var wallClock = Stopwatch.StartNew();
        // With flipping, each epoch trains on a copy in which a random half of the images (drawn from the seed and the epoch) is mirrored.
        Dataset epochData = settings.Flip ? new Dataset(new float[train.Images.Length], train.Labels, train.Height, train.Width) : train;
        for (int epoch = 1; epoch <= settings.Epochs; epoch++)
        {
            if (settings.Flip)
            {
                MirrorHalf(train, epochData.Images, new Random(unchecked((settings.Seed * 7919) + epoch)));
            }

            EpochResult result = null!;
            AnsiConsole.Progress()
                .AutoClear(true)
                .HideCompleted(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(context =>
                {
                    ProgressTask task = context.AddTask($"epoch {epoch}/{settings.Epochs}", maxValue: batchesPerEpoch);
                    result = trainer.TrainEpoch(epochData, progress =>
                    {
                        step++;
                        if (settings.Schedule == "cosine")
                        {
                            // Half a cosine from the base rate down to 0 over every step of the run; floored so it stays positive.
                            double fraction = (double)step / totalSteps;
                            optimizer.LearningRate = (float)Math.Max(settings.LearningRate * 0.5 * (1 + Math.Cos(Math.PI * fraction)), 1e-7);
                        }

                        // Redrawing costs a string; every 25 batches is smooth enough at thousands of images per second.
                        if (progress.Batch % 25 == 0 || progress.Batch == progress.Batches)
                        {
                            task.Description = string.Create(Display.Culture,
                                $"epoch {epoch}/{settings.Epochs}  loss {progress.Loss:F4}  acc {progress.Accuracy:P2}  {progress.Samples / progress.Elapsed.TotalSeconds:N0} img/s");
                            task.Value = progress.Batch;
                        }
                    });
                });

            trainingTime += result.Elapsed;
            EvaluationResult evaluation = network.Evaluate(test, threads: settings.Threads);
            var record = new EpochRecord(epoch, result.Loss, result.Accuracy, evaluation.Loss, evaluation.Accuracy,
                result.ImagesPerSecond, evaluation.ImagesPerSecond, result.Elapsed.TotalSeconds);
            history.Add(record);
            AnsiConsole.MarkupLine(string.Create(Display.Culture,
                $"epoch {epoch,2}/{settings.Epochs}  train loss [yellow]{record.TrainLoss:F4}[/] acc {record.TrainAccuracy:P2}  " +
                $"test loss {record.TestLoss:F4} acc [green]{record.TestAccuracy:P2}[/]  " +
                $"{record.TrainImagesPerSecond:N0} img/s training, {record.InferenceImagesPerSecond:N0} inference  {record.Seconds:F1} s"));
        }

        // Inference throughput on its own, after training: the median of several passes over the test set.
        double[] rates = Enumerable.Range(0, InferenceRepetitions)
            .Select(_ => network.Evaluate(test, threads: settings.Threads).ImagesPerSecond)
            .Order()
            .ToArray();
        double inferenceRate = rates[rates.Length / 2];
        EvaluationResult final = network.Evaluate(test, threads: settings.Threads);
        double trainRate = history.Sum(record => record.TrainImagesPerSecond * record.Seconds) / trainingTime.TotalSeconds;

        AnsiConsole.WriteLine();
        AnsiConsole.Write(ConfusionTable(final.Confusion));
        AnsiConsole.WriteLine();
        AnsiConsole.MarkupLine(string.Create(Display.Culture,
            $"test accuracy [green bold]{final.Accuracy:P2}[/] after {settings.Epochs} epochs ({wallClock.Elapsed.TotalSeconds:F0} s); " +
            $"training {trainRate:N0} img/s, inference {inferenceRate:N0} img/s (median of {InferenceRepetitions} passes over the test set)"));

        Directory.CreateDirectory(settings.OutputFolder);
        string weightsPath = Path.Combine(settings.OutputFolder, "lenet.weights");
        network.Save(weightsPath);
        using (SequentialNetwork reloaded = LeNet5.Build())
        {
            reloaded.Load(weightsPath);
            double reloadedAccuracy = reloaded.Evaluate(test, threads: settings.Threads).Accuracy;
            AnsiConsole.MarkupLine($"weights   [grey]{Markup.Escape(weightsPath)}[/] ({new FileInfo(weightsPath).Length:N0} bytes; " +
                                   $"reloaded: test accuracy {reloadedAccuracy:P2}{(reloadedAccuracy == final.Accuracy ? ", identical" : ", DIFFERENT")})");
        }

        string curvePath = Path.Combine(settings.OutputFolder, "learning-curve.svg");
        File.WriteAllText(curvePath, LearningCurve.Render(history, string.Create(Display.Culture,
            $"LeNet-5 on Fashion-MNIST: {settings.Optimizer} lr {settings.LearningRate:G}, {settings.Schedule} schedule, batch {settings.BatchSize}, test accuracy {final.Accuracy:P2}")));
        AnsiConsole.MarkupLine($"curve     [grey]{Markup.Escape(curvePath)}[/]");

        if (settings.SummaryFile is string summaryPath)
        {
            var summary = new RunSummary(settings, source, train.Count, test.Count, network.ParameterCount, trainer.Threads, optimizerDescription,
                history, final, trainRate, inferenceRate, wallClock.Elapsed.TotalSeconds, weightsPath, curvePath);
            summary.Write(summaryPath);
            AnsiConsole.MarkupLine($"summary   [grey]{Markup.Escape(summaryPath)}[/]");
        }

        return 0;
    }

    /// <summary>Copies <paramref name="source"/>'s images to <paramref name="destination"/>, each mirrored left to right with probability ½.</summary>
    private static void MirrorHalf(Dataset source, float[] destination, Random random)
    {
        int width = source.Width;
        for (int image = 0; image < source.Count; image++)
        {
            ReadOnlySpan<float> from = source.Image(image);
            Span<float> to = destination.AsSpan(image * source.ImageLength, source.ImageLength);
            if (random.Next(2) == 0)
            {
                from.CopyTo(to);
                continue;
            }

            for (int row = 0; row < from.Length; row += width)
            {
                from.Slice(row, width).CopyTo(to.Slice(row, width));
                to.Slice(row, width).Reverse();
            }
        }
    }

    /// <summary>Rescales both sets in place to <c>(x − mean) / deviation</c> of the training pixels (torchvision's <c>Normalize</c>).</summary>
    private static (double Mean, double Deviation) Standardize(Dataset train, Dataset test)
    {
        double sum = 0, squares = 0;
        foreach (float pixel in train.Images)
        {
            sum += pixel;
            squares += (double)pixel * pixel;
        }

        double mean = sum / train.Images.Length;
        double deviation = Math.Sqrt(Math.Max((squares / train.Images.Length) - (mean * mean), 1e-12));
        foreach (float[] images in new[] { train.Images, test.Images })
        {
            for (int i = 0; i < images.Length; i++)
            {
                images[i] = (float)((images[i] - mean) / deviation);
            }
        }

        return (mean, deviation);
    }

    private static Table ConfusionTable(ConfusionMatrix confusion)
    {
        IReadOnlyList<string> names = FashionMnist.ClassNames;
        var table = new Table().Border(TableBorder.Simple).Title("confusion matrix on the test set (rows: true class, columns: predicted)");
        table.AddColumn(new TableColumn("class") { Padding = new Padding(0, 0, 1, 0) });
        for (int k = 0; k < confusion.Classes; k++)
        {
            table.AddColumn(new TableColumn(k.ToString(CultureInfo.InvariantCulture)) { Padding = new Padding(1, 0, 0, 0) }.RightAligned());
        }

        table.AddColumn(new TableColumn("recall") { Padding = new Padding(2, 0, 0, 0) }.RightAligned());
        for (int actual = 0; actual < confusion.Classes; actual++)
        {
            var cells = new List<string> { $"{actual} {Markup.Escape(actual < names.Count ? names[actual] : "")}" };
            for (int predicted = 0; predicted < confusion.Classes; predicted++)
            {
                int count = confusion[actual, predicted];
                cells.Add(predicted == actual ? $"[green]{count}[/]" : count == 0 ? "[grey]·[/]" : count.ToString(CultureInfo.InvariantCulture));
            }

            cells.Add(confusion.Recall(actual).ToString("P1", Display.Culture));
            table.AddRow(cells.ToArray());
        }

        return table;
    }
}

/// <summary>One epoch's figures, for the console, the learning curve and the summary.</summary>
internal sealed record EpochRecord(
    int Epoch, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy,
    double TrainImagesPerSecond, double InferenceImagesPerSecond, double Seconds);
