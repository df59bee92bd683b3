using System.Collections.Generic;
using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace SpecializedConv.CodeFixes;

/// <summary>
/// Adds the missing <c>partial</c> modifier for the generator's "must be partial" diagnostics: to the layer class
/// (SCONV001 for <c>[Conv2D]</c>, SCONV020 for the pooling and dense layers) or to the types that contain it (SCONV010).
/// </summary>
/// <remarks>
/// The generator reports these on the layer's attribute, so the class is the attribute's enclosing type declaration.
/// Every declaration of the type that lacks <c>partial</c> gets it, in whichever document it is: a class with one
/// partial part and one plain part is reported too. C# wants <c>partial</c> right before <c>class</c>/<c>record</c>/
/// <c>struct</c>, so it goes after the other modifiers.
/// </remarks>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(MakePartialCodeFixProvider))]
[Shared]
public sealed class MakePartialCodeFixProvider : CodeFixProvider
{
    /// <summary>SCONV001: a <c>[Conv2D]</c> layer class that is not partial (DiagnosticDescriptors.NotPartial in the generator).</summary>
    public const string LayerNotPartialId = "SCONV001";

    /// <summary>SCONV010: a layer nested in a type that is not partial (DiagnosticDescriptors.ContainingTypeNotPartial).</summary>
    public const string ContainingTypeNotPartialId = "SCONV010";

    /// <summary>SCONV020: a pooling or dense layer class that is not partial (LayerDiagnosticDescriptors.LayerNotPartial).</summary>
    public const string PoolOrDenseLayerNotPartialId = "SCONV020";

    /// <inheritdoc/>
    public override ImmutableArray<string> FixableDiagnosticIds { get; } =
        ImmutableArray.Create(LayerNotPartialId, ContainingTypeNotPartialId, PoolOrDenseLayerNotPartialId);

    /// <inheritdoc/>
    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    /// <inheritdoc/>
    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        SemanticModel? model = await context.Document.GetSemanticModelAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null || model is null)
        {
            return;
        }

        TypeDeclarationSyntax? layerDeclaration = root.FindNode(context.Span, getInnermostNodeForTie: true).FirstAncestorOrSelf<TypeDeclarationSyntax>();
        if (layerDeclaration is null || model.GetDeclaredSymbol(layerDeclaration, context.CancellationToken) is not INamedTypeSymbol layer)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            if (diagnostic.Id == ContainingTypeNotPartialId)
            {
                INamedTypeSymbol[] containing = ContainingTypes(layer).Where(type => !IsPartialEverywhere(type)).ToArray();
                if (containing.Length == 0)
                {
                    continue;
                }

                string title = containing.Length == 1
                    ? $"Make '{containing[0].Name}' partial"
                    : $"Make the types containing '{layer.Name}' partial";
                context.RegisterCodeFix(
                    CodeAction.Create(title, token => AddPartialAsync(context.Document.Project.Solution, containing, token), ContainingTypeNotPartialId),
                    diagnostic);
            }
            else if (!IsPartialEverywhere(layer))
            {
                context.RegisterCodeFix(
                    CodeAction.Create($"Make '{layer.Name}' partial", token => AddPartialAsync(context.Document.Project.Solution, new[] { layer }, token), LayerNotPartialId),
                    diagnostic);
            }
        }
    }

    private static IEnumerable<INamedTypeSymbol> ContainingTypes(INamedTypeSymbol type)
    {
        for (INamedTypeSymbol? outer = type.ContainingType; outer is not null; outer = outer.ContainingType)
        {
            yield return outer;
        }
    }

    private static bool IsPartialEverywhere(INamedTypeSymbol type) =>
        type.DeclaringSyntaxReferences.All(reference => reference.GetSyntax() is TypeDeclarationSyntax declaration && IsPartial(declaration));

    private static bool IsPartial(TypeDeclarationSyntax declaration) => declaration.Modifiers.Any(SyntaxKind.PartialKeyword);

    /// <summary>Adds <c>partial</c> to every declaration of <paramref name="types"/> that lacks it, across documents.</summary>
    private static async Task<Solution> AddPartialAsync(Solution solution, IReadOnlyList<INamedTypeSymbol> types, CancellationToken cancellationToken)
    {
        IEnumerable<IGrouping<SyntaxTree, SyntaxReference>> byTree = types
            .SelectMany(type => type.DeclaringSyntaxReferences)
            .GroupBy(reference => reference.SyntaxTree);

        foreach (IGrouping<SyntaxTree, SyntaxReference> group in byTree)
        {
            Document? document = solution.GetDocument(group.Key);
            if (document is null)
            {
                // A declaration in metadata or generated code: nothing the user can edit.
                continue;
            }

            SyntaxNode root = await group.Key.GetRootAsync(cancellationToken).ConfigureAwait(false);
            TypeDeclarationSyntax[] targets = group
                .Select(reference => reference.GetSyntax(cancellationToken))
                .OfType<TypeDeclarationSyntax>()
                .Where(declaration => !IsPartial(declaration))
                .ToArray();
            if (targets.Length == 0)
            {
                continue;
            }

            // ReplaceNodes hands nested targets (an outer and an inner type) their already-rewritten descendants.
            SyntaxNode newRoot = root.ReplaceNodes(targets, static (_, rewritten) => WithPartial(rewritten));
            solution = solution.WithDocumentSyntaxRoot(document.Id, newRoot);
        }

        return solution;
    }

    /// <summary><c>partial</c> as the last modifier, keeping the declaration's indentation and comments in place.</summary>
    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
    {
        if (declaration.Modifiers.Count > 0)
        {
            SyntaxToken partial = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
            return declaration.WithModifiers(declaration.Modifiers.Add(partial));
        }

        // No modifiers: the keyword (class, record, struct) carries the line's leading trivia; partial takes it over.
        SyntaxToken keyword = declaration.Keyword;
        SyntaxToken leading = SyntaxFactory.Token(keyword.LeadingTrivia, SyntaxKind.PartialKeyword, SyntaxFactory.TriviaList(SyntaxFactory.Space));
        return declaration
            .ReplaceToken(keyword, keyword.WithLeadingTrivia(SyntaxTriviaList.Empty))
            .WithModifiers(SyntaxFactory.TokenList(leading));
    }
}
