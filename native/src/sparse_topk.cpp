// sparse_topk.cpp: exact top-K of |θ − θ0| over many tensors by a two-level radix select on the key bits.
//
// Pass 1 reads θ and θ0 once and builds, per thread slice, a histogram of the high 15 bits of each key
// (sign cleared: 8 exponent + 7 mantissa bits, so a bin spans < 1% of its value). The bin holding the K-th
// largest key (the boundary bin) follows from the merged histogram. Everything above it is selected for sure.
// Pass 2 reads θ and θ0 again and writes, in order, the sure entries straight into the output (each slice
// knows its offset from its own histogram) and collects the boundary bin's entries as candidates
// (position + low 16 key bits). The exact threshold and the tie quota among the candidates come from a
// histogram of their low bits; the chosen ones are merged into the sure ones. Two passes, no O(N) memory.
// If the boundary bin is too big for the candidate budget (e.g. many equal values), pass 2 histograms the
// low bits of that bin instead and a third pass writes the result.
//
// That third pass is what trained weights used to need: after a few Adam steps millions of |θ − θ0| are nearly
// equal, so the boundary bin is huge. So before pass 1 a small sample (64 Ki entries, a few percent of one pass)
// predicts the few high bins the K-th key will fall in, and pass 1 also counts those bins' keys at full
// resolution, per slice. When the prediction holds, the exact threshold key and every slice's quota of ties
// are known after pass 1, and pass 2 writes the result: two passes whatever the bin sizes. When it misses
// (a rare, badly unrepresentative sample), the paths above take over; the result is exact either way.
//
// Order of ties: keys equal to the K-th key are taken by increasing global position (tensor position,
// then flat index), which is what "first in the slice order" gives because slices are ordered.
#include <cmath>
#include <functional>
#include "sparse_common.hpp"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace dslsft::sparse {
namespace {

// What the last call on this thread needed (dslsft_topk_last_stats): benchmarks report it.
thread_local int64_t last_scratch_bytes = 0;
thread_local int32_t last_passes = 0;
thread_local bool predict_threshold = true;  // dslsft_topk_set_prediction (tests reach the other paths with it off)

constexpr int kLowBitCount = 16;
constexpr uint32_t kHighBins = 1u << (31 - kLowBitCount);  // keys have 31 significant bits
constexpr uint32_t kLowBins = 1u << kLowBitCount;
constexpr uint32_t kLowMask = kLowBins - 1;
constexpr int64_t kSliceLimit = INT64_C(1) << 31;  // per-slice counts are uint32
constexpr int64_t kPackedPositionLimit = INT64_C(1) << 47;  // candidate = position << 16 | low bits
constexpr int64_t kSampleBlocks = 1024, kSampleBlock = 64;     // the threshold sample: 64 Ki entries, spread out
constexpr uint32_t kMaxFineBins = 8;  // high bins counted at full resolution: 8 × 256 KiB per slice at most

// Reads θ (and θ0) of one run in blocks and gives each block's keys to visit(first_index, keys, count).
// Computing a whole block of keys first lets that loop vectorize; the histogram/selection loops that follow
// then run on a small L1-resident array.
constexpr int kBlock = 512;
template <class Visit>
inline void for_each_key_block(const dslsft_selection_tensor& ts, int64_t start, int64_t stop, Visit&& visit) {
  alignas(64) uint32_t keys[kBlock];
  for (int64_t first = start; first < stop; first += kBlock) {
    const int count = static_cast<int>(std::min<int64_t>(kBlock, stop - first));
    const float* v = ts.values + first;
    if (ts.base) {
      const float* b = ts.base + first;
      for (int j = 0; j < count; j++) keys[j] = abs_key(v[j] - b[j]);
    } else {
      for (int j = 0; j < count; j++) keys[j] = abs_key(v[j]);
    }
    visit(first, static_cast<const uint32_t*>(keys), count);
  }
}

// Bit j set when keys[j] >= threshold, for j in [0, 16). Keys are <= 0x7FFFFFFF, so signed compares are exact.
// Reads 16 keys: callers mask off the bits past the end of a short block (the key buffer has kBlock slots).
inline uint32_t at_least_16(const uint32_t* keys, uint32_t threshold) {
#ifdef __SSE2__
  const __m128i below = _mm_set1_epi32(static_cast<int>(threshold) - 1);
  uint32_t bits = 0;
  for (int q = 0; q < 4; q++) {
    const __m128i k = _mm_loadu_si128(reinterpret_cast<const __m128i*>(keys + 4 * q));
    bits |= static_cast<uint32_t>(_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(k, below)))) << (4 * q);
  }
  return bits;
