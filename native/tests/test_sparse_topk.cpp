// test_sparse_topk.cpp: dslsft_topk_abs_diff against a full-sort reference: random data, heavy ties,
// exclusions, K = 0 and K = all, empty tensors, every internal path (candidates, whole bin, huge bin),
// thread counts, Inf/-0/NaN, and bad arguments.
#include <cstring>
#include <limits>
#include "check.hpp"
#include "sparse_reference.hpp"

static Selection run_topk(const std::vector<TestTensor>& ts, int64_t k, dslsft_status* status = nullptr) {
  auto d = describe_all(ts);
  std::vector<int64_t> out(k + 1, -7), counts(ts.size(), -7);
  const dslsft_status s = dslsft_topk_abs_diff(d.data(), (int32_t)d.size(), k, out.data(), counts.data());
  if (status) *status = s;
  else if (s != DSLSFT_OK) std::fprintf(stderr, "unexpected failure: %s\n", dslsft_last_error());
  if (s != DSLSFT_OK) return {};
  CHECK(out[k] == -7);  // nothing written past k
  return split_output(out, counts);
}

static int64_t eligible(const std::vector<TestTensor>& ts) {
  int64_t e = 0;
  for (const auto& t : ts) e += (int64_t)t.values.size() - (int64_t)t.excluded.size();
  return e;
}

static void check_against_reference(const std::vector<TestTensor>& ts, int64_t k, const char* what) {
  const Selection got = run_topk(ts, k), want = reference_topk(ts, k);
  const bool same = got == want;
  if (!same) std::fprintf(stderr, "mismatch in case '%s' (k = %lld)\n", what, (long long)k);
  CHECK(same);
}

static void random_tensors_many_k() {
  std::mt19937_64 rng(1);
  std::vector<TestTensor> ts;
  const int64_t sizes[] = {1000, 0, 37, 5000, 1, 2048, 777};
  for (int i = 0; i < 7; i++) ts.push_back(random_tensor(rng, "t" + std::to_string(i), sizes[i], 0.01f));
  ts[3].use_base = false;  // ranks |θ| itself
  const int64_t m = eligible(ts);
  for (int64_t k : {int64_t(0), int64_t(1), int64_t(2), int64_t(100), m / 8, m / 2, m - 1, m}) check_against_reference(ts, k, "random");
  // Usual case: two passes, scratch = histograms + candidates, far below the input size for big inputs.
  check_against_reference(ts, 100, "random");
  int64_t scratch = -1;
  int32_t passes = -1;
  dslsft_topk_last_stats(&scratch, &passes);
  CHECK(passes == 2);
  CHECK(scratch > 0 && scratch < (int64_t)(1 << 22));
}

static void heavy_ties_break_by_tensor_then_index() {
  std::mt19937_64 rng(2);
  std::uniform_int_distribution<int> level(0, 3);
  std::vector<TestTensor> ts(4);
  for (int t = 0; t < 4; t++) {
    ts[t].name = "tie" + std::to_string(t);
    for (int i = 0; i < 300 + 50 * t; i++) {
      ts[t].base.push_back((float)level(rng));
      ts[t].values.push_back((float)(level(rng) - 2) * 0.5f);
    }
  }
  const int64_t m = eligible(ts);
  for (int64_t k = 0; k <= m; k += 37) check_against_reference(ts, k, "ties");
  check_against_reference(ts, m, "ties, all");

  // All equal: the first k positions in (tensor, index) order win.
  std::vector<TestTensor> flat(3);
  for (int t = 0; t < 3; t++) {
    flat[t].values.assign(10, 2.0f);
    flat[t].base.assign(10, 1.0f);
  }
  Selection got = run_topk(flat, 15);
  CHECK(got.size() == 3 && got[0].size() == 10 && got[1].size() == 5 && got[2].empty());
  CHECK(got[1] == (std::vector<int64_t>{0, 1, 2, 3, 4}));
}

static void exclusions_are_never_selected() {
  std::mt19937_64 rng(3);
  std::vector<TestTensor> ts;
  for (int i = 0; i < 5; i++) {
    ts.push_back(random_tensor(rng, "x" + std::to_string(i), 3000 + 111 * i, 0.1f));
    ts.back().excluded = random_subset(rng, (int64_t)ts.back().values.size(), 0.05 + 0.2 * i);
  }
  ts[2].excluded.clear();
  ts[4].excluded.clear();
  for (int64_t i = 0; i < (int64_t)ts[4].values.size(); i++) ts[4].excluded.push_back(i);  // fully excluded
  // Make the excluded entries the largest changes, so a leak would show up at once.
  for (auto& t : ts)
    for (int64_t i : t.excluded) t.values[i] = t.base[i] + 100.0f;
  const int64_t m = eligible(ts);
  for (int64_t k : {int64_t(0), int64_t(10), m / 3, m - 5, m}) check_against_reference(ts, k, "exclusions");
}

