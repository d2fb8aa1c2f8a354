// sparse_validate.cpp: validation of index lists and selection descriptors, and the per-tensor output layout.
#include <climits>
#include "sparse_common.hpp"

namespace dslsft::sparse {

dslsft_status check_index_list(const char* fn, const std::string& what, const int64_t* indices, int64_t count, int64_t n) {
  if (count < 0) return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %s: index count must be >= 0, got %lld", fn, what.c_str(), (long long)count);
  if (count > 0 && indices == nullptr) return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %s: index list is null but has %lld entries", fn, what.c_str(), (long long)count);
  // Find the first offending position in parallel (min-reduction), then describe it.
  int64_t first_bad = INT64_MAX;
#pragma omp parallel for reduction(min : first_bad) schedule(static) if (count > (1 << 16))
  for (int64_t i = 0; i < count; i++) {
    const int64_t v = indices[i];
    if (v < 0 || v >= n || (i > 0 && v <= indices[i - 1])) first_bad = std::min(first_bad, i);
  }
  if (first_bad == INT64_MAX) return DSLSFT_OK;
  const int64_t i = first_bad, v = indices[i];
  if (v < 0 || v >= n)
    return fail(DSLSFT_ERR_OUT_OF_RANGE, "%s: %s: index %lld at position %lld is outside [0, %lld)", fn, what.c_str(),
                (long long)v, (long long)i, (long long)n);
  return fail(DSLSFT_ERR_NOT_SORTED, "%s: %s: index %lld at position %lld is not greater than the previous index %lld (lists must be strictly increasing)",
              fn, what.c_str(), (long long)v, (long long)i, (long long)indices[i - 1]);
}

dslsft_status check_selection(const char* fn, const dslsft_selection_tensor* tensors, int32_t tensor_count,
                              int64_t k, const int64_t* out_indices, const int64_t* out_counts, bool needs_values) {
  DSLSFT_CHECK_NONNEG(fn, tensor_count);
  DSLSFT_CHECK_NONNEG(fn, k);
  if (tensor_count > 0) {
    DSLSFT_CHECK_PTR(fn, tensors);
    DSLSFT_CHECK_PTR(fn, out_counts);
  }
  int64_t eligible = 0;
  for (int32_t t = 0; t < tensor_count; t++) {
    const dslsft_selection_tensor& ts = tensors[t];
    const std::string label = "tensor " + tensor_label(ts, t);
    if (ts.n < 0) return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %s: n must be >= 0, got %lld", fn, label.c_str(), (long long)ts.n);
    if (needs_values && ts.n > 0 && ts.values == nullptr)
      return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %s: values is null but n = %lld", fn, label.c_str(), (long long)ts.n);
    if (ts.excluded_count < 0 || ts.excluded_count > ts.n)
      return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %s: excluded_count must be in [0, n = %lld], got %lld", fn, label.c_str(),
                  (long long)ts.n, (long long)ts.excluded_count);
    if (dslsft_status s = check_index_list(fn, label + " excluded list", ts.excluded, ts.excluded_count, ts.n); s != DSLSFT_OK) return s;
    eligible += ts.n - ts.excluded_count;
  }
  if (k > eligible)
    return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: k = %lld exceeds the %lld eligible entries of the %d tensors", fn, (long long)k,
                (long long)eligible, tensor_count);
  if (k > 0) DSLSFT_CHECK_PTR(fn, out_indices);
  return DSLSFT_OK;
}

void global_to_per_tensor(const GlobalLayout& layout, int64_t* out, int64_t k, int64_t* out_counts) {
  // Each tensor's entries form one contiguous run of the sorted list; find the run ends by binary search.
  std::vector<int64_t> run_begin(static_cast<size_t>(layout.count) + 1);
  for (int32_t t = 0; t <= layout.count; t++)
    run_begin[t] = std::lower_bound(out, out + k, layout.begin[t]) - out;
  run_begin[layout.count] = k;
  for (int32_t t = 0; t < layout.count; t++) out_counts[t] = run_begin[t + 1] - run_begin[t];
  const int32_t tensor_count = layout.count;
#pragma omp parallel for schedule(dynamic, 1) if (k > (1 << 16))
  for (int32_t t = 0; t < tensor_count; t++) {
    const int64_t shift = layout.begin[t];
    for (int64_t i = run_begin[t]; i < run_begin[t + 1]; i++) out[i] -= shift;
  }
}

}  // namespace dslsft::sparse

extern "C" DSLSFT_API dslsft_status dslsft_validate_indices(const char* name, const int64_t* indices, int64_t count, int64_t n) {
  const char* fn = "dslsft_validate_indices";
  DSLSFT_CHECK_NONNEG(fn, n);
  const std::string what = name ? "tensor '" + std::string(name) + "'" : std::string("index list");
  return dslsft::sparse::check_index_list(fn, what, indices, count, n);
}
