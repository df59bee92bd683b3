using Microsoft.CodeAnalysis;

namespace SpecializedConv.Generators;

/// <summary>
/// Every diagnostic the generator reports. Ids are stable (<c>SCONV</c> + three digits), each documented in
/// docs/diagnostics.md and tracked in AnalyzerReleases.*.md. Messages name the offending value and say what to change.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SpecializedConv";
    private const string HelpBase = "https://github.com/specializedconv/specializedconv/blob/main/docs/diagnostics.md#";

    /// <summary>The largest kernel (taps = height × width) whose taps are unrolled; larger methods make the JIT give up optimising.</summary>
    public const int MaxUnrolledTaps = 121;

    public static readonly DiagnosticDescriptor NotPartial = Create(
        "SCONV001",
        "Layer class must be partial",
        "'{0}' has [Conv2D] but is not partial: add the 'partial' modifier so the generator can add the layer's members");

    public static readonly DiagnosticDescriptor NonPositiveSize = Create(
        "SCONV002",
        "Layer sizes must be positive",
        "{0} is {1}: every size of a layer (InChannels, InHeight, InWidth, OutChannels, KernelHeight, KernelWidth) must be at least 1");

    public static readonly DiagnosticDescriptor StrideOrDilationBelowOne = Create(
        "SCONV003",
        "Stride and dilation must be at least 1",
        "{0} is {1}: it must be at least 1 (1 means every position, respectively adjacent taps)");

    public static readonly DiagnosticDescriptor PaddingNeedsValidMode = Create(
        "SCONV004",
        "Padding is only allowed with ConvMode.Valid",
        "Padding is {0} with Mode = ConvMode.{1}, which implies its own padding: remove Padding, or use Mode = ConvMode.Valid with Padding");

    public static readonly DiagnosticDescriptor NegativePadding = Create(
        "SCONV005",
        "Padding must not be negative",
        "Padding is {0}: it must be 0 or more");

    public static readonly DiagnosticDescriptor KernelLargerThanInput = Create(
        "SCONV006",
        "Kernel is larger than the padded input",
        "The {0} axis has a dilated kernel extent of {1} but a padded input of only {2}, so the output would be empty: use a smaller kernel or dilation, more padding, or Mode = ConvMode.Full");

    public static readonly DiagnosticDescriptor LayerTooLarge = Create(
        "SCONV007",
        "Layer is too large",
        "{0} is {1} elements, more than int.MaxValue (2147483647): reduce the layer's sizes");

    public static readonly DiagnosticDescriptor KernelTooLargeToUnroll = Create(
        "SCONV008",
        "Kernel is too large to unroll",
        "The kernel has {0}×{1} = {2} taps, more than the " + MaxUnrolledTaps + " (11×11) that are unrolled: use a smaller kernel, or several layers");

    public static readonly DiagnosticDescriptor UnsupportedType = Create(
        "SCONV009",
        "Unsupported layer type",
        "'{0}' {1}: declare the layer as a non-generic class that is not file-local, outside generic types");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "SCONV010",
        "Containing type must be partial",
        "'{0}' is nested in '{1}', which is not partial: add the 'partial' modifier to '{1}'");

    public static readonly DiagnosticDescriptor InvalidArgument = Create(
        "SCONV011",
        "Attribute argument is not a valid value",
        "{0} is not a valid value: use a constant of the parameter's type (and a named member of the enum)");

    public static readonly DiagnosticDescriptor NameIsGeneratedMember = Create(
        "SCONV012",
        "Layer class is named like a generated member",
        "A layer class cannot be named '{0}': the generator adds a member called '{0}' to every layer, and a member cannot have its class's name; rename the class");

    public static readonly DiagnosticDescriptor MemberConflictsWithGenerated = Create(
        "SCONV013",
        "Member conflicts with a generated member",
        "'{0}' already declares '{1}', which the generator adds to every layer: rename or remove '{1}'");

    private static DiagnosticDescriptor Create(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpBase + id.ToLowerInvariant());
}
