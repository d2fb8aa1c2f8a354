/* dslsft_sparse.h: hand-written sparse primitives: exact top-K selection of |θ − θ0| across many tensors,
 * uniform random selection, compaction into sorted flat index lists, and index-list validation.
 * CPU (OpenMP) versions are always built; dslsft_cuda_* versions work on device memory when the library
 * is built with CUDA and otherwise return DSLSFT_ERR_CUDA. Included by dslsft.h.
 *
 * Index lists are ROW-MAJOR flat int64 offsets, strictly increasing, one list per tensor. Multi-tensor
 * results are written into one caller buffer as consecutive per-tensor lists (tensor 0's list first)
 * plus one count per tensor.
 */
#ifndef DSLSFT_SPARSE_H
#define DSLSFT_SPARSE_H

#ifdef __cplusplus
extern "C" {
#endif

/* One tensor taking part in a selection. Entries listed in `excluded` (already selected in an earlier
 * iteration, or otherwise not eligible) are neither read nor selected. A tensor that must not take part at
 * all (frozen) is simply not passed. */
typedef struct dslsft_selection_tensor {
  const char* name;         /* used in error messages; NULL: the tensor is named by its position "#i" */
  const float* values;      /* θ: n floats (device memory for dslsft_cuda_*) */
  const float* base;        /* θ0: n floats, or NULL to rank |θ| itself */
  int64_t n;                /* number of elements */
  const int64_t* excluded;  /* strictly increasing flat indices in [0, n); may be NULL when excluded_count == 0 */
  int64_t excluded_count;
} dslsft_selection_tensor;

/* ---- top-K --------------------------------------------------------------------------------------- */
/* Selects exactly k eligible entries with the largest |values - base| over all tensors together.
 * Ties at the K-th value: the entry with the lower tensor position wins, then the lower flat index.
 * +Inf ranks above every finite value, and -0 equals +0. A NaN in an eligible entry is an error that names
 * the tensor and the flat index (status DSLSFT_ERR_INVALID_ARGUMENT).
 * out_indices: k slots; receives the per-tensor sorted lists back to back. out_counts: tensor_count slots.
 * Fails when k exceeds the number of eligible entries. Time O(N) (two passes over θ and θ0, plus a sample of
 * 64 Ki entries), extra memory O(histograms + candidates), never O(N). */
DSLSFT_API dslsft_status dslsft_topk_abs_diff(const dslsft_selection_tensor* tensors, int32_t tensor_count,
                                              int64_t k, int64_t* out_indices, int64_t* out_counts);

/* Whether dslsft_topk_abs_diff on this thread predicts the threshold's range from a sample (default 1), which
 * keeps it at two passes however many keys are nearly equal. 0 is for tests and diagnostics (the other paths:
 * two passes, or three when the K-th key's high-bit bin is huge). The result is the same either way. */
DSLSFT_API void dslsft_topk_set_prediction(int32_t enabled);

/* Scratch memory (bytes, at its peak) and passes over θ/θ0 of the last successful dslsft_topk_abs_diff on
 * this thread (0 and 0 after K = 0). For benchmarks and diagnostics; either pointer may be NULL. */
DSLSFT_API void dslsft_topk_last_stats(int64_t* scratch_bytes, int32_t* passes);

/* ---- random selection ------------------------------------------------------------------------------ */
/* Selects k entries uniformly at random (every k-subset of the eligible entries is equally likely) with a
 * deterministic generator seeded by `seed`: the same inputs and seed give the same selection on every
 * machine and thread count. `values` and `base` are not read (they may be NULL). Output as for top-K.
 * Time O(number of eligible entries), memory O(1) beyond the output. */
DSLSFT_API dslsft_status dslsft_random_select(const dslsft_selection_tensor* tensors, int32_t tensor_count,
                                              int64_t k, uint64_t seed, int64_t* out_indices, int64_t* out_counts);

/* ---- compaction ------------------------------------------------------------------------------------ */
/* Number of nonzero bytes in mask[0, n) (a bool tensor's memory). */
DSLSFT_API dslsft_status dslsft_count_mask(const uint8_t* mask, int64_t n, int64_t* out_count);
/* Writes the flat indices i with mask[i] != 0, increasing, into out_indices (capacity slots) and their
 * number into *out_count. Fails (writing nothing) when capacity is too small; the message gives the count. */
DSLSFT_API dslsft_status dslsft_compact_mask(const uint8_t* mask, int64_t n, int64_t* out_indices,
                                             int64_t capacity, int64_t* out_count);
/* As above for the entries with |values[i] - base[i]| > threshold (base may be NULL: |values[i]|).
 * threshold must not be NaN; NaN entries are never selected. */
DSLSFT_API dslsft_status dslsft_count_abs_diff_above(const float* values, const float* base, int64_t n,
                                                     float threshold, int64_t* out_count);
DSLSFT_API dslsft_status dslsft_compact_abs_diff_above(const float* values, const float* base, int64_t n,
                                                       float threshold, int64_t* out_indices, int64_t capacity,
                                                       int64_t* out_count);

/* ---- sampled dense-dense product (SDDMM) ----------------------------------------------------------- */
/* out[k] += Σ_t a[r·len + t] · b[c·len + t] with r = indices[k] / cols and c = indices[k] % cols: the entries
 * `indices` (row-major flat, strictly increasing, inside [0, rows·cols)) of A·Bᵀ for A [rows, len] and
 * B [cols, len], both row-major. It accumulates, so several products (micro-batches, a weight used twice) add up.
 * The LT-SFT sparse phase uses it for a Linear weight's gradient at the selected entries: A = dYᵀ, B = Xᵀ.
 * Time O(count · len), no extra memory. */
DSLSFT_API dslsft_status dslsft_sddmm(const float* a, const float* b, int64_t rows, int64_t cols, int64_t len,
                                      const int64_t* indices, int64_t count, float* out);

/* ---- validation ------------------------------------------------------------------------------------ */
/* Checks that indices[0, count) is strictly increasing and inside [0, n). On failure the message names the
 * tensor (`name`, may be NULL) and the position: DSLSFT_ERR_OUT_OF_RANGE or DSLSFT_ERR_NOT_SORTED. */
DSLSFT_API dslsft_status dslsft_validate_indices(const char* name, const int64_t* indices, int64_t count, int64_t n);

/* ---- CUDA versions (device pointers; DSLSFT_ERR_CUDA when not built with CUDA or no device) ----------- */
/* Same contract and results as dslsft_topk_abs_diff. The descriptor array itself and out_counts are host
 * memory; values, base, excluded and out_indices are device memory. Synchronous. */
DSLSFT_API dslsft_status dslsft_cuda_topk_abs_diff(const dslsft_selection_tensor* tensors, int32_t tensor_count,
                                                   int64_t k, int64_t* out_indices, int64_t* out_counts);
/* Same contract as dslsft_sddmm; a, b, indices and out are device memory (indices outside [0, rows·cols) are
 * skipped, not reported: the list is not copied back to be checked). Synchronous. */
DSLSFT_API dslsft_status dslsft_cuda_sddmm(const float* a, const float* b, int64_t rows, int64_t cols, int64_t len,
                                           const int64_t* indices, int64_t count, float* out);
/* Same contract as dslsft_compact_mask; mask and out_indices are device memory, out_count is host memory. */
DSLSFT_API dslsft_status dslsft_cuda_compact_mask(const uint8_t* mask, int64_t n, int64_t* out_indices,
                                                  int64_t capacity, int64_t* out_count);
/* Device helpers for callers without their own CUDA runtime (the native tests): number of visible devices
 * (0 when none, or when not built with CUDA), allocation, and copies (to_device != 0: host -> device). */
DSLSFT_API int32_t dslsft_sparse_cuda_device_count(void);
DSLSFT_API dslsft_status dslsft_sparse_cuda_alloc(void** out_pointer, int64_t bytes);
DSLSFT_API dslsft_status dslsft_sparse_cuda_free(void* pointer);
DSLSFT_API dslsft_status dslsft_sparse_cuda_copy(void* destination, const void* source, int64_t bytes, int32_t to_device);

#ifdef __cplusplus
}
#endif

#endif /* DSLSFT_SPARSE_H */
