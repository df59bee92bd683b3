using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Conv2DGenerator
{
    /// <summary>Reads a <c>[Conv2D]</c> application into plain values. Decides nothing: Diagnostics checks.</summary>
    internal static class Parser
    {
        public static ParsedLayer Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (context.TargetSymbol is not INamedTypeSymbol type || context.TargetNode is not TypeDeclarationSyntax syntax ||
                type.TypeKind != TypeKind.Class || context.Attributes.Length == 0)
            {
                // Structs, interfaces and the like: the compiler already reports CS0592 (the attribute targets classes).
                return new ParsedLayer(null);
            }

            cancellationToken.ThrowIfCancellationRequested();
            AttributeData attribute = context.Attributes[0];
            LocationInfo? location = LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? LocationInfo.From(syntax);
            var invalid = new List<string>();

            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            string[] names = arguments.Length == 5
                ? new[] { "inChannels", "inHeight", "inWidth", "outChannels", "kernelSize" }
                : new[] { "inChannels", "inHeight", "inWidth", "outChannels", "kernelHeight", "kernelWidth" };
            if (attribute.AttributeConstructor is null || (arguments.Length != 5 && arguments.Length != 6))
            {
                // The attribute did not bind: the compiler reports why (CS1729 and the like), and there are no sizes
                // to check or generate from, so the generator stays silent rather than invent any.
                return new ParsedLayer(null);
            }

            int[] sizes = new int[6];
            for (int i = 0; i < arguments.Length; i++)
            {
                sizes[i] = ReadInt(arguments[i], names[i], invalid);
            }

            if (arguments.Length == 5)
            {
                sizes[5] = sizes[4];
            }

            ConvMode mode = ConvMode.Valid;
            ConvKind kind = ConvKind.CrossCorrelation;
            int stride = 1, padding = 0, dilation = 1;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Mode":
                        mode = (ConvMode)ReadEnum(named.Value, "Mode", typeof(ConvMode), invalid);
                        break;
                    case "Kind":
                        kind = (ConvKind)ReadEnum(named.Value, "Kind", typeof(ConvKind), invalid);
                        break;
                    case "Stride":
                        stride = ReadInt(named.Value, "Stride", invalid);
                        break;
                    case "Padding":
                        padding = ReadInt(named.Value, "Padding", invalid);
                        break;
                    case "Dilation":
                        dilation = ReadInt(named.Value, "Dilation", invalid);
                        break;
                }
            }

            LayerTypeInfo typeInfo = ReadType(type, syntax);
            return new ParsedLayer(new LayerDeclaration(
                typeInfo,
                location,
                sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5],
                mode, kind, stride, padding, dilation,
                invalid.ToEquatableArray(),
                GeneratedMemberNames(typeInfo.IsStatic).Where(name => type.MemberNames.Contains(name) || type.GetTypeMembers(name).Length > 0).ToEquatableArray()));
        }

        /// <summary>The names the generator adds to a layer class (a static one also gets the nested <c>Kernel</c>).</summary>
        public static IEnumerable<string> GeneratedMemberNames(bool isStatic)
        {
            string[] names =
            {
                "InChannels", "InHeight", "InWidth", "OutChannels", "OutHeight", "OutWidth", "KernelHeight", "KernelWidth",
                "InputLength", "OutputLength", "WeightLength", "BiasLength", "Shape", "Forward", "BackwardData", "BackwardWeights",
            };
            return isStatic ? names.Append("Kernel") : names;
        }

        private static int ReadInt(TypedConstant constant, string name, List<string> invalid)
        {
            if (constant.Kind == TypedConstantKind.Primitive && constant.Value is int value)
            {
                return value;
            }

            invalid.Add(Describe(constant, name));
            return 1;
        }

        private static int ReadEnum(TypedConstant constant, string name, System.Type enumType, List<string> invalid)
        {
            if (constant.Kind == TypedConstantKind.Enum && constant.Value is int value && System.Enum.IsDefined(enumType, value))
            {
                return value;
            }

            invalid.Add(Describe(constant, name));
            return 0;
        }

        /// <summary>"Name = value", or a note that the argument is not a constant (an error constant prints as null).</summary>
        private static string Describe(TypedConstant constant, string name) =>
            constant.Kind == TypedConstantKind.Error || constant.IsNull
                ? $"{name} (not a compile-time constant of the parameter's type)"
                : $"{name} = {constant.ToCSharpString()}";

        private static LayerTypeInfo ReadType(INamedTypeSymbol type, TypeDeclarationSyntax syntax)
        {
            var containing = new List<ContainingTypeInfo>();
            for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
            {
                containing.Insert(0, new ContainingTypeInfo(
                    Keyword(outer),
                    outer.Name,
                    IsPartial(outer),
                    outer.TypeParameters.Length > 0,
                    outer.IsStatic));
            }

            string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : string.Empty;
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
}
