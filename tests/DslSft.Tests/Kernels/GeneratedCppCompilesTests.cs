using System.Diagnostics;

namespace DslSft.Tests.Kernels;

/// <summary>
/// The C++ emitted for the language-tour rule (every DSL construct) must compile with the native build's
/// flags and no warnings. The built-in rules are compiled by CMake; this covers constructs they do not use.
/// </summary>
public class GeneratedCppCompilesTests
{
    [Fact]
    public void Language_tour_cpp_compiles_with_gcc_without_warnings()
    {
        var (result, _) = KernelGeneratorHarness.Run(("LanguageTour.cs", KernelGeneratorSnapshotTests.LanguageTour));
        var files = result.GeneratedSources.SelectMany(s => KernelGeneratorHarness.NativeConstants(s.SyntaxTree)).ToList();
        var dir = Directory.CreateTempSubdirectory("dslsft-tour-");
        try
        {
            foreach (var (path, text) in files) File.WriteAllText(Path.Combine(dir.FullName, Path.GetFileName(path)), text);
            var root = GeneratedNativeFilesTests.RepositoryRoot();
            // the tour's own header first, so dslsft.h includes it instead of the library's
            var arguments = $"-std=gnu++17 -O2 -Wall -Wextra -Werror -fopenmp -march=x86-64-v2 -fsyntax-only -I{dir.FullName} -I{root}/native/include {dir.FullName}/kernel_language_tour.cpp";
            var gcc = Process.Start(new ProcessStartInfo("g++", arguments) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            var errors = gcc.StandardError.ReadToEnd();
            gcc.WaitForExit();
            Assert.True(gcc.ExitCode == 0, errors);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }
}
