using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using SpecializedConv.Networks;
using SpecializedConv.Tests.Layers;
using SpecializedConv.Tests.Numerics;
using Xunit;

namespace SpecializedConv.Tests.Network;

/// <summary>Saving and loading weights: the round trip, each way a file can be wrong, and saves that do not finish.</summary>
public sealed class WeightsFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "specializedconv-weights-" + Guid.NewGuid().ToString("N"));

    public WeightsFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Saved_weights_load_back_bit_for_bit_and_predict_the_same()
    {
        using SequentialNetwork saved = TestNetworks.LeNet(), loaded = TestNetworks.LeNet();
        saved.Initialize(WeightInitialization.He, seed: 31);
        saved.Biases(8).Fill(0.125f);
        string path = Path.Combine(_folder, "lenet.weights");
        saved.Save(path);
        loaded.Load(path);

        Assert.True(MemoryMarshal.AsBytes(saved.Parameters).SequenceEqual(MemoryMarshal.AsBytes(loaded.Parameters)));
        float[] images = TestNetworks.RandomImages(new Random(31), 3, saved.InputLength);
        float[] before = new float[30], after = new float[30];
        saved.Predict(images, before);
        loaded.Predict(images, after);
        Assert.Equal(before, after);

        // The header lists the layers; the size is the header plus 4 bytes a parameter plus the checksum.
        Assert.True(new FileInfo(path).Length > saved.ParameterCount * 4);
        Assert.Empty(Directory.GetFiles(_folder, "*.tmp"));
    }

    [Fact]
    public void Saving_again_replaces_the_file()
    {
        using SequentialNetwork network = TestNetworks.Kinked(), loaded = TestNetworks.Kinked();
        string path = Path.Combine(_folder, "kinked.weights");
        network.Initialize(WeightInitialization.He, seed: 1);
        network.Save(path);
        network.Initialize(WeightInitialization.He, seed: 2);
        network.Save(path);
        loaded.Load(path);
        Assert.True(network.Parameters.SequenceEqual(loaded.Parameters));
    }

    [Fact]
    public void Loading_into_another_shape_names_the_differing_layer()
    {
        string path = SaveKinked(out _);
        using SequentialNetwork wider = new NetworkBuilder()
            .Conv2D<KinkedConv>("conv").ReLU().MaxPool2D<KinkedPool>("pool").Dense<KinkedWideOutput>("output").Build();
        WeightsFileException error = Assert.Throws<WeightsFileException>(() => wider.Load(path));
        Assert.Equal(WeightsFileError.LayerMismatch, error.Error);
        Assert.Contains("layer 3 in the file is 'output' (Dense 18 → 4) with 72 weights and 4 biases", error.Message, StringComparison.Ordinal);
        Assert.Contains("'output' (Dense 18 → 5) with 90 weights and 5 biases", error.Message, StringComparison.Ordinal);

        using SequentialNetwork lenet = TestNetworks.LeNet();
        WeightsFileException count = Assert.Throws<WeightsFileException>(() => lenet.Load(path));
        Assert.Equal(WeightsFileError.LayerMismatch, count.Error);
        Assert.Contains("holds 4 layers", count.Message, StringComparison.Ordinal);
        Assert.Contains("the network has 11", count.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(3)]       // inside the signature
    [InlineData(20)]      // inside the fixed header
    [InlineData(100)]     // inside the layer list
    [InlineData(-1)]      // the checksum's last byte missing
    public void A_truncated_file_is_reported_as_truncated(int keep)
    {
        string path = SaveKinked(out byte[] contents);
        int length = keep >= 0 ? keep : contents.Length + keep;
        File.WriteAllBytes(path, contents.AsSpan(0, length).ToArray());
        AssertLoadFails(path, WeightsFileError.Truncated, "truncated", "shorter than the header");
    }

    [Theory]
    [InlineData(40)]     // in the layer list (a name)
    [InlineData(-100)]   // in the parameters
    [InlineData(-2)]     // in the checksum itself
    public void A_flipped_byte_fails_the_checksum(int offset)
    {
        string path = SaveKinked(out byte[] contents);
        contents[offset >= 0 ? offset : contents.Length + offset] ^= 0x10;
        File.WriteAllBytes(path, contents);
        AssertLoadFails(path, WeightsFileError.Corrupt, "checksum");
    }

    [Fact]
    public void A_newer_format_version_is_refused_by_name()
    {
        string path = SaveKinked(out byte[] contents);
        BinaryPrimitives.WriteUInt32LittleEndian(contents.AsSpan(8), 2);
        File.WriteAllBytes(path, contents);
        AssertLoadFails(path, WeightsFileError.NewerVersion, "format version 2, newer than version 1");
    }

    [Fact]
    public void Another_kind_of_file_is_not_a_weights_file()
    {
        string path = Path.Combine(_folder, "notes.txt");
        File.WriteAllText(path, "These are not the weights you are looking for.");
        AssertLoadFails(path, WeightsFileError.NotAWeightsFile, "not a SpecializedConv weights file");
    }

    [Fact]
    public void An_interrupted_save_leaves_the_previous_file_whole()
    {
        string path = SaveKinked(out byte[] contents);
        Assert.Throws<IOException>(() => WeightsFile.WriteAtomically(path, stream =>
        {
            stream.Write(contents.AsSpan(0, contents.Length / 2));
            throw new IOException("the disk filled up half-way (simulated)");
        }));

        Assert.Equal(contents, File.ReadAllBytes(path));
        Assert.Equal([Path.GetFileName(path)], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }

    /// <summary>Saves a freshly initialised Kinked network and returns the file's path and bytes.</summary>
    private string SaveKinked(out byte[] contents)
    {
        using SequentialNetwork network = TestNetworks.Kinked();
        network.Initialize(WeightInitialization.He, seed: 30);
        string path = Path.Combine(_folder, "kinked.weights");
        network.Save(path);
        contents = File.ReadAllBytes(path);
        return path;
    }

    /// <summary>Loading fails with <paramref name="error"/> and a message with one of <paramref name="phrases"/>, leaving the parameters unchanged.</summary>
    private static void AssertLoadFails(string path, WeightsFileError error, params string[] phrases)
    {
        using SequentialNetwork network = TestNetworks.Kinked();
        network.Initialize(WeightInitialization.He, seed: 99);
        float[] before = network.Parameters.ToArray();
        WeightsFileException exception = Assert.Throws<WeightsFileException>(() => network.Load(path));
        Assert.Equal(error, exception.Error);
        Assert.Contains(path, exception.Message, StringComparison.Ordinal);
        Assert.True(phrases.Any(phrase => exception.Message.Contains(phrase, StringComparison.Ordinal)), exception.Message);
        Assert.True(before.AsSpan().SequenceEqual(network.Parameters), "A failed load must not change the parameters.");
    }
}
