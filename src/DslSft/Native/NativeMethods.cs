using System.Runtime.InteropServices;

namespace DslSft.Native;

/// <summary>
/// P/Invoke declarations for the hand-written part of libdslsft_native's C ABI (native/include/dslsft.h).
/// Generated kernels declare their own entry points next to the generated C# code.
/// </summary>
internal static unsafe partial class NativeMethods
{
    public const string Library = "dslsft_native";

    [LibraryImport(Library)] public static partial nint dslsft_version();
    [LibraryImport(Library)] public static partial int dslsft_abi_version();
    [LibraryImport(Library)] public static partial int dslsft_has_openmp();
    [LibraryImport(Library)] public static partial int dslsft_has_cuda();
    [LibraryImport(Library)] public static partial int dslsft_max_threads();
    [LibraryImport(Library)] public static partial void dslsft_set_num_threads(int n);
    [LibraryImport(Library)] public static partial nint dslsft_last_error();

    [LibraryImport(Library)] public static partial int dslsft_fill_f32(float* data, long n, float value);
    [LibraryImport(Library)] public static partial int dslsft_iota_f32(float* data, long n, float start, float step);
}