static void empty_inputs() {
  std::vector<TestTensor> none;
  CHECK(run_topk(none, 0).empty());
  std::vector<TestTensor> empties(3);
  Selection got = run_topk(empties, 0);
  CHECK(got.size() == 3 && got[0].empty() && got[2].empty());
  dslsft_status s;
  run_topk(empties, 1, &s);
  CHECK(s == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "exceeds the 0 eligible") != nullptr);
}

// The internal paths: candidates (usual), the whole boundary bin taken, and a boundary bin too big for the
// candidate budget (2^17 entries) so the low bits get their own pass.
static void every_internal_path() {
  std::mt19937_64 rng(4);
  // Whole bin: values 1, 2, 3 repeated; k = count of the 3s and 2s, so the boundary bin (2.0) is taken whole.
  std::vector<TestTensor> levels(2);
  for (int t = 0; t < 2; t++)
    for (int i = 0; i < 600; i++) {
      levels[t].values.push_back((float)(1 + (i * 7 + t) % 3));
      levels[t].base.push_back(0.0f);
    }
  int64_t scratch = -1;
  int32_t passes = -1;
  check_against_reference(levels, 800, "whole bin");
  dslsft_topk_last_stats(&scratch, &passes);
  CHECK(passes == 2);
  check_against_reference(levels, 400, "whole top bin");

  // Huge boundary bin with distinct low bits: all |Δ| in [1, 1 + 2^-7) share their high 16 bits.
  std::uniform_real_distribution<float> inside(1.0f, 1.0f + 1.0f / 128.0f);
  std::vector<TestTensor> huge(3);
  for (int t = 0; t < 3; t++) {
    huge[t].name = "huge" + std::to_string(t);
    for (int i = 0; i < 70000; i++) {
      huge[t].values.push_back(inside(rng));
      huge[t].base.push_back(0.0f);
    }
    huge[t].excluded = random_subset(rng, 70000, 0.01);
  }
  // With the sampled prediction (the default) the fine counts of pass 1 settle it in two passes; without it,
  // the boundary bin is too big for the candidates and the low bits take a pass of their own.
  for (int predict = 1; predict >= 0; predict--) {
    dslsft_topk_set_prediction(predict);
    check_against_reference(huge, 1000, "huge bin, distinct");
    dslsft_topk_last_stats(&scratch, &passes);
    CHECK(passes == (predict ? 2 : 3));
    check_against_reference(huge, 150000, "huge bin, distinct, large k");
    check_against_reference(huge, eligible(huge) - 3, "huge bin, nearly everything");

    // Huge boundary bin of equal values: only the tie order decides.
    auto equal = huge;
    for (auto& t : equal) std::fill(t.values.begin(), t.values.end(), 1.5f);
    check_against_reference(equal, 99999, "huge bin, all equal");
    dslsft_topk_last_stats(&scratch, &passes);
    CHECK(passes == (predict ? 2 : 3));

    // Ties at the threshold spread over slices and bins: a few distinct values, each repeated many times.
    auto steps = huge;
    for (auto& t : steps)
      for (size_t i = 0; i < t.values.size(); i++) t.values[i] = 1.0f + (float)(i % 5) * (1.0f / 1024.0f);
    check_against_reference(steps, 70001, "huge bin, five values");
    dslsft_topk_last_stats(&scratch, &passes);
    CHECK(passes == (predict ? 2 : 3));
  }
  dslsft_topk_set_prediction(1);
}

static void thread_count_does_not_change_the_result() {
  std::mt19937_64 rng(5);
  std::uniform_int_distribution<int> level(0, 50);
  std::vector<TestTensor> ts;
  for (int i = 0; i < 9; i++) {
    ts.push_back(random_tensor(rng, "p" + std::to_string(i), 1000 + 997 * i, 1.0f));
    for (auto& v : ts.back().values) v = (float)level(rng) * 0.25f;  // many ties across slice borders
    ts.back().excluded = random_subset(rng, (int64_t)ts.back().values.size(), 0.1);
  }
  const int64_t m = eligible(ts);
  for (int threads : {1, 2, 3, 7}) {
    dslsft_set_num_threads(threads);
    for (int64_t k : {m / 10, m / 2}) check_against_reference(ts, k, "threads");
  }
  dslsft_set_num_threads(0);
}

