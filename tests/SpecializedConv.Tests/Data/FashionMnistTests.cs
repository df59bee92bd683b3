using System;
using System.IO;
using System.Linq;
using SpecializedConv.Data;
using Xunit;

namespace SpecializedConv.Tests.Data;

/// <summary>
/// The Fashion-MNIST subset shipped in <c>data/fashion-mnist-subset/</c>, read through the whole loading path, and
/// <see cref="FashionMnist"/>'s choice of folder: the full set when it is there, the subset otherwise.
/// </summary>
public sealed class FashionMnistTests
{
    private const int SubsetTrainCount = 6000;
    private const int SubsetTestCount = 1000;

    // Read once for the class: the subset is 5.5 MB of pixels and several tests look at it.
    private static readonly Lazy<(Dataset Train, Dataset Test, string Source)> Subset =
        new(() => FashionMnist.Load(SubsetFolder));

    private static string SubsetFolder =>
        FashionMnist.DefaultSubsetFolder ?? throw new InvalidOperationException(
            $"data/fashion-mnist-subset not found above {AppContext.BaseDirectory}; the tests run inside the repository.");

    [Fact]
    public void The_subset_is_found_by_walking_up_to_the_solution()
    {
        string root = Path.GetDirectoryName(Path.GetDirectoryName(SubsetFolder))!;

        Assert.True(File.Exists(Path.Combine(root, FashionMnist.RepositoryMarkerFileName)));
        Assert.StartsWith(root, AppContext.BaseDirectory, StringComparison.Ordinal);
        Assert.True(FashionMnist.ContainsDataset(SubsetFolder));
        Assert.All(Directory.GetFiles(SubsetFolder, "*-ubyte.gz"), path => Assert.True(IdxReader.IsGzipCompressed(path)));
    }

    [Fact]
    public void The_subset_holds_6000_training_and_1000_test_images_of_28_by_28()
    {
        (Dataset train, Dataset test, _) = Subset.Value;

        Assert.Equal((SubsetTrainCount, 28, 28), (train.Count, train.Height, train.Width));
        Assert.Equal((SubsetTestCount, 28, 28), (test.Count, test.Height, test.Width));
        Assert.Equal(SubsetTrainCount * 28 * 28, train.Images.Length);
        Assert.Equal(SubsetTestCount * 28 * 28, test.Images.Length);
        Assert.Equal(FashionMnist.ImageSize * FashionMnist.ImageSize, train.ImageLength);
    }

    [Fact]
    public void Every_class_appears_in_both_subsets_and_every_label_is_0_to_9()
    {
        (Dataset train, Dataset test, _) = Subset.Value;

        // The counts data/fashion-mnist-subset/README.md quotes, from make-subset.py.
        Assert.Equal([560, 643, 608, 612, 584, 594, 590, 617, 590, 602], ClassCounts(train));
        Assert.Equal([107, 105, 111, 93, 115, 87, 97, 95, 95, 95], ClassCounts(test));
        Assert.Equal(10, train.ClassCount);
    }

    [Fact]
    public void Subset_pixels_are_the_file_bytes_over_255_within_0_and_1()
    {
        (Dataset train, _, string source) = Subset.Value;
        IdxImages raw = IdxReader.ReadImages(Path.Combine(source, FashionMnist.TrainImagesFileName + ".gz"));

        Assert.Equal(raw.Pixels.Length, train.Images.Length);
        // One Assert per pixel would cost a second for 4.7 million of them: look for the first mismatch instead.
        int firstMismatch = Enumerable.Range(0, raw.Pixels.Length).FirstOrDefault(i => train.Images[i] != raw.Pixels[i] / 255f, -1);
        Assert.Equal(-1, firstMismatch);

        Assert.Equal(0f, train.Images.Min());
        Assert.Equal(1f, train.Images.Max());
    }

