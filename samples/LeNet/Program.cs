using System;
using System.CommandLine;
using System.CommandLine.Parsing;
using System.IO;
using SpecializedConv.Networks;

namespace LeNet;

/// <summary>
/// Trains LeNet-5 on Fashion-MNIST with the generated layers: <c>dotnet run -c Release --project samples/LeNet</c>.
/// <c>--help</c> lists the options.
/// </summary>
public static class Program
{
    /// <summary>Parses the options and trains (or profiles).</summary>
    public static int Main(string[] args)
    {
        var recipe = new Option<string>("--recipe")
        {
            Description = $"Starting point for the training options below: default ({Recipe.Default}) or pytorch, the PyTorch " +
                          $"reference recipe ({Recipe.PyTorch}). Options given explicitly override the recipe's.",
            DefaultValueFactory = _ => "default",
        };
        recipe.AcceptOnlyFromAmong("default", "pytorch");
        var epochs = new Option<int>("--epochs", "-e") { Description = "Passes over the training set.", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int?>("--batch-size", "-b") { Description = "Images per mini-batch [recipe: 32]." };
        var optimizer = new Option<string?>("--optimizer") { Description = "adam or sgd [recipe]." };
        optimizer.AcceptOnlyFromAmong("adam", "sgd");
        var learningRate = new Option<float?>("--learning-rate", "--lr") { Description = "Step size (the peak, with the cosine schedule) [recipe]." };
        var momentum = new Option<float?>("--momentum") { Description = "Momentum of sgd, 0 for plain SGD; ignored by adam [recipe: 0.9]." };
        var weightDecay = new Option<float?>("--weight-decay")
        {
            Description = "Weight decay λ, 0 for none: decoupled for adam (which makes it AdamW), an L2 term λ·p added to the gradient for sgd [recipe].",
        };
        var schedule = new Option<string?>("--schedule")
        {
            Description = "Learning-rate schedule: constant, or cosine (half a cosine from the learning rate down to 0 over all steps) [recipe].",
        };
        schedule.AcceptOnlyFromAmong("constant", "cosine");
        var normalize = new Option<bool?>("--normalize")
        {
            Description = "Standardise the pixels with the training set's mean and deviation (true), or keep them in [0, 1] (false) [recipe].",
        };
        var flip = new Option<bool>("--flip")
        {
            Description = "Augment: each epoch, mirror a random half of the training images left to right.",
            DefaultValueFactory = _ => false,
        };
        var init = new Option<string>("--init")
        {
            Description = "Weight initialisation: he (normal, for ReLU) or xavier (uniform).",
            DefaultValueFactory = _ => "he",
        };
        init.AcceptOnlyFromAmong("he", "xavier");
        var data = new Option<DirectoryInfo?>("--data")
        {
            HelpName = "FOLDER",
            Description = "Folder holding the four Fashion-MNIST IDX files, plain or .gz [default: the full set in " +
                          "/usr/share/datasets/fashion-mnist when present, else the repository's data/fashion-mnist-subset].",
        };
        var trainLimit = new Option<int?>("--train-limit") { HelpName = "N", Description = "Use only the first N training images (a quick run)." };
        var testLimit = new Option<int?>("--test-limit") { HelpName = "N", Description = "Use only the first N test images." };
        var threads = new Option<int>("--threads", "-t")
        {
            Description = "Threads for training and evaluation. The trained weights do not depend on it.",
            DefaultValueFactory = _ => Environment.ProcessorCount,
        };
        var shards = new Option<int>("--shards")
        {
            Description = "Parts each batch is split into, run in parallel by the threads. The weights depend on it (it fixes the order of " +
                          "the gradient sums), not on --threads; more shards than threads is fine.",
            DefaultValueFactory = _ => TrainingOptions.DefaultShards,
        };
        var seed = new Option<int>("--seed", "-s")
        {
            Description = "Seed of the initial weights and of the order of the training images.",
            DefaultValueFactory = _ => 1,
        };
        var output = new Option<DirectoryInfo>("--output", "-o")
        {
            HelpName = "FOLDER",
            Description = "Folder for the weights (lenet.weights) and the learning curve (learning-curve.svg).",
            DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("artifacts", "lenet")),
        };
        var summary = new Option<FileInfo?>("--summary")
        {
            HelpName = "FILE",
            Description = "Also write a JSON summary to FILE: epochs, testAccuracy, trainImagesPerSecond, inferenceImagesPerSecond, " +
                          "the settings, per-epoch figures and the confusion matrix.",
        };
        var profile = new Option<bool>("--profile")
        {
            Description = "Instead of training, time every layer's passes and whole steps on 1 and --threads threads: where a step's time goes.",
        };

        foreach (Option<int> positive in new[] { epochs, threads, shards })
        {
            positive.Validators.Add(result =>
            {
                if (result.GetValueOrDefault<int>() < 1)
                {
                    result.AddError($"{result.Option.Name} must be at least 1.");
                }
            });
        }

        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int?>() is < 1)
            {
                result.AddError("--batch-size must be at least 1.");
            }
        });

        var command = new RootCommand(
            "Trains LeNet-5 on Fashion-MNIST with SpecializedConv's generated layers, on all cores. Shows a progress bar per epoch with " +
            "the loss, accuracy and speed, evaluates on the test set after every epoch, prints a confusion matrix, and saves the " +
            "weights and an SVG learning curve.")
        {
            recipe, epochs, batchSize, optimizer, learningRate, momentum, weightDecay, schedule, normalize, flip, init,
            data, trainLimit, testLimit, threads, shards, seed, output, summary, profile,
        };

        command.SetAction(parse =>
        {
            Recipe basis = parse.GetValue(recipe) == "pytorch" ? Recipe.PyTorch : Recipe.Default;
            string optimizerName = parse.GetValue(optimizer) ?? basis.Optimizer;
            bool sameOptimizer = optimizerName == basis.Optimizer;
            var settings = new TrainingSettings(
                Recipe: parse.GetValue(recipe)!,
                Epochs: parse.GetValue(epochs),
                BatchSize: parse.GetValue(batchSize) ?? basis.BatchSize,
                Optimizer: optimizerName,
                LearningRate: parse.GetValue(learningRate) ?? (sameOptimizer ? basis.LearningRate : Recipe.DefaultLearningRate(optimizerName)),
                Momentum: parse.GetValue(momentum) ?? 0.9f,
                WeightDecay: parse.GetValue(weightDecay) ?? (sameOptimizer ? basis.WeightDecay : 0f),
                Schedule: parse.GetValue(schedule) ?? basis.Schedule,
                Normalize: parse.GetValue(normalize) ?? basis.Normalize,
                Flip: parse.GetValue(flip),
                Initialization: parse.GetValue(init)!,
                DataFolder: parse.GetValue(data)?.FullName,
                TrainLimit: parse.GetValue(trainLimit),
                TestLimit: parse.GetValue(testLimit),
                Threads: parse.GetValue(threads),
                Shards: parse.GetValue(shards),
                Seed: parse.GetValue(seed),
                OutputFolder: parse.GetValue(output)!.FullName,
                SummaryFile: parse.GetValue(summary)?.FullName);
            return parse.GetValue(profile)
                ? Profiler.Run(settings.BatchSize, Math.Min(settings.Shards, settings.BatchSize), settings.Threads)
                : TrainingRun.Execute(settings);
        });

        return command.Parse(args).Invoke();
    }
}

