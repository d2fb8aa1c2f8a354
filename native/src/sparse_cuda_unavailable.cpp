// sparse_cuda_unavailable.cpp: the CUDA entry points of dslsft_sparse.h in a build without CUDA. They keep the
// C ABI identical in every build and report DSLSFT_ERR_CUDA, so callers can fall back to the CPU versions.
#include "error.hpp"

#ifndef DSLSFT_WITH_CUDA

static dslsft_status not_built(const char* fn) {
  return dslsft::fail(DSLSFT_ERR_CUDA, "%s: libdslsft_native was built without CUDA (no nvcc at build time)", fn);
}

extern "C" {

DSLSFT_API dslsft_status dslsft_cuda_topk_abs_diff(const dslsft_selection_tensor*, int32_t, int64_t, int64_t*, int64_t*) {
  return not_built("dslsft_cuda_topk_abs_diff");
}
DSLSFT_API dslsft_status dslsft_cuda_compact_mask(const uint8_t*, int64_t, int64_t*, int64_t, int64_t*) {
  return not_built("dslsft_cuda_compact_mask");
}
DSLSFT_API dslsft_status dslsft_cuda_sddmm(const float*, const float*, int64_t, int64_t, int64_t, const int64_t*, int64_t, float*) {
  return not_built("dslsft_cuda_sddmm");
}
DSLSFT_API int32_t dslsft_sparse_cuda_device_count(void) { return 0; }
DSLSFT_API dslsft_status dslsft_sparse_cuda_alloc(void** out_pointer, int64_t) {
  if (out_pointer) *out_pointer = nullptr;
  return not_built("dslsft_sparse_cuda_alloc");
}
DSLSFT_API dslsft_status dslsft_sparse_cuda_free(void* pointer) {
  return pointer ? not_built("dslsft_sparse_cuda_free") : DSLSFT_OK;
}
DSLSFT_API dslsft_status dslsft_sparse_cuda_copy(void*, const void*, int64_t, int32_t) {
  return not_built("dslsft_sparse_cuda_copy");
}

}  // extern "C"

#endif  // !DSLSFT_WITH_CUDA
