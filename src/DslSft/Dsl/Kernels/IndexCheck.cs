namespace DslSft.Dsl.Kernels;

/// <summary>
/// Whether a sparse kernel call validates its index list (every index in [0, N), strictly increasing).
/// Validation is O(K) per call. On a training hot path the index lists do not change between steps,
/// so validate them once (e.g. by building a <see cref="DslSft.Kernels.SparseTensorSet"/>, or with one
/// <see cref="Validate"/> call) and pass <see cref="Trusted"/> afterwards.
/// </summary>
public enum IndexCheck
{
    /// <summary>Check every index; a bad one throws (native: DSLSFT_ERR_OUT_OF_RANGE / NOT_SORTED) before any element is written.</summary>
    Validate = 0,

    /// <summary>Skip the O(K) check: the caller guarantees the indices were validated and not modified since.
    /// An out-of-range index then corrupts memory on the CPU path; only the shapes/dtypes are still checked.</summary>
    Trusted = 1,
}