#else
  uint32_t bits = 0;
  for (int j = 0; j < 16; j++) bits |= static_cast<uint32_t>(keys[j] >= threshold) << j;
  return bits;
#endif
}

// Element-wise form of the above, for the rare paths.
template <class Visit>
inline void for_each_key(const dslsft_selection_tensor& ts, int64_t start, int64_t stop, Visit&& visit) {
  for_each_key_block(ts, start, stop, [&](int64_t first, const uint32_t* keys, int count) {
    for (int j = 0; j < count; j++) visit(first + j, keys[j]);
  });
}

struct Slices {
  const GlobalLayout& layout;
  int64_t count;
  int64_t begin(int64_t s) const { return layout.part_begin(s, count); }
  int64_t end(int64_t s) const { return layout.part_begin(s + 1, count); }
};

// The first NaN key in tensor order; only run when pass 1 saw one, to name it precisely.
dslsft_status report_first_nan(const char* fn, const GlobalLayout& layout) {
  int32_t bad_tensor = -1;
  int64_t bad_index = -1;
  layout.for_each_run(0, layout.total(), [&](int32_t t, int64_t start, int64_t stop) {
    if (bad_tensor >= 0) return;
    for_each_key(layout.tensors[t], start, stop, [&](int64_t i, uint32_t key) {
      if (key > kInfinityKey && bad_tensor < 0) { bad_tensor = t; bad_index = i; }
    });
  });
  const std::string label = bad_tensor >= 0 ? tensor_label(layout.tensors[bad_tensor], bad_tensor) : "?";
  return fail(DSLSFT_ERR_INVALID_ARGUMENT,
              "%s: tensor %s: |values - base| is NaN at flat index %lld (NaN cannot be ranked; the training run has probably diverged)",
              fn, label.c_str(), (long long)bad_index);
}

// Writes, slice by slice, the positions whose key > above_key, plus the first quota[s] positions whose key
// equals tie_key, to out[offset[s] ...]. Used by the no-candidate paths.
void write_selected(const Slices& slices, int64_t above_key, uint32_t tie_key, const std::vector<int64_t>& quota,
                    const std::vector<int64_t>& offset, int64_t* out) {
  const GlobalLayout& layout = slices.layout;
  // Only keys >= the lower of the two limits can be written: test 16 at a time, then visit the hits.
  const uint32_t lowest = static_cast<uint32_t>(std::min<int64_t>(above_key + 1, tie_key));
#pragma omp parallel for schedule(static, 1)
  for (int64_t s = 0; s < slices.count; s++) {
    int64_t w = offset[s], taken = 0;
    const int64_t q = quota[s];
    layout.for_each_run(slices.begin(s), slices.end(s), [&](int32_t t, int64_t start, int64_t stop) {
      const int64_t tensor_begin = layout.begin[t];
      for_each_key_block(layout.tensors[t], start, stop, [&](int64_t first, const uint32_t* keys, int count) {
        for (int j0 = 0; j0 < count; j0 += 16) {
          uint32_t hits = at_least_16(keys + j0, lowest);
          if (count - j0 < 16) hits &= (1u << (count - j0)) - 1;
          while (hits) {
            const int j = j0 + __builtin_ctz(hits);
            hits &= hits - 1;
            const uint32_t key = keys[j];
            if (static_cast<int64_t>(key) > above_key) out[w++] = tensor_begin + first + j;
            else if (key == tie_key && taken < q) { out[w++] = tensor_begin + first + j; taken++; }
          }
        }
      });
    });
  }
}

