using System.Text;

namespace SpecializedConv.Generators.Helpers;

/// <summary>A minimal indented text writer for emitting C#: four spaces per level, \n line endings.</summary>
internal sealed class IndentedWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    public void Line(string text = "")
    {
        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes <paramref name="header"/> and an opening brace, and indents until the returned scope is disposed.</summary>
    public Block Open(string header)
    {
        Line(header);
        Line("{");
        _indent++;
        return new Block(this);
    }

    /// <summary>Opens a bare block (<c>{</c>) that scopes locals, closed when the returned scope is disposed.</summary>
    public Block OpenBare()
    {
        Line("{");
        _indent++;
        return new Block(this);
    }

    public void Indent() => _indent++;

    public void Unindent() => _indent--;

    public override string ToString() => _builder.ToString();

    internal readonly struct Block : System.IDisposable
    {
        private readonly IndentedWriter _writer;

        public Block(IndentedWriter writer) => _writer = writer;

        public void Dispose()
        {
            _writer._indent--;
            _writer.Line("}");
        }
    }
}
