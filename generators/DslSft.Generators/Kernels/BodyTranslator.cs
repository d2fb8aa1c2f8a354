using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using DslSft.Generators.Common;

namespace DslSft.Generators.Kernels
{
    /// <summary>
    /// Translates a rule body (C# syntax + semantic model) into the language-neutral <see cref="Statement"/>
    /// tree. Every construct outside the DSL subset adds a diagnostic at its exact location and yields null;
    /// a body with any diagnostic is not emitted.
    /// </summary>
    internal sealed class BodyTranslator
    {
        private readonly SemanticModel model;
        private readonly IMethodSymbol method;
        private readonly List<DiagnosticInfo> diagnostics;
        private readonly System.Threading.CancellationToken cancellation;

        public BodyTranslator(SemanticModel model, IMethodSymbol method, List<DiagnosticInfo> diagnostics, System.Threading.CancellationToken cancellation)
        {
            this.model = model;
            this.method = method;
            this.diagnostics = diagnostics;
            this.cancellation = cancellation;
        }

        public EquatableArray<Statement> TranslateBody(MethodDeclarationSyntax syntax)
        {
            if (syntax.ExpressionBody is { } arrow)
            {
                var single = TranslateExpressionStatement(arrow.Expression, arrow.Expression, Comments(syntax.ExpressionBody.GetFirstToken()), null);
                return single is null ? EquatableArray<Statement>.Empty : new EquatableArray<Statement>(new[] { single });
            }
            return syntax.Body is null ? EquatableArray<Statement>.Empty : TranslateBlock(syntax.Body);
        }

        private EquatableArray<Statement> TranslateBlock(BlockSyntax block)
        {
            var result = new List<Statement>();
            foreach (var statement in block.Statements)
            {
                cancellation.ThrowIfCancellationRequested();
                var translated = TranslateStatement(statement);
                if (translated != null) result.Add(translated);
            }
            var closing = Comments(block.CloseBraceToken);
            if (closing.Count > 0) result.Add(new CommentOnly(closing));
            return result.ToEquatableArray();
        }

        /// <summary>The body of an if/else branch: a block or a single statement.</summary>
        private EquatableArray<Statement> TranslateBranch(StatementSyntax statement)
        {
            if (statement is BlockSyntax block) return TranslateBlock(block);
            var single = TranslateStatement(statement);
            return single is null ? EquatableArray<Statement>.Empty : new EquatableArray<Statement>(new[] { single });
        }

        private Statement? TranslateStatement(StatementSyntax statement)
        {
            var comments = Comments(statement.GetFirstToken());
            var trailing = TrailingComment(statement.GetLastToken());
            switch (statement)
            {
                case LocalDeclarationStatementSyntax local:
                    return TranslateLocal(local, comments, trailing);
                case ExpressionStatementSyntax expressionStatement:
                    return TranslateExpressionStatement(expressionStatement.Expression, statement, comments, trailing);
                case IfStatementSyntax ifStatement:
                    return TranslateIf(ifStatement, comments);
                case ReturnStatementSyntax ret when ret.Expression is null:
                    return new Return(comments, trailing);
                case EmptyStatementSyntax:
                    return null;
                default:
                    Report(KernelDiagnostics.UnsupportedStatement, statement, Describe(statement));
                    return null;
            }
        }

        private If? TranslateIf(IfStatementSyntax ifStatement, EquatableArray<string> comments)
        {
            var condition = TranslateExpression(ifStatement.Condition);
            var then = TranslateBranch(ifStatement.Statement);
            EquatableArray<Statement>? otherwise = null;
            if (ifStatement.Else is { } elseClause)
            {
                if (elseClause.Statement is IfStatementSyntax elseIf)
                {
                    var nested = TranslateIf(elseIf, Comments(elseIf.GetFirstToken()));
                    otherwise = nested is null ? EquatableArray<Statement>.Empty : new EquatableArray<Statement>(new Statement[] { nested });
                }
                else otherwise = TranslateBranch(elseClause.Statement);
            }
            return condition is null ? null : new If(comments, null, condition, then, otherwise);
        }

