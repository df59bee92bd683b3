using System.Collections.Generic;
using System.IO;
using System.Text.Encodings.Web;
using System.Text.Json;
using SpecializedConv.Networks;

namespace LeNet;

/// <summary>The <c>--summary</c> JSON file: the settings, the results per epoch and the final figures.</summary>
internal sealed record RunSummary(
    TrainingSettings Settings,
    string DataSource,
    int TrainImages,
    int TestImages,
    int Parameters,
    int Threads,
    string Optimizer,
    IReadOnlyList<EpochRecord> History,
    EvaluationResult Final,
    double TrainImagesPerSecond,
    double InferenceImagesPerSecond,
    double TotalSeconds,
    string WeightsFile,
    string LearningCurveFile)
{
    public void Write(string path)
    {
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        json.WriteNumber("epochs", Settings.Epochs);
        json.WriteNumber("testAccuracy", Final.Accuracy);
        json.WriteNumber("testLoss", Final.Loss);
        json.WriteNumber("trainImagesPerSecond", TrainImagesPerSecond);
        json.WriteNumber("inferenceImagesPerSecond", InferenceImagesPerSecond);
        json.WriteNumber("trainAccuracy", History.Count > 0 ? History[^1].TrainAccuracy : 0);
        json.WriteNumber("trainLoss", History.Count > 0 ? History[^1].TrainLoss : 0);
        json.WriteString("recipe", Settings.Recipe);
        json.WriteNumber("batchSize", Settings.BatchSize);
        json.WriteString("optimizer", Optimizer);
        json.WriteNumber("learningRate", Settings.LearningRate);
        json.WriteNumber("weightDecay", Settings.WeightDecay);
        json.WriteString("schedule", Settings.Schedule);
        json.WriteBoolean("normalize", Settings.Normalize);
        json.WriteBoolean("flip", Settings.Flip);
        json.WriteString("initialization", Settings.Initialization);
        json.WriteNumber("seed", Settings.Seed);
        json.WriteNumber("threads", Threads);
        json.WriteNumber("shards", Settings.Shards);
        json.WriteNumber("processors", System.Environment.ProcessorCount);
        json.WriteString("data", DataSource);
        json.WriteNumber("trainImages", TrainImages);
        json.WriteNumber("testImages", TestImages);
        json.WriteNumber("parameters", Parameters);
        json.WriteNumber("totalSeconds", TotalSeconds);
        json.WriteString("weightsFile", WeightsFile);
        json.WriteString("learningCurveFile", LearningCurveFile);
        json.WriteStartArray("perEpoch");
        foreach (EpochRecord record in History)
        {
            json.WriteStartObject();
            json.WriteNumber("epoch", record.Epoch);
            json.WriteNumber("trainLoss", record.TrainLoss);
            json.WriteNumber("trainAccuracy", record.TrainAccuracy);
            json.WriteNumber("testLoss", record.TestLoss);
            json.WriteNumber("testAccuracy", record.TestAccuracy);
            json.WriteNumber("trainImagesPerSecond", record.TrainImagesPerSecond);
            json.WriteNumber("inferenceImagesPerSecond", record.InferenceImagesPerSecond);
            json.WriteNumber("seconds", record.Seconds);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartArray("confusionMatrix");
        for (int actual = 0; actual < Final.Confusion.Classes; actual++)
        {
            json.WriteStartArray();
            for (int predicted = 0; predicted < Final.Confusion.Classes; predicted++)
            {
                json.WriteNumberValue(Final.Confusion[actual, predicted]);
            }

            json.WriteEndArray();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
