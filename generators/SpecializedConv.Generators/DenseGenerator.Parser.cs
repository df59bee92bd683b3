using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SpecializedConv.Generators.Helpers;
using SpecializedConv.Generators.Model;

namespace SpecializedConv.Generators;

public sealed partial class DenseGenerator
{
    /// <summary>Reads a <c>[Dense]</c> application into plain values. Decides nothing: Diagnostics checks.</summary>
    internal static class Parser
    {
        private static readonly string[] ConstructorParameters = { "inputs", "outputs" };

        /// <summary>The declaration, or null when the attribute is not on a class (the compiler reports that).</summary>
        public static DenseDeclaration? Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            if (LayerTypes.Target(context, cancellationToken) is not { } target)
            {
                return null;
            }

            (INamedTypeSymbol type, TypeDeclarationSyntax syntax, AttributeData attribute, LocationInfo? location) = target;
            cancellationToken.ThrowIfCancellationRequested();
            var invalid = new List<string>();
            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            if (attribute.AttributeConstructor is null || arguments.Length != ConstructorParameters.Length)
            {
                // The attribute did not bind (the compiler reports why); nothing sensible can be generated.
                invalid.Add("The [Dense] constructor call");
                arguments = ImmutableArray<TypedConstant>.Empty;
            }

            int[] sizes = { 1, 1 };
            for (int i = 0; i < arguments.Length; i++)
            {
                sizes[i] = LayerTypes.ReadInt(arguments[i], ConstructorParameters[i], invalid);
            }

            LayerTypeInfo typeInfo = LayerTypes.Read(type, syntax) with
            {
                HiddenMembers = LayerTypes.HiddenMembers(type, GeneratedMembers),
            };
            return new DenseDeclaration(
                typeInfo,
                location,
                sizes[0],
                sizes[1],
                LayerTypes.OtherLayerAttributes(type, AttributeMetadataName),
                invalid.ToEquatableArray(),
                LayerTypes.ConflictingMembers(type, GeneratedMemberNames(typeInfo.IsStatic)));
        }

        /// <summary>The members the generator adds to a dense class that is not static, with the parameter types of the methods.</summary>
        public static readonly (string Name, string[]? Parameters)[] GeneratedMembers =
        {
            ("Inputs", null), ("Outputs", null), ("InputLength", null), ("OutputLength", null), ("WeightLength", null), ("BiasLength", null),
            ("Shape", null),
            ("Forward", new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.Floats }),
            ("BackwardData", new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.Floats }),
            ("BackwardWeights", new[] { LayerTypes.ReadOnlyFloats, LayerTypes.ReadOnlyFloats, LayerTypes.Floats, LayerTypes.Floats }),
        };

        /// <summary>The names the generator adds to a dense class (a static one also gets the nested <c>Kernel</c>).</summary>
        public static IEnumerable<string> GeneratedMemberNames(bool isStatic)
        {
            IEnumerable<string> names = GeneratedMembers.Select(member => member.Name);
            return isStatic ? names.Append("Kernel") : names;
        }
    }
}
