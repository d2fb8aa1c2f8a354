// test_sparse_random.cpp: random selection is exact in size, respects exclusions, is deterministic per seed
// and independent of the thread count, and is uniform over k-subsets (chi-square on a small population).
#include <cstring>
#include <map>
#include "check.hpp"
#include "sparse_reference.hpp"

static Selection run_random(const std::vector<TestTensor>& ts, int64_t k, uint64_t seed) {
  auto d = describe_all(ts);
  std::vector<int64_t> out(k), counts(ts.size());
  CHECK(dslsft_random_select(d.data(), (int32_t)d.size(), k, seed, out.data(), counts.data()) == DSLSFT_OK);
  return split_output(out, counts);
}

static std::vector<TestTensor> shaped(std::mt19937_64& rng) {
  std::vector<TestTensor> ts(4);
  const int64_t sizes[] = {500, 0, 1200, 333};
  for (int t = 0; t < 4; t++) {
    ts[t].values.assign(sizes[t], 0.0f);  // never read
    ts[t].excluded = random_subset(rng, sizes[t], 0.3);
  }
  return ts;
}

static void exact_sorted_and_eligible() {
  std::mt19937_64 rng(21);
  auto ts = shaped(rng);
  int64_t m = 0;
  for (auto& t : ts) m += (int64_t)(t.values.size() - t.excluded.size());
  for (int64_t k : {int64_t(0), int64_t(1), int64_t(77), m / 2, m}) {
    Selection s = run_random(ts, k, 42);
    int64_t total = 0;
    bool ok = true;
    for (size_t t = 0; t < ts.size(); t++) {
      total += (int64_t)s[t].size();
      for (size_t j = 0; j < s[t].size(); j++) {
        ok &= s[t][j] >= 0 && s[t][j] < (int64_t)ts[t].values.size();
        ok &= j == 0 || s[t][j] > s[t][j - 1];
        ok &= !std::binary_search(ts[t].excluded.begin(), ts[t].excluded.end(), s[t][j]);
      }
    }
    CHECK(ok);
    CHECK(total == k);
  }
}

static void deterministic_per_seed_and_thread_count() {
  std::mt19937_64 rng(22);
  auto ts = shaped(rng);
  dslsft_set_num_threads(1);
  const Selection a = run_random(ts, 300, 7);
  dslsft_set_num_threads(3);
  const Selection b = run_random(ts, 300, 7);
  dslsft_set_num_threads(0);
  CHECK(a == b);
  CHECK(run_random(ts, 300, 8) != a);
}

// Population of 6 eligible entries (2 tensors, one exclusion), k = 2: all 15 pairs must be equally likely.
static void uniform_over_subsets() {
  std::vector<TestTensor> ts(2);
  ts[0].values.assign(4, 0.0f);
  ts[0].excluded = {1};
  ts[1].values.assign(3, 0.0f);
  std::map<std::vector<int64_t>, int> seen;
  const int trials = 30000;
  for (int seed = 0; seed < trials; seed++) {
    Selection s = run_random(ts, 2, (uint64_t)seed * 1000003u);
    std::vector<int64_t> key;
    for (int64_t i : s[0]) key.push_back(i);
    for (int64_t i : s[1]) key.push_back(10 + i);
    seen[key]++;
  }
  CHECK(seen.size() == 15);
  const double expected = trials / 15.0;
  double chi2 = 0;
  for (auto& [subset, n] : seen) chi2 += (n - expected) * (n - expected) / expected;
  // 14 degrees of freedom: P(chi2 > 36.1) = 0.001.
  if (chi2 >= 36.1) std::fprintf(stderr, "chi2 = %.2f\n", chi2);
  CHECK(chi2 < 36.1);
}

static void bad_arguments() {
  std::vector<TestTensor> ts(1);
  ts[0].name = "r";
  ts[0].values.assign(5, 0.0f);
  auto d = describe_all(ts);
  std::vector<int64_t> out(10), counts(1);
  CHECK(dslsft_random_select(d.data(), 1, 6, 1, out.data(), counts.data()) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "k = 6 exceeds the 5 eligible") != nullptr);
  d[0].values = nullptr;  // values are not needed by the random selection
  CHECK(dslsft_random_select(d.data(), 1, 5, 1, out.data(), counts.data()) == DSLSFT_OK);
  const int64_t unsorted[] = {3, 2};
  d[0].excluded = unsorted;
  d[0].excluded_count = 2;
  CHECK(dslsft_random_select(d.data(), 1, 1, 1, out.data(), counts.data()) == DSLSFT_ERR_NOT_SORTED);
  CHECK(std::strstr(dslsft_last_error(), "'r' (#0) excluded list") != nullptr);
}

int main() {
  exact_sorted_and_eligible();
  deterministic_per_seed_and_thread_count();
  uniform_over_subsets();
  bad_arguments();
  return finish("sparse_random");
}
