using System.Linq;
using System.Text;
using DslSft.Generators.Common;

namespace DslSft.Generators.Kernels
{
    /// <summary>
    /// Prints a rule body in one target language. The subset's statements and operators are spelled the
    /// same in C#, C++ and CUDA; only types, literals, function names, floating-point % and brace style differ.
    /// </summary>
    internal abstract class BodyPrinter
    {
        protected abstract string TypeName(KernelType type);
        protected abstract string LiteralText(Literal literal);
        protected abstract string FunctionName(Call call);
        protected abstract bool BraceOnNewLine { get; }

        protected virtual string Modulo(Binary binary, string left, string right) => left + " % " + right;

        public void PrintStatements(StringBuilder output, EquatableArray<Statement> statements, string indent, string unit)
        {
            foreach (var statement in statements) PrintStatement(output, statement, indent, unit);
        }

        private void PrintStatement(StringBuilder output, Statement statement, string indent, string unit)
        {
            foreach (var comment in statement.Comments)
                output.Append(indent).Append(comment.Length == 0 ? "//" : "// " + comment).Append('\n');
            var trailing = statement.TrailingComment is null ? "" : "  // " + statement.TrailingComment;
            switch (statement)
            {
                case LocalDeclaration local:
                    output.Append(indent).Append(local.IsConst ? "const " : "").Append(TypeName(local.Type)).Append(' ').Append(local.Identifier);
                    if (local.Initializer != null) output.Append(" = ").Append(Print(local.Initializer));
                    output.Append(';').Append(trailing).Append('\n');
                    break;
                case Assignment assignment:
                    output.Append(indent).Append(assignment.Target).Append(' ').Append(assignment.Operator).Append(' ')
                        .Append(Print(assignment.Value)).Append(';').Append(trailing).Append('\n');
                    break;
                case Return _:
                    output.Append(indent).Append("return;").Append(trailing).Append('\n');
                    break;
                case If ifStatement:
                    output.Append(indent);
                    PrintIf(output, ifStatement, indent, unit);
                    break;
                case CommentOnly _:
                    break;
            }
        }

        private void PrintIf(StringBuilder output, If ifStatement, string indent, string unit)
        {
            output.Append("if (").Append(Print(ifStatement.Condition)).Append(')');
            OpenBrace(output, indent);
            PrintStatements(output, ifStatement.Then, indent + unit, unit);
            output.Append(indent).Append('}');
            if (ifStatement.Else is { } otherwise)
            {
                if (BraceOnNewLine) output.Append('\n').Append(indent); else output.Append(' ');
                output.Append("else");
                // else if: an else branch that is exactly one if statement without comments of its own
                if (otherwise.Count == 1 && otherwise[0] is If nested && nested.Comments.Count == 0)
                {
                    output.Append(' ');
                    PrintIf(output, nested, indent, unit);
                    return;
                }
                OpenBrace(output, indent);
                PrintStatements(output, otherwise, indent + unit, unit);
                output.Append(indent).Append('}');
            }
            output.Append('\n');
        }

        private void OpenBrace(StringBuilder output, string indent)
        {
            if (BraceOnNewLine) output.Append('\n').Append(indent).Append("{\n");
            else output.Append(" {\n");
        }

        // Parentheses C# does not need but GCC's -Wparentheses asks for (a && b || c; a == b & c): they
        // restate the existing precedence, so every target still computes the same thing.
        private string PrintOperand(Binary parent, Expression operand)
        {
            var text = Print(operand);
            if (!(operand is Binary child) || child.Operator == parent.Operator) return text;
            bool clarify = (parent.Operator == "||" && child.Operator == "&&")
                           || ((parent.Operator == "&" || parent.Operator == "|" || parent.Operator == "^") );
            return clarify ? "(" + text + ")" : text;
        }