// The high bins [first, last] that the K-th largest key very probably falls in, from the keys of a spread-out
// sample: the sample's rank for k, widened by 6 standard deviations of a binomial count (plus 16), read off the
// sorted sample keys. Returns false when the window spans more than kMaxFineBins bins (too wide to count finely).
bool predict_boundary_bins(const GlobalLayout& layout, int64_t k, uint32_t* first, uint32_t* last) {
  const int64_t total = layout.total(), eligible = layout.eligible_total();
  std::vector<uint32_t> sample;
  const int64_t blocks = std::min<int64_t>(kSampleBlocks, std::max<int64_t>(1, total / kSampleBlock));
  for (int64_t b = 0; b < blocks; b++) {
    const int64_t g0 = total / blocks * b;
    layout.for_each_run(g0, std::min(total, g0 + kSampleBlock), [&](int32_t t, int64_t start, int64_t stop) {
      for_each_key(layout.tensors[t], start, stop, [&](int64_t, uint32_t key) { sample.push_back(key); });
    });
  }
  const int64_t m = static_cast<int64_t>(sample.size());
  if (m == 0 || eligible == 0) return false;
  const double rank = static_cast<double>(k) * m / eligible;  // expected sample rank of the K-th key (from the top)
  const double spread = 6 * std::sqrt(rank) + 16;
  const int64_t high_rank = std::max<int64_t>(0, static_cast<int64_t>(rank - spread));
  const int64_t low_rank = std::min<int64_t>(m - 1, static_cast<int64_t>(rank + spread));
  auto descending = std::greater<uint32_t>();
  std::nth_element(sample.begin(), sample.begin() + high_rank, sample.end(), descending);
  const uint32_t high_key = sample[high_rank];
  std::nth_element(sample.begin(), sample.begin() + low_rank, sample.end(), descending);
  const uint32_t low_key = sample[low_rank];
  *first = std::min(low_key, kInfinityKey) >> kLowBitCount;
  *last = std::min(high_key, kInfinityKey) >> kLowBitCount;
  return *last - *first < kMaxFineBins;
}

// The last step when every slice's boundary-bin keys are counted by their low bits (slice_low: S histograms of
// kLowBins, each `stride` apart): the exact threshold key, each slice's quota of keys equal to it (taken by
// increasing position) and its output offset; then one pass writes everything above the threshold plus the quotas.
void write_from_low_counts(const Slices& slices, uint32_t boundary, int64_t need, const std::vector<int64_t>& sure,
                           const uint32_t* slice_low, size_t stride, int64_t* out) {
  const int64_t S = slices.count;
  std::vector<int64_t> low_total(kLowBins, 0);
  for (int64_t s = 0; s < S; s++)
    for (uint32_t b = 0; b < kLowBins; b++) low_total[b] += slice_low[static_cast<size_t>(s) * stride + b];
  int64_t above_low = 0;
  uint32_t low = kLowMask;
  while (above_low + low_total[low] < need) above_low += low_total[low--];
  int64_t ties_left = need - above_low;
  std::vector<int64_t> offset(S, 0), quota(S, 0);
  int64_t written = 0;
  for (int64_t s = 0; s < S; s++) {
    const uint32_t* hist = slice_low + static_cast<size_t>(s) * stride;
    int64_t greater = sure[s];
    for (uint32_t b = low + 1; b < kLowBins; b++) greater += hist[b];
    quota[s] = std::min<int64_t>(hist[low], ties_left);
    ties_left -= quota[s];
    offset[s] = written;
    written += greater + quota[s];
  }
  const uint32_t threshold = (boundary << kLowBitCount) | low;
  write_selected(slices, threshold, threshold, quota, offset, out);
}

// Merges the sorted positions chosen[0, m) into the sorted out[0, n) (capacity n + m), from the back.
void merge_from_back(int64_t* out, int64_t n, const int64_t* chosen, int64_t m) {
  int64_t i = n - 1, j = m - 1, w = n + m - 1;
  while (j >= 0) {
    if (i >= 0 && out[i] > chosen[j]) out[w--] = out[i--];
    else out[w--] = chosen[j--];
  }
}

