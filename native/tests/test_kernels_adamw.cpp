// test_kernels_adamw.cpp: the generated AdamW kernels (dense, sparse, multi-tensor) against a plain CPU
// reference, plus the argument validation every C ABI function must do (no crash on bad input).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>
#include "check.hpp"
#include "dslsft.h"

namespace {

struct Scalars {
  float lr = 1e-2f, beta1 = 0.9f, beta2 = 0.999f, eps = 1e-8f, wd = 0.1f, bc1 = 0.271f, bc2 = 0.002997f, l1 = 1e-3f;
};

// The formula written out once more, independently of the generator.
void reference(float& p, float g, float& m, float& v, float theta0, const Scalars& s) {
  const float d = p - theta0;
  const float grad = g + s.l1 * (float)((d > 0) - (d < 0));
  m = s.beta1 * m + (1 - s.beta1) * grad;
  v = s.beta2 * v + (1 - s.beta2) * grad * grad;
  p *= 1 - s.lr * s.wd;
  p -= s.lr / s.bc1 * m / (std::sqrt(v) / std::sqrt(s.bc2) + s.eps);
}

std::vector<float> random_vector(size_t n, unsigned seed, float lo = -1, float hi = 1) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> x(n);
  for (auto& e : x) e = dist(rng);
  return x;
}

std::vector<int64_t> sorted_indices(int64_t n, int64_t k, unsigned seed) {
  std::vector<int64_t> all(n);
  for (int64_t i = 0; i < n; ++i) all[i] = i;
  std::mt19937 rng(seed);
  std::shuffle(all.begin(), all.end(), rng);
  all.resize(k);
  std::sort(all.begin(), all.end());
  return all;
}

void test_dense() {
  const int64_t n = 1000;
  Scalars s;
  auto p = random_vector(n, 1), g = random_vector(n, 2), m = random_vector(n, 3), v = random_vector(n, 4, 0, 1), t0 = random_vector(n, 5);
  auto rp = p, rm = m, rv = v;
  for (int64_t i = 0; i < n; ++i) reference(rp[i], g[i], rm[i], rv[i], t0[i], s);
  CHECK(dslsft_adamw_dense(n, p.data(), g.data(), m.data(), v.data(), t0.data(), s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1) == DSLSFT_OK);
  for (int64_t i = 0; i < n; ++i) {
    CHECK_NEAR(p[i], rp[i], 1e-6 + 1e-5 * std::fabs(rp[i]));
    CHECK_NEAR(m[i], rm[i], 1e-7);
    CHECK_NEAR(v[i], rv[i], 1e-7);
  }
}

