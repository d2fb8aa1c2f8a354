// test_sparse_compact.cpp: mask and threshold compaction against a plain loop; capacity and argument errors.
#include <cstring>
#include <limits>
#include "check.hpp"
#include "sparse_reference.hpp"

static std::vector<int64_t> reference_mask(const std::vector<uint8_t>& mask) {
  std::vector<int64_t> r;
  for (int64_t i = 0; i < (int64_t)mask.size(); i++)
    if (mask[i]) r.push_back(i);
  return r;
}

static void mask_compaction_matches_a_loop() {
  std::mt19937_64 rng(11);
  for (int64_t n : {int64_t(0), int64_t(1), int64_t(100), int64_t(70001), int64_t(300000)}) {
    for (double density : {0.0, 0.01, 0.5, 1.0}) {
      std::vector<uint8_t> mask(n);
      std::bernoulli_distribution on(density);
      for (auto& m : mask) m = on(rng) ? (uint8_t)(1 + rng() % 255) : 0;  // any nonzero byte counts
      const auto want = reference_mask(mask);
      int64_t count = -1;
      CHECK(dslsft_count_mask(mask.data(), n, &count) == DSLSFT_OK);
      CHECK(count == (int64_t)want.size());
      std::vector<int64_t> out(want.size() + 1, -7);
      int64_t written = -1;
      CHECK(dslsft_compact_mask(mask.data(), n, out.data(), (int64_t)want.size(), &written) == DSLSFT_OK);
      CHECK(written == (int64_t)want.size());
      CHECK(std::equal(want.begin(), want.end(), out.begin()));
      CHECK(out[want.size()] == -7);
    }
  }
}

static void threshold_compaction_matches_a_loop() {
  std::mt19937_64 rng(12);
  TestTensor t = random_tensor(rng, "w", 200000, 0.01f);
  t.values[5] = std::numeric_limits<float>::quiet_NaN();  // never selected
  t.values[6] = t.base[6] + 1.0f;
  for (bool with_base : {true, false}) {
    for (float threshold : {-1.0f, 0.0f, 0.005f, 0.02f, 10.0f}) {
      std::vector<int64_t> want;
      for (int64_t i = 0; i < (int64_t)t.values.size(); i++)
        if (std::fabs(with_base ? t.values[i] - t.base[i] : t.values[i]) > threshold) want.push_back(i);
      const float* base = with_base ? t.base.data() : nullptr;
      int64_t count = -1;
      CHECK(dslsft_count_abs_diff_above(t.values.data(), base, (int64_t)t.values.size(), threshold, &count) == DSLSFT_OK);
      CHECK(count == (int64_t)want.size());
      std::vector<int64_t> out(want.size());
      int64_t written = -1;
      CHECK(dslsft_compact_abs_diff_above(t.values.data(), base, (int64_t)t.values.size(), threshold, out.data(),
                                          (int64_t)out.size(), &written) == DSLSFT_OK);
      CHECK(written == (int64_t)want.size() && out == want);
    }
  }
}

static void bad_arguments() {
  std::vector<uint8_t> mask = {1, 0, 1, 1};
  std::vector<int64_t> out(4);
  int64_t count = 0;
  CHECK(dslsft_compact_mask(mask.data(), 4, out.data(), 2, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(count == 3);
  CHECK(std::strstr(dslsft_last_error(), "3 entries are selected but the output has room for 2") != nullptr);
  CHECK(dslsft_compact_mask(nullptr, 4, out.data(), 4, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_compact_mask(mask.data(), -1, out.data(), 4, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_compact_mask(mask.data(), 4, nullptr, 4, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_compact_mask(mask.data(), 4, out.data(), -2, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_compact_mask(mask.data(), 4, out.data(), 4, nullptr) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_count_mask(nullptr, 0, &count) == DSLSFT_OK && count == 0);
  CHECK(dslsft_count_mask(mask.data(), 4, nullptr) == DSLSFT_ERR_INVALID_ARGUMENT);
  float v[2] = {1, 2};
  CHECK(dslsft_count_abs_diff_above(v, nullptr, 2, std::numeric_limits<float>::quiet_NaN(), &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "threshold is NaN") != nullptr);
  CHECK(dslsft_compact_abs_diff_above(nullptr, nullptr, 2, 0.0f, out.data(), 4, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_compact_abs_diff_above(v, nullptr, 2, 0.0f, out.data(), 1, &count) == DSLSFT_ERR_INVALID_ARGUMENT);
}

int main() {
  mask_compaction_matches_a_loop();
  threshold_compaction_matches_a_loop();
  bad_arguments();
  return finish("sparse_compact");
}
