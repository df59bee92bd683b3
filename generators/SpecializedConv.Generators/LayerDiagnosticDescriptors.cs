using Microsoft.CodeAnalysis;

namespace SpecializedConv.Generators;

/// <summary>
/// The diagnostics of the pooling and dense generators, SCONV020–SCONV029, in the same table style as
/// <see cref="DiagnosticDescriptors"/> (whose generic SCONV007, SCONV009, SCONV010 and SCONV011 they report too).
/// Each is documented in docs/diagnostics.md and tracked in AnalyzerReleases.*.md.
/// </summary>
internal static class LayerDiagnosticDescriptors
{
    // The category and documentation page of every SCONV diagnostic (constants, so release tracking can read them).
    private const string Category = "SpecializedConv";
    private const string HelpBase = "https://github.com/specializedconv/specializedconv/blob/main/docs/diagnostics.md#";

    public static readonly DiagnosticDescriptor LayerNotPartial = Create(
        "SCONV020",
        "Layer class must be partial",
        "'{0}' has [{1}] but is not partial: add the 'partial' modifier so the generator can add the layer's members");

    public static readonly DiagnosticDescriptor NonPositiveLayerSize = Create(
        "SCONV021",
        "Layer sizes must be positive",
        "{0} is {1}: every size of a [{2}] layer ({3}) must be at least 1");

    public static readonly DiagnosticDescriptor NegativePoolStride = Create(
        "SCONV022",
        "Pooling stride must not be negative",
        "Stride is {0}: use a positive stride, or 0 (the default) for a stride equal to the window size {1}");

    public static readonly DiagnosticDescriptor PoolPaddingOutOfRange = Create(
        "SCONV023",
        "Pooling padding must be between 0 and half the window",
        "Padding is {0} with a {1}×{1} window: it must be between 0 and {2} (half the window, as PyTorch requires), so that every window overlaps the input");

    public static readonly DiagnosticDescriptor PoolWindowLargerThanInput = Create(
        "SCONV024",
        "Pooling window is larger than the padded input",
        "The {0} axis has a window of {1} but a padded input of only {2}, so the output would be empty: use a smaller window, or more padding");

    public static readonly DiagnosticDescriptor SeveralLayerAttributes = Create(
        "SCONV025",
        "A class declares one layer",
        "'{0}' has both [{1}] and {2}: a class declares one layer, so move one of the attributes to a class of its own");

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
