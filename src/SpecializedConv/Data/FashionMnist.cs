using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace SpecializedConv.Data;

/// <summary>
/// Loads Fashion-MNIST (Zalando Research, MIT license): 28×28 greyscale images of clothing in 10 classes, 60,000 for
/// training and 10,000 for testing, from a folder holding the four standard IDX files.
/// </summary>
/// <remarks>
/// Where the data is looked for, by <see cref="Load(string?, int?, int?)"/> with no folder:
/// <list type="number">
/// <item><description>
/// <see cref="SystemFolder"/>, where Debian's <c>dataset-fashion-mnist</c> package installs the full set
/// (<c>apt-get install dataset-fashion-mnist</c>);
/// </description></item>
/// <item><description>
/// otherwise <see cref="DefaultSubsetFolder"/>, the repository's <c>data/fashion-mnist-subset/</c> (the first 6,000
/// training and 1,000 test examples, see its README), found by walking up from <see cref="AppContext.BaseDirectory"/>
/// to the folder holding <see cref="RepositoryMarkerFileName"/>. A program run from outside the repository has no
/// subset to fall back on and passes a folder.
/// </description></item>
/// </list>
/// </remarks>
public static class FashionMnist
{
    /// <summary>Where Debian's <c>dataset-fashion-mnist</c> package installs the full data set.</summary>
    public const string SystemFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Standard name of the training images (<c>.gz</c> appended when compressed).</summary>
    public const string TrainImagesFileName = "train-images-idx3-ubyte";

    /// <summary>Standard name of the training labels (<c>.gz</c> appended when compressed).</summary>
    public const string TrainLabelsFileName = "train-labels-idx1-ubyte";

    /// <summary>Standard name of the test images (<c>.gz</c> appended when compressed).</summary>
    public const string TestImagesFileName = "t10k-images-idx3-ubyte";

    /// <summary>Standard name of the test labels (<c>.gz</c> appended when compressed).</summary>
    public const string TestLabelsFileName = "t10k-labels-idx1-ubyte";

    /// <summary>The file that marks the repository root when looking for the subset.</summary>
    public const string RepositoryMarkerFileName = "SpecializedConv.sln";

    /// <summary>The subset's folder relative to the repository root.</summary>
    public const string SubsetRelativePath = "data/fashion-mnist-subset";

    /// <summary>Height and width of every image.</summary>
    public const int ImageSize = 28;

    private const string GzipExtension = ".gz";

    private static readonly string[] FileNames = [TrainImagesFileName, TrainLabelsFileName, TestImagesFileName, TestLabelsFileName];

    private static readonly Lazy<string?> SubsetFolder = new(() => FindSubsetFolder(AppContext.BaseDirectory));

    /// <summary>The names of the 10 classes, indexed by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = Array.AsReadOnly(
    [
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    ]);

    /// <summary>
    /// The repository's subset folder, <c>data/fashion-mnist-subset/</c> under the nearest folder above
    /// <see cref="AppContext.BaseDirectory"/> that holds <see cref="RepositoryMarkerFileName"/>; null when there is
    /// none (the program runs outside the repository) or it lacks the four files.
    /// </summary>
    public static string? DefaultSubsetFolder => SubsetFolder.Value;

    /// <summary><see cref="SystemFolder"/> when it holds the four files, otherwise null.</summary>
    public static string? FindFullDataset() => ContainsDataset(SystemFolder) ? SystemFolder : null;

    /// <summary>Whether <paramref name="folder"/> holds each of the four files, plain or with <c>.gz</c> appended.</summary>
    public static bool ContainsDataset(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return FileNames.All(name => FindFile(folder, name) is not null);
    }

    /// <summary>Loads the training and test sets.</summary>
    /// <param name="folder">
    /// A folder holding the four files under their standard names, each plain or gzip-compressed (with or without
    /// <c>.gz</c>; a plain name is preferred when both exist). Null: the full set in <see cref="SystemFolder"/> if
    /// it is there, otherwise the repository's subset (see the remarks on <see cref="FashionMnist"/>).
    /// </param>
    /// <param name="trainLimit">Keep only the first this many training examples; null keeps all.</param>
    /// <param name="testLimit">Keep only the first this many test examples; null keeps all.</param>
    /// <returns>The two sets and <c>Source</c>, the full path of the folder they were read from.</returns>
    /// <exception cref="FileNotFoundException">A file is missing from <paramref name="folder"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">No folder was given and neither default has the files.</exception>
    /// <exception cref="InvalidDataException">A file is not valid IDX data (see <see cref="Dataset.Load"/>).</exception>
    public static (Dataset Train, Dataset Test, string Source) Load(string? folder = null, int? trainLimit = null, int? testLimit = null) =>
        LoadFrom(folder, SystemFolder, trainLimit, testLimit);

    /// <summary>
    /// <see cref="Load(string?, int?, int?)"/> with the full set's folder as a parameter, so a test can point it at
    /// an empty folder and see the fallback to the subset whether or not this machine has the full set.
    /// </summary>
    internal static (Dataset Train, Dataset Test, string Source) LoadFrom(
        string? folder, string fullDatasetFolder, int? trainLimit = null, int? testLimit = null)
    {
        string source = folder ?? ResolveDefaultFolder(fullDatasetFolder);
        source = Path.GetFullPath(source);
        Dataset train = Dataset.Load(RequireFile(source, TrainImagesFileName), RequireFile(source, TrainLabelsFileName), trainLimit);
        Dataset test = Dataset.Load(RequireFile(source, TestImagesFileName), RequireFile(source, TestLabelsFileName), testLimit);
        return (train, test, source);
    }

    /// <summary>
    /// The subset folder above <paramref name="startDirectory"/>: <see cref="SubsetRelativePath"/> under the nearest
    /// folder (the start itself included) that holds <see cref="RepositoryMarkerFileName"/>, if it holds the files.
    /// </summary>
    internal static string? FindSubsetFolder(string startDirectory)
    {
        for (DirectoryInfo? directory = new(startDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, RepositoryMarkerFileName)))
            {
                string subset = Path.Combine(directory.FullName, SubsetRelativePath);
                return ContainsDataset(subset) ? subset : null;
            }
        }

        return null;
    }

    private static string ResolveDefaultFolder(string fullDatasetFolder)
    {
        if (ContainsDataset(fullDatasetFolder))
        {
            return fullDatasetFolder;
        }

        return DefaultSubsetFolder ?? throw new DirectoryNotFoundException(
            $"Fashion-MNIST not found: '{fullDatasetFolder}' does not hold the four IDX files " +
            $"({string.Join(", ", FileNames)}, each optionally .gz; apt-get install dataset-fashion-mnist puts them " +
            $"there), and no '{SubsetRelativePath}' with them was found beside a {RepositoryMarkerFileName} above " +
            $"'{AppContext.BaseDirectory}'. Pass the folder that holds them.");
    }

    private static string? FindFile(string folder, string name)
    {
        string plain = Path.Combine(folder, name);
        if (File.Exists(plain))
        {
            return plain;
        }

        string compressed = plain + GzipExtension;
        return File.Exists(compressed) ? compressed : null;
    }

    private static string RequireFile(string folder, string name) =>
        FindFile(folder, name) ?? throw new FileNotFoundException(
            $"Fashion-MNIST folder '{folder}' has no {name} or {name}{GzipExtension}.", Path.Combine(folder, name + GzipExtension));
}
