// sparse_device.cuh: what the CUDA sparse primitives share: error checks that become dslsft statuses,
// an owning device buffer, and the ranking key of an entry.
#pragma once
#include <cuda_runtime.h>
#include <cstdint>
#include "../src/error.hpp"

namespace dslsft::sparse::cuda {

// Returns a DSLSFT_ERR_CUDA status naming the failing call from the enclosing function.
#define DSLSFT_CUDA_TRY(fn, call)                                                                        \
  do {                                                                                                   \
    cudaError_t dslsft_cuda_error = (call);                                                              \
    if (dslsft_cuda_error != cudaSuccess)                                                                \
      return ::dslsft::fail(DSLSFT_ERR_CUDA, "%s: %s failed: %s", fn, #call, cudaGetErrorString(dslsft_cuda_error)); \
  } while (0)

// Device memory freed when it goes out of scope (every early error return included).
template <class T>
struct DeviceBuffer {
  T* data = nullptr;
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  ~DeviceBuffer() {
    if (data) cudaFree(data);
  }
  cudaError_t allocate(int64_t count) { return cudaMalloc(reinterpret_cast<void**>(&data), sizeof(T) * (count > 0 ? count : 1)); }
};

// |θ − θ0| as order-preserving integer bits (sign cleared, so -0 == +0); see sparse_common.hpp.
__device__ __forceinline__ uint32_t abs_key(float value) { return __float_as_uint(value) & 0x7FFFFFFFu; }
constexpr uint32_t kInfinityKey = 0x7F800000u;

}  // namespace dslsft::sparse::cuda