        public string Print(Expression expression)
        {
            switch (expression)
            {
                case Literal literal: return LiteralText(literal);
                case Name name: return name.Identifier;
                case Parenthesized parenthesized: return "(" + Print(parenthesized.Inner) + ")";
                case Unary unary:
                {
                    var operand = Print(unary.Operand);
                    // "- -x" must not become the decrement operator "--x"
                    var separator = operand.Length > 0 && (operand[0] == '-' || operand[0] == '+') ? " " : "";
                    return unary.Operator + separator + operand;
                }
                case Binary binary:
                {
                    var left = PrintOperand(binary, binary.Left);
                    var right = PrintOperand(binary, binary.Right);
                    if (binary.Operator == "%") return Modulo(binary, left, right);
                    return left + " " + binary.Operator + " " + right;
                }
                case Conditional conditional:
                    return Print(conditional.Condition) + " ? " + Print(conditional.WhenTrue) + " : " + Print(conditional.WhenFalse);
                case Call call:
                    return FunctionName(call) + "(" + string.Join(", ", call.Arguments.Select(Print)) + ")";
                case Cast cast:
                {
                    var operand = Print(cast.Operand);
                    bool primary = cast.Operand is Name || cast.Operand is Call || cast.Operand is Parenthesized
                                   || (cast.Operand is Literal && !operand.StartsWith("-"));
                    return "(" + TypeName(cast.Type) + ")" + (primary ? operand : "(" + operand + ")");
                }
                default:
                    throw new System.InvalidOperationException("unknown expression " + expression.GetType().Name);
            }
        }
    }

    /// <summary>C++ (host) and CUDA (device) spelling: C library math, C-style literals, K&amp;R braces.</summary>
    internal sealed class CFamilyBodyPrinter : BodyPrinter
    {
        public static readonly CFamilyBodyPrinter Instance = new CFamilyBodyPrinter();

        protected override bool BraceOnNewLine => false;

        public static string CTypeName(KernelType type)
        {
            switch (type)
            {
                case KernelType.Float: return "float";
                case KernelType.Double: return "double";
                case KernelType.Int: return "int32_t";
                case KernelType.Long: return "int64_t";
                default: return "bool";
            }
        }

        protected override string TypeName(KernelType type) => CTypeName(type);

        protected override string LiteralText(Literal literal)
        {
            var text = literal.Text;
            switch (literal.Type)
            {
                case KernelType.Float:
                    if (text == "NaN") return "NAN";
                    if (text == "Infinity") return "INFINITY";
                    if (text == "-Infinity") return "-INFINITY";
                    return WithPoint(text) + "f";
                case KernelType.Double:
                    if (text == "NaN") return "(double)NAN";
                    if (text == "Infinity") return "(double)INFINITY";
                    if (text == "-Infinity") return "-(double)INFINITY";
                    return WithPoint(text);
                case KernelType.Long: return text + "L";
                default: return text;
            }
        }

        // "1" is an int in C: floating literals need a point or an exponent before the suffix.
        private static string WithPoint(string text) =>
            text.IndexOf('.') >= 0 || text.IndexOf('E') >= 0 || text.IndexOf('e') >= 0 ? text : text + ".0";

        protected override string FunctionName(Call call) => KernelFunctions.CName(call.Function, call.ArgumentType);

        protected override string Modulo(Binary binary, string left, string right) =>
            binary.Type == KernelType.Float ? "fmodf(" + left + ", " + right + ")"
            : binary.Type == KernelType.Double ? "fmod(" + left + ", " + right + ")"
            : left + " % " + right;
    }

    /// <summary>C# spelling for the reference loop; Sign and Clamp go through KernelMath.</summary>
    internal sealed class CSharpBodyPrinter : BodyPrinter
    {
        public static readonly CSharpBodyPrinter Instance = new CSharpBodyPrinter();

        protected override bool BraceOnNewLine => true;

        public static string CSharpTypeName(KernelType type)
        {
            switch (type)
            {
                case KernelType.Float: return "float";
                case KernelType.Double: return "double";
                case KernelType.Int: return "int";
                case KernelType.Long: return "long";
                default: return "bool";
            }
        }

        protected override string TypeName(KernelType type) => CSharpTypeName(type);

        protected override string LiteralText(Literal literal)
        {
            var text = literal.Text;
            switch (literal.Type)
            {
                case KernelType.Float:
                    if (text == "NaN") return "float.NaN";
                    if (text == "Infinity") return "float.PositiveInfinity";
                    if (text == "-Infinity") return "float.NegativeInfinity";
                    return text + "f";
                case KernelType.Double:
                    if (text == "NaN") return "double.NaN";
                    if (text == "Infinity") return "double.PositiveInfinity";
                    if (text == "-Infinity") return "double.NegativeInfinity";
                    return text + "d";
                case KernelType.Long: return text + "L";
                default: return text;
            }
        }

        protected override string FunctionName(Call call) => KernelFunctions.CSharpName(call.Function, call.ArgumentType);
    }
}