        private Statement? TranslateLocal(LocalDeclarationStatementSyntax local, EquatableArray<string> comments, string? trailing)
        {
            if (local.UsingKeyword.IsKind(SyntaxKind.UsingKeyword) || local.AwaitKeyword.IsKind(SyntaxKind.AwaitKeyword))
            {
                Report(KernelDiagnostics.UnsupportedStatement, local, "using declaration");
                return null;
            }
            var declarators = local.Declaration.Variables;
            if (declarators.Count != 1)
            {
                // One declaration per statement keeps comments attached to the right variable in every target.
                Report(KernelDiagnostics.UnsupportedStatement, local, "declaring several locals in one statement");
                return null;
            }
            var declarator = declarators[0];
            if (!(model.GetDeclaredSymbol(declarator, cancellation) is ILocalSymbol symbol)) return null;
            var type = TypeOf(symbol.Type, local.Declaration.Type);
            if (type is null) return null;
            if (!CheckIdentifier(symbol.Name, declarator.Identifier.GetLocation(), isParameter: false)) return null;
            Expression? initializer = null;
            if (declarator.Initializer is { } init)
            {
                initializer = TranslateExpression(init.Value);
                if (initializer is null) return null;
            }
            bool isConst = local.Modifiers.Any(SyntaxKind.ConstKeyword);
            return new LocalDeclaration(comments, trailing, type.Value, symbol.Name, initializer, isConst);
        }

        private Statement? TranslateExpressionStatement(ExpressionSyntax expression, SyntaxNode statement, EquatableArray<string> comments, string? trailing)
        {
            switch (expression)
            {
                case AssignmentExpressionSyntax assignment:
                {
                    var target = AssignmentTarget(assignment.Left);
                    var value = TranslateExpression(assignment.Right);
                    if (target is null || value is null) return null;
                    return new Assignment(comments, trailing, target, assignment.OperatorToken.Text, value);
                }
                case PostfixUnaryExpressionSyntax postfix when postfix.IsKind(SyntaxKind.PostIncrementExpression) || postfix.IsKind(SyntaxKind.PostDecrementExpression):
                    return Increment(postfix.Operand, postfix.IsKind(SyntaxKind.PostIncrementExpression), comments, trailing);
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.PreIncrementExpression) || prefix.IsKind(SyntaxKind.PreDecrementExpression):
                    return Increment(prefix.Operand, prefix.IsKind(SyntaxKind.PreIncrementExpression), comments, trailing);
                default:
                    Report(KernelDiagnostics.UnsupportedStatement, statement, "an expression statement that is not an assignment");
                    return null;
            }
        }

        private Statement? Increment(ExpressionSyntax operand, bool up, EquatableArray<string> comments, string? trailing)
        {
            var target = AssignmentTarget(operand);
            var type = TypeOf(model.GetTypeInfo(operand, cancellation).Type, operand);
            if (target is null || type is null) return null;
            return new Assignment(comments, trailing, target, up ? "+=" : "-=", new Literal(type.Value, FormatLiteral(1, type.Value)));
        }

        /// <summary>The name written by an assignment: a local, or a <c>ref</c> tensor element.</summary>
        private string? AssignmentTarget(ExpressionSyntax left)
        {
            var symbol = model.GetSymbolInfo(left, cancellation).Symbol;
            if (left is IdentifierNameSyntax)
            {
                switch (symbol)
                {
                    case IParameterSymbol parameter when SymbolEqualityComparer.Default.Equals(parameter.ContainingSymbol, method):
                        if (parameter.RefKind == RefKind.Ref) return parameter.Name;
                        Report(KernelDiagnostics.WriteToReadOnly, left, parameter.Name,
                            KernelExtractor.RoleOf(parameter) == ElementRole.Scalar
                                ? "scalars are uniform inputs"
                                : "declare the parameter 'ref float' to write the tensor element");
                        return null;
                    case ILocalSymbol local:
                        if (!local.IsConst) return local.Name;
                        Report(KernelDiagnostics.WriteToReadOnly, left, local.Name, "it is a const local");
                        return null;
                }
            }
            Report(KernelDiagnostics.UnsupportedExpression, left, "Assigning to '" + left + "' (only locals and ref parameters can be written)");
            return null;
        }

        public Expression? TranslateExpression(ExpressionSyntax syntax)
        {
            cancellation.ThrowIfCancellationRequested();
            var info = model.GetTypeInfo(syntax, cancellation);
            var converted = info.ConvertedType ?? info.Type;

            // Constants (literals, const locals/fields, float.NaN, MathF.PI) become literals of the type they are used as.
            if (syntax is LiteralExpressionSyntax || syntax is MemberAccessExpressionSyntax || syntax is IdentifierNameSyntax)
            {
                var constant = model.GetConstantValue(syntax, cancellation);
                var isLocalOrParameter = syntax is IdentifierNameSyntax && model.GetSymbolInfo(syntax, cancellation).Symbol is ILocalSymbol or IParameterSymbol;
                if (constant.HasValue && !isLocalOrParameter)
                {
                    var literalType = TypeOf(converted, syntax);
                    if (literalType is null) return null;
                    return new Literal(literalType.Value, FormatLiteral(constant.Value, literalType.Value));
                }
            }

            // Constructs outside the subset are named as such, before their (often also unsupported) type is.
            if (!IsSupportedSyntax(syntax))
            {
                Report(KernelDiagnostics.UnsupportedExpression, syntax, Describe(syntax, model.GetSymbolInfo(syntax, cancellation).Symbol));
                return null;
            }

            var own = TypeOf(info.Type, syntax);
            if (own is null) return null;
            var core = TranslateCore(syntax, own.Value);
            if (core is null) return null;
            if (converted != null && !SymbolEqualityComparer.Default.Equals(converted, info.Type))
            {
                var target = TypeOf(converted, syntax);
                if (target is null) return null;
                if (target.Value != own.Value) return new Cast(target.Value, core, IsImplicit: true);
            }
            return core;
        }

