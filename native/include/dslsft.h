/* dslsft.h: the C ABI of libdslsft_native.
 *
 * Every function that can fail returns a dslsft_status (0 = success). On failure the message is kept
 * per thread and read with dslsft_last_error(); the C# side turns it into an exception. No function
 * aborts the process on bad arguments: sizes, pointers and indices are validated first.
 *
 * Conventions: tensors are raw float/int64 pointers to contiguous memory; "flat index" means the
 * row-major offset into a tensor's contiguous buffer; counts are int64_t.
 */
#ifndef DSLSFT_H
#define DSLSFT_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define DSLSFT_API __declspec(dllexport)
#else
#define DSLSFT_API __attribute__((visibility("default")))
#endif

typedef int32_t dslsft_status;
enum {
  DSLSFT_OK = 0,
  DSLSFT_ERR_INVALID_ARGUMENT = 1, /* null pointer, negative size, inconsistent lengths */
  DSLSFT_ERR_OUT_OF_RANGE = 2,     /* an index outside its tensor */
  DSLSFT_ERR_NOT_SORTED = 3,       /* an index list that must be strictly increasing is not */
  DSLSFT_ERR_OUT_OF_MEMORY = 4,
  DSLSFT_ERR_CUDA = 5,             /* a CUDA call failed, or CUDA is not built in */
  DSLSFT_ERR_INTERNAL = 6
};

/* ---- library information ------------------------------------------------------------------------ */
DSLSFT_API const char* dslsft_version(void);       /* semantic version of the native library */
DSLSFT_API int32_t dslsft_abi_version(void);       /* bumped on any incompatible ABI change */
DSLSFT_API int32_t dslsft_has_openmp(void);        /* 1 if built with OpenMP */
DSLSFT_API int32_t dslsft_has_cuda(void);          /* 1 if CUDA kernels are compiled in */
DSLSFT_API int32_t dslsft_max_threads(void);       /* OpenMP threads a parallel region will use */
DSLSFT_API void dslsft_set_num_threads(int32_t n); /* n <= 0 restores the OpenMP default */
DSLSFT_API const char* dslsft_last_error(void);    /* message of the last failure on this thread, "" if none */

/* ---- basic memory entry points (used by the self-check and the tensor-interop tests) ------------ */
/* data[i] = value for i in [0, n). */
DSLSFT_API dslsft_status dslsft_fill_f32(float* data, int64_t n, float value);
/* data[i] = start + i * step for i in [0, n): writes a recognisable pattern into tensor memory. */
DSLSFT_API dslsft_status dslsft_iota_f32(float* data, int64_t n, float start, float step);

#ifdef __cplusplus
}
#endif

#include "dslsft_sparse.h"
#include "dslsft_kernels.h"

#endif /* DSLSFT_H */
