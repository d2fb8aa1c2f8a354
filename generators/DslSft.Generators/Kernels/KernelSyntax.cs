using DslSft.Generators.Common;
namespace DslSft.Generators.Kernels
{
    // The rule body as a small language-neutral tree. The C#, C++ and CUDA emitters print it; because
    // C# and C/C++ share operator syntax and precedence for this subset, the source's own parentheses
    // are kept (ParenthesizedExpression) and no precedence logic is needed. Every implicit conversion
    // the C# compiler inserted is made explicit (Cast with IsImplicit), so C++ computes in the same types.

    /// <summary>An expression with the type C# gives it.</summary>
    public abstract record Expression(KernelType Type);

    /// <summary>A constant. <paramref name="Text"/> is the invariant round-trip text ("NaN", "Infinity" and "-Infinity" for specials).</summary>
    public sealed record Literal(KernelType Type, string Text) : Expression(Type);

    /// <summary>A parameter or local.</summary>
    public sealed record Name(KernelType Type, string Identifier) : Expression(Type);

    public sealed record Parenthesized(Expression Inner) : Expression(Inner.Type);

    /// <summary>-x, +x, !x.</summary>
    public sealed record Unary(KernelType Type, string Operator, Expression Operand) : Expression(Type);

    /// <summary>Arithmetic, comparison and logical operators. Floating-point % is printed as fmod in C++/CUDA.</summary>
    public sealed record Binary(KernelType Type, string Operator, Expression Left, Expression Right) : Expression(Type);

    public sealed record Conditional(KernelType Type, Expression Condition, Expression WhenTrue, Expression WhenFalse) : Expression(Type);

    /// <summary>A math function (Sqrt, Max, ...) on arguments of <paramref name="ArgumentType"/>.</summary>
    public sealed record Call(KernelType Type, string Function, KernelType ArgumentType, EquatableArray<Expression> Arguments) : Expression(Type);

    /// <summary>A conversion to <see cref="Expression.Type"/>; implicit ones were inserted by the C# compiler.</summary>
    public sealed record Cast(KernelType Type, Expression Operand, bool IsImplicit) : Expression(Type);

    /// <summary>A statement; <paramref name="Comments"/> are the // lines written above it in the rule, carried into every target.</summary>
    public abstract record Statement(EquatableArray<string> Comments, string? TrailingComment);

    public sealed record LocalDeclaration(EquatableArray<string> Comments, string? TrailingComment, KernelType Type, string Identifier, Expression? Initializer, bool IsConst)
        : Statement(Comments, TrailingComment);

    /// <summary>x = e, x += e, ... on a local or a ref element.</summary>
    public sealed record Assignment(EquatableArray<string> Comments, string? TrailingComment, string Target, string Operator, Expression Value)
        : Statement(Comments, TrailingComment);

    public sealed record If(EquatableArray<string> Comments, string? TrailingComment, Expression Condition, EquatableArray<Statement> Then, EquatableArray<Statement>? Else)
        : Statement(Comments, TrailingComment);

    /// <summary>return; (ends this element's update).</summary>
    public sealed record Return(EquatableArray<string> Comments, string? TrailingComment) : Statement(Comments, TrailingComment);

    /// <summary>Comments at the end of a block (after its last statement).</summary>
    public sealed record CommentOnly(EquatableArray<string> Comments) : Statement(Comments, null);
}