        private Expression? TranslateCore(ExpressionSyntax syntax, KernelType type)
        {
            switch (syntax)
            {
                case IdentifierNameSyntax identifier:
                {
                    var symbol = model.GetSymbolInfo(identifier, cancellation).Symbol;
                    if (symbol is IParameterSymbol p && SymbolEqualityComparer.Default.Equals(p.ContainingSymbol, method)) return new Name(type, p.Name);
                    if (symbol is ILocalSymbol l) return new Name(type, l.Name);
                    Report(KernelDiagnostics.UnsupportedExpression, identifier, Describe(identifier, symbol));
                    return null;
                }
                case ParenthesizedExpressionSyntax parenthesized:
                {
                    var inner = TranslateExpression(parenthesized.Expression);
                    return inner is null ? null : new Parenthesized(inner);
                }
                case PrefixUnaryExpressionSyntax prefix when prefix.IsKind(SyntaxKind.UnaryMinusExpression) || prefix.IsKind(SyntaxKind.UnaryPlusExpression) || prefix.IsKind(SyntaxKind.LogicalNotExpression):
                {
                    var operand = TranslateExpression(prefix.Operand);
                    return operand is null ? null : new Unary(type, prefix.OperatorToken.Text, operand);
                }
                case BinaryExpressionSyntax binary when IsSupportedBinary(binary.Kind()):
                {
                    var left = TranslateExpression(binary.Left);
                    var right = TranslateExpression(binary.Right);
                    return left is null || right is null ? null : new Binary(type, binary.OperatorToken.Text, left, right);
                }
                case ConditionalExpressionSyntax conditional:
                {
                    var condition = TranslateExpression(conditional.Condition);
                    var whenTrue = TranslateExpression(conditional.WhenTrue);
                    var whenFalse = TranslateExpression(conditional.WhenFalse);
                    return condition is null || whenTrue is null || whenFalse is null ? null : new Conditional(type, condition, whenTrue, whenFalse);
                }
                case CastExpressionSyntax cast:
                {
                    var operand = TranslateExpression(cast.Expression);
                    return operand is null ? null : new Cast(type, operand, IsImplicit: false);
                }
                case InvocationExpressionSyntax invocation:
                    return TranslateCall(invocation, type);
                default:
                    Report(KernelDiagnostics.UnsupportedExpression, syntax, Describe(syntax, model.GetSymbolInfo(syntax, cancellation).Symbol));
                    return null;
            }
        }

        private Expression? TranslateCall(InvocationExpressionSyntax invocation, KernelType type)
        {
            var target = model.GetSymbolInfo(invocation, cancellation).Symbol as IMethodSymbol;
            if (target is null)
            {
                Report(KernelDiagnostics.UnsupportedExpression, invocation, "This call");
                return null;
            }
            var container = target.ContainingType?.ToDisplayString();
            if (container != "System.Math" && container != "System.MathF")
            {
                Report(KernelDiagnostics.UnsupportedExpression, invocation, "Calling '" + target.ContainingType?.Name + "." + target.Name + "'");
                return null;
            }
            if (!KernelFunctions.IsSupported(target.Name) || target.Parameters.Length == 0)
            {
                Report(KernelDiagnostics.UnsupportedMathFunction, invocation, container.Substring("System.".Length) + "." + target.Name, KernelFunctions.SupportedList);
                return null;
            }
            var argumentType = TypeOf(target.Parameters[0].Type, invocation);
            if (argumentType is null) return null;
            if (!KernelFunctions.Supports(target.Name, argumentType.Value))
            {
                Report(KernelDiagnostics.UnsupportedMathFunction, invocation, container.Substring("System.".Length) + "." + target.Name + "(" + target.Parameters[0].Type.ToDisplayString() + ")", KernelFunctions.SupportedList);
                return null;
            }
            var arguments = new List<Expression>();
            foreach (var argument in invocation.ArgumentList.Arguments)
            {
                if (argument.NameColon != null || !argument.RefKindKeyword.IsKind(SyntaxKind.None))
                {
                    Report(KernelDiagnostics.UnsupportedExpression, argument, "A named or ref argument");
                    return null;
                }
                var translated = TranslateExpression(argument.Expression);
                if (translated is null) return null;
                arguments.Add(translated);
            }
            return new Call(type, target.Name, argumentType.Value, arguments.ToEquatableArray());
        }