    [Theory]
    [InlineData(FashionMnist.TrainLabelsFileName)]
    [InlineData(FashionMnist.TestLabelsFileName)]
    public void The_first_label_is_the_byte_after_the_label_file_header(string labelsName)
    {
        (Dataset train, Dataset test, string source) = Subset.Value;
        Dataset dataset = labelsName == FashionMnist.TrainLabelsFileName ? train : test;
        // Read independently of IdxReader: the label file's 8-byte header is the magic number and the count.
        byte[] content = IdxTestFiles.Gunzip(File.ReadAllBytes(Path.Combine(source, labelsName + ".gz")));

        Assert.Equal([0x00, 0x00, 0x08, 0x01], content[..4]);
        Assert.Equal(content[8], dataset.Labels[0]);
        Assert.Equal(content[8..], dataset.Labels);
        // Both files open with an ankle boot, as the originals do.
        Assert.Equal("Ankle boot", FashionMnist.ClassNames[dataset.Labels[0]]);
    }

    [Fact]
    public void Loading_without_a_folder_falls_back_to_the_subset_when_the_full_set_is_absent()
    {
        using var emptyFullSetFolder = new TempFolder();

        (Dataset train, Dataset test, string source) = FashionMnist.LoadFrom(null, emptyFullSetFolder.Path, trainLimit: 10, testLimit: 10);

        Assert.Equal(SubsetFolder, source);
        Assert.Equal(Subset.Value.Train.Labels[..10], train.Labels);
        Assert.Equal(Subset.Value.Test.Labels[..10], test.Labels);
    }

    [Fact]
    public void Loading_without_a_folder_prefers_the_full_set_when_it_is_there()
    {
        using var fullSetFolder = new TempFolder();
        WriteDataset(fullSetFolder, trainCount: 3, testCount: 2, gzipped: false);

        (Dataset train, Dataset test, string source) = FashionMnist.LoadFrom(null, fullSetFolder.Path);

        Assert.Equal(fullSetFolder.Path, source);
        Assert.Equal((3, 2), (train.Count, test.Count));
    }

    [Fact]
    public void A_folder_is_read_with_plain_or_gz_file_names()
    {
        using var folder = new TempFolder();
        WriteDataset(folder, trainCount: 4, testCount: 3, gzipped: true);

        (Dataset train, Dataset test, string source) = FashionMnist.Load(folder.Path);

        Assert.Equal(folder.Path, source);
        Assert.Equal((4, 3), (train.Count, test.Count));
    }

    [Fact]
    public void A_folder_without_the_files_names_the_missing_file()
    {
        using var folder = new TempFolder();

        FileNotFoundException exception = Assert.Throws<FileNotFoundException>(() => FashionMnist.Load(folder.Path));

        Assert.Contains(folder.Path, exception.Message, StringComparison.Ordinal);
        Assert.Contains(FashionMnist.TrainImagesFileName, exception.Message, StringComparison.Ordinal);
        Assert.False(FashionMnist.ContainsDataset(folder.Path));
    }

    [Fact]
    public void There_are_ten_class_names_in_label_order()
    {
        Assert.Equal(
            ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"],
            FashionMnist.ClassNames);
    }

    private static int[] ClassCounts(Dataset dataset)
    {
        var counts = new int[dataset.ClassCount];
        foreach (byte label in dataset.Labels)
        {
            counts[label]++;
        }

        return counts;
    }

    private static void WriteDataset(TempFolder folder, int trainCount, int testCount, bool gzipped)
    {
        const int Size = FashionMnist.ImageSize;
        string suffix = gzipped ? ".gz" : "";
        Write(FashionMnist.TrainImagesFileName, IdxTestFiles.Images(trainCount, Size, Size, IdxTestFiles.RandomBytes(trainCount * Size * Size, seed: 21)));
        Write(FashionMnist.TrainLabelsFileName, IdxTestFiles.Labels(IdxTestFiles.RandomBytes(trainCount, seed: 22, maxExclusive: 10)));
        Write(FashionMnist.TestImagesFileName, IdxTestFiles.Images(testCount, Size, Size, IdxTestFiles.RandomBytes(testCount * Size * Size, seed: 23)));
        Write(FashionMnist.TestLabelsFileName, IdxTestFiles.Labels(IdxTestFiles.RandomBytes(testCount, seed: 24, maxExclusive: 10)));

        void Write(string name, byte[] content) =>
            File.WriteAllBytes(folder.File(name + suffix), gzipped ? IdxTestFiles.Gzip(content) : content);
    }
}
