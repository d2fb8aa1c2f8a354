// sparse_topk.cu: exact top-K of |θ − θ0| over many device tensors (CUDA twin of src/sparse_topk.cpp).
//
// Radix select in three digits of the 31-bit key (11 + 11 + 9 bits): each level histograms, in shared
// memory, the keys that share the prefix found so far; the host walks the 2048 bins to extend the prefix.
// When the K-th key's bin is taken whole, selection stops early. A count pass then gives every tile its
// number of "above" entries and of ties; the host turns those into output offsets and tie quotas (ties go to
// lower tensor position, then lower flat index, as on the CPU), and a write pass compacts each tile in
// order with block scans. Results are identical to the CPU version's.
#include <cub/block/block_scan.cuh>
#include <algorithm>
#include <climits>
#include <string>
#include <vector>
#include "sparse_device.cuh"

namespace dslsft::sparse::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kItems = 16;  // consecutive elements per thread in the ordered write
constexpr int kTile = kThreads * kItems;
constexpr int kMaxBins = 2048;
constexpr uint32_t kNoKey = 0xFFFFFFFFu;  // marks excluded / padding slots: no real key (<= 0x7FFFFFFF) equals it
constexpr uint32_t kNoTie = 0xFFFFFFFEu;  // tie key of a rule without ties: equals neither a key nor kNoKey

struct DeviceTensor {
  const float* values;
  const float* base;
  const int64_t* excluded;
  int64_t n;
  int64_t excluded_count;
  int64_t global_begin;  // position of element 0 when all tensors are laid end to end
};

struct Tile {
  int64_t start;   // first flat index of the tile in its tensor
  int32_t tensor;  // position of the tensor
};

