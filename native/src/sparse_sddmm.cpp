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

// Four dot products sharing a: out[e] = Σ a[t]·b[e][t]. Consecutive selected entries usually share their row of
// A (indices are sorted), and reading a once for four of them cuts the loads per multiply-add from 2 to 1.25.
__attribute__((target_clones("arch=skylake-avx512", "arch=haswell", "default")))
void dot4(const float* a, const float* b0, const float* b1, const float* b2, const float* b3, int64_t n, float* out) {
  constexpr int kLanes = 32;
  float p0[kLanes] = {}, p1[kLanes] = {}, p2[kLanes] = {}, p3[kLanes] = {};
  int64_t t = 0;
  for (; t + kLanes <= n; t += kLanes)
    for (int j = 0; j < kLanes; j++) {
      const float x = a[t + j];
      p0[j] += x * b0[t + j];
      p1[j] += x * b1[t + j];
      p2[j] += x * b2[t + j];
      p3[j] += x * b3[t + j];
    }
  float s0 = 0.f, s1 = 0.f, s2 = 0.f, s3 = 0.f;
  for (; t < n; t++) {
    s0 += a[t] * b0[t];
    s1 += a[t] * b1[t];
    s2 += a[t] * b2[t];
    s3 += a[t] * b3[t];
  }
  for (int j = 0; j < kLanes; j++) {
    s0 += p0[j];
    s1 += p1[j];
    s2 += p2[j];
    s3 += p3[j];
  }
  out[0] += s0;
  out[1] += s1;
  out[2] += s2;
  out[3] += s3;
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
  // Work in groups of four entries; a group whose entries share their row takes the four-at-once product.
  const int64_t groups = (count + 3) / 4;
#pragma omp parallel for schedule(static) if (count * len > (1 << 18))
  for (int64_t g = 0; g < groups; g++) {
    const int64_t k0 = 4 * g, k1 = std::min(count, k0 + 4);
    const int64_t row = indices[k0] / cols;
    if (k1 - k0 == 4 && indices[k0 + 3] / cols == row) {
      const float* r = b + (indices[k0] % cols) * len;
      dot4(a + row * len, r, b + (indices[k0 + 1] % cols) * len, b + (indices[k0 + 2] % cols) * len,
           b + (indices[k0 + 3] % cols) * len, len, out + k0);
      continue;
    }
    for (int64_t k = k0; k < k1; k++) out[k] += dot(a + indices[k] / cols * len, b + indices[k] % cols * len, len);
  }
  return DSLSFT_OK;
}

}  // extern "C"
