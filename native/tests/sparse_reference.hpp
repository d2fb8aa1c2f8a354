// sparse_reference.hpp: obvious sort-based reference selections and test inputs for the sparse-primitive tests.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <tuple>
#include <vector>
#include "dslsft.h"

// One test tensor: owns θ, θ0 and the exclusion list; describe() gives the C ABI view of it.
struct TestTensor {
  std::string name;
  std::vector<float> values, base;
  std::vector<int64_t> excluded;
  bool use_base = true;

  dslsft_selection_tensor describe() const {
    return {name.c_str(), values.data(), use_base ? base.data() : nullptr, (int64_t)values.size(),
            excluded.empty() ? nullptr : excluded.data(), (int64_t)excluded.size()};
  }
};

inline std::vector<dslsft_selection_tensor> describe_all(const std::vector<TestTensor>& ts) {
  std::vector<dslsft_selection_tensor> d;
  for (const auto& t : ts) d.push_back(t.describe());
  return d;
}

// Per-tensor sorted index lists.
using Selection = std::vector<std::vector<int64_t>>;

// Top-K by full sort: |Δ| descending, then tensor position ascending, then flat index ascending.
inline Selection reference_topk(const std::vector<TestTensor>& ts, int64_t k) {
  std::vector<std::tuple<float, int, int64_t>> all;  // (-|Δ|, tensor, index) sorts in the wanted order
  for (int t = 0; t < (int)ts.size(); t++) {
    const auto& x = ts[t];
    for (int64_t i = 0; i < (int64_t)x.values.size(); i++) {
      if (std::binary_search(x.excluded.begin(), x.excluded.end(), i)) continue;
      const float d = std::fabs(x.use_base ? x.values[i] - x.base[i] : x.values[i]);
      all.emplace_back(-d, t, i);
    }
  }
  std::sort(all.begin(), all.end());
  Selection sel(ts.size());
  for (int64_t j = 0; j < k; j++) sel[std::get<1>(all[j])].push_back(std::get<2>(all[j]));
  for (auto& s : sel) std::sort(s.begin(), s.end());
  return sel;
}

// Splits the one output buffer + counts into per-tensor lists.
inline Selection split_output(const std::vector<int64_t>& out, const std::vector<int64_t>& counts) {
  Selection sel;
  int64_t at = 0;
  for (int64_t c : counts) {
    sel.emplace_back(out.begin() + at, out.begin() + at + c);
    at += c;
  }
  return sel;
}

// A random sorted subset of [0, n) with about `fraction` of the entries.
inline std::vector<int64_t> random_subset(std::mt19937_64& rng, int64_t n, double fraction) {
  std::vector<int64_t> s;
  std::bernoulli_distribution take(fraction);
  for (int64_t i = 0; i < n; i++)
    if (take(rng)) s.push_back(i);
  return s;
}

// A tensor of n elements with θ0 ~ N(0, 1) and θ = θ0 + N(0, scale) (the shape of a fine-tuning change).
inline TestTensor random_tensor(std::mt19937_64& rng, const std::string& name, int64_t n, float scale) {
  TestTensor t;
  t.name = name;
  std::normal_distribution<float> normal(0.0f, 1.0f);
  t.values.resize(n);
  t.base.resize(n);
  for (int64_t i = 0; i < n; i++) {
    t.base[i] = normal(rng);
    t.values[i] = t.base[i] + scale * normal(rng);
  }
  return t;
}
