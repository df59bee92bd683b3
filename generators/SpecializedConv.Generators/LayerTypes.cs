using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

/// <summary>
/// What every layer generator does the same way with the class it adds members to: read it into a
/// <see cref="LayerTypeInfo"/> (Parser), check that a partial part can be added to it (Diagnostics), and re-declare it
/// and its containing types around the generated members, names escaped (Emitter). Used by all three generators.
/// </summary>
internal static class LayerTypes
{
    /// <summary>Metadata names of every layer attribute: a class declares one layer, so it may carry one of them.</summary>
    public static readonly string[] LayerAttributeMetadataNames =
    {
        Conv2DGenerator.AttributeMetadataName,
        Pool2DGenerator.MaxPoolAttributeMetadataName,
        Pool2DGenerator.AvgPoolAttributeMetadataName,
        DenseGenerator.AttributeMetadataName,
    };

    /// <summary>
    /// The first attribute application of a <see cref="GeneratorAttributeSyntaxContext"/> on a class, with its location;
    /// null for other targets (structs and the like: the compiler reports CS0592, the attributes target classes).
    /// </summary>
    public static (INamedTypeSymbol Type, TypeDeclarationSyntax Syntax, AttributeData Attribute, LocationInfo? Location)? Target(
        GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
    {
        if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax syntax ||
            type.TypeKind != TypeKind.Class || context.Attributes.Length == 0)
        {
            return null;
        }

        AttributeData attribute = context.Attributes[0];
        LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? LocationInfo.From(syntax);
        return (type, syntax, attribute, location);
    }

    /// <summary>Reads the class and its containing types as plain values.</summary>
    public static LayerTypeInfo Read(INamedTypeSymbol type, TypeDeclarationSyntax syntax)
    {
        var containing = new List<ContainingTypeInfo>();
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            containing.Insert(0, new ContainingTypeInfo(Keyword(outer), outer.Name, IsPartial(outer), outer.TypeParameters.Length > 0, outer.IsStatic, IsFileLocal(outer)));
        }

        // Symbol names, not display strings: a namespace like @event must read "event" here (hint names reject '@');
        // the Emitter escapes keywords again where C# needs it.
        var parts = new List<string>();
        for (INamespaceSymbol? n = type.ContainingNamespace; n is { IsGlobalNamespace: false }; n = n.ContainingNamespace)
        {
            parts.Insert(0, n.Name);
        }

