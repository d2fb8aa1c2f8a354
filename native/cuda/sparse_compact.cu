// sparse_compact.cu: bool mask -> sorted flat index list on the device (CUDA twin of src/sparse_compact.cpp).
// A count pass gives every tile its number of hits, the host turns them into output offsets (and checks the
// capacity), and a write pass compacts each tile in order with a block scan. Output is sorted by construction.
#include <cub/block/block_scan.cuh>
#include <algorithm>
#include <vector>
#include "sparse_device.cuh"

namespace dslsft::sparse::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kItems = 16;
constexpr int kTile = kThreads * kItems;

__global__ void count_mask_kernel(const uint8_t* mask, int64_t n, int64_t tile_count, int64_t* tile_hits) {
  __shared__ unsigned int hits;
  for (int64_t tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
    if (threadIdx.x == 0) hits = 0;
    __syncthreads();
    const int64_t start = tile * kTile;
    unsigned int mine = 0;
    for (int i = threadIdx.x; i < kTile && start + i < n; i += blockDim.x) mine += mask[start + i] != 0;
    atomicAdd(&hits, mine);
    __syncthreads();
    if (threadIdx.x == 0) tile_hits[tile] = hits;
  }
}

__global__ void write_mask_kernel(const uint8_t* mask, int64_t n, int64_t tile_count, const int64_t* tile_offset, int64_t* out) {
  using BlockScan = cub::BlockScan<int, kThreads>;
  __shared__ typename BlockScan::TempStorage scan_storage;
  for (int64_t tile = blockIdx.x; tile < tile_count; tile += gridDim.x) {
    const int64_t first = tile * kTile + static_cast<int64_t>(threadIdx.x) * kItems;  // this thread's items, in order
    int hits = 0;
    for (int j = 0; j < kItems; j++) hits += first + j < n && mask[first + j] != 0;
    int offset;
    BlockScan(scan_storage).ExclusiveSum(hits, offset);
    int64_t w = tile_offset[tile] + offset;
    for (int j = 0; j < kItems; j++)
      if (first + j < n && mask[first + j] != 0) out[w++] = first + j;
    __syncthreads();  // scan storage is reused by the next tile
  }
}

dslsft_status compact_mask(const uint8_t* mask, int64_t n, int64_t* out_indices, int64_t capacity, int64_t* out_count) {
  const char* fn = "dslsft_cuda_compact_mask";
  DSLSFT_CHECK_NONNEG(fn, n);
  DSLSFT_CHECK_NONNEG(fn, capacity);
  DSLSFT_CHECK_PTR(fn, out_count);
  if (n > 0) DSLSFT_CHECK_PTR(fn, mask);
  if (capacity > 0) DSLSFT_CHECK_PTR(fn, out_indices);
  *out_count = 0;
  if (n == 0) return DSLSFT_OK;
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) return fail(DSLSFT_ERR_CUDA, "%s: no CUDA device is available", fn);

  const int64_t tile_count = (n + kTile - 1) / kTile;
  int device = 0, sms = 1;
  DSLSFT_CUDA_TRY(fn, cudaGetDevice(&device));
  DSLSFT_CUDA_TRY(fn, cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const int grid = static_cast<int>(std::min<int64_t>(tile_count, static_cast<int64_t>(sms) * 8));
  DeviceBuffer<int64_t> tile_hits, tile_offset;
  DSLSFT_CUDA_TRY(fn, tile_hits.allocate(tile_count));
  DSLSFT_CUDA_TRY(fn, tile_offset.allocate(tile_count));
  count_mask_kernel<<<grid, kThreads>>>(mask, n, tile_count, tile_hits.data);
  DSLSFT_CUDA_TRY(fn, cudaGetLastError());
  std::vector<int64_t> hits(tile_count);
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(hits.data(), tile_hits.data, sizeof(int64_t) * tile_count, cudaMemcpyDeviceToHost));
  int64_t total = 0;
  for (int64_t t = 0; t < tile_count; t++) {
    const int64_t h = hits[t];
    hits[t] = total;  // exclusive prefix sum in place
    total += h;
  }
  *out_count = total;
  if (total > capacity)
    return fail(DSLSFT_ERR_INVALID_ARGUMENT, "%s: %lld entries are selected but the output has room for %lld", fn, (long long)total, (long long)capacity);
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(tile_offset.data, hits.data(), sizeof(int64_t) * tile_count, cudaMemcpyHostToDevice));
  write_mask_kernel<<<grid, kThreads>>>(mask, n, tile_count, tile_offset.data, out_indices);
  DSLSFT_CUDA_TRY(fn, cudaGetLastError());
  DSLSFT_CUDA_TRY(fn, cudaDeviceSynchronize());
  return DSLSFT_OK;
}

}  // namespace
}  // namespace dslsft::sparse::cuda

extern "C" DSLSFT_API dslsft_status dslsft_cuda_compact_mask(const uint8_t* mask, int64_t n, int64_t* out_indices, int64_t capacity,
                                                             int64_t* out_count) {
  try {
    return dslsft::sparse::cuda::compact_mask(mask, n, out_indices, capacity, out_count);
  } catch (const std::bad_alloc&) {
    return dslsft::fail(DSLSFT_ERR_OUT_OF_MEMORY, "dslsft_cuda_compact_mask: out of host memory");
  }
}
