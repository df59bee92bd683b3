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
        /// <summary>The declaration, or null when the attribute is not on a class (the compiler reports that) or does not bind.</summary>
        public static LayerDeclaration? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (LayerTypes.Target(context, cancellationToken) is not { } target)
            {
                // Structs, interfaces and the like: the compiler already reports CS0592 (the attribute targets classes).
                return null;
            }

            (INamedTypeSymbol type, TypeDeclarationSyntax syntax, AttributeData attribute, LocationInfo? location) = target;
            var invalid = new List<string>();

            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            string[] names = arguments.Length == 5
                ? new[] { "inChannels", "inHeight", "inWidth", "outChannels", "kernelSize" }
                : new[] { "inChannels", "inHeight", "inWidth", "outChannels", "kernelHeight", "kernelWidth" };
            if (attribute.AttributeConstructor is null || (arguments.Length != 5 && arguments.Length != 6))
            {
                // The attribute did not bind: the compiler reports why (CS1729 and the like), and there are no sizes
                // to check or generate from, so the generator stays silent rather than invent any.
                return null;
            }

            int[] sizes = new int[6];
            for (int i = 0; i < arguments.Length; i++)
            {
                sizes[i] = LayerTypes.ReadInt(arguments[i], names[i], invalid);
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
                        stride = LayerTypes.ReadInt(named.Value, "Stride", invalid);
                        break;
                    case "Padding":
                        padding = LayerTypes.ReadInt(named.Value, "Padding", invalid);
                        break;
                    case "Dilation":
                        dilation = LayerTypes.ReadInt(named.Value, "Dilation", invalid);
                        break;
                }
            }

            LayerTypeInfo typeInfo = LayerTypes.Read(type, syntax) with
            {
                HiddenMembers = LayerTypes.HiddenMembers(type, GeneratedMembers),
            };
            return new LayerDeclaration(
                typeInfo,
                location,
                sizes[0], sizes[1], sizes[2], sizes[3], sizes[4], sizes[5],
                mode, kind, stride, padding, dilation,
                invalid.ToEquatableArray(),
                LayerTypes.OtherLayerAttributes(type, AttributeMetadataName),
                LayerTypes.ConflictingMembers(type, GeneratedMemberNames(typeInfo.IsStatic)));
        }

        /// <summary>The members the generator adds to a class that is not static, with the parameter types of the methods.</summary>
        public static readonly (string Name, string[]? Parameters)[] GeneratedMembers =
        {
            ("InChannels", null), ("InHeight", null), ("InWidth", null), ("OutChannels", null), ("OutHeight", null), ("OutWidth", null),
            ("KernelHeight", null), ("KernelWidth", null), ("InputLength", null), ("OutputLength", null), ("WeightLength", null),
            ("BiasLength", null), ("Shape", null),
            ("Forward", new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.Floats }),
            ("BackwardData", new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.Floats }),
            ("BackwardWeights", new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.Floats, LayerTypes.Floats }),
        };

        /// <summary>The names the generator adds to a layer class (a static one also gets the nested <c>Kernel</c>).</summary>
        public static IEnumerable<string> GeneratedMemberNames(bool isStatic)
        {
            IEnumerable<string> names = GeneratedMembers.Select(member => member.Name);
            return isStatic ? names.Append("Kernel") : names;
        }

        private static int ReadEnum(TypedConstant constant, string name, System.Type enumType, List<string> invalid)
        {
            if (constant.Kind == TypedConstantKind.Enum && constant.Value is int value && System.Enum.IsDefined(enumType, value))
            {
                return value;
            }

            invalid.Add(LayerTypes.Describe(constant, name));
            return 0;
        }
    }
}