        string ns = string.Join(".", parts);
        return new LayerTypeInfo(
            ns,
            type.Name,
            syntax is RecordDeclarationSyntax ? "record" : "class",
            IsPartial(type),
            type.IsStatic,
            type.TypeParameters.Length > 0,
            syntax.Modifiers.Any(SyntaxKind.FileKeyword),
            containing.ToEquatableArray());
    }

    /// <summary>A type is file-local when a declaration of it carries the <c>file</c> modifier.</summary>
    private static bool IsFileLocal(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.FileKeyword));

    /// <summary>The other layer attributes on <paramref name="type"/>, as they are written (<c>[Conv2D]</c>, …).</summary>
    public static EquatableArray<string> OtherLayerAttributes(INamedTypeSymbol type, string attributeMetadataName)
    {
        var others = new List<string>();
        foreach (AttributeData attribute in type.GetAttributes())
        {
            string? name = attribute.AttributeClass?.ToDisplayString();
            if (name is not null && name != attributeMetadataName && LayerAttributeMetadataNames.Contains(name))
            {
                others.Add(ShortName(name));
            }
        }

        return others.ToEquatableArray();
    }

    /// <summary>An <see cref="int"/> attribute argument; anything else is recorded in <paramref name="invalid"/> and read as 1.</summary>
    public static int ReadInt(TypedConstant constant, string name, List<string> invalid)
    {
        if (constant.Kind == TypedConstantKind.Primitive && constant.Value is int value)
        {
            return value;
        }

        invalid.Add(Describe(constant, name));
        return 1;
    }

    /// <summary>"Name = value", or a note that the argument is not a constant (an error constant prints as null).</summary>
    public static string Describe(TypedConstant constant, string name) =>
        constant.Kind == TypedConstantKind.Error || constant.IsNull
            ? $"{name} (not a compile-time constant of the parameter's type)"
            : $"{name} = {constant.ToCSharpString()}";

    /// <summary>Adds the diagnostics that stop a generated part from joining the class, and other layer attributes on it.</summary>
    /// <param name="attribute">The attribute's short name, e.g. <c>MaxPool2D</c>.</param>
    /// <param name="notPartial">The descriptor for a class that is not partial: [Conv2D] keeps its own SCONV001.</param>
    public static void Check(
        LayerTypeInfo type, string attribute, EquatableArray<string> otherLayerAttributes, EquatableArray<string> invalidArguments,
        LocationInfo? at, List<DiagnosticInfo> found, DiagnosticDescriptor? notPartial = null)
    {
        if (!type.IsPartial)
        {
            found.Add(DiagnosticInfo.Create(notPartial ?? LayerDiagnosticDescriptors.LayerNotPartial, at, type.Name, attribute));
        }

        if (type.IsGeneric)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, at, type.Name, "is generic"));
        }

        if (type.IsFileLocal)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, at, type.Name, "is file-local, so the generated part cannot join it from another file"));
        }

        foreach (ContainingTypeInfo outer in type.ContainingTypes)
        {
            if (outer.IsGeneric)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, at, type.Name, $"is nested in the generic type '{outer.Name}'"));
            }

            if (outer.IsFileLocal)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnsupportedType, at, type.Name, $"is nested in the file-local type '{outer.Name}', which the generated part cannot join from another file"));
            }

            if (!outer.IsPartial)
            {
                found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial, at, type.Name, outer.Name));
            }
        }

        foreach (string other in otherLayerAttributes)
        {
            found.Add(DiagnosticInfo.Create(LayerDiagnosticDescriptors.SeveralLayerAttributes, at, type.Name, attribute, other));
        }

        foreach (string argument in invalidArguments)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidArgument, at, argument));
        }
    }

    /// <summary>Adds SCONV021 when <paramref name="value"/> is below 1.</summary>
    public static void CheckPositive(List<DiagnosticInfo> found, LocationInfo? at, string attribute, string sizeNames, string name, int value)
    {
        if (value < 1)
        {
            found.Add(DiagnosticInfo.Create(LayerDiagnosticDescriptors.NonPositiveLayerSize, at, name, value, attribute, sizeNames));
        }
    }

    /// <summary>
    /// Adds SCONV007 when the working buffers (a generous bound in floats, as a double so it cannot overflow) could not
    /// be indexed with int offsets: half of int.MaxValue leaves room for every margin and rounding.
    /// </summary>
    public static void CheckWorkingBuffers(List<DiagnosticInfo> found, LocationInfo? at, double bound)
    {
        if (bound > int.MaxValue / 2.0)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerTooLarge, at, "The padded working buffers", $"about {bound:0}"));
        }
    }

    /// <summary>Adds SCONV007 when a length does not fit in an <see cref="int"/>.</summary>
    public static void CheckLength(List<DiagnosticInfo> found, LocationInfo? at, string what, long length)
    {
        if (length > int.MaxValue)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerTooLarge, at, what, length));
        }
    }

    /// <summary>
    /// Writes the file header and opens the user's namespace and containing types, names escaped; the caller writes the
    /// layer's public surface (every type name fully qualified, so nothing the user declares changes its meaning) and then
    /// closes the returned scopes with <see cref="Close"/>.
    /// </summary>
    public static List<IndentedWriter.Block> OpenFile(IndentedWriter w, LayerTypeInfo type, string attribute)
    {
        w.Line("// <auto-generated/>");
        w.Line($"// Generated by SpecializedConv.Generators from the [{attribute}] attribute on {type.FullName}. Do not edit.");
        w.Line("#nullable enable");
        w.Line();
        var scopes = new List<IndentedWriter.Block>();
        if (type.Namespace.Length > 0)
        {
            scopes.Add(w.Open($"namespace {string.Join(".", type.Namespace.Split('.').Select(Identifier))}"));
        }

        foreach (ContainingTypeInfo outer in type.ContainingTypes)
        {
            scopes.Add(w.Open($"{(outer.IsStatic ? "static " : string.Empty)}partial {outer.Keyword} {Identifier(outer.Name)}"));
        }

        return scopes;
    }

    /// <summary>Closes the scopes of <see cref="OpenFile"/>.</summary>
    public static void Close(List<IndentedWriter.Block> scopes)
    {
        for (int i = scopes.Count - 1; i >= 0; i--)
        {
            scopes[i].Dispose();
        }
    }

    /// <summary>
    /// Opens the generator's own namespace, where the kernels live in a file-local class (as the Regex generator does):
    /// there the usings cannot be shadowed by the user's types and the code reads naturally.
    /// </summary>
    public static IndentedWriter.Block OpenImplementationNamespace(IndentedWriter w)
    {
        w.Line();
        IndentedWriter.Block scope = w.Open("namespace SpecializedConv.Generated");
        w.Line("using System;");
        w.Line("using System.Runtime.CompilerServices;");
        w.Line("using System.Runtime.InteropServices;");
        w.Line("using System.Runtime.Intrinsics;");
        w.Line();
        return scope;
    }

    /// <summary>The class declaration line: the layer class itself implements the kernel interface unless it is static.</summary>
    public static string Declaration(LayerTypeInfo type, string interfaceName) =>
        $"{(type.IsStatic ? "static " : string.Empty)}partial {type.Keyword} {Identifier(type.Name)}{(type.IsStatic ? string.Empty : " : " + interfaceName)}";

    /// <summary>A C# identifier for a name: keywords are escaped with '@'.</summary>
    public static string Identifier(string name) =>
        SyntaxFacts.GetKeywordKind(name) != SyntaxKind.None ? "@" + name : name;

    /// <summary>The layer class's fully qualified name, for a <c>cref</c> from the implementation namespace.</summary>
    public static string Cref(LayerTypeInfo type)
    {
        var parts = new List<string>();
        if (type.Namespace.Length > 0)
        {
            parts.AddRange(type.Namespace.Split('.').Select(Identifier));
        }

        parts.AddRange(type.ContainingTypes.Select(t => Identifier(t.Name)));
        parts.Add(Identifier(type.Name));
        return "global::" + string.Join(".", parts);
    }

    /// <summary><c>global::System.Span&lt;float&gt;</c> and the like, for the public surface.</summary>
    public static string Span(string kind, string element = "float") => $"global::System.{kind}<{element}>";

    /// <summary>The generated members the user's class already declares (members or nested types of the same name).</summary>
    public static EquatableArray<string> ConflictingMembers(INamedTypeSymbol type, IEnumerable<string> generatedNames) =>
        generatedNames.Where(name => type.MemberNames.Contains(name) || type.GetTypeMembers(name).Length > 0).ToEquatableArray();

    /// <summary>Span types as they appear in the generated methods' signatures (as <c>ITypeSymbol.ToDisplayString()</c> writes them).</summary>
    public const string ReadOnlyFloats = "System.ReadOnlySpan<float>", Floats = "System.Span<float>", ReadOnlyInts = "System.ReadOnlySpan<int>", Ints = "System.Span<int>";

    /// <summary>
    /// The generated members that would hide an accessible member of a base class (CS0108): one the base declares with that
    /// name (for methods, with the same parameter types), or one a layer attribute on the base generates there (a generator
    /// sees the user's code, not the other generated files). They are emitted with <c>new</c>, which on any other member
    /// would itself warn (CS0109).
    /// </summary>
    /// <param name="generated">Each generated member's name, with its parameter types for a method (null otherwise).</param>
    public static EquatableArray<string> HiddenMembers(INamedTypeSymbol type, IReadOnlyList<(string Name, string[]? Parameters)> generated)
    {
        var hidden = new List<string>();
        for (INamedTypeSymbol? baseType = type.BaseType; baseType is { SpecialType: not SpecialType.System_Object }; baseType = baseType.BaseType)
        {
            (string Name, string[]? Parameters)[] generatedOnBase = baseType.GetAttributes()
                .SelectMany(a => GeneratedMembersOf(a.AttributeClass?.ToDisplayString()))
                .ToArray();
            foreach ((string name, string[]? parameters) in generated)
            {
                if (!hidden.Contains(name) &&
                    (generatedOnBase.Any(m => m.Name == name && Hides(parameters, m.Parameters)) ||
                     baseType.GetMembers(name).Any(m => m.DeclaredAccessibility != Accessibility.Private && Hides(parameters, ParameterTypes(m)))))
                {
                    hidden.Add(name);
                }
            }
        }

        return hidden.ToEquatableArray();
    }

    /// <summary>The members a layer attribute generates on a class that is not static (none for other attributes).</summary>
    private static IReadOnlyList<(string Name, string[]? Parameters)> GeneratedMembersOf(string? attributeMetadataName) => attributeMetadataName switch
    {
        Conv2DGenerator.AttributeMetadataName => Conv2DGenerator.Parser.GeneratedMembers,
        Pool2DGenerator.MaxPoolAttributeMetadataName => Pool2DGenerator.Parser.GeneratedMembers(PoolKind.Max),
        Pool2DGenerator.AvgPoolAttributeMetadataName => Pool2DGenerator.Parser.GeneratedMembers(PoolKind.Average),
        DenseGenerator.AttributeMetadataName => DenseGenerator.Parser.GeneratedMembers,
        _ => System.Array.Empty<(string, string[]?)>(),
    };

    /// <summary>A method's parameter types; null for any other member.</summary>
    private static string[]? ParameterTypes(ISymbol member) =>
        member is IMethodSymbol method ? method.Parameters.Select(p => p.Type.ToDisplayString()).ToArray() : null;

    /// <summary>One member hides another of the same name unless both are methods with different parameter types.</summary>
    private static bool Hides(string[]? parameters, string[]? otherParameters) =>
        parameters is null || otherParameters is null || parameters.SequenceEqual(otherParameters);

    /// <summary>Adds SCONV012 and SCONV013 when a generated member would clash with the class's name or its own members.</summary>
    public static void CheckMemberNames(
        LayerTypeInfo type, IEnumerable<string> generatedNames, EquatableArray<string> conflictingMembers, LocationInfo? at, List<DiagnosticInfo> found)
    {
        if (generatedNames.Contains(type.Name))
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NameIsGeneratedMember, at, type.Name));
        }

        foreach (string member in conflictingMembers)
        {
            found.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberConflictsWithGenerated, at, type.Name, member));
        }
    }

    /// <summary>Writes a documented public constant.</summary>
    public static void Constant(IndentedWriter w, string doc, string name, int value, LayerTypeInfo type)
    {
        w.Line($"/// <summary>{doc}</summary>");
        w.Line($"public {New(type, name)}const int {name} = {value};");
    }

    /// <summary><c>"new "</c> when the generated member <paramref name="name"/> hides a base class's member.</summary>
    public static string New(LayerTypeInfo type, string name) => type.HiddenMembers.Contains(name) ? "new " : string.Empty;

    /// <summary><c>SpecializedConv.MaxPool2DAttribute</c> → <c>[MaxPool2D]</c>.</summary>
    private static string ShortName(string metadataName)
    {
        string name = metadataName.Substring(metadataName.LastIndexOf('.') + 1);
        return "[" + (name.EndsWith("Attribute", System.StringComparison.Ordinal) ? name.Substring(0, name.Length - "Attribute".Length) : name) + "]";
    }

    /// <summary>A type is partial when every one of its declarations says so.</summary>
    private static bool IsPartial(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.Length > 0 &&
        type.DeclaringSyntaxReferences.All(r => r.GetSyntax() is TypeDeclarationSyntax t && t.Modifiers.Any(SyntaxKind.PartialKeyword));

    private static string Keyword(INamedTypeSymbol type) => type switch
    {
        { IsRecord: true, TypeKind: TypeKind.Struct } => "record struct",
        { IsRecord: true } => "record",
        { TypeKind: TypeKind.Struct } => "struct",
        { TypeKind: TypeKind.Interface } => "interface",
        _ => "class",
    };
}
