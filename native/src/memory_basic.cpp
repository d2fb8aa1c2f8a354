// memory_basic.cpp: the simplest writers into caller-owned memory (tensor interop checks, self-check).
#include "error.hpp"

extern "C" {

DSLSFT_API dslsft_status dslsft_fill_f32(float* data, int64_t n, float value) {
  DSLSFT_CHECK_NONNEG("dslsft_fill_f32", n);
  if (n > 0) DSLSFT_CHECK_PTR("dslsft_fill_f32", data);
#pragma omp parallel for simd schedule(static) if (n > (1 << 16))
  for (int64_t i = 0; i < n; i++) data[i] = value;
  return DSLSFT_OK;
}

DSLSFT_API dslsft_status dslsft_iota_f32(float* data, int64_t n, float start, float step) {
  DSLSFT_CHECK_NONNEG("dslsft_iota_f32", n);
  if (n > 0) DSLSFT_CHECK_PTR("dslsft_iota_f32", data);
#pragma omp parallel for simd schedule(static) if (n > (1 << 16))
  for (int64_t i = 0; i < n; i++) data[i] = start + (float)i * step;
  return DSLSFT_OK;
}

}  // extern "C"
