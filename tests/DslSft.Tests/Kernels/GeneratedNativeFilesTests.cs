using System.Reflection;
using System.Runtime.CompilerServices;
using DslSft.Dsl.Kernels;
using DslSft.Tests.Infrastructure;

namespace DslSft.Tests.Kernels;

/// <summary>
/// native/generated/ must equal the generator's constants in DslSft.dll: CMake builds native/ from the
/// committed files (no dotnet on a GPU machine), so a stale file would silently run old kernels.
/// UPDATE_SNAPSHOTS=1 rewrites the files from the constants.
/// </summary>
public class GeneratedNativeFilesTests
{
    internal static IReadOnlyList<(string Path, string Text)> NativeSources() =>
        typeof(ElementwiseKernelAttribute).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .Select(f => (Field: f, Attribute: f.GetCustomAttribute<GeneratedNativeSourceAttribute>()))
            .Where(x => x.Attribute is not null && x.Field.IsLiteral)
            .Select(x => (x.Attribute!.Path, (string)x.Field.GetRawConstantValue()!))
            .OrderBy(x => x.Path, StringComparer.Ordinal)
            .ToList();

    internal static string RepositoryRoot([CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    [Fact]
    public void Every_builtin_kernel_has_cpp_and_cuda_sources()
    {
        var paths = NativeSources().Select(s => s.Path).ToHashSet();
        foreach (var kernel in new[] { "adamw", "sgd", "lion", "sft_apply", "sft_revert", "sft_diff", "gather" })
        {
            Assert.Contains($"native/generated/kernel_{kernel}.cpp", paths);
            Assert.Contains($"native/generated/kernel_{kernel}.cu", paths);
        }
        Assert.Contains("native/generated/dslsft_kernels.h", paths);
    }

    [Fact]
    public void Committed_native_files_match_the_generator_output()
    {
        var root = RepositoryRoot();
        foreach (var (path, text) in NativeSources())
            Snapshot.VerifyFile(text, Path.Combine(root, path), Path.Combine(root, "artifacts", "received", path));
    }

    [Fact]
    public void No_stale_files_in_native_generated()
    {
        var root = RepositoryRoot();
        var expected = NativeSources().Select(s => Path.GetFullPath(Path.Combine(root, s.Path))).ToHashSet();
        var present = Directory.GetFiles(Path.Combine(root, "native", "generated"));
        var stale = present.Where(p => !expected.Contains(Path.GetFullPath(p))).ToList();
        if (Snapshot.UpdateRequested)
        {
            foreach (var file in stale) File.Delete(file);
            return;
        }
        Assert.True(stale.Count == 0, "files in native/generated that no rule generates (delete them, or run with UPDATE_SNAPSHOTS=1): " + string.Join(", ", stale));
    }
}
