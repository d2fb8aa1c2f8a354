using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using DslSft.Native;

namespace DslSft.Kernels;

/// <summary>
/// Which generated kernel entry points the loaded libdslsft_native exports, looked up once per name. Kernel DSL rules
/// declared outside DslSft (in a user's own assembly) get C# loops from the generator, but their native code is only
/// in the library when someone built it there; under <see cref="KernelBackend.Auto"/> such a rule falls back to its
/// C# loop, and the first call of each missing entry point writes one note (to <see cref="Notes"/> and standard error).
/// </summary>
public static class NativeKernelFallback
{
    private static readonly ConcurrentDictionary<string, bool> Exported = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, string> NoteByEntryPoint = new(StringComparer.Ordinal);
    private static readonly Lazy<nint> Library = new(() =>
        NativeLibrary.TryLoad("dslsft_native", typeof(NativeLibraryInfo).Assembly, null, out var handle) ? handle : 0);

    /// <summary>The notes written so far, one per entry point that fell back.</summary>
    public static IReadOnlyCollection<string> Notes => NoteByEntryPoint.Values.ToArray();

    /// <summary>Whether the loaded library exports <paramref name="entryPoint"/> (false when no library is loaded).</summary>
    public static bool HasEntryPoint(string entryPoint, bool noteWhenMissing)
    {
        bool exported = Exported.GetOrAdd(entryPoint, name => Library.Value != 0 && NativeLibrary.TryGetExport(Library.Value, name, out _));
        if (!exported && noteWhenMissing && !NoteByEntryPoint.ContainsKey(entryPoint))
        {
            var note = $"note: libdslsft_native has no '{entryPoint}' (a kernel rule from outside DslSft whose native code was not built); " +
                       "running its generated C# loop instead (see src/DslSft/Kernels/README.md, 'Rules in your own assembly')";
            if (NoteByEntryPoint.TryAdd(entryPoint, note)) Console.Error.WriteLine(note);
        }
        return exported;
    }
}
