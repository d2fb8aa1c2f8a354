using System.Runtime.InteropServices;

namespace DslSft.Native;

/// <summary>What the native library was built with, and whether it can be loaded at all.</summary>
public sealed record NativeLibraryInfo(string Version, int AbiVersion, bool OpenMp, bool Cuda, int Threads)
{
    /// <summary>The ABI version this managed assembly was written against.</summary>
    public const int ExpectedAbiVersion = 1;

    private static readonly Lazy<(NativeLibraryInfo? Info, string? Error)> Probe = new(Load);

    /// <summary>True when libdslsft_native loads and has the expected ABI; otherwise kernels use the C# fallback.</summary>
    public static bool IsAvailable => Probe.Value.Info is not null;

    /// <summary>The loaded library's info, or null when it is unavailable (see <see cref="LoadError"/>).</summary>
    public static NativeLibraryInfo? Current => Probe.Value.Info;

    /// <summary>Why the native library could not be used, or null when it is available.</summary>
    public static string? LoadError => Probe.Value.Error;

    /// <summary>Sets the OpenMP thread count used by native kernels (n &lt;= 0 restores the default).</summary>
    public static void SetThreads(int n)
    {
        if (IsAvailable) NativeMethods.dslsft_set_num_threads(n);
    }

    private static (NativeLibraryInfo?, string?) Load()
    {
        try
        {
            var info = new NativeLibraryInfo(
                Marshal.PtrToStringUTF8(NativeMethods.dslsft_version()) ?? "?",
                NativeMethods.dslsft_abi_version(),
                NativeMethods.dslsft_has_openmp() != 0,
                NativeMethods.dslsft_has_cuda() != 0,
                NativeMethods.dslsft_max_threads());
            if (info.AbiVersion != ExpectedAbiVersion)
                return (null, $"libdslsft_native has ABI version {info.AbiVersion}, expected {ExpectedAbiVersion}; rebuild native/");
            return (info, null);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return (null, $"libdslsft_native could not be loaded ({e.GetType().Name}: {e.Message}); using the C# kernels");
        }
    }
}
