// test_kernels_sft.cpp: the generated SFT kernels (apply, revert, diff), gather and SGD against plain CPU loops.
#include <cstring>
#include <vector>
#include "check.hpp"
#include "dslsft.h"

namespace {

void test_apply_revert_diff_gather() {
  const int64_t n = 10;
  std::vector<int64_t> idx = {1, 4, 9};
  std::vector<float> param = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> delta = {0.5f, -1.0f, 2.0f};
  CHECK(dslsft_sft_apply_sparse(n, idx.data(), 3, param.data(), delta.data(), 1) == DSLSFT_OK);
  CHECK(param[1] == 1.5f && param[4] == 3.0f && param[9] == 11.0f && param[0] == 0.0f && param[5] == 5.0f);

  std::vector<float> pretrained = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
  std::vector<float> diff(3, -99.0f);
  CHECK(dslsft_sft_diff_sparse(n, idx.data(), 3, param.data(), pretrained.data(), diff.data(), 1) == DSLSFT_OK);
  for (int j = 0; j < 3; ++j) CHECK_NEAR(diff[j], delta[j], 0.0);

  std::vector<float> gathered(3);
  CHECK(dslsft_gather_sparse(n, idx.data(), 3, param.data(), gathered.data(), 1) == DSLSFT_OK);
  CHECK(gathered[0] == 1.5f && gathered[1] == 3.0f && gathered[2] == 11.0f);

  CHECK(dslsft_sft_revert_sparse(n, idx.data(), 3, param.data(), delta.data(), 1) == DSLSFT_OK);
  for (int64_t i = 0; i < n; ++i) CHECK(param[i] == pretrained[i]);

  // an index past the end is refused before anything is written
  std::vector<int64_t> bad = {1, 10};
  CHECK(dslsft_sft_apply_sparse(n, bad.data(), 2, param.data(), delta.data(), 1) == DSLSFT_ERR_OUT_OF_RANGE);
  for (int64_t i = 0; i < n; ++i) CHECK(param[i] == pretrained[i]);
  CHECK(dslsft_sft_apply_dense(-5, param.data(), delta.data()) == DSLSFT_ERR_INVALID_ARGUMENT);
}

void test_sgd_momentum() {
  const int64_t n = 4;
  std::vector<int64_t> idx = {0, 2};
  // the gradient is compact: one value per selected index
  std::vector<float> param = {1, 1, 1, 1}, grad = {0.5f, -0.5f}, buffer = {0, 0}, theta0 = {1, 1};
  const float lr = 0.1f, momentum = 0.9f, wd = 0.0f;
  // step 1: buffer = grad; step 2: buffer = 0.9 * buffer + grad
  CHECK(dslsft_sgd_sparse(n, idx.data(), 2, param.data(), grad.data(), buffer.data(), theta0.data(), lr, momentum, wd, 1, 0.0f, 1) == DSLSFT_OK);
  CHECK(dslsft_sgd_sparse(n, idx.data(), 2, param.data(), grad.data(), buffer.data(), theta0.data(), lr, momentum, wd, 0, 0.0f, 1) == DSLSFT_OK);
  CHECK_NEAR(buffer[0], 0.95, 1e-6);
  CHECK_NEAR(param[0], 1 - 0.1 * 0.5 - 0.1 * 0.95, 1e-6);
  CHECK_NEAR(param[2], 1 + 0.1 * 0.5 + 0.1 * 0.95, 1e-6);
  CHECK(param[1] == 1.0f && param[3] == 1.0f);
}

void test_multi_apply() {
  std::vector<int64_t> sizes = {3, 2}, counts = {2, 1};
  std::vector<int64_t> i0 = {0, 2}, i1 = {1};
  std::vector<float> a = {1, 1, 1}, b = {5, 5}, delta = {1, 2, 3};
  const int64_t* idx[] = {i0.data(), i1.data()};
  float* params[] = {a.data(), b.data()};
  CHECK(dslsft_sft_apply_multi(2, sizes.data(), idx, counts.data(), 3, params, delta.data(), 1) == DSLSFT_OK);
  CHECK(a[0] == 2 && a[1] == 1 && a[2] == 3 && b[0] == 5 && b[1] == 8);
  std::vector<int64_t> too_many = {4, 1};  // more indices than elements
  CHECK(dslsft_sft_apply_multi(2, sizes.data(), idx, too_many.data(), 5, params, delta.data(), 1) == DSLSFT_ERR_INVALID_ARGUMENT);
}

}  // namespace

int main() {
  test_apply_revert_diff_gather();
  test_sgd_momentum();
  test_multi_apply();
  return finish("test_kernels_sft");
}
