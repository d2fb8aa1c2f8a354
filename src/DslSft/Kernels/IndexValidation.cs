namespace DslSft.Kernels;

/// <summary>
/// The O(K) check every sparse index list must pass before a kernel trusts it: each index in [0, N) and
/// strictly increasing (sorted row-major flat offsets, no duplicates, so parallel updates never race).
/// Same rule and same wording as the native check (dslsft_kernel_support.hpp).
/// </summary>
public static unsafe class IndexValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="what"/> and the first bad position.</summary>
    public static void Check(long* indices, long count, long size, string what)
    {
        long previous = -1;
        for (long k = 0; k < count; k++)
        {
            long i = indices[k];
            if (i < 0 || i >= size)
                throw new ArgumentOutOfRangeException(what, $"{what}: index {i} at position {k} is outside [0, {size})");
            if (i <= previous)
                throw new ArgumentException($"{what}: indices must be strictly increasing, but position {k} holds {i} after {previous}", what);
            previous = i;
        }
    }
}