dslsft_status topk(const dslsft_selection_tensor* tensors, int32_t tensor_count, int64_t k, int64_t* out_indices,
                   int64_t* out_counts) {
  const char* fn = "dslsft_topk_abs_diff";
  if (dslsft_status s = check_selection(fn, tensors, tensor_count, k, out_indices, out_counts, true); s != DSLSFT_OK) return s;
  GlobalLayout layout(tensors, tensor_count);
  last_scratch_bytes = 0;
  last_passes = 0;
  if (k == 0) {
    std::fill(out_counts, out_counts + tensor_count, 0);
    return DSLSFT_OK;
  }
  const int64_t total = layout.total();
  const Slices slices{layout, std::max<int64_t>(max_threads(), (total + kSliceLimit - 1) / kSliceLimit)};
  const int64_t S = slices.count;

  // ---- prediction: the few high bins the K-th key will fall in, counted at full resolution in pass 1 --
  uint32_t fine_first = 1, fine_last = 0;  // an empty range: no fine counts
  // Inputs not much bigger than the sample skip it (it would read most of them).
  if (predict_threshold && total >= 2 * kSampleBlocks * kSampleBlock && !predict_boundary_bins(layout, k, &fine_first, &fine_last)) {
    fine_first = 1;
    fine_last = 0;
  }
  const uint32_t fine_bins = fine_last >= fine_first ? fine_last - fine_first + 1 : 0;
  const size_t fine_size = static_cast<size_t>(fine_bins) << kLowBitCount;
  std::vector<uint32_t> slice_fine(static_cast<size_t>(S) * fine_size, 0);

  // ---- pass 1: per-slice histograms of the high key bits ------------------------------------------
  // Two interleaved histograms per slice: runs of equal bins (common: the values cluster) would otherwise
  // stall on the previous increment of the same counter.
  std::vector<uint32_t> slice_hist(static_cast<size_t>(S) * kHighBins, 0);
  std::vector<uint32_t> slice_saw_nan(S, 0);
#pragma omp parallel
  {
    std::vector<uint32_t> odd(kHighBins);
#pragma omp for schedule(static, 1)
    for (int64_t s = 0; s < S; s++) {
      uint32_t* even = &slice_hist[static_cast<size_t>(s) * kHighBins];
      uint32_t* fine = fine_size ? &slice_fine[static_cast<size_t>(s) * fine_size] : nullptr;
      const uint32_t fine_lowest = fine_first << kLowBitCount, fine_span = static_cast<uint32_t>(fine_size);
      std::fill(odd.begin(), odd.end(), 0);
      uint32_t nan = 0;
      layout.for_each_run(slices.begin(s), slices.end(s), [&](int32_t t, int64_t start, int64_t stop) {
        for_each_key_block(tensors[t], start, stop, [&](int64_t, const uint32_t* keys, int count) {
          uint32_t block_nan = 0;
          for (int j = 0; j < count; j++) block_nan |= keys[j] > kInfinityKey;
          nan |= block_nan;
          int j = 0;
          for (; j + 1 < count; j += 2) {
            even[keys[j] >> kLowBitCount]++;
            odd[keys[j + 1] >> kLowBitCount]++;
          }
          if (j < count) even[keys[j] >> kLowBitCount]++;
          // Keys in the predicted bins, at full resolution (unsigned wrap-around makes this one compare).
          if (fine)
            for (j = 0; j < count; j++)
              if (keys[j] - fine_lowest < fine_span) fine[keys[j] - fine_lowest]++;
        });
      });
      for (uint32_t b = 0; b < kHighBins; b++) even[b] += odd[b];
      slice_saw_nan[s] = nan;
    }
  }
  for (int64_t s = 0; s < S; s++)
    if (slice_saw_nan[s]) return report_first_nan(fn, layout);

  // ---- the boundary bin: the K-th largest key lies in it ------------------------------------------
  std::vector<int64_t> bin_total(kHighBins, 0);
  for (int64_t s = 0; s < S; s++)
    for (uint32_t b = 0; b < kHighBins; b++) bin_total[b] += slice_hist[static_cast<size_t>(s) * kHighBins + b];
  int64_t above = 0;  // entries in bins above the boundary bin: selected for sure
  uint32_t boundary = kHighBins - 1;
  while (above + bin_total[boundary] < k) above += bin_total[boundary--];
  const int64_t need = k - above;  // how many of the boundary bin's entries are selected, in [1, bin size]

  std::vector<int64_t> sure(S, 0), in_boundary(S, 0);
  for (int64_t s = 0; s < S; s++) {
    const uint32_t* hist = &slice_hist[static_cast<size_t>(s) * kHighBins];
    for (uint32_t b = boundary + 1; b < kHighBins; b++) sure[s] += hist[b];
    in_boundary[s] = hist[boundary];
  }
  const int64_t boundary_size = bin_total[boundary];
  slice_hist = std::vector<uint32_t>();  // free the pass-1 histograms before the next allocations
  const int64_t pass1_bytes = (S + max_threads()) * int64_t{kHighBins} * 4 + int64_t{kHighBins} * 8 +
                              static_cast<int64_t>(slice_fine.size()) * 4;
  last_passes = 2;

  // ---- the prediction held: the exact threshold and each slice's ties are known; pass 2 writes ------
  if (boundary >= fine_first && boundary <= fine_last && need < boundary_size) {
    const size_t bin_offset = static_cast<size_t>(boundary - fine_first) << kLowBitCount;
    write_from_low_counts(slices, boundary, need, sure, slice_fine.data() + bin_offset, fine_size, out_indices);
    last_scratch_bytes = pass1_bytes + int64_t{kLowBins} * 8;
    global_to_per_tensor(layout, out_indices, k, out_counts);
    return DSLSFT_OK;
  }
  slice_fine = std::vector<uint32_t>();

  // ---- the whole boundary bin is selected: one more pass writes everything >= its lowest key ------
  if (need == boundary_size) {
    std::vector<int64_t> offset(S, 0), no_quota(S, 0);
    for (int64_t s = 1; s < S; s++) offset[s] = offset[s - 1] + sure[s - 1] + in_boundary[s - 1];
    const int64_t above_key = (static_cast<int64_t>(boundary) << kLowBitCount) - 1;
    write_selected(slices, above_key, 0xFFFFFFFFu /* no key equals this */, no_quota, offset, out_indices);
    last_scratch_bytes = pass1_bytes;
    global_to_per_tensor(layout, out_indices, k, out_counts);
    return DSLSFT_OK;
  }

  // ---- usual case: pass 2 writes the sure entries and collects the boundary bin as candidates ------
  // Candidate budget: 1% of θ's bytes at 8 bytes per candidate (at least 128 Ki candidates).
  const int64_t candidate_budget = std::max<int64_t>(INT64_C(1) << 17, total / 200);
  if (boundary_size <= candidate_budget && total < kPackedPositionLimit) {
    std::vector<uint64_t> candidates(boundary_size);
    const uint32_t candidate_key = boundary << kLowBitCount;  // lowest key of the boundary bin
    const uint64_t sure_key = static_cast<uint64_t>(boundary + 1) << kLowBitCount;  // lowest key above it
    std::vector<int64_t> sure_offset(S, 0), candidate_offset(S, 0);
    for (int64_t s = 1; s < S; s++) {
      sure_offset[s] = sure_offset[s - 1] + sure[s - 1];
      candidate_offset[s] = candidate_offset[s - 1] + in_boundary[s - 1];
    }
#pragma omp parallel for schedule(static, 1)
    for (int64_t s = 0; s < S; s++) {
      int64_t w = sure_offset[s], c = candidate_offset[s];
      layout.for_each_run(slices.begin(s), slices.end(s), [&](int32_t t, int64_t start, int64_t stop) {
        const int64_t tensor_begin = layout.begin[t];
        for_each_key_block(tensors[t], start, stop, [&](int64_t first, const uint32_t* keys, int count) {
          const int64_t position = tensor_begin + first;
          // Most keys are below the boundary bin: test 16 at a time, then visit only the hits.
          for (int j0 = 0; j0 < count; j0 += 16) {
            uint32_t hits = at_least_16(keys + j0, candidate_key);
            if (count - j0 < 16) hits &= (1u << (count - j0)) - 1;
            while (hits) {
              const int j = j0 + __builtin_ctz(hits);
              hits &= hits - 1;
              if (keys[j] >= sure_key) out_indices[w++] = position + j;
              else candidates[c++] = (static_cast<uint64_t>(position + j) << kLowBitCount) | (keys[j] & kLowMask);
            }
          }
        });
      });
    }
    // Exact threshold among the candidates: the low bits decide; ties go to the earlier position.
    std::vector<int64_t> low_hist(kLowBins, 0);
    for (uint64_t c : candidates) low_hist[c & kLowMask]++;
    int64_t above_low = 0;
    uint32_t low = kLowMask;
    while (above_low + low_hist[low] < need) above_low += low_hist[low--];
    int64_t ties_left = need - above_low;
    // Keep the chosen candidates' positions (in order) at the front of the same buffer.
    int64_t* chosen = reinterpret_cast<int64_t*>(candidates.data());
    int64_t chosen_count = 0;
    for (int64_t i = 0; i < boundary_size; i++) {
      const uint64_t c = candidates[i];
      const uint32_t bits = static_cast<uint32_t>(c & kLowMask);
      if (bits > low || (bits == low && ties_left-- > 0)) chosen[chosen_count++] = static_cast<int64_t>(c >> kLowBitCount);
    }
    merge_from_back(out_indices, above, chosen, chosen_count);
    last_scratch_bytes = std::max(pass1_bytes, boundary_size * 8 + int64_t{kLowBins} * 8 + int64_t{kHighBins} * 8);
    global_to_per_tensor(layout, out_indices, k, out_counts);
    return DSLSFT_OK;
  }

  // ---- huge boundary bin: pass 2 histograms its low bits, pass 3 writes --------------------------
  std::vector<uint32_t> slice_low(static_cast<size_t>(S) * kLowBins, 0);
#pragma omp parallel for schedule(static, 1)
  for (int64_t s = 0; s < S; s++) {
    uint32_t* hist = &slice_low[static_cast<size_t>(s) * kLowBins];
    layout.for_each_run(slices.begin(s), slices.end(s), [&](int32_t t, int64_t start, int64_t stop) {
      for_each_key(tensors[t], start, stop, [&](int64_t, uint32_t key) {
        if ((key >> kLowBitCount) == boundary) hist[key & kLowMask]++;
      });
    });
  }
  write_from_low_counts(slices, boundary, need, sure, slice_low.data(), kLowBins, out_indices);
  last_passes = 3;
  last_scratch_bytes = std::max(pass1_bytes, S * int64_t{kLowBins} * 4 + int64_t{kLowBins} * 8 + int64_t{kHighBins} * 8);
  global_to_per_tensor(layout, out_indices, k, out_counts);
  return DSLSFT_OK;
}

}  // namespace
}  // namespace dslsft::sparse

extern "C" DSLSFT_API void dslsft_topk_set_prediction(int32_t enabled) { dslsft::sparse::predict_threshold = enabled != 0; }

extern "C" DSLSFT_API void dslsft_topk_last_stats(int64_t* scratch_bytes, int32_t* passes) {
  if (scratch_bytes) *scratch_bytes = dslsft::sparse::last_scratch_bytes;
  if (passes) *passes = dslsft::sparse::last_passes;
}

extern "C" DSLSFT_API dslsft_status dslsft_topk_abs_diff(const dslsft_selection_tensor* tensors, int32_t tensor_count,
                                                         int64_t k, int64_t* out_indices, int64_t* out_counts) {
  try {
    return dslsft::sparse::topk(tensors, tensor_count, k, out_indices, out_counts);
  } catch (const std::bad_alloc&) {
    return dslsft::fail(DSLSFT_ERR_OUT_OF_MEMORY, "dslsft_topk_abs_diff: out of memory");
  }
}
