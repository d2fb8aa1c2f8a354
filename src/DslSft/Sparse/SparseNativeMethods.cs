using System.Runtime.InteropServices;

namespace DslSft.Sparse;

/// <summary>One tensor of a native selection call (mirror of <c>dslsft_selection_tensor</c> in native/include/dslsft_sparse.h).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NativeSelectionTensor
{
    public nint Name;          // UTF-8, for error messages
    public float* Values;      // θ
    public float* Base;        // θ0, or null to rank |θ|
    public long N;
    public long* Excluded;     // strictly increasing flat indices
    public long ExcludedCount;
}

/// <summary>P/Invoke declarations of the sparse primitives (native/include/dslsft_sparse.h).</summary>
internal static unsafe partial class SparseNativeMethods
{
    private const string Library = Native.NativeMethods.Library;

    [LibraryImport(Library)] public static partial int dslsft_topk_abs_diff(NativeSelectionTensor* tensors, int tensorCount, long k, long* outIndices, long* outCounts);
    [LibraryImport(Library)] public static partial void dslsft_topk_last_stats(long* scratchBytes, int* passes);
    [LibraryImport(Library)] public static partial int dslsft_random_select(NativeSelectionTensor* tensors, int tensorCount, long k, ulong seed, long* outIndices, long* outCounts);
    [LibraryImport(Library)] public static partial int dslsft_count_mask(byte* mask, long n, long* outCount);
    [LibraryImport(Library)] public static partial int dslsft_compact_mask(byte* mask, long n, long* outIndices, long capacity, long* outCount);
    [LibraryImport(Library)] public static partial int dslsft_count_abs_diff_above(float* values, float* baseValues, long n, float threshold, long* outCount);
    [LibraryImport(Library)] public static partial int dslsft_compact_abs_diff_above(float* values, float* baseValues, long n, float threshold, long* outIndices, long capacity, long* outCount);
    [LibraryImport(Library)] public static partial int dslsft_sddmm(float* a, float* b, long rows, long cols, long len, long* indices, long count, float* output);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] public static partial int dslsft_validate_indices(string? name, long* indices, long count, long n);
}
