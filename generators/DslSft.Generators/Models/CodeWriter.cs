using System.Text;

namespace DslSft.Generators.Models
{
    /// <summary>A small indenting text writer for the emitters.</summary>
    internal sealed class CodeWriter
    {
        private readonly StringBuilder text = new();
        private int indent;

        public CodeWriter Line(string line = "")
        {
            if (line.Length > 0) text.Append(' ', indent * 4).Append(line);
            text.Append('\n');
            return this;
        }

        public CodeWriter Open(string line)
        {
            if (line != "{") Line(line);
            Line("{");
            indent++;
            return this;
        }

        public CodeWriter Close(string suffix = "")
        {
            indent--;
            return Line("}" + suffix);
        }

        public override string ToString() => text.ToString();
    }
}
