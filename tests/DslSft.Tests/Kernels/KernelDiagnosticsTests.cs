using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace DslSft.Tests.Kernels;

/// <summary>
/// Every construct outside the kernel DSL is a compile-time error with a stable ID at the exact source
/// location (marked [| |] in each case), and the rule then generates nothing: never silently dropped.
/// </summary>
public class KernelDiagnosticsTests
{
    private const string Rule = """
        using System;
        using DslSft.Dsl.Kernels;

        namespace Samples;

        public static partial class Rules
        {
            private static float field = 1f;
            private static float Helper(float v) => v;

            [ElementwiseKernel("rule")]
            static void Rule([Indexed] ref float x, [Compact] float y, [Scalar] float s)
            {
                BODY
            }
        }
        """;

    public static TheoryData<string, string> BodyCases => new()
    {
        { "[|for (int j = 0; j < 3; j++) x += y;|]", "DSK006" },
        { "[|while (x > 0f) x -= 1f;|]", "DSK006" },
        { "[|foreach (var c in \"ab\") x += 1f;|]", "DSK006" },
        { "[|do { x -= 1f; } while (x > 0f);|]", "DSK006" },
        { "[|switch (s) { default: break; }|]", "DSK006" },
        { "[|throw new InvalidOperationException();|]", "DSK006" },
        { "[|try { x = y; } finally { }|]", "DSK006" },
        { "[|{ x = y; }|]", "DSK006" },
        { "[|float a = 1f, b = 2f;|]", "DSK006" },
        { "[|Helper(y);|]", "DSK006" },
        { "x = [|Helper(y)|];", "DSK007" },
        { "x = [|field|];", "DSK007" },
        { "x = [|new Random().NextSingle()|];", "DSK007" },
        { "x = [|\"text\".Length|];", "DSK007" },
        { "x = [|new float[] { y }[0]|];", "DSK007" },
        { "float a = 0f; x = [|a = y|];", "DSK007" },
        { "x = [|x++|];", "DSK007" },
        { "x = (float)([|(int)s << 2|]);", "DSK007" },
        { "x = [|MathF.Atan2(y, s)|];", "DSK009" },
        { "x = [|Math.Round(y)|];", "DSK009" },
        { "[|decimal|] d = 1m;", "DSK008" },
        { "[|y|] = 1f;", "DSK010" },
        { "[|s|] = 1f;", "DSK010" },
        { "float [|auto|] = y; x = auto;", "DSK014" },
    };

    [Theory]
    [MemberData(nameof(BodyCases))]
    public void Unsupported_body_construct_is_reported_at_its_location(string body, string id) =>
        AssertSingleDiagnostic(Rule.Replace("BODY", body), id);

    public static TheoryData<string, string> DeclarationCases => new()
    {
        // class not partial
        { Rule.Replace("public static partial class", "public static class").Replace("static void Rule(", "static void [|Rule|]("), "DSK001" },
        // nested class
        { "using DslSft.Dsl.Kernels; public partial class Outer { public partial class Inner { [ElementwiseKernel(\"r\")] static void [|R|]([Indexed] ref float x) { x = 1f; } } }", "DSK001" },
        // instance method
        { Rule.Replace("static void Rule(", "void [|Rule|](").Replace("public static partial class", "public partial class"), "DSK002" },
        // returns a value
        { Rule.Replace("static void Rule(", "static float [|Rule|](").Replace("BODY", "return 1f;"), "DSK002" },
        // tensor element of another type
        { Rule.Replace("[Indexed] ref float x", "[|[Indexed] ref double x|]").Replace("BODY", ""), "DSK003" },
        // scalar of an unsupported type
        { Rule.Replace("[Scalar] float s", "[|[Scalar] decimal s|]").Replace("BODY", "x = y;"), "DSK003" },
        // no role attribute
        { Rule.Replace("[Compact] float y", "[|float y|]").Replace("BODY", "x = y;"), "DSK004" },
        // two role attributes
        { Rule.Replace("[Compact] float y", "[|[Compact, Indexed] float y|]").Replace("BODY", "x = y;"), "DSK004" },
        // out element
        { Rule.Replace("[Compact] float y", "[|[Compact] out float y|]").Replace("BODY", "y = x;"), "DSK005" },
        // ref scalar
        { Rule.Replace("[Scalar] float s", "[|[Scalar] ref float s|]").Replace("BODY", "x = y;"), "DSK005" },
        // no indexed parameter
        { Rule.Replace("[Indexed] ref float x", "[Compact] ref float x").Replace("static void Rule(", "static void [|Rule|](").Replace("BODY", "x = y;"), "DSK011" },
        // bad kernel name
        { Rule.Replace("[ElementwiseKernel(\"rule\")]", "[[|ElementwiseKernel(\"Bad-Name\")|]]").Replace("BODY", "x = y;"), "DSK012" },
        // reserved parameter name
        { Rule.Replace("[Compact] float y", "[|[Compact] float indices|]").Replace("BODY", "x = indices;"), "DSK014" },
    };

    [Theory]
    [MemberData(nameof(DeclarationCases))]
    public void Invalid_rule_declaration_is_reported_at_its_location(string source, string id) =>
        AssertSingleDiagnostic(source, id);

    [Fact]
    public void Two_rules_with_one_kernel_name_are_reported()
    {
        const string source = """
            using DslSft.Dsl.Kernels;
            public partial class A { [ElementwiseKernel("same")] static void R([Indexed] ref float x) { x = 1f; } }
            public partial class B { [ElementwiseKernel("same")] static void R([Indexed] ref float x) { x = 2f; } }
            """;
        var (result, _) = KernelGeneratorHarness.Run(("Rules.cs", source));
        var diagnostics = result.Diagnostics.Where(d => d.Id == "DSK013").ToList();
        Assert.Equal(2, diagnostics.Count);
        Assert.All(diagnostics, d => Assert.Contains("'same'", d.GetMessage()));
    }

    private static void AssertSingleDiagnostic(string markedSource, string id)
    {
        var start = markedSource.IndexOf("[|", StringComparison.Ordinal);
        var end = markedSource.IndexOf("|]", StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "test case lacks a [| |] marker");
        var source = markedSource.Remove(end, 2).Remove(start, 2);
        var expected = new TextSpan(start, end - start - 2);

        var (result, _) = KernelGeneratorHarness.Run(("Rules.cs", source));
        // (a broken declaration may also make its body fail; the case's own diagnostic must be there exactly once)
        var diagnostics = result.Diagnostics.Where(d => d.Id == id).ToList();
        var diagnostic = Assert.Single(diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("Rules.cs", diagnostic.Location.SourceTree?.FilePath ?? diagnostic.Location.GetLineSpan().Path);
        Assert.True(expected == diagnostic.Location.SourceSpan,
            $"expected at '{source.Substring(expected.Start, expected.Length)}', reported at '{source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length)}': {diagnostic.GetMessage()}");
        // a rule with an error generates nothing (no partial entry points that would hide the problem)
        Assert.DoesNotContain(result.GeneratedSources, s => s.HintName.Contains(".Kernel.g.cs"));
    }
}
