// sparse_random.cpp: K entries uniformly at random among the eligible ones (the LT-SFT random-mask baseline).
//
// Knuth's selection sampling (TAOCP vol. 2, 3.4.2, Algorithm S): walk the eligible entries in order and take
// each one with probability (still needed) / (still left). Every k-subset is equally likely, the output comes
// out sorted, and nothing but the output is stored. Probabilities are decided with exact integer draws
// (Lemire's unbiased bounded random), so the result does not depend on floating-point rounding, the machine
// or the thread count: one sequential stream from splitmix64(seed).
#include "sparse_common.hpp"

namespace dslsft::sparse {
namespace {

// splitmix64 (Steele, Lea, Flood 2014): tiny state, good enough statistics for sampling, fully portable.
struct SplitMix64 {
  uint64_t state;
  uint64_t next() {
    uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n), n > 0, without modulo bias (Lemire 2019, "Fast random integer generation in an interval").
  uint64_t below(uint64_t n) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * n;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < n) {
      const uint64_t reject_below = (0 - n) % n;
      while (low < reject_below) {
        m = static_cast<unsigned __int128>(next()) * n;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }
};

dslsft_status random_select(const dslsft_selection_tensor* tensors, int32_t tensor_count, int64_t k, uint64_t seed,
                            int64_t* out_indices, int64_t* out_counts) {
  const char* fn = "dslsft_random_select";
  if (dslsft_status s = check_selection(fn, tensors, tensor_count, k, out_indices, out_counts, false); s != DSLSFT_OK) return s;
  GlobalLayout layout(tensors, tensor_count);
  std::fill(out_counts, out_counts + tensor_count, 0);
  SplitMix64 rng{seed};
  uint64_t left = static_cast<uint64_t>(layout.eligible_total());
  uint64_t needed = static_cast<uint64_t>(k);
  int64_t w = 0;
  layout.for_each_run(0, layout.total(), [&](int32_t t, int64_t start, int64_t stop) {
    for (int64_t i = start; i < stop && needed > 0; i++, left--) {
      // needed == left: every remaining entry is taken (the draw would always succeed).
      if (needed == left || rng.below(left) < needed) {
        out_indices[w++] = i;
        out_counts[t]++;
        needed--;
      }
    }
  });
  if (w != k) return fail(DSLSFT_ERR_INTERNAL, "%s: selected %lld entries instead of %lld", fn, (long long)w, (long long)k);
  return DSLSFT_OK;
}

}  // namespace
}  // namespace dslsft::sparse

extern "C" DSLSFT_API dslsft_status dslsft_random_select(const dslsft_selection_tensor* tensors, int32_t tensor_count,
                                                         int64_t k, uint64_t seed, int64_t* out_indices, int64_t* out_counts) {
  try {
    return dslsft::sparse::random_select(tensors, tensor_count, k, seed, out_indices, out_counts);
  } catch (const std::bad_alloc&) {
    return dslsft::fail(DSLSFT_ERR_OUT_OF_MEMORY, "dslsft_random_select: out of memory");
  }
}
