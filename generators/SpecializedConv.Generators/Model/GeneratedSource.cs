using System.Collections.Generic;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;

namespace SpecializedConv.Generators.Model;

/// <summary>One generated file: the layer type it belongs to, its hint name and its text.</summary>
internal sealed record GeneratedSource(string TypeName, string HintName, string Text)
{
    /// <summary>
    /// Adds every file with a unique hint name: a class named twice (two attributes on partial parts, which the compiler
    /// reports as CS0579) yields one file, and two classes whose names differ only in case (Roslyn compares hint names
    /// ignoring case) get distinct files instead of making AddSource throw.
    /// </summary>
    public static void AddAll(SourceProductionContext output, ImmutableArray<GeneratedSource> all)
    {
        var types = new HashSet<string>(System.StringComparer.Ordinal);
        var hintNames = new HashSet<string>(System.StringComparer.OrdinalIgnoreCase);
        foreach (GeneratedSource source in all)
        {
            if (!types.Add(source.TypeName + "|" + source.HintName))
            {
                continue;
            }

            string hintName = source.HintName;
            for (int suffix = 2; !hintNames.Add(hintName); suffix++)
            {
                hintName = source.HintName.Replace(".g.cs", $".{suffix}.g.cs");
            }

            output.AddSource(hintName, source.Text);
        }
    }
}
