using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class Pool2DGenerator
{
    /// <summary>Reads a <c>[MaxPool2D]</c> or <c>[AvgPool2D]</c> application into plain values. Decides nothing: Diagnostics checks.</summary>
    internal static class Parser
    {
        private static readonly string[] ConstructorParameters = { "channels", "inHeight", "inWidth", "size" };

        /// <summary>The declaration, or null when the attribute is not on a class (the compiler reports that).</summary>
        public static Pool2DDeclaration? Parse(GeneratorAttributeSyntaxContext context, PoolKind kind, CancellationToken cancellationToken)
        {
            if (LayerTypes.Target(context, cancellationToken) is not { } target)
            {
                return null;
            }

            (INamedTypeSymbol type, TypeDeclarationSyntax syntax, AttributeData attribute, LocationInfo? location) = target;

            cancellationToken.ThrowIfCancellationRequested();
            string metadataName = kind == PoolKind.Max ? MaxPoolAttributeMetadataName : AvgPoolAttributeMetadataName;
            var invalid = new List<string>();
            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            if (attribute.AttributeConstructor is null || arguments.Length != ConstructorParameters.Length)
            {
                // The attribute did not bind (the compiler reports why); nothing sensible can be generated.
                invalid.Add($"The [{(kind == PoolKind.Max ? "MaxPool2D" : "AvgPool2D")}] constructor call");
                arguments = ImmutableArray<TypedConstant>.Empty;
            }

            int[] sizes = { 1, 1, 1, 1 };
            for (int i = 0; i < arguments.Length; i++)
            {
                sizes[i] = LayerTypes.ReadInt(arguments[i], ConstructorParameters[i], invalid);
            }

            // Unset named arguments keep the attribute's defaults: Stride 0 (the window size) and Padding 0.
            int stride = 0, padding = 0;
            foreach (KeyValuePair<string, TypedConstant> named in attribute.NamedArguments)
            {
                switch (named.Key)
                {
                    case "Stride":
                        stride = LayerTypes.ReadInt(named.Value, "Stride", invalid);
                        break;
                    case "Padding":
                        padding = LayerTypes.ReadInt(named.Value, "Padding", invalid);
                        break;
                }
            }

            LayerTypeInfo typeInfo = LayerTypes.Read(type, syntax) with
            {
                HiddenMembers = LayerTypes.HiddenMembers(type, GeneratedMembers(kind)),
            };
            return new Pool2DDeclaration(
                typeInfo,
                location,
                kind,
                sizes[0], sizes[1], sizes[2], sizes[3],
                stride,
                padding,
                LayerTypes.OtherLayerAttributes(type, metadataName),
                invalid.ToEquatableArray(),
                LayerTypes.ConflictingMembers(type, GeneratedMemberNames(kind, typeInfo.IsStatic)));
        }

        /// <summary>The members the generator adds to a pooling class that is not static, with the parameter types of the methods.</summary>
        public static (string Name, string[]? Parameters)[] GeneratedMembers(PoolKind kind) => kind == PoolKind.Max ? MaxPoolMembers : AvgPoolMembers;

        private static readonly (string Name, string[]? Parameters)[] MaxPoolMembers = Members(
            PoolKind.Max,
            forward: new[] { LayerTypes.ReadOnlyFloats, LayerTypes.Floats, LayerTypes.Ints },
            backward: new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyInts, LayerTypes.Floats });

        private static readonly (string Name, string[]? Parameters)[] AvgPoolMembers = Members(
            PoolKind.Average,
            forward: new[] { LayerTypes.ReadOnlyFloats, LayerTypes.Floats },
            backward: new[] { LayerTypes.ReadOnlyFloats, LayerTypes.Floats });

        private static (string Name, string[]? Parameters)[] Members(PoolKind kind, string[] forward, string[] backward)
        {
            var members = new List<(string Name, string[]? Parameters)>
            {
                ("Channels", null), ("InHeight", null), ("InWidth", null), ("OutHeight", null), ("OutWidth", null), ("Size", null), ("Stride", null),
                ("Padding", null), ("InputLength", null), ("OutputLength", null), ("Shape", null), ("Forward", forward), ("Backward", backward),
            };
            if (kind == PoolKind.Average)
            {
                members.Add(("WindowArea", null));
            }

            return members.ToArray();
        }

        /// <summary>The names the generator adds to a pooling class (a static one also gets the nested <c>Kernel</c>).</summary>
        public static IEnumerable<string> GeneratedMemberNames(PoolKind kind, bool isStatic)
        {
            IEnumerable<string> names = GeneratedMembers(kind).Select(member => member.Name);
            return isStatic ? names.Append("Kernel") : names;
        }
    }
}
