using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace DslSft.Generators.Models
{
    /// <summary>
    /// Translates a dimension written in the DSL (config keys and integer literals joined by '+' or '*', e.g.
    /// <c>"arc_mlp_size+1"</c>) into a C# expression over the configuration (<c>config.ArcMlpSize + 1</c>).
    /// '*' binds tighter than '+' in both languages, so the operators are copied as they are.
    /// </summary>
    internal static class DimensionExpression
    {
        public enum Error
        {
            None,
            Syntax,
            UnknownKey,
        }

        /// <param name="keyToProperty">Config key → C# property name.</param>
        /// <param name="badToken">The unknown key when the result is <see cref="Error.UnknownKey"/>.</param>
        public static Error TryTranslate(string text, IReadOnlyDictionary<string, string> keyToProperty, string configVariable,
            out string csharp, out string? badToken)
        {
            csharp = "";
            badToken = null;
            var output = new StringBuilder();
            var token = new StringBuilder();
            var expectOperand = true;
            foreach (var c in text + "\0")
            {
                if (char.IsWhiteSpace(c)) continue;
                if (c == '+' || c == '*' || c == '\0')
                {
                    if (token.Length == 0) return Error.Syntax;
                    var operand = token.ToString();
                    token.Clear();
                    if (long.TryParse(operand, NumberStyles.None, CultureInfo.InvariantCulture, out _))
                        output.Append(operand);
                    else if (IsIdentifier(operand))
                    {
                        if (!keyToProperty.TryGetValue(operand, out var property))
                        {
                            badToken = operand;
                            return Error.UnknownKey;
                        }
                        output.Append(configVariable).Append('.').Append(property);
                    }
                    else return Error.Syntax;
                    if (c != '\0') output.Append(' ').Append(c).Append(' ');
                    expectOperand = c != '\0';
                    continue;
                }
                token.Append(c);
            }
            if (expectOperand) return Error.Syntax;
            csharp = output.ToString();
            return Error.None;
        }

        private static bool IsIdentifier(string text)
        {
            if (text.Length == 0 || !(char.IsLetter(text[0]) || text[0] == '_')) return false;
            foreach (var c in text)
                if (!(char.IsLetterOrDigit(c) || c == '_')) return false;
            return true;
        }
    }
}
