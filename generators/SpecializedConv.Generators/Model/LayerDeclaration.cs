using SpecializedConv.Generators.Helpers;

namespace SpecializedConv.Generators.Model;

/// <summary>A type that encloses the layer class, outermost first (it must be re-declared as partial).</summary>
/// <param name="Keyword">The declaration keyword: <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
internal sealed record ContainingTypeInfo(string Keyword, string Name, bool IsPartial, bool IsGeneric, bool IsStatic, bool IsFileLocal);

/// <summary>The annotated class, as plain values.</summary>
/// <param name="Namespace">The namespace, or empty for the global namespace.</param>
/// <param name="Keyword"><c>class</c> or <c>record</c>.</param>
internal sealed record LayerTypeInfo(
    string Namespace,
    string Name,
    string Keyword,
    bool IsPartial,
    bool IsStatic,
    bool IsGeneric,
    bool IsFileLocal,
    EquatableArray<ContainingTypeInfo> ContainingTypes)
{
    /// <summary>Generated members that hide a base class's member of the same name: emitted with <c>new</c>.</summary>
    public EquatableArray<string> HiddenMembers { get; init; }

    /// <summary>Dotted name used in hint names and messages, e.g. <c>Demo.Outer.LeNetConv1</c>.</summary>
    public string FullName
    {
        get
        {
            var builder = new System.Text.StringBuilder();
            if (Namespace.Length > 0)
            {
                builder.Append(Namespace).Append('.');
            }

            foreach (ContainingTypeInfo containing in ContainingTypes)
            {
                builder.Append(containing.Name).Append('.');
            }

            return builder.Append(Name).ToString();
        }
    }
}

/// <summary>
/// What a <c>[Conv2D]</c> attribute says, read but not yet checked: values may be out of range. The Diagnostics
/// stage decides whether a layer can be generated.
/// </summary>
/// <param name="InvalidArguments">Arguments that were not constants of the right type, as "Name = value" texts.</param>
/// <param name="OtherLayerAttributes">Other layer attributes on the same class (a class declares one layer).</param>
/// <param name="ConflictingMembers">Members the user already declares under a name the generator adds.</param>
internal sealed record LayerDeclaration(
    LayerTypeInfo Type,
    LocationInfo? AttributeLocation,
    int InChannels,
    int InHeight,
    int InWidth,
    int OutChannels,
    int KernelHeight,
    int KernelWidth,
    ConvMode Mode,
    ConvKind Kind,
    int Stride,
    int Padding,
    int Dilation,
    EquatableArray<string> InvalidArguments,
    EquatableArray<string> OtherLayerAttributes,
    EquatableArray<string> ConflictingMembers);

/// <summary>A checked layer: every size is positive and every derived length fits in an int.</summary>
internal sealed record LayerShape(
    int InChannels,
    int InHeight,
    int InWidth,
    int OutChannels,
    int KernelHeight,
    int KernelWidth,
    ConvMode Mode,
    ConvKind Kind,
    int Stride,
    int Padding,
    int Dilation,
    int PadTop,
    int PadBottom,
    int PadLeft,
    int PadRight,
    int OutHeight,
    int OutWidth)
{
    public int InputLength => InChannels * InHeight * InWidth;

    public int OutputLength => OutChannels * OutHeight * OutWidth;

    public int WeightLength => OutChannels * InChannels * KernelHeight * KernelWidth;

    public int Taps => KernelHeight * KernelWidth;

    /// <summary>Offset of the weight that multiplies tap (r, s) within one K,C slice: flipped for convolution.</summary>
    public int WeightTapOffset(int r, int s) =>
        Kind == ConvKind.Convolution
            ? ((KernelHeight - 1 - r) * KernelWidth) + (KernelWidth - 1 - s)
            : (r * KernelWidth) + s;
}
