// sparse_compact.cpp: dense predicate -> sorted flat index list (from a bool mask, or |θ − θ0| > threshold).
//
// Parallel stream compaction in two passes over the input: each thread counts the hits in its contiguous
// slice, an exclusive prefix sum gives every slice its output offset, and a second pass writes the indices.
// Slices are in order, so the output is sorted without any sorting.
#include <cmath>
#include "sparse_common.hpp"

namespace dslsft::sparse {
namespace {

template <class Predicate>
int64_t count_hits(int64_t n, Predicate&& hit) {
  int64_t count = 0;
#pragma omp parallel for simd reduction(+ : count) schedule(static) if (n > (1 << 16))
  for (int64_t i = 0; i < n; i++) count += hit(i) ? 1 : 0;
  return count;
}

template <class Predicate>
dslsft_status compact(const char* fn, int64_t n, Predicate&& hit, int64_t* out, int64_t capacity, int64_t* out_count) {
  const int64_t slices = n > (1 << 16) ? max_threads() : 1;
  std::vector<int64_t> offset(static_cast<size_t>(slices) + 1, 0);
  auto slice_begin = [&](int64_t s) { return n / slices * s + std::min(s, n % slices); };
#pragma omp parallel for schedule(static, 1) if (slices > 1)
  for (int64_t s = 0; s < slices; s++) {
    int64_t c = 0;
    for (int64_t i = slice_begin(s), e = slice_begin(s + 1); i < e; i++) c += hit(i) ? 1 : 0;
    offset[s + 1] = c;
  }
  for (int64_t s = 0; s < slices; s++) offset[s + 1] += offset[s];
  const int64_t total = offset[slices];
  *out_count = total;
  if (total > capacity)
    return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %lld entries are selected but the output has room for %lld", fn,
                (long long)total, (long long)capacity);
#pragma omp parallel for schedule(static, 1) if (slices > 1)
  for (int64_t s = 0; s < slices; s++) {
    int64_t w = offset[s];
    for (int64_t i = slice_begin(s), e = slice_begin(s + 1); i < e; i++)
      if (hit(i)) out[w++] = i;
  }
  return DSLSFT_OK;
}

dslsft_status check_dense(const char* fn, const void* data, int64_t n, const int64_t* out_count) {
  DSLSFT_CHECK_NONNEG(fn, n);
  if (n > 0) DSLSFT_CHECK_PTR(fn, data);
  DSLSFT_CHECK_PTR(fn, out_count);
  return DSLSFT_OK;
}

}  // namespace
}  // namespace dslsft::sparse

using namespace dslsft::sparse;

extern "C" {

DSLSFT_API dslsft_status dslsft_count_mask(const uint8_t* mask, int64_t n, int64_t* out_count) {
  if (dslsft_status s = check_dense("dslsft_count_mask", mask, n, out_count); s != DSLSFT_OK) return s;
  *out_count = count_hits(n, [=](int64_t i) { return mask[i] != 0; });
  return DSLSFT_OK;
}

DSLSFT_API dslsft_status dslsft_compact_mask(const uint8_t* mask, int64_t n, int64_t* out_indices, int64_t capacity,
                                             int64_t* out_count) {
  const char* fn = "dslsft_compact_mask";
  if (dslsft_status s = check_dense(fn, mask, n, out_count); s != DSLSFT_OK) return s;
  DSLSFT_CHECK_NONNEG(fn, capacity);
  if (capacity > 0) DSLSFT_CHECK_PTR(fn, out_indices);
  try {
    return compact(fn, n, [=](int64_t i) { return mask[i] != 0; }, out_indices, capacity, out_count);
  } catch (const std::bad_alloc&) {
    return dslsft::fail(DSLSFT_ERR_OUT_OF_MEMORY, "%s: out of memory", fn);
  }
}

DSLSFT_API dslsft_status dslsft_count_abs_diff_above(const float* values, const float* base, int64_t n, float threshold,
                                                     int64_t* out_count) {
  const char* fn = "dslsft_count_abs_diff_above";
  if (dslsft_status s = check_dense(fn, values, n, out_count); s != DSLSFT_OK) return s;
  if (std::isnan(threshold)) return dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: threshold is NaN", fn);
  // A NaN difference compares false, so it is never counted.
  *out_count = base ? count_hits(n, [=](int64_t i) { return std::fabs(values[i] - base[i]) > threshold; })
                    : count_hits(n, [=](int64_t i) { return std::fabs(values[i]) > threshold; });
  return DSLSFT_OK;
}

DSLSFT_API dslsft_status dslsft_compact_abs_diff_above(const float* values, const float* base, int64_t n, float threshold,
                                                       int64_t* out_indices, int64_t capacity, int64_t* out_count) {
  const char* fn = "dslsft_compact_abs_diff_above";
  if (dslsft_status s = check_dense(fn, values, n, out_count); s != DSLSFT_OK) return s;
  DSLSFT_CHECK_NONNEG(fn, capacity);
  if (capacity > 0) DSLSFT_CHECK_PTR(fn, out_indices);
  if (std::isnan(threshold)) return dslsft::fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: threshold is NaN", fn);
  try {
    return base ? compact(fn, n, [=](int64_t i) { return std::fabs(values[i] - base[i]) > threshold; }, out_indices, capacity, out_count)
                : compact(fn, n, [=](int64_t i) { return std::fabs(values[i]) > threshold; }, out_indices, capacity, out_count);
  } catch (const std::bad_alloc&) {
    return dslsft::fail(DSLSFT_ERR_OUT_OF_MEMORY, "%s: out of memory", fn);
  }
}

}  // extern "C"
