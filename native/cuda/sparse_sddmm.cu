// sparse_sddmm.cu: sampled dense-dense product on the device (CUDA twin of src/sparse_sddmm.cpp):
// out[k] += (A · Bᵀ)[idx[k]], A [rows, len] and B [cols, len] row-major, one warp per selected entry.
#include <algorithm>
#include "sparse_device.cuh"

namespace dslsft::sparse::cuda {
namespace {

constexpr int kThreads = 256;
constexpr int kWarp = 32;

// One warp per entry: its lanes stride over the two rows (coalesced loads), then a shuffle tree sums the lanes.
__global__ void sddmm_kernel(const float* a, const float* b, int64_t rows, int64_t cols, int64_t len,
                             const int64_t* indices, int64_t count, float* out) {
  const int lane = threadIdx.x % kWarp;
  const int64_t warps = static_cast<int64_t>(gridDim.x) * (blockDim.x / kWarp);
  // k is the same for every lane of a warp, so the whole warp takes part in each shuffle.
  for (int64_t k = (static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x) / kWarp; k < count; k += warps) {
    const int64_t index = indices[k];
    if (index < 0 || index >= rows * cols) continue;  // never read outside the operands
    const float* a_row = a + (index / cols) * len;
    const float* b_row = b + (index % cols) * len;
    float sum = 0.f;
    for (int64_t t = lane; t < len; t += kWarp) sum += a_row[t] * b_row[t];
    for (int offset = kWarp / 2; offset > 0; offset /= 2) sum += __shfl_down_sync(0xffffffffu, sum, offset);
    if (lane == 0) out[k] += sum;
  }
}

dslsft_status sddmm(const float* a, const float* b, int64_t rows, int64_t cols, int64_t len, const int64_t* indices,
                    int64_t count, float* out) {
  const char* fn = "dslsft_cuda_sddmm";
  DSLSFT_CHECK_NONNEG(fn, rows);
  DSLSFT_CHECK_NONNEG(fn, cols);
  DSLSFT_CHECK_NONNEG(fn, len);
  DSLSFT_CHECK_NONNEG(fn, count);
  if (count == 0) return DSLSFT_OK;
  DSLSFT_CHECK_PTR(fn, indices);
  DSLSFT_CHECK_PTR(fn, out);
  if (len > 0) {
    DSLSFT_CHECK_PTR(fn, a);
    DSLSFT_CHECK_PTR(fn, b);
  }
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) return fail(DSLSFT_ERR_CUDA, "%s: no CUDA device is available", fn);
  int device = 0, sms = 1;
  DSLSFT_CUDA_TRY(fn, cudaGetDevice(&device));
  DSLSFT_CUDA_TRY(fn, cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device));
  const int64_t blocks_needed = (count * kWarp + kThreads - 1) / kThreads;
  const int grid = static_cast<int>(std::min<int64_t>(blocks_needed, static_cast<int64_t>(sms) * 16));
  sddmm_kernel<<<grid, kThreads>>>(a, b, rows, cols, len, indices, count, out);
  DSLSFT_CUDA_TRY(fn, cudaGetLastError());
  DSLSFT_CUDA_TRY(fn, cudaDeviceSynchronize());
  return DSLSFT_OK;
}

}  // namespace
}  // namespace dslsft::sparse::cuda

extern "C" DSLSFT_API dslsft_status dslsft_cuda_sddmm(const float* a, const float* b, int64_t rows, int64_t cols, int64_t len,
                                                      const int64_t* indices, int64_t count, float* out) {
  return dslsft::sparse::cuda::sddmm(a, b, rows, cols, len, indices, count, out);
}