__device__ int64_t lower_bound(const int64_t* list, int64_t count, int64_t value) {
  int64_t lo = 0, hi = count;
  while (lo < hi) {
    const int64_t mid = lo + (hi - lo) / 2;
    if (list[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Loads the keys of one tile into shared memory; excluded and padding slots get kNoKey. NaN keys are
// recorded (smallest global position) and also get kNoKey. Every thread of the block must call it.
__device__ void load_tile_keys(const DeviceTensor& t, const Tile& tile, uint32_t* keys, unsigned long long* first_nan) {
  __shared__ int64_t excluded_range[2];
  const int64_t count = min(static_cast<int64_t>(kTile), t.n - tile.start);
  if (threadIdx.x == 0) {
    excluded_range[0] = t.excluded_count ? lower_bound(t.excluded, t.excluded_count, tile.start) : 0;
    excluded_range[1] = t.excluded_count ? lower_bound(t.excluded, t.excluded_count, tile.start + count) : 0;
  }
  for (int i = threadIdx.x; i < kTile; i += blockDim.x) {
    uint32_t key = kNoKey;
    if (i < count) {
      const int64_t index = tile.start + i;
      key = abs_key(t.base ? t.values[index] - t.base[index] : t.values[index]);
      if (key > kInfinityKey) {
        atomicMin(first_nan, static_cast<unsigned long long>(t.global_begin + index));
        key = kNoKey;
      }
    }
    keys[i] = key;
  }
  __syncthreads();
  for (int64_t e = excluded_range[0] + threadIdx.x; e < excluded_range[1]; e += blockDim.x) keys[t.excluded[e] - tile.start] = kNoKey;
  __syncthreads();
}

// One radix level: histogram of the digit (key >> shift) & (bins - 1) over keys with (key & mask) == prefix.
__global__ void histogram_kernel(const DeviceTensor* tensors, const Tile* tiles, int64_t tile_count, uint32_t mask,
                                 uint32_t prefix, int shift, int bins, unsigned long long* histogram,
                                 unsigned long long* first_nan) {
  __shared__ uint32_t keys[kTile];
  __shared__ uint32_t counts[kMaxBins];
  for (int b = threadIdx.x; b < bins; b += blockDim.x) counts[b] = 0;
  for (int64_t tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
    const Tile tl = tiles[tile];
    load_tile_keys(tensors[tl.tensor], tl, keys, first_nan);
    for (int i = threadIdx.x; i < kTile; i += blockDim.x) {
      const uint32_t key = keys[i];
      if (key != kNoKey && (key & mask) == prefix) atomicAdd(&counts[(key >> shift) & (bins - 1)], 1u);
    }
    __syncthreads();  // keys are reloaded by the next tile
  }
  for (int b = threadIdx.x; b < bins; b += blockDim.x)
    if (counts[b]) atomicAdd(&histogram[b], static_cast<unsigned long long>(counts[b]));
}

// The selection rule: key > above, or key == tie_key (only the first tie_need ties in global order).
struct Rule {
  int64_t above;
  uint32_t tie_key;
  int64_t tie_need;
};

__global__ void count_kernel(const DeviceTensor* tensors, const Tile* tiles, int64_t tile_count, Rule rule,
                             int64_t* tile_above, int64_t* tile_ties, unsigned long long* first_nan) {
  __shared__ uint32_t keys[kTile];
  __shared__ unsigned int above_count, tie_count;
  for (int64_t tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
    if (threadIdx.x == 0) above_count = tie_count = 0;
    const Tile tl = tiles[tile];
    load_tile_keys(tensors[tl.tensor], tl, keys, first_nan);
    unsigned int a = 0, q = 0;
    for (int i = threadIdx.x; i < kTile; i += blockDim.x) {
      const uint32_t key = keys[i];
      a += key != kNoKey && static_cast<int64_t>(key) > rule.above;
      q += key == rule.tie_key;
    }
    atomicAdd(&above_count, a);
    atomicAdd(&tie_count, q);
    __syncthreads();
    if (threadIdx.x == 0) {
      tile_above[tile] = above_count;
      tile_ties[tile] = tie_count;
    }
    __syncthreads();
  }
}

// Writes each tile's selected flat indices, in order, at its offset. ties_before: ties in earlier tiles.
__global__ void write_kernel(const DeviceTensor* tensors, const Tile* tiles, int64_t tile_count, Rule rule,
                             const int64_t* tile_offset, const int64_t* ties_before, int64_t* out,
                             unsigned long long* first_nan) {
  using BlockScan = cub::BlockScan<int, kThreads>;
  __shared__ typename BlockScan::TempStorage scan_storage;
  __shared__ uint32_t keys[kTile];
  for (int64_t tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
    const Tile tl = tiles[tile];
    load_tile_keys(tensors[tl.tensor], tl, keys, first_nan);
    const int first = threadIdx.x * kItems;
    int ties = 0;
    for (int j = 0; j < kItems; j++) ties += keys[first + j] == rule.tie_key;
    int tie_rank;  // ties of this tile before this thread's items
    BlockScan(scan_storage).ExclusiveSum(ties, tie_rank);
    __syncthreads();
    const int64_t tie_base = ties_before[tile] + tie_rank;
    int selected = 0, t = 0;
    for (int j = 0; j < kItems; j++) {
      const uint32_t key = keys[first + j];
      if (key == rule.tie_key) selected += tie_base + t++ < rule.tie_need;
      else selected += key != kNoKey && static_cast<int64_t>(key) > rule.above;
    }
    int offset;
    BlockScan(scan_storage).ExclusiveSum(selected, offset);
    int64_t w = tile_offset[tile] + offset;
    t = 0;
    for (int j = 0; j < kItems; j++) {
      const uint32_t key = keys[first + j];
      const bool take = key == rule.tie_key ? tie_base + t++ < rule.tie_need : key != kNoKey && static_cast<int64_t>(key) > rule.above;
      if (take) out[w++] = tl.start + first + j;
    }
    __syncthreads();  // keys and scan storage are reused by the next tile
  }
}

// First position where an index list is not strictly increasing or leaves [0, n).
__global__ void check_list_kernel(const int64_t* list, int64_t count, int64_t n, unsigned long long* first_bad) {
  for (int64_t i = blockIdx.x * static_cast<int64_t>(blockDim.x) + threadIdx.x; i < count; i += static_cast<int64_t>(gridDim.x) * blockDim.x) {
    const int64_t v = list[i];
    if (v < 0 || v >= n || (i > 0 && v <= list[i - 1])) atomicMin(first_bad, static_cast<unsigned long long>(i));
  }
}

std::string label(const dslsft_selection_tensor& t, int64_t position) {
  std::string l = "#" + std::to_string(position);
  return t.name ? "'" + std::string(t.name) + "' (" + l + ")" : l;
}

int grid_for(int64_t tiles) {
  int device = 0, sms = 1;
  cudaGetDevice(&device);
  cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device);
  return static_cast<int>(std::max<int64_t>(1, std::min<int64_t>(tiles, static_cast<int64_t>(sms) * 8)));
}

dslsft_status topk(const dslsft_selection_tensor* tensors, int32_t tensor_count, int64_t k, int64_t* out_indices, int64_t* out_counts) {
  const char* fn = "dslsft_cuda_topk_abs_diff";
  // ---- host-side checks (the lists themselves live on the device and are checked there) ----------
  DSLSFT_CHECK_NONNEG(fn, tensor_count);
  DSLSFT_CHECK_NONNEG(fn, k);
  if (tensor_count > 0) {
    DSLSFT_CHECK_PTR(fn, tensors);
    DSLSFT_CHECK_PTR(fn, out_counts);
  }
  int64_t eligible = 0, total = 0;
  for (int32_t t = 0; t < tensor_count; t++) {
    const dslsft_selection_tensor& ts = tensors[t];
    const std::string l = label(ts, t);
    if (ts.n < 0) return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: tensor %s: n must be >= 0, got %lld", fn, l.c_str(), (long long)ts.n);
    if (ts.n > 0 && !ts.values) return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: tensor %s: values is null but n = %lld", fn, l.c_str(), (long long)ts.n);
    if (ts.excluded_count < 0 || ts.excluded_count > ts.n)
      return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: tensor %s: excluded_count must be in [0, n = %lld], got %lld", fn, l.c_str(), (long long)ts.n, (long long)ts.excluded_count);
    if (ts.excluded_count > 0 && !ts.excluded)
      return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: tensor %s excluded list: index list is null but has %lld entries", fn, l.c_str(), (long long)ts.excluded_count);
    eligible += ts.n - ts.excluded_count;
    total += ts.n;
  }
  if (k > eligible)
    return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: k = %lld exceeds the %lld eligible entries of the %d tensors", fn, (long long)k, (long long)eligible, tensor_count);
  if (k > 0) DSLSFT_CHECK_PTR(fn, out_indices);
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) return fail(DSLSFT_ERR_CUDA, "%s: no CUDA device is available", fn);

  // ---- exclusion lists: strictly increasing and in range -------------------------------------------
  DeviceBuffer<unsigned long long> first_bad;
  DSLSFT_CUDA_TRY(fn, first_bad.allocate(1));
  for (int32_t t = 0; t < tensor_count; t++) {
    const dslsft_selection_tensor& ts = tensors[t];
    if (ts.excluded_count == 0) continue;
    DSLSFT_CUDA_TRY(fn, cudaMemset(first_bad.data, 0xFF, sizeof(unsigned long long)));
    check_list_kernel<<<grid_for((ts.excluded_count + kThreads - 1) / kThreads), kThreads>>>(ts.excluded, ts.excluded_count, ts.n, first_bad.data);
    DSLSFT_CUDA_TRY(fn, cudaGetLastError());
    unsigned long long bad = 0;
    DSLSFT_CUDA_TRY(fn, cudaMemcpy(&bad, first_bad.data, sizeof bad, cudaMemcpyDeviceToHost));
    if (bad != ULLONG_MAX) {
      int64_t pair[2] = {0, 0};  // the previous and the bad index
      const int64_t at = static_cast<int64_t>(bad);
      DSLSFT_CUDA_TRY(fn, cudaMemcpy(pair + (at == 0), ts.excluded + at - (at > 0), sizeof(int64_t) * (1 + (at > 0)), cudaMemcpyDeviceToHost));
      const std::string what = label(ts, t);
      if (pair[1] < 0 || pair[1] >= ts.n)
        return fail(DSLSFT_ERR_OUT_OF_RANGE, "%s: tensor %s excluded list: index %lld at position %lld is outside [0, %lld)", fn, what.c_str(), (long long)pair[1], (long long)at, (long long)ts.n);
      return fail(DSLSFT_ERR_NOT_SORTED, "%s: tensor %s excluded list: index %lld at position %lld is not greater than the previous index %lld (lists must be strictly increasing)",
                  fn, what.c_str(), (long long)pair[1], (long long)at, (long long)pair[0]);
    }
  }
  if (k == 0) {
    std::fill(out_counts, out_counts + tensor_count, 0);
    return DSLSFT_OK;
  }

  // ---- descriptors and tiles on the device --------------------------------------------------------
  std::vector<DeviceTensor> host_tensors(tensor_count);
  std::vector<Tile> host_tiles;
  std::vector<int64_t> global_begin(static_cast<size_t>(tensor_count) + 1, 0);
  for (int32_t t = 0; t < tensor_count; t++) {
    const dslsft_selection_tensor& ts = tensors[t];
    host_tensors[t] = {ts.values, ts.base, ts.excluded, ts.n, ts.excluded_count, global_begin[t]};
    global_begin[t + 1] = global_begin[t] + ts.n;
    for (int64_t start = 0; start < ts.n; start += kTile) host_tiles.push_back({start, t});
  }
  const int64_t tile_count = static_cast<int64_t>(host_tiles.size());
  DeviceBuffer<DeviceTensor> device_tensors;
  DeviceBuffer<Tile> device_tiles;
  DeviceBuffer<unsigned long long> histogram, first_nan;
  DSLSFT_CUDA_TRY(fn, device_tensors.allocate(tensor_count));
  DSLSFT_CUDA_TRY(fn, device_tiles.allocate(tile_count));
  DSLSFT_CUDA_TRY(fn, histogram.allocate(kMaxBins));
  DSLSFT_CUDA_TRY(fn, first_nan.allocate(1));
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(device_tensors.data, host_tensors.data(), sizeof(DeviceTensor) * tensor_count, cudaMemcpyHostToDevice));
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(device_tiles.data, host_tiles.data(), sizeof(Tile) * tile_count, cudaMemcpyHostToDevice));
  DSLSFT_CUDA_TRY(fn, cudaMemset(first_nan.data, 0xFF, sizeof(unsigned long long)));
  const int grid = grid_for(tile_count);

  // ---- radix levels: 11 + 11 + 9 bits of the 31-bit key -------------------------------------------
  const int shifts[3] = {20, 9, 0}, widths[3] = {11, 11, 9};
  uint32_t mask = 0, prefix = 0;
  int64_t need = k;  // entries still to select among keys matching the prefix
  Rule rule{-1, kNoTie, 0};
  bool decided = false;
  std::vector<unsigned long long> bins(kMaxBins);
  for (int level = 0; level < 3 && !decided; level++) {
    const int shift = shifts[level], width = 1 << widths[level];
    DSLSFT_CUDA_TRY(fn, cudaMemset(histogram.data, 0, sizeof(unsigned long long) * kMaxBins));
    histogram_kernel<<<grid, kThreads>>>(device_tensors.data, device_tiles.data, tile_count, mask, prefix, shift, width, histogram.data, first_nan.data);
    DSLSFT_CUDA_TRY(fn, cudaGetLastError());
    DSLSFT_CUDA_TRY(fn, cudaMemcpy(bins.data(), histogram.data, sizeof(unsigned long long) * kMaxBins, cudaMemcpyDeviceToHost));
    unsigned long long nan_at = 0;
    DSLSFT_CUDA_TRY(fn, cudaMemcpy(&nan_at, first_nan.data, sizeof nan_at, cudaMemcpyDeviceToHost));
    if (nan_at != ULLONG_MAX) {
      const int64_t g = static_cast<int64_t>(nan_at);
      const int32_t t = static_cast<int32_t>(std::upper_bound(global_begin.begin(), global_begin.end(), g) - global_begin.begin()) - 1;
      return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: tensor %s: |values - base| is NaN at flat index %lld (NaN cannot be ranked; the training run has probably diverged)",
                  fn, label(tensors[t], t).c_str(), (long long)(g - global_begin[t]));
    }
    int bin = width - 1;
    int64_t above = 0;
    while (above + static_cast<int64_t>(bins[bin]) < need) above += static_cast<int64_t>(bins[bin--]);
    need -= above;
    prefix |= static_cast<uint32_t>(bin) << shift;
    mask |= static_cast<uint32_t>(width - 1) << shift;
    if (need == static_cast<int64_t>(bins[bin])) {  // the whole bin is selected: everything >= its lowest key
      rule = {static_cast<int64_t>(prefix) - 1, kNoTie, 0};
      decided = true;
    }
  }
  if (!decided) rule = {static_cast<int64_t>(prefix), prefix, need};  // prefix is now the exact K-th key

  // ---- per-tile counts -> offsets and tie quotas -> ordered write ---------------------------------
  DeviceBuffer<int64_t> tile_above, tile_ties, tile_offset, ties_before;
  DSLSFT_CUDA_TRY(fn, tile_above.allocate(tile_count));
  DSLSFT_CUDA_TRY(fn, tile_ties.allocate(tile_count));
  DSLSFT_CUDA_TRY(fn, tile_offset.allocate(tile_count));
  DSLSFT_CUDA_TRY(fn, ties_before.allocate(tile_count));
  count_kernel<<<grid, kThreads>>>(device_tensors.data, device_tiles.data, tile_count, rule, tile_above.data, tile_ties.data, first_nan.data);
  DSLSFT_CUDA_TRY(fn, cudaGetLastError());
  std::vector<int64_t> above(tile_count), ties(tile_count), offset(tile_count), before(tile_count);
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(above.data(), tile_above.data, sizeof(int64_t) * tile_count, cudaMemcpyDeviceToHost));
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(ties.data(), tile_ties.data, sizeof(int64_t) * tile_count, cudaMemcpyDeviceToHost));
  std::fill(out_counts, out_counts + tensor_count, 0);
  int64_t written = 0, ties_so_far = 0;
  for (int64_t tile = 0; tile < tile_count; tile++) {
    const int64_t quota = std::max<int64_t>(0, std::min<int64_t>(ties[tile], rule.tie_need - ties_so_far));
    offset[tile] = written;
    before[tile] = ties_so_far;
    written += above[tile] + quota;
    ties_so_far += ties[tile];
    out_counts[host_tiles[tile].tensor] += above[tile] + quota;
  }
  if (written != k) return fail(DSLSFT_ERR_INTERNAL, "%s: selected %lld entries instead of %lld", fn, (long long)written, (long long)k);
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(tile_offset.data, offset.data(), sizeof(int64_t) * tile_count, cudaMemcpyHostToDevice));
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(ties_before.data, before.data(), sizeof(int64_t) * tile_count, cudaMemcpyHostToDevice));
  // Each tensor's list starts where the previous one ends, so a tile writes at its global offset.
  write_kernel<<<grid, kThreads>>>(device_tensors.data, device_tiles.data, tile_count, rule, tile_offset.data, ties_before.data, out_indices, first_nan.data);
  DSLSFT_CUDA_TRY(fn, cudaGetLastError());
  DSLSFT_CUDA_TRY(fn, cudaDeviceSynchronize());
  return DSLSFT_OK;
}

}  // namespace
}  // namespace dslsft::sparse::cuda

extern "C" DSLSFT_API dslsft_status dslsft_cuda_topk_abs_diff(const dslsft_selection_tensor* tensors, int32_t tensor_count,
                                                              int64_t k, int64_t* out_indices, int64_t* out_counts) {
  try {
    return dslsft::sparse::cuda::topk(tensors, tensor_count, k, out_indices, out_counts);
  } catch (const std::bad_alloc&) {
    return dslsft::fail(DSLSFT_ERR_OUT_OF_MEMORY, "dslsft_cuda_topk_abs_diff: out of host memory");
  }
}
