// sparse_cuda_memory.cu: device count, allocation and copies for callers without a CUDA runtime of their own
// (the native tests compare CUDA results with CPU results through these).
#include "sparse_device.cuh"

extern "C" {

DSLSFT_API int32_t dslsft_sparse_cuda_device_count(void) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return devices;
}

DSLSFT_API dslsft_status dslsft_sparse_cuda_alloc(void** out_pointer, int64_t bytes) {
  const char* fn = "dslsft_sparse_cuda_alloc";
  DSLSFT_CHECK_PTR(fn, out_pointer);
  DSLSFT_CHECK_NONNEG(fn, bytes);
  *out_pointer = nullptr;
  DSLSFT_CUDA_TRY(fn, cudaMalloc(out_pointer, bytes > 0 ? bytes : 1));
  return DSLSFT_OK;
}

DSLSFT_API dslsft_status dslsft_sparse_cuda_free(void* pointer) {
  DSLSFT_CUDA_TRY("dslsft_sparse_cuda_free", cudaFree(pointer));
  return DSLSFT_OK;
}

DSLSFT_API dslsft_status dslsft_sparse_cuda_copy(void* destination, const void* source, int64_t bytes, int32_t to_device) {
  const char* fn = "dslsft_sparse_cuda_copy";
  DSLSFT_CHECK_NONNEG(fn, bytes);
  if (bytes == 0) return DSLSFT_OK;
  DSLSFT_CHECK_PTR(fn, destination);
  DSLSFT_CHECK_PTR(fn, source);
  DSLSFT_CUDA_TRY(fn, cudaMemcpy(destination, source, bytes, to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost));
  return DSLSFT_OK;
}

}  // extern "C"
