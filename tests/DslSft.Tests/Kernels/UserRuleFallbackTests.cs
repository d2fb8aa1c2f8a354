using DslSft.Dsl.Kernels;
using DslSft.Kernels;
using DslSft.Native;
using static DslSft.Tests.Kernels.KernelTestData;
using static TorchSharp.torch;

namespace DslSft.Tests.Kernels;

/// <summary>A kernel DSL rule declared outside DslSft, as a user declares one: its native code is in no library.</summary>
public static partial class TestOnlyAxpy
{
    /// <summary>y += a * x for one element.</summary>
    [ElementwiseKernel("test_only_axpy")]
    private static void Apply([Indexed] ref float y, [Compact] float x, [Scalar] float a)
    {
        y += a * x;
    }
}

/// <summary>
/// Under the default Auto backend such a rule runs its generated C# loop (instead of throwing EntryPointNotFoundException
/// from the native library, which lacks its entry points) and says so once; asking for Native is a clear error.
/// </summary>
public class UserRuleFallbackTests
{
    [Fact]
    public void A_rule_from_another_assembly_runs_its_csharp_loop_under_auto_with_one_note()
    {
        var y = tensor(new[] { 1f, 2f, 3f });
        var x = tensor(new[] { 1f, 1f, 2f });
        TestOnlyAxpy.Dense(y, x, 0.5f);
        TestOnlyAxpy.Dense(y, x, 0.5f);
        AssertIdentical(tensor(new[] { 2f, 3f, 5f }), y, "y after two steps of y += 0.5 x");
        TestOnlyAxpy.Sparse(tensor(new long[] { 2 }), y, tensor(new[] { 4f }), -1f);
        AssertIdentical(tensor(new[] { 2f, 3f, 1f }), y, "y after the sparse step at index 2");

        // Without the native library everything runs in C# anyway; with it, the missing entry points are noted once each.
        if (!NativeLibraryInfo.IsAvailable) return;
        Assert.Single(NativeKernelFallback.Notes, n => n.Contains("'dslsft_test_only_axpy_dense'", StringComparison.Ordinal));
        Assert.Single(NativeKernelFallback.Notes, n => n.Contains("'dslsft_test_only_axpy_sparse'", StringComparison.Ordinal));
        // The library's own rules still run natively, and Native for the user's rule names what is missing.
        Assert.True(NativeKernelFallback.HasEntryPoint("dslsft_adamw_dense", noteWhenMissing: false));
        var error = Assert.Throws<InvalidOperationException>(() => TestOnlyAxpy.Dense(y, x, 1f, KernelBackend.Native));
        Assert.Contains("dslsft_test_only_axpy_dense", error.Message);
        AssertIdentical(tensor(new[] { 2f, 3f, 1f }), y, "y untouched by the refused call");
    }
}
