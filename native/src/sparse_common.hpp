// sparse_common.hpp: what the multi-tensor selections share: argument validation, the "global position"
// view of many tensors laid end to end, walking eligible (non-excluded) runs, and writing per-tensor results.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>
#include "error.hpp"
#ifdef _OPENMP
#include <omp.h>
#endif

namespace dslsft::sparse {

// The ranking key of an entry: the IEEE bits of |θ − θ0|. For non-negative floats the bit pattern, read as
// an unsigned integer, orders exactly like the value (+Inf = 0x7F800000 above every finite value; NaN above
// that), so selection can work on integer histograms. Clearing the sign bit maps -0 to +0.
inline uint32_t abs_key(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  return bits & 0x7FFFFFFFu;
}
constexpr uint32_t kInfinityKey = 0x7F800000u;  // keys above this are NaN

inline int max_threads() {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

// "'encoder.layer.0.attention.self.query.weight' (#3)" or "#3" when the caller gave no name.
inline std::string tensor_label(const dslsft_selection_tensor& t, int64_t position) {
  std::string label = "#" + std::to_string(position);
  return t.name ? "'" + std::string(t.name) + "' (" + label + ")" : label;
}

// Strictly increasing and inside [0, n): the contract of every index list. Reports the first bad position.
dslsft_status check_index_list(const char* fn, const std::string& what, const int64_t* indices, int64_t count, int64_t n);

// Checks the descriptor array (pointers, sizes, exclusion lists) and k against the number of eligible
// entries. `needs_values`: the selection reads values (top-K) rather than only positions (random).
dslsft_status check_selection(const char* fn, const dslsft_selection_tensor* tensors, int32_t tensor_count,
                              int64_t k, const int64_t* out_indices, const int64_t* out_counts, bool needs_values);

// Many tensors laid end to end: tensor t owns global positions [begin[t], begin[t+1]).
struct GlobalLayout {
  std::vector<int64_t> begin;  // tensor_count + 1 entries
  const dslsft_selection_tensor* tensors;
  int32_t count;

  GlobalLayout(const dslsft_selection_tensor* ts, int32_t n) : begin(static_cast<size_t>(n) + 1, 0), tensors(ts), count(n) {
    for (int32_t t = 0; t < n; t++) begin[t + 1] = begin[t] + ts[t].n;
  }
  int64_t total() const { return begin[count]; }
  int64_t eligible_total() const {
    int64_t e = 0;
    for (int32_t t = 0; t < count; t++) e += tensors[t].n - tensors[t].excluded_count;
    return e;
  }

  // Calls run(t, start, stop) for every maximal run [start, stop) of eligible flat indices of tensor t whose
  // global positions lie in [g0, g1), in increasing order. Exclusions inside the range are skipped by
  // walking the sorted exclusion list, so the cost is O(range + exclusions in range + log).
  template <class Run>
  void for_each_run(int64_t g0, int64_t g1, Run&& run) const {
    if (g0 >= g1) return;
    int32_t t = static_cast<int32_t>(std::upper_bound(begin.begin(), begin.end(), g0) - begin.begin()) - 1;
    for (; t < count && begin[t] < g1; t++) {
      const dslsft_selection_tensor& ts = tensors[t];
      int64_t start = std::max(g0, begin[t]) - begin[t];
      const int64_t stop = std::min(g1, begin[t + 1]) - begin[t];
      const int64_t* ex = ts.excluded;
      const int64_t* ex_end = ts.excluded ? ts.excluded + ts.excluded_count : nullptr;
      if (ex) ex = std::lower_bound(ex, ex_end, start);
      while (start < stop) {
        const int64_t run_stop = (ex != ex_end && *ex < stop) ? *ex : stop;
        if (run_stop > start) run(t, start, run_stop);
        start = run_stop + 1;  // skips the excluded index (or ends the loop when run_stop == stop)
        if (ex != ex_end) ex++;
      }
    }
  }

  // Splits [0, total) into `parts` contiguous slices of (almost) equal length.
  int64_t part_begin(int64_t part, int64_t parts) const {
    const int64_t n = total();
    return n / parts * part + std::min(part, n % parts);
  }
};

// Turns a sorted list of global positions (out[0, k)) in place into per-tensor flat indices and fills
// out_counts. Positions only shrink (subtracting the tensor's begin), so the array stays in place.
void global_to_per_tensor(const GlobalLayout& layout, int64_t* out, int64_t k, int64_t* out_counts);

}  // namespace dslsft::sparse