        private static bool IsSupportedSyntax(ExpressionSyntax syntax)
        {
            switch (syntax)
            {
                case IdentifierNameSyntax _:
                case ParenthesizedExpressionSyntax _:
                case ConditionalExpressionSyntax _:
                case CastExpressionSyntax _:
                case InvocationExpressionSyntax _:
                    return true;
                case LiteralExpressionSyntax literal:
                    return !literal.IsKind(SyntaxKind.StringLiteralExpression) && !literal.IsKind(SyntaxKind.Utf8StringLiteralExpression)
                        && !literal.IsKind(SyntaxKind.NullLiteralExpression) && !literal.IsKind(SyntaxKind.DefaultLiteralExpression);
                case PrefixUnaryExpressionSyntax prefix:
                    return prefix.IsKind(SyntaxKind.UnaryMinusExpression) || prefix.IsKind(SyntaxKind.UnaryPlusExpression) || prefix.IsKind(SyntaxKind.LogicalNotExpression);
                case BinaryExpressionSyntax binary:
                    return IsSupportedBinary(binary.Kind());
                default:
                    return false; // member access reaches here only when it is not a constant
            }
        }

        private static bool IsSupportedBinary(SyntaxKind kind)
        {
            switch (kind)
            {
                case SyntaxKind.AddExpression:
                case SyntaxKind.SubtractExpression:
                case SyntaxKind.MultiplyExpression:
                case SyntaxKind.DivideExpression:
                case SyntaxKind.ModuloExpression:
                case SyntaxKind.LessThanExpression:
                case SyntaxKind.LessThanOrEqualExpression:
                case SyntaxKind.GreaterThanExpression:
                case SyntaxKind.GreaterThanOrEqualExpression:
                case SyntaxKind.EqualsExpression:
                case SyntaxKind.NotEqualsExpression:
                case SyntaxKind.LogicalAndExpression:
                case SyntaxKind.LogicalOrExpression:
                case SyntaxKind.BitwiseAndExpression:
                case SyntaxKind.BitwiseOrExpression:
                case SyntaxKind.ExclusiveOrExpression:
                    return true;
                default:
                    return false;
            }
        }

        /// <summary>Maps a C# type to a kernel type, reporting DSK008 (once, at <paramref name="where"/>) when it has none.</summary>
        private KernelType? TypeOf(ITypeSymbol? type, SyntaxNode where)
        {
            var kernelType = KernelExtractor.KernelTypeOf(type);
            if (kernelType is null) Report(KernelDiagnostics.UnsupportedType, where, type?.ToDisplayString() ?? "(unknown)");
            return kernelType;
        }

        private bool CheckIdentifier(string name, Location where, bool isParameter)
        {
            if (!ReservedNames.IsReserved(name, isParameter)) return true;
            diagnostics.Add(DiagnosticInfo.Create(KernelDiagnostics.ReservedIdentifier, where, name));
            return false;
        }

        public static string FormatLiteral(object? value, KernelType type)
        {
            var invariant = CultureInfo.InvariantCulture;
            switch (type)
            {
                case KernelType.Float:
                {
                    var f = Convert.ToSingle(value, invariant);
                    if (float.IsNaN(f)) return "NaN";
                    if (float.IsPositiveInfinity(f)) return "Infinity";
                    if (float.IsNegativeInfinity(f)) return "-Infinity";
                    return f.ToString("R", invariant);
                }
                case KernelType.Double:
                {
                    var d = Convert.ToDouble(value, invariant);
                    if (double.IsNaN(d)) return "NaN";
                    if (double.IsPositiveInfinity(d)) return "Infinity";
                    if (double.IsNegativeInfinity(d)) return "-Infinity";
                    return d.ToString("R", invariant);
                }
                case KernelType.Int: return Convert.ToInt32(value, invariant).ToString(invariant);
                case KernelType.Long: return Convert.ToInt64(value, invariant).ToString(invariant);
                default: return Convert.ToBoolean(value, invariant) ? "true" : "false";
            }
        }