void test_sparse() {
  const int64_t n = 2000, k = 300;
  Scalars s;
  auto idx = sorted_indices(n, k, 6);
  auto p = random_vector(n, 7), g = random_vector(k, 8), m = random_vector(k, 9), v = random_vector(k, 10, 0, 1), t0 = random_vector(k, 11);
  auto rp = p, rm = m, rv = v;
  for (int64_t j = 0; j < k; ++j) reference(rp[idx[j]], g[j], rm[j], rv[j], t0[j], s);  // the gradient is compact
  CHECK(dslsft_adamw_sparse(n, idx.data(), k, p.data(), g.data(), m.data(), v.data(), t0.data(), s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_OK);
  for (int64_t i = 0; i < n; ++i) CHECK_NEAR(p[i], rp[i], 1e-6 + 1e-5 * std::fabs(rp[i]));
  for (int64_t j = 0; j < k; ++j) { CHECK_NEAR(m[j], rm[j], 1e-7); CHECK_NEAR(v[j], rv[j], 1e-7); }

  // bad index lists fail with the right status and write nothing
  auto before = p;
  std::vector<int64_t> out_of_range = {0, 5, n};
  CHECK(dslsft_adamw_sparse(n, out_of_range.data(), 3, p.data(), g.data(), m.data(), v.data(), t0.data(), s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_ERR_OUT_OF_RANGE);
  CHECK(std::strstr(dslsft_last_error(), "outside [0, 2000)") != nullptr);
  std::vector<int64_t> unsorted = {4, 3};
  CHECK(dslsft_adamw_sparse(n, unsorted.data(), 2, p.data(), g.data(), m.data(), v.data(), t0.data(), s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_ERR_NOT_SORTED);
  CHECK(std::memcmp(before.data(), p.data(), n * sizeof(float)) == 0);
  // null pointers and negative sizes
  CHECK(dslsft_adamw_sparse(n, idx.data(), k, nullptr, g.data(), m.data(), v.data(), t0.data(), s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "'param' is null") != nullptr);
  CHECK(dslsft_adamw_sparse(-1, idx.data(), k, p.data(), g.data(), m.data(), v.data(), t0.data(), s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_ERR_INVALID_ARGUMENT);
  // K = 0 is a no-op even with null compact buffers
  CHECK(dslsft_adamw_sparse(n, nullptr, 0, p.data(), g.data(), nullptr, nullptr, nullptr, s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_OK);
}

void test_multi() {
  Scalars s;
  const std::vector<int64_t> sizes = {100, 7, 0, 64};
  const std::vector<int64_t> counts = {10, 7, 0, 1};
  std::vector<std::vector<int64_t>> idx;
  std::vector<std::vector<float>> params;
  int64_t total = 0;
  for (size_t t = 0; t < sizes.size(); ++t) {
    idx.push_back(sorted_indices(sizes[t], counts[t], 20 + t));
    params.push_back(random_vector(sizes[t], 30 + t));
    total += counts[t];
  }
  auto g = random_vector(total, 40);  // compact: the gradients at the selected entries, tensor after tensor
  auto m = random_vector(total, 50), v = random_vector(total, 51, 0, 1), t0 = random_vector(total, 52);
  auto rparams = params; auto rm = m, rv = v;
  int64_t offset = 0;
  for (size_t t = 0; t < sizes.size(); ++t) {
    for (int64_t j = 0; j < counts[t]; ++j) reference(rparams[t][idx[t][j]], g[offset + j], rm[offset + j], rv[offset + j], t0[offset + j], s);
    offset += counts[t];
  }
  std::vector<const int64_t*> idx_ptrs; std::vector<float*> p_ptrs;
  for (size_t t = 0; t < sizes.size(); ++t) { idx_ptrs.push_back(idx[t].data()); p_ptrs.push_back(params[t].data()); }
  const int64_t T = (int64_t)sizes.size();
  CHECK(dslsft_adamw_multi(T, sizes.data(), idx_ptrs.data(), counts.data(), total, p_ptrs.data(), g.data(), m.data(), v.data(), t0.data(),
                           s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_OK);
  for (size_t t = 0; t < sizes.size(); ++t)
    for (int64_t i = 0; i < sizes[t]; ++i) CHECK_NEAR(params[t][i], rparams[t][i], 1e-6 + 1e-5 * std::fabs(rparams[t][i]));
  for (int64_t c = 0; c < total; ++c) { CHECK_NEAR(m[c], rm[c], 1e-7); CHECK_NEAR(v[c], rv[c], 1e-7); }

  // the counts must add up to the compact length; an out-of-range index names its tensor
  CHECK(dslsft_adamw_multi(T, sizes.data(), idx_ptrs.data(), counts.data(), total + 1, p_ptrs.data(), g.data(), m.data(), v.data(), t0.data(),
                           s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_ERR_INVALID_ARGUMENT);
  idx[3][0] = 64;
  CHECK(dslsft_adamw_multi(T, sizes.data(), idx_ptrs.data(), counts.data(), total, p_ptrs.data(), g.data(), m.data(), v.data(), t0.data(),
                           s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_ERR_OUT_OF_RANGE);
  CHECK(std::strstr(dslsft_last_error(), "of tensor 3") != nullptr);
  p_ptrs[1] = nullptr;
  CHECK(dslsft_adamw_multi(T, sizes.data(), idx_ptrs.data(), counts.data(), total, p_ptrs.data(), g.data(), m.data(), v.data(), t0.data(),
                           s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 0) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_adamw_multi(0, nullptr, nullptr, nullptr, 0, nullptr, nullptr, nullptr, nullptr, nullptr,
                           s.lr, s.beta1, s.beta2, s.eps, s.wd, s.bc1, s.bc2, s.l1, 1) == DSLSFT_OK);
}

}  // namespace

int main() {
  test_dense();
  test_sparse();
  test_multi();
  return finish("test_kernels_adamw");
}