static void special_values() {
  const float inf = std::numeric_limits<float>::infinity(), nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<TestTensor> ts(2);
  ts[0].name = "w";
  ts[0].values = {0.0f, -0.0f, 5.0f, -inf, 1e-30f, 3.0f};
  ts[0].base = {-0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  ts[1].name = "v";
  ts[1].values = {inf, 0.0f, -3.0f, nan};
  ts[1].base = {0.0f, 0.0f, 0.0f, 0.0f};
  ts[1].excluded = {3};  // the NaN is excluded, so it is never read
  Selection got = run_topk(ts, 2);
  CHECK(got.size() == 2 && got[0] == std::vector<int64_t>{3} && got[1] == std::vector<int64_t>{0});  // both infinities
  got = run_topk(ts, 4);  // then 5, then the first 3 in tensor order
  CHECK(got.size() == 2 && got[0] == (std::vector<int64_t>{2, 3, 5}) && got[1] == std::vector<int64_t>{0});
  got = run_topk(ts, 9);  // -0 and +0 tie: tensor order decides
  CHECK(got.size() == 2 && got[0].size() == 6 && got[1] == (std::vector<int64_t>{0, 1, 2}));

  ts[1].excluded.clear();  // now the NaN is eligible: an error naming the tensor and index
  dslsft_status s;
  run_topk(ts, 2, &s);
  CHECK(s == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "'v' (#1)") != nullptr);
  CHECK(std::strstr(dslsft_last_error(), "NaN at flat index 3") != nullptr);
}

static void bad_arguments() {
  std::vector<TestTensor> ts(2);
  ts[0].name = "a";
  ts[0].values.assign(10, 1.0f);
  ts[0].base.assign(10, 0.0f);
  ts[1].name = "b";
  ts[1].values.assign(5, 1.0f);
  ts[1].base.assign(5, 0.0f);
  std::vector<int64_t> out(20), counts(2);
  auto call = [&](const std::vector<dslsft_selection_tensor>& d, int64_t k) {
    return dslsft_topk_abs_diff(d.data(), (int32_t)d.size(), k, out.data(), counts.data());
  };
  auto d = describe_all(ts);
  CHECK(call(d, -1) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "'k'") != nullptr);
  CHECK(call(d, 16) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "k = 16 exceeds the 15 eligible") != nullptr);
  CHECK(dslsft_topk_abs_diff(nullptr, 2, 1, out.data(), counts.data()) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_topk_abs_diff(d.data(), -1, 0, out.data(), counts.data()) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_topk_abs_diff(d.data(), 2, 3, nullptr, counts.data()) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(dslsft_topk_abs_diff(d.data(), 2, 3, out.data(), nullptr) == DSLSFT_ERR_INVALID_ARGUMENT);

  auto bad = d;
  bad[1].n = -3;
  CHECK(call(bad, 1) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "'b' (#1): n must be >= 0") != nullptr);
  bad = d;
  bad[0].values = nullptr;
  CHECK(call(bad, 1) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "'a' (#0): values is null") != nullptr);

  const int64_t unsorted[] = {1, 4, 4}, outside[] = {2, 10}, negative[] = {-1};
  bad = d;
  bad[0].excluded = unsorted;
  bad[0].excluded_count = 3;
  CHECK(call(bad, 1) == DSLSFT_ERR_NOT_SORTED);
  CHECK(std::strstr(dslsft_last_error(), "'a' (#0) excluded list: index 4 at position 2") != nullptr);
  bad[0].excluded = outside;
  bad[0].excluded_count = 2;
  CHECK(call(bad, 1) == DSLSFT_ERR_OUT_OF_RANGE);
  CHECK(std::strstr(dslsft_last_error(), "index 10 at position 1 is outside [0, 10)") != nullptr);
  bad[0].excluded = negative;
  bad[0].excluded_count = 1;
  CHECK(call(bad, 1) == DSLSFT_ERR_OUT_OF_RANGE);
  bad[0].excluded = nullptr;
  CHECK(call(bad, 1) == DSLSFT_ERR_INVALID_ARGUMENT);  // a count without a list
  bad[0].excluded_count = 11;
  CHECK(call(bad, 1) == DSLSFT_ERR_INVALID_ARGUMENT);  // more exclusions than entries
  bad[0].name = nullptr;
  bad[0].excluded_count = -1;
  CHECK(call(bad, 1) == DSLSFT_ERR_INVALID_ARGUMENT);
  CHECK(std::strstr(dslsft_last_error(), "tensor #0") != nullptr);  // unnamed tensors are named by position
}

int main() {
  random_tensors_many_k();
  heavy_ties_break_by_tensor_then_index();
  exclusions_are_never_selected();
  empty_inputs();
  every_internal_path();
  thread_count_does_not_change_the_result();
  special_values();
  bad_arguments();
  return finish("sparse_topk");
}
