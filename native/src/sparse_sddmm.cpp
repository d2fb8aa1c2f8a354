// sparse_sddmm.cpp: sampled dense-dense product, out[k] += (A · Bᵀ)[idx[k]] at a sorted list of flat indices.
//
// This is the sparse phase's weight gradient. For a Linear y = x·Wᵀ the gradient is dW = dYᵀ·X; with
// A = dYᵀ [out, T] and B = Xᵀ [in, T] (tokens contiguous) every selected entry (o, i) = idx / in, idx % in is
// one dot product of two contiguous T-long rows. Only the K selected entries are computed: 2·K·T flops
// instead of the dense product's 2·out·in·T. Sorted indices keep A's row in L1 while B's rows stream from L2/L3.
#include "sparse_common.hpp"

namespace dslsft::sparse {
namespace {

// Σ a[t]·b[t]. 64 independent partial sums, so the compiler keeps several vector accumulators in flight
// (one accumulator would wait on the add latency every step); built for AVX-512, AVX2+FMA and baseline x86-64,
// chosen at load time, since the library itself is compiled for a portable x86-64-v2.
__attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
float dot(const float* a, const float* b, int64_t n) {
  constexpr int kLanes = 64;
  float partial[kLanes] = {};
  int64_t t = 0;
  for (; t + kLanes <= n; t += kLanes)
    for (int j = 0; j < kLanes; j++) partial[j] += a[t + j] * b[t + j];
  float sum = 0.f;
  for (; t < n; t++) sum += a[t] * b[t];  // the tail, fewer than 64 tokens
  for (int j = 0; j < kLanes; j++) sum += partial[j];
  return sum;
}

}  // namespace
}  // namespace dslsft::sparse

using namespace dslsft::sparse;

extern "C" {

DSLSFT_API dslsft_status dslsft_sddmm(const float* a, const float* b, int64_t rows, int64_t cols, int64_t len,
                                      const int64_t* indices, int64_t count, float* out) {
  const char* fn = "dslsft_sddmm";
  DSLSFT_CHECK_NONNEG(fn, rows);
  DSLSFT_CHECK_NONNEG(fn, cols);
  DSLSFT_CHECK_NONNEG(fn, len);
  if (count > 0) DSLSFT_CHECK_PTR(fn, out);
  if (count > 0 && len > 0) {
    DSLSFT_CHECK_PTR(fn, a);
    DSLSFT_CHECK_PTR(fn, b);
  }
  // O(K) against the O(K·T) product: every call checks its list, so a bad index can never read out of bounds.
  if (dslsft_status s = check_index_list(fn, "sampled entries", indices, count, rows * cols); s != DSLSFT_OK) return s;
  // Enough work per thread to pay for waking the team (a few hundred thousand multiply-adds).
#pragma omp parallel for schedule(static) if (count * len > (1 << 18))
  for (int64_t k = 0; k < count; k++) {
    const int64_t row = indices[k] / cols, col = indices[k] % cols;
    out[k] += dot(a + row * len, b + col * len, len);
  }
  return DSLSFT_OK;
}

}  // extern "C"
