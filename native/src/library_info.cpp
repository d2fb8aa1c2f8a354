// library_info.cpp: version, build features, threads, and the per-thread error message.
#include <string>
#include "error.hpp"
#ifdef _OPENMP
#include <omp.h>
#endif

#ifndef DSLSFT_VERSION
#define DSLSFT_VERSION "0.0.0-dev"
#endif

namespace dslsft {

// One message per thread: a failure on one thread must not overwrite another thread's report.
static thread_local std::string last_error_message;

dslsft_status fail(dslsft_status status, const char* format, ...) {
  char buffer[1024];
  va_list args;
  va_start(args, format);
  vsnprintf(buffer, sizeof buffer, format, args);
  va_end(args);
  last_error_message = buffer;
  return status;
}

void clear_error() { last_error_message.clear(); }

}  // namespace dslsft

extern "C" {

DSLSFT_API const char* dslsft_version(void) { return DSLSFT_VERSION; }
DSLSFT_API int32_t dslsft_abi_version(void) { return 1; }

DSLSFT_API int32_t dslsft_has_openmp(void) {
#ifdef _OPENMP
  return 1;
#else
  return 0;
#endif
}

DSLSFT_API int32_t dslsft_has_cuda(void) {
#ifdef DSLSFT_WITH_CUDA
  return 1;
#else
  return 0;
#endif
}

DSLSFT_API int32_t dslsft_max_threads(void) {
#ifdef _OPENMP
  return omp_get_max_threads();
#else
  return 1;
#endif
}

DSLSFT_API void dslsft_set_num_threads(int32_t n) {
#ifdef _OPENMP
  static const int default_threads = omp_get_max_threads();
  omp_set_num_threads(n > 0 ? n : default_threads);
#else
  (void)n;
#endif
}

DSLSFT_API const char* dslsft_last_error(void) { return dslsft::last_error_message.c_str(); }

}  // extern "C"
