using DslSft.Generators.Kernels;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace DslSft.Tests.Kernels;

/// <summary>The kernel pipeline stays cached when an unrelated file changes: extraction yields equal records, and nothing is re-emitted.</summary>
public class KernelGeneratorCachingTests
{
    [Fact]
    public void An_unrelated_edit_leaves_every_kernel_step_cached()
    {
        var rules = KernelGeneratorHarness.LibrarySource("AdamW.cs");
        var compilation = KernelGeneratorHarness.Compilation(rules, ("Other.cs", "namespace Samples; public class Other { public int A => 1; }"));
        var driver = KernelGeneratorHarness.Driver().RunGenerators(compilation);

        var otherTree = compilation.SyntaxTrees.Single(t => t.FilePath == "Other.cs");
        var edited = compilation.ReplaceSyntaxTree(otherTree,
            CSharpSyntaxTree.ParseText("namespace Samples; public class Other { public int A => 2; public int B => 3; }", KernelGeneratorHarness.ParseOptions, path: "Other.cs"));
        driver = driver.RunGenerators(edited);

        var result = driver.GetRunResult().Results.Single();
        foreach (var step in new[] { KernelTrackingNames.ExtractRule, KernelTrackingNames.Signatures, KernelTrackingNames.AllSignatures })
        {
            Assert.True(result.TrackedSteps.ContainsKey(step), $"step {step} is not tracked");
            var reasons = result.TrackedSteps[step].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
            Assert.NotEmpty(reasons);
            Assert.All(reasons, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {r}"));
        }
        var outputs = result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.All(outputs, r => Assert.True(r is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"output: {r}"));
    }

    [Fact]
    public void Editing_a_rule_body_reruns_its_extraction_but_not_the_shared_header()
    {
        var rules = KernelGeneratorHarness.LibrarySource("SftApply.cs");
        var compilation = KernelGeneratorHarness.Compilation(rules);
        var driver = KernelGeneratorHarness.Driver().RunGenerators(compilation);
        var tree = compilation.SyntaxTrees.First();
        var newText = tree.ToString().Replace("param += delta;", "param += delta * 1f;");
        driver = driver.RunGenerators(compilation.ReplaceSyntaxTree(tree, CSharpSyntaxTree.ParseText(newText, KernelGeneratorHarness.ParseOptions, path: tree.FilePath)));

        var result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[KernelTrackingNames.ExtractRule].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        // the header depends on signatures only, so a body edit does not regenerate it
        Assert.All(result.TrackedSteps[KernelTrackingNames.Signatures].SelectMany(s => s.Outputs),
            o => Assert.True(o.Reason is IncrementalStepRunReason.Unchanged or IncrementalStepRunReason.Cached, o.Reason.ToString()));
    }
}
