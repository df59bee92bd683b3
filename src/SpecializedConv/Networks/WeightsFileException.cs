using System.IO;

namespace SpecializedConv.Networks;

/// <summary>Why <see cref="SequentialNetwork.Load(string)"/> refused a file.</summary>
public enum WeightsFileError
{
    /// <summary>The file does not start with the weights-file signature: it is some other file.</summary>
    NotAWeightsFile,

    /// <summary>The file was written in a newer format version than this library reads.</summary>
    NewerVersion,

    /// <summary>The file is shorter than its header says: a save or copy that did not finish.</summary>
    Truncated,

    /// <summary>The checksum does not match the contents, or the contents contradict themselves: the file is damaged.</summary>
    Corrupt,

    /// <summary>The file is intact but holds other layers than the network's (another architecture or shape).</summary>
    LayerMismatch,
}

/// <summary>A weights file that cannot be loaded; the message says why and what was expected.</summary>
public sealed class WeightsFileException : IOException
{
    /// <summary>Creates the exception.</summary>
    public WeightsFileException(WeightsFileError error, string path, string message)
        : base($"Cannot load network weights from '{path}': {message}")
    {
        Error = error;
        Path = path;
    }

    /// <summary>What is wrong with the file.</summary>
    public WeightsFileError Error { get; }

    /// <summary>The file.</summary>
    public string Path { get; }
}
