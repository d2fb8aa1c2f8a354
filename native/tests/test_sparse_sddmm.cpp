// test_sparse_sddmm.cpp: the sampled product equals the dense product A·Bᵀ computed first and gathered after
// (in double), accumulates into its output, and refuses bad index lists. The CUDA twin is compared to the CPU
// version when a GPU is present.
#include <cstdint>
#include <random>
#include <vector>
#include "check.hpp"
#include "dslsft.h"

// Dense A·Bᵀ in double, then the entries at `indices`: the independent reference.
static std::vector<double> dense_then_gather(const std::vector<float>& a, const std::vector<float>& b, int64_t rows,
                                             int64_t cols, int64_t len, const std::vector<int64_t>& indices) {
  std::vector<double> product(rows * cols, 0.0);
  for (int64_t r = 0; r < rows; r++)
    for (int64_t c = 0; c < cols; c++)
      for (int64_t t = 0; t < len; t++) product[r * cols + c] += (double)a[r * len + t] * b[c * len + t];
  std::vector<double> gathered;
  for (int64_t i : indices) gathered.push_back(product[i]);
  return gathered;
}

static std::vector<float> random_matrix(std::mt19937& rng, int64_t n) {
  std::normal_distribution<float> normal(0.f, 1.f);
  std::vector<float> m(n);
  for (auto& x : m) x = normal(rng);
  return m;
}

// Every `stride`-th entry plus the first and last: rows with many, few and single entries.
static std::vector<int64_t> sample(int64_t n, int64_t stride) {
  std::vector<int64_t> idx;
  for (int64_t i = 0; i < n; i += stride) idx.push_back(i);
  if (idx.back() != n - 1) idx.push_back(n - 1);
  return idx;
}

static void matches_dense(int64_t rows, int64_t cols, int64_t len, int64_t stride) {
  std::mt19937 rng(static_cast<unsigned>(rows * 131 + cols * 7 + len));
  const auto a = random_matrix(rng, rows * len), b = random_matrix(rng, cols * len);
  const auto idx = sample(rows * cols, stride);
  std::vector<float> out(idx.size(), 0.f);
  CHECK(dslsft_sddmm(a.data(), b.data(), rows, cols, len, idx.data(), (int64_t)idx.size(), out.data()) == DSLSFT_OK);
  const auto expected = dense_then_gather(a, b, rows, cols, len, idx);
  for (size_t k = 0; k < idx.size(); k++) CHECK_NEAR(out[k], expected[k], 1e-4 * std::sqrt((double)len));

  // It accumulates: a second call adds the same product again.
  CHECK(dslsft_sddmm(a.data(), b.data(), rows, cols, len, idx.data(), (int64_t)idx.size(), out.data()) == DSLSFT_OK);
  for (size_t k = 0; k < idx.size(); k++) CHECK_NEAR(out[k], 2 * expected[k], 2e-4 * std::sqrt((double)len));

  // The CUDA twin gives the CPU result (up to summation order) when there is a device.
  if (dslsft_sparse_cuda_device_count() > 0) {
    void *da, *db, *di, *dout;
    dslsft_sparse_cuda_alloc(&da, a.size() * 4);
    dslsft_sparse_cuda_alloc(&db, b.size() * 4);
    dslsft_sparse_cuda_alloc(&di, idx.size() * 8);
    dslsft_sparse_cuda_alloc(&dout, idx.size() * 4);
    std::vector<float> zeros(idx.size(), 0.f), got(idx.size());
    dslsft_sparse_cuda_copy(da, a.data(), a.size() * 4, 1);
    dslsft_sparse_cuda_copy(db, b.data(), b.size() * 4, 1);
    dslsft_sparse_cuda_copy(di, idx.data(), idx.size() * 8, 1);
    dslsft_sparse_cuda_copy(dout, zeros.data(), zeros.size() * 4, 1);
    CHECK(dslsft_cuda_sddmm((float*)da, (float*)db, rows, cols, len, (int64_t*)di, (int64_t)idx.size(), (float*)dout) == DSLSFT_OK);
    dslsft_sparse_cuda_copy(got.data(), dout, got.size() * 4, 0);
    for (size_t k = 0; k < idx.size(); k++) CHECK_NEAR(got[k], expected[k], 1e-4 * std::sqrt((double)len));
    for (void* p : {da, db, di, dout}) dslsft_sparse_cuda_free(p);
  }
}

int main() {
  matches_dense(7, 5, 3, 2);       // shorter than one block of partial sums: the tail loop only
  matches_dense(24, 40, 64, 1);    // every entry: the dense product itself
  matches_dense(64, 48, 200, 13);  // blocks of 64 plus a tail, sparse rows
  matches_dense(96, 300, 1024, 97);  // a Linear-like shape with 1% of its entries, large enough to run in parallel

  // Empty lists and empty token axes are fine (an empty axis adds zero).
  std::vector<float> one{1.f};
  std::vector<int64_t> idx0{0};
  float out = 5.f;
  CHECK(dslsft_sddmm(nullptr, nullptr, 1, 1, 0, idx0.data(), 1, &out) == DSLSFT_OK);
  CHECK(out == 5.f);
  CHECK(dslsft_sddmm(nullptr, nullptr, 3, 3, 4, nullptr, 0, nullptr) == DSLSFT_OK);

  // Bad lists are refused before anything is read.
  std::vector<int64_t> outside{0, 9}, unsorted{3, 1};
  std::vector<float> a(12, 1.f), b(12, 1.f), two(2, 0.f);
  CHECK(dslsft_sddmm(a.data(), b.data(), 3, 3, 4, outside.data(), 2, two.data()) == DSLSFT_ERR_OUT_OF_RANGE);
  CHECK(dslsft_sddmm(a.data(), b.data(), 3, 3, 4, unsorted.data(), 2, two.data()) == DSLSFT_ERR_NOT_SORTED);
  CHECK(two[0] == 0.f && two[1] == 0.f);
  CHECK(dslsft_sddmm(a.data(), b.data(), -1, 3, 4, nullptr, 0, two.data()) == DSLSFT_ERR_INVALID_ARGUMENT);
  return finish("test_sparse_sddmm");
}