/// <summary>A set of training defaults that <c>--recipe</c> selects.</summary>
internal sealed record Recipe(string Optimizer, float LearningRate, float WeightDecay, int BatchSize, string Schedule, bool Normalize)
{
    /// <summary>
    /// Reaches 90% test accuracy on the full Fashion-MNIST in 10 epochs: AdamW with a cosine schedule on standardised pixels.
    /// </summary>
    public static Recipe Default { get; } = new("adam", 0.001f, 0.05f, 32, "cosine", Normalize: true);

    /// <summary>The PyTorch tutorial recipe: SGD, lr 0.01, momentum 0.9, batch 32, constant rate, pixels in [0, 1].</summary>
    public static Recipe PyTorch { get; } = new("sgd", 0.01f, 0f, 32, "constant", Normalize: false);

    /// <summary>The learning rate for an optimizer chosen against the recipe's.</summary>
    public static float DefaultLearningRate(string optimizer) => optimizer == "sgd" ? 0.01f : 0.001f;

    public override string ToString()
    {
        string momentum = Optimizer == "sgd" ? " momentum 0.9" : "";
        string decay = WeightDecay == 0 ? "" : FormattableString.Invariant($" weight decay {WeightDecay:G}");
        string pixels = Normalize ? "standardised" : "raw";
        return FormattableString.Invariant($"{Optimizer} lr {LearningRate:G}{momentum}{decay}, batch {BatchSize}, {Schedule} schedule, {pixels} pixels");
    }
}

/// <summary>Everything the options decide.</summary>
internal sealed record TrainingSettings(
    string Recipe,
    int Epochs,
    int BatchSize,
    string Optimizer,
    float LearningRate,
    float Momentum,
    float WeightDecay,
    string Schedule,
    bool Normalize,
    bool Flip,
    string Initialization,
    string? DataFolder,
    int? TrainLimit,
    int? TestLimit,
    int Threads,
    int Shards,
    int Seed,
    string OutputFolder,
    string? SummaryFile);