        /// <summary>The // comments directly above a token (blank lines between them are kept as empty strings).</summary>
        internal static EquatableArray<string> Comments(SyntaxToken token)
        {
            var lines = new List<string>();
            foreach (var trivia in token.LeadingTrivia)
            {
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
                {
                    var text = trivia.ToString();
                    if (text.StartsWith("///", StringComparison.Ordinal)) continue;
                    lines.Add(text.Substring(2).Trim());
                }
                else if (trivia.IsKind(SyntaxKind.MultiLineCommentTrivia))
                {
                    var text = trivia.ToString();
                    foreach (var line in text.Substring(2, text.Length - 4).Split('\n'))
                    {
                        var trimmed = line.Trim().TrimStart('*').Trim();
                        if (trimmed.Length > 0) lines.Add(trimmed);
                    }
                }
            }
            return lines.ToEquatableArray();
        }

        private static string? TrailingComment(SyntaxToken token)
        {
            foreach (var trivia in token.TrailingTrivia)
                if (trivia.IsKind(SyntaxKind.SingleLineCommentTrivia))
                    return trivia.ToString().Substring(2).Trim();
            return null;
        }

        private void Report(DiagnosticDescriptor descriptor, SyntaxNode node, params string[] arguments) =>
            diagnostics.Add(DiagnosticInfo.Create(descriptor, node, arguments));

        private static string Describe(StatementSyntax statement)
        {
            switch (statement)
            {
                case ForStatementSyntax _: return "for loop";
                case ForEachStatementSyntax _: return "foreach loop";
                case WhileStatementSyntax _: return "while loop";
                case DoStatementSyntax _: return "do loop";
                case SwitchStatementSyntax _: return "switch";
                case TryStatementSyntax _: return "try";
                case ThrowStatementSyntax _: return "throw";
                case LocalFunctionStatementSyntax _: return "local function";
                case ReturnStatementSyntax _: return "return with a value";
                case BlockSyntax _: return "nested block";
                case GotoStatementSyntax _: return "goto";
                case LabeledStatementSyntax _: return "label";
                case UsingStatementSyntax _: return "using";
                case LockStatementSyntax _: return "lock";
                case CheckedStatementSyntax _: return "checked/unchecked block";
                case UnsafeStatementSyntax _: return "unsafe block";
                case FixedStatementSyntax _: return "fixed";
                case YieldStatementSyntax _: return "yield";
                case BreakStatementSyntax _: return "break";
                case ContinueStatementSyntax _: return "continue";
                default: return statement.Kind().ToString();
            }
        }

        private static string Describe(ExpressionSyntax expression, ISymbol? symbol)
        {
            switch (expression)
            {
                case ObjectCreationExpressionSyntax _:
                case ImplicitObjectCreationExpressionSyntax _: return "Allocation ('new')";
                case ArrayCreationExpressionSyntax _:
                case ImplicitArrayCreationExpressionSyntax _:
                case CollectionExpressionSyntax _: return "Allocating an array";
                case ElementAccessExpressionSyntax _: return "Indexing ('[]')";
                case InterpolatedStringExpressionSyntax _: return "A string";
                case LiteralExpressionSyntax literal when literal.IsKind(SyntaxKind.StringLiteralExpression): return "A string";
                case LambdaExpressionSyntax _:
                case AnonymousMethodExpressionSyntax _: return "A lambda";
                case AssignmentExpressionSyntax _: return "An assignment inside an expression";
                case ConditionalAccessExpressionSyntax _: return "'?.'";
                case ThrowExpressionSyntax _: return "A throw expression";
                case TupleExpressionSyntax _: return "A tuple";
                case TypeOfExpressionSyntax _: return "typeof";
                case DefaultExpressionSyntax _: return "default";
                case PostfixUnaryExpressionSyntax _:
                case PrefixUnaryExpressionSyntax _: return "The operator '" + expression.ChildTokens().FirstOrDefault().Text + "' inside an expression";
                case BinaryExpressionSyntax binary: return "The operator '" + binary.OperatorToken.Text + "'";
                case IsPatternExpressionSyntax _: return "Pattern matching ('is')";
                case SwitchExpressionSyntax _: return "A switch expression";
            }
            switch (symbol)
            {
                case IFieldSymbol field: return "Reading the field '" + field.Name + "'";
                case IPropertySymbol property: return "Reading the property '" + property.Name + "'";
                case IMethodSymbol m: return "The method group '" + m.Name + "'";
                case IParameterSymbol p: return "The parameter '" + p.Name + "' of an enclosing method";
            }
            return "'" + expression.ToString() + "'";
        }
    }
}
